"""What an import did: new, updated and unchanged rows per entity, and what was quarantined."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Counts", "ImportSummary"]


@dataclass
class Counts:
    """New, updated and unchanged rows of one entity."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        """All rows seen."""
        return self.new + self.updated + self.unchanged

    def add(self, other: Counts) -> None:
        """Add ``other``'s counts to these."""
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged

    def to_dict(self) -> dict[str, int]:
        """``{"new": .., "updated": .., "unchanged": ..}``."""
        return {"new": self.new, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class ImportSummary:
    """What an import did, per entity; :attr:`exit_code` is non-zero when anything was quarantined."""

    conversations: Counts = field(default_factory=Counts)
    messages: Counts = field(default_factory=Counts)
    surveys: Counts = field(default_factory=Counts)
    accounts_created: int = 0
    contacts_created: int = 0
    quarantined: int = 0
    records: int = 0

    @property
    def exit_code(self) -> int:
        """0 when every record was stored, 1 when some went to quarantine."""
        return 1 if self.quarantined else 0

    def merge(self, other: ImportSummary) -> None:
        """Add ``other`` (another file of the same import) to this summary."""
        self.conversations.add(other.conversations)
        self.messages.add(other.messages)
        self.surveys.add(other.surveys)
        self.accounts_created += other.accounts_created
        self.contacts_created += other.contacts_created
        self.quarantined += other.quarantined
        self.records += other.records

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain JSON-able data."""
        return {
            "records": self.records,
            "conversations": self.conversations.to_dict(),
            "messages": self.messages.to_dict(),
            "surveys": self.surveys.to_dict(),
            "accounts_created": self.accounts_created,
            "contacts_created": self.contacts_created,
            "quarantined": self.quarantined,
        }
