"""Generic CSV and JSONL adapters: conversations and messages from any export.

One row (CSV) or one JSON object per line (JSONL) is one message. Rows with the same
``conversation_id`` form a conversation; consecutive rows are grouped, and rows of one
conversation spread over the file are merged by the pipeline. JSONL lines may also hold
a whole conversation (an object with a ``messages`` list) or a survey answer
(``"type": "survey"``). See ``docs/ingest-csv.md`` for the full column reference.

Columns (canonical name first, then the aliases looked up when it is absent):

=================  =====================================================  ========
field              default column names                                   required
=================  =====================================================  ========
conversation_id    conversation_id, conversation, thread_id, ticket_id,   yes
                   chat_id
message_id         message_id, msg_id  (absent: ``<conversation>#<n>``)   no
created_at         created_at, sent_at, timestamp, time, date             yes
text               text, body, message, content                           yes
author_kind        author_kind, author_type, role, sender_type            no
author_name        author_name, author, sender, name                      no
email              email, author_email, customer_email                    no
member_id          member_id, user_id, customer_id                        no
contact_id         contact_id                                             no
company            company, account, account_name, organization           no
account_id         account_id, company_id                                 no
domain             domain, company_domain, website                        no
subject            subject, title                                         no
channel            channel                                                no
status             status, state                                          no
internal           internal, is_internal, private                         no
plan, segment      plan / segment                                         no
=================  =====================================================  ========

Options (``--option KEY=VALUE``): ``map.FIELD=COLUMN`` maps a field to your column
(``--map text=body`` is the short form), ``tz`` the zone of timestamps without an offset
(default ``UTC``), ``channel`` the default channel (``chat``), and for CSV ``encoding``
(default ``utf-8-sig``; ``cp949`` for Korean Excel exports) and ``delimiter`` (``,``;
``tab`` for TSV). Timestamps are ISO-8601 or epoch seconds or milliseconds.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import zoneinfo
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from frontdoor.core.errors import AdapterError
from frontdoor.integrations.base import (
    AccountRef,
    BadRecord,
    ContactRef,
    ConversationRecord,
    MessageRecord,
    Record,
    SurveyRecord,
    raw_excerpt,
)
from frontdoor.models import AuthorKind, Channel, ConversationStatus, SurveyKind

__all__ = ["DEFAULT_COLUMNS", "CsvAdapter", "JsonlAdapter"]

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

_STATUS: dict[str, ConversationStatus] = {
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
_TRUE = {"1", "true", "yes", "y", "t", "internal", "private", "note"}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class RowError(Exception):
    """One row cannot be read; the message is the quarantine reason."""


class _Fields:
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
        present = set(keys)
        self.columns = {}
        for field, names in DEFAULT_COLUMNS.items():
            if field in self.overrides:
                if self.overrides[field] in present:
                    self.columns[field] = self.overrides[field]
                continue
            for name in names:
                if name in present:
                    self.columns[field] = name
                    break
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

    def _object_columns(self, row: Mapping[str, Any]) -> dict[str, str]:
        # JSON objects of one export share a few key sets: resolve aliases once per set.
        keys = tuple(row)
        found = self._cache.get(keys)
        if found is None:
            present = set(keys)
            found = {}
            for field, names in DEFAULT_COLUMNS.items():
                if field in self.overrides:
                    found[field] = self.overrides[field]
                    continue
                for name in names:
                    if name in present:
                        found[field] = name
                        break
            if len(self._cache) > 1000:
                self._cache.clear()
            self._cache[keys] = found
        return found

    def text(self, row: Mapping[str, Any], field: str) -> str:
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
        return _EPOCH + dt.timedelta(seconds=number)
    except OverflowError:
        raise RowError(f"timestamp {value!r} is out of range") from None


def _author_kind(value: str) -> AuthorKind:
    if not value:
        return AuthorKind.CUSTOMER
    kind = _AUTHOR_KINDS.get(value.strip().lower())
    if kind is None:
        raise RowError(f"unknown author kind {value[:40]!r} (customer, agent, bot or system)")
    return kind


class _RowReader:
    """Turns message rows into conversation records, grouping consecutive rows."""

    def __init__(self, fields: _Fields) -> None:
        self.f = fields
        self.counters: dict[str, int] = {}

    def contact(self, row: Mapping[str, Any]) -> ContactRef | None:
        f = self.f
        email, member, cid = f.text(row, "email"), f.text(row, "member_id"), f.text(row, "contact_id")
        company, account_id, domain = f.text(row, "company"), f.text(row, "account_id"), f.text(row, "domain")
        account = None
        if company or account_id or domain:
            account = AccountRef(
                external_id=account_id or None,
                name=company or None,
                domain=domain or None,
                plan=f.text(row, "plan") or None,
                segment=f.text(row, "segment") or None,
            )
        if not (email or member or cid or account):
            return None
        return ContactRef(
            external_id=cid or None,
            member_id=member or None,
            email=email or None,
            name=f.text(row, "author_name") or None,
            account=account,
        )

    def message(self, row: Mapping[str, Any], conv_key: str) -> MessageRecord:
        f = self.f
        text = f.get(row, "text")
        if text is None:
            text = ""
        elif not isinstance(text, str):
            text = str(text)
        kind = _author_kind(f.text(row, "author_kind"))
        mid = f.text(row, "message_id")
        if not mid:
            # No message ids in the file: the position within the conversation is stable
            # across re-imports of the same file.
            n = self.counters.get(conv_key, 0) + 1
            self.counters[conv_key] = n
            mid = f"{conv_key}#{n}"
        internal = f.text(row, "internal").lower() in _TRUE
        return MessageRecord(
            external_id=mid,
            author_kind=kind,
            text=text,
            sent_at=parse_time(f.get(row, "created_at"), f.tz),
            author_name=f.text(row, "author_name"),
            is_internal=internal,
        )

    def conversation(
        self, row: Mapping[str, Any], key: str, opened: dt.datetime, position: str
    ) -> ConversationRecord:
        f = self.f
        channel_raw = f.text(row, "channel").lower()
        try:
            channel = Channel(channel_raw) if channel_raw else f.channel
        except ValueError:
            channel = Channel.OTHER
        status = _STATUS.get(f.text(row, "status").lower(), ConversationStatus.OPEN)
        return ConversationRecord(
            external_id=key,
            channel=channel,
            opened_at=opened,
            subject=f.text(row, "subject"),
            status=status,
            position=position,
        )

    def rows(self, rows: Iterator[tuple[str, str, Mapping[str, Any] | None, str]]) -> Iterator[Record]:
        """Group ``(position, raw, row, error)`` tuples into records."""
        current: ConversationRecord | None = None
        for position, raw, row, error in rows:
            if row is None:
                yield BadRecord(position=position, raw=raw_excerpt(raw), reason=error)
                continue
            try:
                key = self.f.text(row, "conversation_id")
                if not key:
                    raise RowError("conversation_id is empty")
                msg = self.message(row, key)
            except RowError as exc:
                yield BadRecord(position=position, raw=raw_excerpt(raw), reason=str(exc))
                continue
            if current is None or current.external_id != key:
                if current is not None:
                    yield current
                current = self.conversation(row, key, msg.sent_at, position)
            self._absorb(current, row, msg)
        if current is not None:
            yield current

    def _absorb(self, conv: ConversationRecord, row: Mapping[str, Any], msg: MessageRecord) -> None:
        conv.messages.append(msg)
        if msg.sent_at < conv.opened_at:
            conv.opened_at = msg.sent_at
        if not conv.subject:
            conv.subject = self.f.text(row, "subject")
        if msg.author_kind == AuthorKind.CUSTOMER:
            who = self.contact(row)
            if who is not None:
                if conv.contact is None:
                    conv.contact = who
                elif (who.email, who.member_id, who.external_id) != (
                    conv.contact.email,
                    conv.contact.member_id,
                    conv.contact.external_id,
                ):
                    msg.author = who
        status = self.f.text(row, "status").lower()
        if status in _STATUS:
            conv.status = _STATUS[status]


class _TabularBase:
    channel: ClassVar[Channel] = Channel.OTHER

    def _object_records(self, obj: Any, position: str, raw: str, reader: _RowReader) -> Iterator[Record]:
        """Records from one JSON object: a survey, a whole conversation, or a message row."""
        if not isinstance(obj, dict):
            yield BadRecord(position=position, raw=raw_excerpt(raw), reason="line is not a JSON object")
            return
        try:
            if str(obj.get("type", "")).lower() == "survey":
                yield _survey(obj, reader.f, position)
            elif isinstance(obj.get("messages"), list):
                yield _nested_conversation(obj, reader, position)
            else:
                yield from reader.rows(iter([(position, raw, obj, "")]))
        except RowError as exc:
            yield BadRecord(position=position, raw=raw_excerpt(raw), reason=str(exc))


def _nested_conversation(obj: dict[str, Any], reader: _RowReader, position: str) -> ConversationRecord:
    f = reader.f
    key = f.text(obj, "conversation_id") or str(obj.get("id", "") or "").strip()
    if not key:
        raise RowError("conversation_id is empty")
    messages: list[MessageRecord] = []
    contact = reader.contact(obj)
    for i, m in enumerate(obj["messages"]):
        if not isinstance(m, dict):
            raise RowError(f"message {i + 1} is not an object")
        if "message_id" not in m and "id" in m and f.columns.get("message_id") is None:
            m = {**m, "message_id": m["id"]}
        try:
            msg = reader.message(m, key)
        except RowError as exc:
            raise RowError(f"message {i + 1}: {exc}") from None
        if msg.author_kind == AuthorKind.CUSTOMER:
            who = reader.contact(m)
            if who is not None:
                if contact is None:
                    contact = who
                elif who.email != contact.email or who.member_id != contact.member_id:
                    msg.author = who
        messages.append(msg)
    opened_raw = f.get(obj, "created_at") or obj.get("opened_at")
    if opened_raw not in (None, ""):
        opened = parse_time(opened_raw, f.tz)
    elif messages:
        opened = min(m.sent_at for m in messages)
    else:
        raise RowError("conversation has neither created_at nor messages")
    conv = reader.conversation(obj, key, opened, position)
    closed_raw = obj.get("closed_at")
    if closed_raw not in (None, ""):
        conv.closed_at = parse_time(closed_raw, f.tz)
    conv.messages = messages
    conv.contact = contact
    return conv


def _survey(obj: dict[str, Any], f: _Fields, position: str) -> SurveyRecord:
    ext = str(obj.get("survey_id") or obj.get("id") or "").strip()
    if not ext:
        raise RowError("survey id is empty (survey_id or id)")
    try:
        kind = SurveyKind(str(obj.get("kind", "")).lower())
    except ValueError:
        raise RowError(f"survey kind {obj.get('kind')!r} is not nps, csat or ces") from None
    default_scale = {SurveyKind.NPS: (0, 10), SurveyKind.CSAT: (1, 5), SurveyKind.CES: (1, 7)}[kind]
    try:
        score = float(obj["score"])
        lo = int(obj.get("scale_min", default_scale[0]))
        hi = int(obj.get("scale_max", default_scale[1]))
    except (KeyError, TypeError, ValueError):
        raise RowError("survey score and scale must be numbers") from None
    reader = _RowReader(f)
    contact = reader.contact(obj)
    return SurveyRecord(
        external_id=ext,
        kind=kind,
        score=score,
        scale_min=lo,
        scale_max=hi,
        responded_at=parse_time(obj.get("responded_at") or f.get(obj, "created_at"), f.tz),
        comment=str(obj.get("comment") or ""),
        contact=contact,
        account=contact.account if contact else None,
        conversation_external_id=(str(obj["conversation_id"]) if obj.get("conversation_id") else None),
        team=obj.get("team"),
        agent=obj.get("agent"),
        position=position,
    )


class CsvAdapter(_TabularBase):
    """Conversations and messages from a CSV file, one message per row."""

    kind: ClassVar[str] = "csv"
    channel: ClassVar[Channel] = Channel.CHAT
    summary: ClassVar[str] = "Generic CSV: one message per row (conversation_id, created_at, text ...)."
    help: ClassVar[str] = (
        "Import a CSV export with one message per row. Required columns: conversation_id, created_at, "
        "text; optional: message_id, author_kind, author_name, email, member_id, company, domain, subject, "
        "channel, status (see docs/ingest-csv.md for aliases).\n\n"
        "Options: --map FIELD=COLUMN to use your column names, --option tz=Asia/Seoul for timestamps "
        "without an offset, --option encoding=cp949 for Korean Excel exports, --option delimiter=tab.\n\n"
        "Example: frontdoor import csv chats.csv --map text=body --option tz=Asia/Seoul"
    )

    def read(self, path: Path, *, options: Mapping[str, str]) -> Iterator[Record]:
        """Stream records from a CSV file (bad rows become BadRecord)."""
        fields = _Fields(options)
        encoding = options.get("encoding", "utf-8-sig") or "utf-8-sig"
        delimiter = options.get("delimiter", ",") or ","
        delimiter = {"tab": "\t", "\\t": "\t", "semicolon": ";"}.get(delimiter, delimiter)
        if len(delimiter) != 1:
            raise AdapterError("--option delimiter must be one character (or 'tab')")
        # Long message bodies are legal; the pipeline bounds them.
        csv.field_size_limit(64 * 1024 * 1024)
        try:
            handle = path.open("r", encoding=encoding, newline="")
        except LookupError:
            raise AdapterError(f"unknown encoding {encoding!r}") from None
        except OSError as exc:
            raise AdapterError(f"cannot read {path}: {exc.strerror or exc}") from None
        with handle:
            reader = csv.reader(handle, delimiter=delimiter)
            try:
                header = next(reader, None)
            except (UnicodeDecodeError, csv.Error) as exc:
                raise AdapterError(f"{path}: cannot read the header: {exc}") from None
            if not header:
                raise AdapterError(f"{path} is empty (no header row)")
            header = [h.strip() for h in header]
            fields.bind(header)
            rows = _RowReader(fields)
            yield from rows.rows(self._rows(reader, header, path))

    @staticmethod
    def _rows(
        reader: Any, header: list[str], path: Path
    ) -> Iterator[tuple[str, str, Mapping[str, Any] | None, str]]:
        width = len(header)
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise AdapterError(
                    f"{path}: not {exc.encoding} text near byte {exc.start}; try --option encoding=cp949"
                ) from None
            except csv.Error as exc:
                raise AdapterError(f"{path}: line {reader.line_num}: {exc}") from None
            position = f"line {reader.line_num}"
            if not values or (len(values) == 1 and not values[0].strip()):
                continue
            row = dict(zip(header, values, strict=False))
            raw = json.dumps(row, ensure_ascii=False)
            if len(values) > width:
                yield position, raw, None, f"row has {len(values)} cells, the header {width}"
                continue
            yield position, raw, row, ""

    def parse_raw(self, raw: str, *, options: Mapping[str, str], position: str = "") -> Iterator[Record]:
        """Re-parse one quarantined row (stored as a JSON object of column -> value)."""
        fields = _Fields(options)
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield BadRecord(position=position, raw=raw_excerpt(raw), reason=f"not a JSON row: {exc}")
            return
        if not isinstance(row, dict):
            yield BadRecord(position=position, raw=raw_excerpt(raw), reason="not a JSON object")
            return
        try:
            fields.bind(list(row))
        except AdapterError as exc:
            yield BadRecord(position=position, raw=raw_excerpt(raw), reason=str(exc))
            return
        yield from _RowReader(fields).rows(iter([(position, raw, row, "")]))


class JsonlAdapter(_TabularBase):
    """Conversations, messages and surveys from JSON Lines, one object per line."""

    kind: ClassVar[str] = "jsonl"
    channel: ClassVar[Channel] = Channel.CHAT
    summary: ClassVar[str] = "Generic JSON Lines: one message, conversation or survey per line."
    help: ClassVar[str] = (
        "Import JSON Lines. Each line is one of: a message row (the CSV columns as keys), a conversation "
        '({"conversation_id", "subject", "email", "company", ..., "messages": [{"message_id", '
        '"created_at", "author_kind", "text"}]}), or a survey ({"type": "survey", "survey_id", "kind": '
        '"nps|csat|ces", "score", "scale_min", "scale_max", "comment", "created_at", "conversation_id"}).\n\n'
        "Options: --map FIELD=KEY, --option tz=Asia/Seoul, --option channel=email. "
        "See docs/ingest-csv.md.\n\nExample: frontdoor import jsonl export.jsonl --source crm"
    )

    def read(self, path: Path, *, options: Mapping[str, str]) -> Iterator[Record]:
        """Stream records from a JSONL file (unparseable lines become BadRecord)."""
        fields = _Fields(options)
        reader = _RowReader(fields)
        try:
            handle = path.open("rb")
        except OSError as exc:
            raise AdapterError(f"cannot read {path}: {exc.strerror or exc}") from None
        current: ConversationRecord | None = None
        with handle:
            for lineno, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                position = f"line {lineno}"
                try:
                    text = line.decode("utf-8")
                    obj = json.loads(text)
                except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                    if current is not None:
                        yield current
                        current = None
                    raw = line.decode("utf-8", "replace").rstrip("\n")
                    yield BadRecord(position=position, raw=raw_excerpt(raw), reason=f"invalid JSON: {exc}")
                    continue
                for rec in self._object_records(obj, position, text.rstrip("\n"), reader):
                    # Consecutive flat message rows of one conversation become one record.
                    if (
                        isinstance(rec, ConversationRecord)
                        and current is not None
                        and rec.external_id == current.external_id
                        and isinstance(obj, dict)
                        and "messages" not in obj
                    ):
                        current.messages.extend(rec.messages)
                        current.opened_at = min(current.opened_at, rec.opened_at)
                        current.contact = current.contact or rec.contact
                        current.subject = current.subject or rec.subject
                        continue
                    if current is not None:
                        yield current
                        current = None
                    if (
                        isinstance(rec, ConversationRecord)
                        and isinstance(obj, dict)
                        and "messages" not in obj
                    ):
                        current = rec
                    else:
                        yield rec
        if current is not None:
            yield current

    def parse_raw(self, raw: str, *, options: Mapping[str, str], position: str = "") -> Iterator[Record]:
        """Re-parse one quarantined line."""
        reader = _RowReader(_Fields(options))
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield BadRecord(position=position, raw=raw_excerpt(raw), reason=f"invalid JSON: {exc}")
            return
        yield from self._object_records(obj, position, raw, reader)
