"""The one narrow contract every source adapter implements.

An adapter turns one input (a file, an API page, a webhook body) into a stream of
records. It never touches the database: the ingest pipeline
(:mod:`frontdoor.ingest.pipeline`) normalizes, resolves identities, upserts and
quarantines. A record an adapter cannot parse is yielded as :class:`BadRecord` with
its position, raw payload and reason; the rest of the input goes on. Only an input
that cannot be read at all raises :class:`~frontdoor.core.errors.AdapterError`.

Records carry the *source's* ids (``external_id``); identity resolution maps them
to accounts and contacts. A :class:`ConversationRecord` may hold only some of a
conversation's messages (a webhook delivers one at a time): the pipeline merges them
into what is stored and never deletes messages that a record does not mention.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

from frontdoor.core.domain import AuthorKind, Channel, ConversationStatus, SurveyKind


@dataclass
class AccountRef:
    """What a source says about the customer company."""

    external_id: str | None = None
    name: str | None = None
    domain: str | None = None
    plan: str | None = None
    segment: str | None = None
    arr: int | None = None
    currency: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class ContactRef:
    """What a source says about a person on the customer side."""

    external_id: str | None = None
    member_id: str | None = None
    email: str | None = None
    name: str | None = None
    phone: str | None = None
    title: str | None = None
    is_decision_maker: bool | None = None
    language: str | None = None
    account: AccountRef | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class MessageRecord:
    """One message. ``text`` is raw: the pipeline normalizes and redacts it."""

    external_id: str
    author_kind: AuthorKind
    text: str
    sent_at: dt.datetime
    author_name: str = ""
    author: ContactRef | None = None
    is_internal: bool = False
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class ConversationRecord:
    """One conversation (thread) with some or all of its messages."""

    external_id: str
    channel: Channel
    opened_at: dt.datetime
    messages: list[MessageRecord] = field(default_factory=list)
    subject: str = ""
    status: ConversationStatus = ConversationStatus.OPEN
    closed_at: dt.datetime | None = None
    contact: ContactRef | None = None
    account: AccountRef | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    position: str = ""


@dataclass
class SurveyRecord:
    """One survey answer with the scale its score was given on."""

    external_id: str
    kind: SurveyKind
    score: float
    scale_min: int
    scale_max: int
    responded_at: dt.datetime
    comment: str = ""
    contact: ContactRef | None = None
    account: AccountRef | None = None
    conversation_external_id: str | None = None
    team: str | None = None
    agent: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    position: str = ""


@dataclass
class BadRecord:
    """A record that could not be parsed: quarantined with its reason."""

    position: str
    raw: str
    reason: str


Record = ConversationRecord | SurveyRecord | BadRecord


@runtime_checkable
class Adapter(Protocol):
    """A source adapter: one ``kind`` key, one ``read`` method.

    Attributes
    ----------
    kind : str
        Registry key and CLI name (``frontdoor import KIND``).
    channel : Channel
        The channel conversations from this adapter get by default.
    summary : str
        One line for ``frontdoor import --help``.
    help : str
        Longer help: accepted files, options, an example.
    """

    kind: ClassVar[str]
    channel: ClassVar[Channel]
    summary: ClassVar[str]
    help: ClassVar[str]

    def read(self, path: Path, *, options: Mapping[str, str]) -> Iterator[Record]:
        """Stream records from ``path``; bad records are yielded as :class:`BadRecord`."""
        ...


def raw_excerpt(raw: object, limit: int = 20000) -> str:
    """A bounded text form of a raw payload for quarantine."""
    text = raw if isinstance(raw, str) else repr(raw)
    return text if len(text) <= limit else text[:limit] + "…[truncated]"


@runtime_checkable
class RetryableAdapter(Adapter, Protocol):
    """An adapter that can parse one quarantined record again (optional extension).

    Quarantine keeps each bad record's raw payload (``BadRecord.raw``). An adapter that
    also implements ``parse_raw`` lets ``frontdoor quarantine retry`` re-parse that
    payload (after the user fixed it, or with corrected options) and send the result
    through the pipeline. ``raw`` is exactly what the adapter put in ``BadRecord.raw``,
    so each adapter chooses a raw form it can read back (a JSON line, a row as a JSON
    object, an email message). Adapters without it keep working; their quarantined
    records can only be resolved, not retried.
    """

    def parse_raw(self, raw: str, *, options: Mapping[str, str], position: str = "") -> Iterator[Record]:
        """Parse one raw record as ``read`` would; bad input is yielded as :class:`BadRecord`."""
        ...
