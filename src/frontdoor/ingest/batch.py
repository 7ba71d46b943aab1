"""One prepared batch: the records of one transaction, checked and normalized, no database.

:mod:`frontdoor.ingest.prepare` fills a :class:`Batch` from adapter records; the writers
(:mod:`frontdoor.ingest.store_conversations`, :mod:`frontdoor.ingest.store_surveys`) store it.
What is hashed here is what the store compares to tell *new*, *updated* and *unchanged*.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from frontdoor.integrations.base import AccountRef, ContactRef, SurveyRecord
from frontdoor.models import AuthorKind, Channel, ConversationStatus

__all__ = [
    "BadInput",
    "Batch",
    "PreparedConversation",
    "PreparedMessage",
    "PreparedSurvey",
    "Rejected",
    "attrs_json",
    "digest",
    "json_safe",
]


class BadInput(Exception):
    """A record the pipeline cannot store; its message is the quarantine reason."""


def digest(*parts: object) -> str:
    """The content hash of a row: BLAKE2b of the parts joined by a unit separator."""
    h = hashlib.blake2b(digest_size=16)
    h.update("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def attrs_json(attrs: dict[str, Any] | None) -> str:
    """``attrs`` as canonical JSON for hashing (empty text when there are none)."""
    if not attrs:
        return ""
    return json.dumps(attrs, sort_keys=True, ensure_ascii=False, default=str)


def json_safe(attrs: Any) -> dict[str, Any]:
    """``attrs`` as the JSON column gives it back, or raise :class:`BadInput`."""
    if not attrs:
        return {}
    if not isinstance(attrs, dict):
        raise BadInput("attributes must be a mapping")
    # Round-trip so what is hashed is what the JSON column gives back.
    out: dict[str, Any] = json.loads(json.dumps(attrs, ensure_ascii=False, default=str))
    return out


@dataclass(slots=True)
class PreparedMessage:
    """A message ready to store: normalized, redacted, its language counted and hashed."""

    external_id: str
    author_kind: AuthorKind
    author_name: str
    author: ContactRef | None
    is_internal: bool
    text: str
    truncated: bool
    language: str | None
    hangul: int
    latin: int
    sent_at: dt.datetime
    attributes: dict[str, Any]
    content_hash: str


@dataclass(slots=True)
class PreparedConversation:
    """A conversation ready to store, with the messages this batch holds for it."""

    external_id: str
    channel: Channel
    subject: str
    status: ConversationStatus
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    contact: ContactRef | None
    account: AccountRef | None
    attributes: dict[str, Any]
    position: str
    messages: dict[str, PreparedMessage]


@dataclass(slots=True)
class PreparedSurvey:
    """A survey answer whose kind, score and scale were checked."""

    rec: SurveyRecord
    comment: str
    responded_at: dt.datetime


@dataclass(slots=True)
class Rejected:
    """A record the pipeline could not store: where it was, its bounded raw form and why."""

    position: str
    raw: str
    reason: str


@dataclass
class Batch:
    """The records of one transaction, by external id, and those rejected on the way."""

    convs: dict[str, PreparedConversation] = field(default_factory=dict)
    surveys: dict[str, PreparedSurvey] = field(default_factory=dict)
    bad: list[Rejected] = field(default_factory=list)
    records: int = 0
    messages: int = 0
