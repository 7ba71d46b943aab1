"""Which column holds which field: the defaults and aliases, ``map.*`` options, time zones, timestamps."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from typing import Any

from frontdoor.core.domain import AuthorKind, Channel, ConversationStatus
from frontdoor.core.errors import AdapterError
from frontdoor.integrations._common import EPOCH

__all__ = [
    "DEFAULT_COLUMNS",
    "REQUIRED",
    "STATUSES",
    "TRUE_WORDS",
    "Fields",
    "RowError",
    "author_kind",
    "parse_time",
]

DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "conversation_id": ("conversation_id", "conversation", "thread_id", "ticket_id", "chat_id"),
    "message_id": ("message_id", "msg_id"),
    "created_at": ("created_at", "sent_at", "timestamp", "time", "date"),
    "text": ("text", "body", "message", "content"),
    "author_kind": ("author_kind", "author_type", "role", "sender_type"),
    "author_name": ("author_name", "author", "sender", "name"),
    "email": ("email", "author_email", "customer_email"),
    "member_id": ("member_id", "user_id", "customer_id"),
    "contact_id": ("contact_id",),
    "company": ("company", "account", "account_name", "organization"),
    "account_id": ("account_id", "company_id"),
    "domain": ("domain", "company_domain", "website"),
    "subject": ("subject", "title"),
    "channel": ("channel",),
    "status": ("status", "state"),
    "internal": ("internal", "is_internal", "private"),
    "plan": ("plan",),
    "segment": ("segment",),
}
REQUIRED = ("conversation_id", "created_at", "text")

_AUTHOR_KINDS: dict[str, AuthorKind] = {}
for _kind, _words in {
    AuthorKind.CUSTOMER: "customer user member lead client contact end-user end_user enduser requester "
    "visitor 고객 사용자 회원",
    AuthorKind.AGENT: "agent manager staff admin support operator csm 상담사 상담원 매니저 직원 담당자",
    AuthorKind.BOT: "bot automation 봇 챗봇",
    AuthorKind.SYSTEM: "system log event 시스템",
}.items():
    for _w in _words.split():
        _AUTHOR_KINDS[_w] = _kind

# Status words of common exports (English and Korean).
STATUSES: dict[str, ConversationStatus] = {
    "open": ConversationStatus.OPEN,
    "opened": ConversationStatus.OPEN,
    "new": ConversationStatus.OPEN,
    "pending": ConversationStatus.SNOOZED,
    "snoozed": ConversationStatus.SNOOZED,
    "hold": ConversationStatus.SNOOZED,
    "closed": ConversationStatus.CLOSED,
    "resolved": ConversationStatus.CLOSED,
    "solved": ConversationStatus.CLOSED,
    "종료": ConversationStatus.CLOSED,
    "진행중": ConversationStatus.OPEN,
    "보류": ConversationStatus.SNOOZED,
}
# What an "internal" cell says to mark a private note.
TRUE_WORDS = {"1", "true", "yes", "y", "t", "internal", "private", "note"}


class RowError(Exception):
    """One row cannot be read; the message is the quarantine reason."""


class Fields:
    """Field -> column lookup for one input, from the defaults and ``map.*`` options."""

    def __init__(self, options: Mapping[str, str]) -> None:
        self.overrides: dict[str, str] = {}
        for key, value in options.items():
            if key.startswith("map."):
                field = key[4:]
                if field not in DEFAULT_COLUMNS:
                    raise AdapterError(
                        f"unknown field {field!r} in --map; fields: {', '.join(DEFAULT_COLUMNS)}"
                    )
                self.overrides[field] = value
        tz_name = options.get("tz", "UTC") or "UTC"
        try:
            self.tz: dt.tzinfo = dt.UTC if tz_name.upper() == "UTC" else zoneinfo.ZoneInfo(tz_name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise AdapterError(f"unknown time zone {tz_name!r} in --option tz") from None
        try:
            self.channel = Channel(options.get("channel", "chat") or "chat")
        except ValueError:
            raise AdapterError(
                f"unknown channel {options.get('channel')!r}; "
                f"choose one of: {', '.join(c.value for c in Channel)}"
            ) from None
        self.columns: dict[str, str] = {}
        self._cache: dict[tuple[str, ...], dict[str, str]] = {}
        self._last_row: Mapping[str, Any] | None = None
        self._last_cols: dict[str, str] = {}

    def bind(self, keys: list[str]) -> None:
        """Pick each field's column among ``keys`` (a CSV header)."""
        self.columns = self._pick(set(keys), header=True)
        missing = [f for f in REQUIRED if f not in self.columns]
        if missing:
            hint = ", ".join(f"{f} (or --map {f}=COLUMN)" for f in missing)
            raise AdapterError(f"missing column(s): {hint}; found: {', '.join(keys)}")

    def get(self, row: Mapping[str, Any], field: str) -> Any:
        """The row's value for ``field`` (for JSON objects, columns are looked up per key set)."""
        col = self.columns.get(field)
        if col is not None:
            return row.get(col)
        if self.columns:
            return None
        if row is self._last_row:
            cols = self._last_cols
        else:
            cols = self._last_cols = self._object_columns(row)
            self._last_row = row
        return row.get(cols.get(field, "\x00"))

    def _pick(self, present: set[str], *, header: bool) -> dict[str, str]:
        """Field -> column among ``present``: the ``map.*`` column, else the first alias there.

        A mapped column missing from a CSV ``header`` leaves the field unset (the header
        check names it); a JSON object's mapped key is kept, since other lines may have it.
        """
        found: dict[str, str] = {}
        for field, names in DEFAULT_COLUMNS.items():
            if field in self.overrides:
                if not header or self.overrides[field] in present:
                    found[field] = self.overrides[field]
                continue
            for name in names:
                if name in present:
                    found[field] = name
                    break
        return found

    def _object_columns(self, row: Mapping[str, Any]) -> dict[str, str]:
        # JSON objects of one export share a few key sets: resolve aliases once per set.
        keys = tuple(row)
        found = self._cache.get(keys)
        if found is None:
            found = self._pick(set(keys), header=False)
            if len(self._cache) > 1000:
                self._cache.clear()
            self._cache[keys] = found
        return found

    def text(self, row: Mapping[str, Any], field: str) -> str:
        """The row's value for ``field`` as stripped text (``""`` when absent)."""
        value = self.get(row, field)
        if value is None:
            return ""
        return value.strip() if isinstance(value, str) else str(value).strip()


def parse_time(value: Any, tz: dt.tzinfo) -> dt.datetime:
    """ISO-8601, or epoch seconds/milliseconds (numbers above 10^11 are milliseconds)."""
    if isinstance(value, bool) or value is None or value == "":
        raise RowError("timestamp is missing")
    number: float | None = None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        v = value.strip()
        if v.replace(".", "", 1).isdigit():
            number = float(v)
        else:
            try:
                parsed = dt.datetime.fromisoformat(v)
            except ValueError:
                raise RowError(
                    f"timestamp {v[:40]!r} is not ISO-8601 or epoch seconds/milliseconds"
                ) from None
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=tz)
            return parsed.astimezone(dt.UTC)
    else:
        raise RowError(f"timestamp has type {type(value).__name__}")
    if number > 1e11:
        number /= 1000.0
    try:
        return EPOCH + dt.timedelta(seconds=number)
    except OverflowError:
        raise RowError(f"timestamp {value!r} is out of range") from None


def author_kind(value: str) -> AuthorKind:
    """The author kind a cell names (English or Korean words); customer when empty."""
    if not value:
        return AuthorKind.CUSTOMER
    kind = _AUTHOR_KINDS.get(value.strip().lower())
    if kind is None:
        raise RowError(f"unknown author kind {value[:40]!r} (customer, agent, bot or system)")
    return kind
