"""Rows and JSON objects to records: consecutive rows of a conversation grouped into one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from frontdoor.core.domain import AuthorKind, Channel, ConversationStatus, SurveyKind
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
from frontdoor.integrations.tabular.fields import (
    STATUSES,
    TRUE_WORDS,
    Fields,
    RowError,
    author_kind,
    parse_time,
)

__all__ = ["RowReader", "object_records"]


class RowReader:
    """Turns message rows into conversation records, grouping consecutive rows."""

    def __init__(self, fields: Fields) -> None:
        self.f = fields
        self.counters: dict[str, int] = {}

    def contact(self, row: Mapping[str, Any]) -> ContactRef | None:
        """The customer a row names (contact and company columns), or ``None`` when it names none."""
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
        """One row as a message; without a message id its position in the conversation is the id."""
        f = self.f
        text = f.get(row, "text")
        if text is None:
            text = ""
        elif not isinstance(text, str):
            text = str(text)
        kind = author_kind(f.text(row, "author_kind"))
        mid = f.text(row, "message_id")
        if not mid:
            # No message ids in the file: the position within the conversation is stable
            # across re-imports of the same file.
            n = self.counters.get(conv_key, 0) + 1
            self.counters[conv_key] = n
            mid = f"{conv_key}#{n}"
        internal = f.text(row, "internal").lower() in TRUE_WORDS
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
        """A conversation record opened by ``row`` (channel and status from its columns)."""
        f = self.f
        channel_raw = f.text(row, "channel").lower()
        try:
            channel = Channel(channel_raw) if channel_raw else f.channel
        except ValueError:
            channel = Channel.OTHER
        status = STATUSES.get(f.text(row, "status").lower(), ConversationStatus.OPEN)
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
        if status in STATUSES:
            conv.status = STATUSES[status]


def object_records(obj: Any, position: str, raw: str, reader: RowReader) -> Iterator[Record]:
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


def _nested_conversation(obj: dict[str, Any], reader: RowReader, position: str) -> ConversationRecord:
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


def _survey(obj: dict[str, Any], f: Fields, position: str) -> SurveyRecord:
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
    reader = RowReader(f)
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
