"""Intercom: conversations (with their parts) from JSON files and signed webhooks.

Accepted JSON: a list of conversation objects, one conversation, or a
``{type: conversation.list, conversations: [...], pages: {...}}`` page (what
``GET /conversations`` returns; export each conversation with ``GET /conversations/{id}``
to get its parts). A folder of ``*.json`` files is read in name order.

Mapping: a conversation becomes a chat conversation (external id = conversation id).
Its ``source`` is the first message (external id ``<conversation id>:source``), then its
``conversation_parts`` ordered by ``(created_at, id)``. Bodies are HTML, turned into text
with line breaks kept. Parts without a body (assignment, close, open, snooze ...) are
skipped; ``note`` parts are internal. Author types user, lead and contact are customers,
admin and team agents, bot bots. ``conversation_rating`` (1-5) becomes a CSAT
:class:`SurveyRecord` on a 1-5 scale. The first of ``contacts.contacts`` is the contact;
Intercom does not embed companies in conversations, so the account comes only from a
``companies`` list on that contact when an exporting script added one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from frontdoor.core.domain import AuthorKind, Channel, ConversationStatus, SurveyKind
from frontdoor.core.errors import AdapterError, RecordError
from frontdoor.integrations._common import (
    bad_record,
    epoch_s,
    ext_id,
    header,
    hmac_hex,
    html_to_text,
    json_files,
    load_json,
    parse_json_bytes,
    same,
    text_or_none,
    time_id_key,
)
from frontdoor.integrations._fileutil import check_options
from frontdoor.integrations.base import (
    AccountRef,
    ContactRef,
    ConversationRecord,
    MessageRecord,
    Record,
    SurveyRecord,
)
from frontdoor.integrations.webhooks import JsonWebhook

KIND = "intercom"

_AUTHOR_KINDS = {
    "user": AuthorKind.CUSTOMER,
    "lead": AuthorKind.CUSTOMER,
    "contact": AuthorKind.CUSTOMER,
    "admin": AuthorKind.AGENT,
    "team": AuthorKind.AGENT,
    "bot": AuthorKind.BOT,
}
_STATUS = {
    "open": ConversationStatus.OPEN,
    "closed": ConversationStatus.CLOSED,
    "snoozed": ConversationStatus.SNOOZED,
}


def _person(author: Mapping[str, Any]) -> ContactRef:
    return ContactRef(
        external_id=text_or_none(author.get("id")),
        email=text_or_none(author.get("email")),
        name=text_or_none(author.get("name")),
    )


def _conversation_contact(conv: Mapping[str, Any], source_author: Mapping[str, Any]) -> ContactRef | None:
    contacts = conv.get("contacts")
    items = contacts.get("contacts") if isinstance(contacts, Mapping) else contacts
    first = next((c for c in items if isinstance(c, Mapping)), None) if isinstance(items, list) else None
    if first is None:
        kind = _AUTHOR_KINDS.get(str(source_author.get("type")))
        return _person(source_author) if kind is AuthorKind.CUSTOMER and source_author.get("id") else None
    contact = ContactRef(
        external_id=text_or_none(first.get("id")),
        member_id=text_or_none(first.get("external_id")),
        email=text_or_none(first.get("email")),
        name=text_or_none(first.get("name")),
    )
    if contact.external_id and contact.external_id == text_or_none(source_author.get("id")):
        contact.email = contact.email or text_or_none(source_author.get("email"))
        contact.name = contact.name or text_or_none(source_author.get("name"))
    companies = first.get("companies")
    items = companies.get("companies", companies.get("data")) if isinstance(companies, Mapping) else companies
    company = next((c for c in items if isinstance(c, Mapping)), None) if isinstance(items, list) else None
    if company is not None:
        contact.account = AccountRef(
            external_id=text_or_none(company.get("company_id")) or text_or_none(company.get("id")),
            name=text_or_none(company.get("name")),
            plan=text_or_none((company.get("plan") or {}).get("name"))
            if isinstance(company.get("plan"), Mapping)
            else None,
        )
    return contact


def _message(
    part: Mapping[str, Any], *, external_id: str, internal: bool, contact: ContactRef | None
) -> MessageRecord | None:
    body = part.get("body")
    text = html_to_text(body) if isinstance(body, str) else ""
    if not text:
        return None
    author = part.get("author")
    if not isinstance(author, Mapping):
        raise RecordError(f"part {external_id}: no author")
    kind = _AUTHOR_KINDS.get(str(author.get("type")))
    if kind is None:
        raise RecordError(f"part {external_id}: unknown author type {author.get('type')!r}")
    sent_at = epoch_s(part.get("created_at"), field=f"part {external_id} created_at")
    person = None
    if kind is AuthorKind.CUSTOMER:
        person = _person(author)
        if contact is not None and person.external_id == contact.external_id:
            person = contact
    attributes: dict[str, Any] = {}
    if text_or_none(author.get("id")):
        attributes["author_id"] = str(author["id"])
    if part.get("part_type"):
        attributes["part_type"] = str(part["part_type"])
    return MessageRecord(
        external_id=external_id,
        author_kind=AuthorKind.AGENT if internal and kind is AuthorKind.CUSTOMER else kind,
        text=text,
        sent_at=sent_at,
        author_name=text_or_none(author.get("name")) or "",
        author=None if internal else person,
        is_internal=internal,
        attributes=attributes,
    )


def conversation_records(conv: object, *, position: str) -> Iterator[Record]:
    """Records for one Intercom conversation object.

    Parameters
    ----------
    conv : object
        The conversation (``GET /conversations/{id}`` shape).
    position : str
        Where it came from, for quarantine.

    Yields
    ------
    Record
        BadRecord per malformed part, the ConversationRecord, and a SurveyRecord when rated
        (or one BadRecord when the conversation itself is malformed).
    """
    try:
        if not isinstance(conv, Mapping):
            raise RecordError("conversation is not an object")
        conv_id = ext_id(conv.get("id"), field="conversation.id")
        opened_at = epoch_s(conv.get("created_at"), field=f"conversation {conv_id} created_at")
    except RecordError as exc:
        yield bad_record(position, conv, str(exc))
        return
    raw_source = conv.get("source")
    source: Mapping[str, Any] = raw_source if isinstance(raw_source, Mapping) else {}
    raw_author = source.get("author")
    source_author: Mapping[str, Any] = raw_author if isinstance(raw_author, Mapping) else {}
    contact = _conversation_contact(conv, source_author)
    messages: list[MessageRecord] = []
    yield from _messages(conv, conv_id, source, contact, position, messages)
    state = str(conv.get("state") or ("open" if conv.get("open", True) else "closed"))
    status = _STATUS.get(state, ConversationStatus.OPEN)
    subject = conv.get("title") or source.get("subject") or ""
    yield ConversationRecord(
        external_id=conv_id,
        channel=Channel.CHAT,
        opened_at=opened_at,
        messages=messages,
        subject=html_to_text(str(subject))[:500],
        status=status,
        closed_at=_closed_at(conv, messages) if status is ConversationStatus.CLOSED else None,
        contact=contact,
        account=contact.account if contact else None,
        attributes=_attributes(conv, source),
        position=position,
    )
    rating = conv.get("conversation_rating")
    if isinstance(rating, Mapping) and rating.get("rating") is not None:
        yield _rating(rating, conv_id, opened_at, contact, position)


def _messages(
    conv: Mapping[str, Any],
    conv_id: str,
    source: Mapping[str, Any],
    contact: ContactRef | None,
    position: str,
    into: list[MessageRecord],
) -> Iterator[Record]:
    """Collect the source message, then the parts by ``(created_at, id)``; yield the bad ones."""
    if source:
        try:
            first = _message(
                {**source, "created_at": conv.get("created_at")},
                external_id=f"{conv_id}:source",
                internal=False,
                contact=contact,
            )
            if first is not None:
                into.append(first)
        except RecordError as exc:
            yield bad_record(f"{position} source", source, str(exc))
    raw_parts = conv.get("conversation_parts")
    parts = raw_parts.get("conversation_parts") if isinstance(raw_parts, Mapping) else raw_parts
    for part in sorted(parts if isinstance(parts, list) else [], key=lambda m: time_id_key(m, "created_at")):
        try:
            if not isinstance(part, Mapping):
                raise RecordError("part is not an object")
            part_id = ext_id(part.get("id"), field="part.id")
            internal = str(part.get("part_type", "")).startswith("note")
            message = _message(part, external_id=part_id, internal=internal, contact=contact)
        except RecordError as exc:
            yield bad_record(f"{position} part", part, str(exc))
            continue
        if message is not None:
            into.append(message)


def _closed_at(conv: Mapping[str, Any], messages: list[MessageRecord]) -> dt.datetime | None:
    """A closed conversation's ``updated_at``, else its last message's time."""
    closed_at = max((m.sent_at for m in messages), default=None)
    try:
        if conv.get("updated_at"):
            closed_at = epoch_s(conv["updated_at"], field="updated_at")
    except RecordError:
        pass
    return closed_at


def _attributes(conv: Mapping[str, Any], source: Mapping[str, Any]) -> dict[str, Any]:
    """Tags, assignees, priority and the page the conversation started on."""
    attributes: dict[str, Any] = {}
    tags = conv.get("tags")
    tag_items = tags.get("tags") if isinstance(tags, Mapping) else tags
    if isinstance(tag_items, list):
        names = [str(t.get("name")) for t in tag_items if isinstance(t, Mapping) and t.get("name")]
        if names:
            attributes["tags"] = names
    for key in ("admin_assignee_id", "team_assignee_id", "priority"):
        if conv.get(key) is not None:
            attributes[key] = conv[key]
    if isinstance(source.get("url"), str):
        attributes["source_url"] = source["url"][:500]
    return attributes


def _rating(
    rating: Mapping[str, Any], conv_id: str, opened_at: dt.datetime, contact: ContactRef | None, position: str
) -> Record:
    """The conversation's rating as a CSAT answer on 1-5, or a BadRecord why not."""
    score = rating.get("rating")
    try:
        if isinstance(score, bool) or not isinstance(score, int | float) or not 1 <= score <= 5:
            raise RecordError(f"conversation_rating.rating must be 1-5, got {score!r}")
        when = rating.get("created_at")
        responded = epoch_s(when, field="conversation_rating.created_at") if when else opened_at
    except RecordError as exc:
        return bad_record(f"{position} rating", rating, str(exc))
    teammate = rating.get("teammate")
    return SurveyRecord(
        external_id=f"rating:{conv_id}",
        kind=SurveyKind.CSAT,
        score=float(score),
        scale_min=1,
        scale_max=5,
        responded_at=responded,
        comment=html_to_text(str(rating.get("remark") or "")),
        contact=contact,
        account=contact.account if contact else None,
        conversation_external_id=conv_id,
        agent=text_or_none(teammate.get("id")) if isinstance(teammate, Mapping) else None,
        position=f"{position} rating",
    )


def _conversations_of(doc: object, *, where: str) -> list[object]:
    if isinstance(doc, list):
        return doc
    if isinstance(doc, Mapping):
        if doc.get("type") == "conversation.list" or "conversations" in doc:
            items = doc.get("conversations")
            if not isinstance(items, list):
                raise AdapterError(f"{where}: conversations is not a JSON array")
            return items
        if doc.get("type") == "conversation" or ("id" in doc and "conversation_parts" in doc):
            return [doc]
    raise AdapterError(f"{where}: expected Intercom conversations (a list, a conversation.list page or one)")


class IntercomExport:
    """Intercom conversation JSON: a list, a ``conversation.list`` page, or a folder of them."""

    kind: ClassVar[str] = KIND
    channel: ClassVar[Channel] = Channel.CHAT
    summary: ClassVar[str] = "Intercom conversations (with parts and ratings) from JSON"
    help: ClassVar[str] = (
        "Reads Intercom conversations as the REST API returns them: a JSON list of "
        "conversation objects, a {type: conversation.list, conversations, pages} page, one "
        "conversation, or a folder of such *.json files. Notes are internal; assignment and "
        "close parts without a body are skipped; ratings become CSAT (1-5).\n\n"
        "Example: frontdoor import intercom conversations.json"
    )

    def read(self, path: Path, *, options: Mapping[str, str]) -> Iterator[Record]:
        """Stream conversations and ratings; malformed ones come back as BadRecord.

        Raises
        ------
        AdapterError
            When a file is not Intercom conversation JSON.
        """
        check_options(options, (), KIND)
        for file in json_files(path):
            for index, conv in enumerate(_conversations_of(load_json(file), where=file.name)):
                yield from conversation_records(conv, position=f"{file.name}[{index}]")

    def parse_raw(self, raw: str, *, options: Mapping[str, str], position: str = "") -> Iterator[Record]:
        """Parse one quarantined conversation (or list/page of them) again.

        Raises
        ------
        AdapterError
            When ``raw`` is not Intercom conversation JSON.
        """
        doc = parse_json_bytes(raw.encode("utf-8"), what="quarantined Intercom record")
        if isinstance(doc, Mapping) and "id" in doc and "type" not in doc:
            doc = {**doc, "type": "conversation"}
        for index, conv in enumerate(_conversations_of(doc, where=position or "quarantine")):
            yield from conversation_records(conv, position=position or f"quarantine[{index}]")


class IntercomWebhook(JsonWebhook):
    """Intercom webhooks: ``{type: notification_event, topic, data{item}}`` signed with X-Hub-Signature.

    ``X-Hub-Signature`` is ``sha1=`` + hex(HMAC-SHA1(client secret, raw body)). Conversation
    topics (``conversation.user.created``, ``conversation.admin.replied`` ...) give the
    conversation with the parts the notification carries; other topics give nothing.
    """

    kind: ClassVar[str] = KIND
    what: ClassVar[str] = "Intercom webhook body"

    def verify(
        self,
        *,
        secret: str,
        headers: Mapping[str, str],
        query: Mapping[str, str],
        body: bytes,
        now: float,
    ) -> bool:
        """Whether X-Hub-Signature matches the body."""
        signature = header(headers, "x-hub-signature")
        if not secret or not signature:
            return False
        return same(signature.strip(), "sha1=" + hmac_hex(secret, body, "sha1"))

    def delivery_key(self, payload: Any) -> str | None:
        """``notification:<id>`` from the notification's ``id`` (notif_...)."""
        if isinstance(payload, dict) and text_or_none(payload.get("id")):
            return f"notification:{payload['id']}"
        return None

    def payload_records(self, payload: Any) -> list[Record]:
        """Records from a parsed notification; one without a data object is a BadRecord."""
        if not isinstance(payload, Mapping) or not isinstance(payload.get("data"), Mapping):
            return [bad_record("webhook", payload, "no data object")]
        item = payload["data"].get("item")
        topic = str(payload.get("topic", ""))
        if not isinstance(item, Mapping) or item.get("type") != "conversation":
            return []  # ping, contact and other topics carry no conversation
        return list(conversation_records(item, position=f"webhook {topic}"))
