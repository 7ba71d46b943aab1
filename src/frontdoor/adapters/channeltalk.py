"""Channel Talk (채널톡): webhook deliveries, the Open API v5 and the JSON export file.

All three inputs carry the same objects (UserChat, Message, User, Manager, Bot), so one
set of mapping functions turns them into records:

- a UserChat becomes a :class:`~frontdoor.adapters.base.ConversationRecord` whose
  external id is the chat id;
- a Message becomes a :class:`~frontdoor.adapters.base.MessageRecord` whose external id
  is the message id; ``personType`` user -> customer, manager -> agent, bot -> bot;
  messages with neither ``blocks`` nor ``plainText`` (system logs) are skipped;
  ``options`` containing ``private`` marks a manager's private note (internal);
- a User becomes a :class:`~frontdoor.adapters.base.ContactRef` (``memberId`` is the
  customer's own id), and ``profile.company`` the :class:`AccountRef` name (Channel Talk
  has no company object).

Times are epoch milliseconds, turned into aware UTC datetimes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar

from frontdoor.adapters._common import (
    body_hash,
    epoch_ms,
    ext_id,
    parse_json_bytes,
    same,
    text_or_none,
)
from frontdoor.adapters.base import (
    AccountRef,
    BadRecord,
    ContactRef,
    ConversationRecord,
    MessageRecord,
    Record,
    raw_excerpt,
)
from frontdoor.errors import AdapterError, RecordError
from frontdoor.models import AuthorKind, Channel, ConversationStatus

log = logging.getLogger(__name__)

KIND = "channeltalk"

_AUTHOR_KINDS = {"user": AuthorKind.CUSTOMER, "manager": AuthorKind.AGENT, "bot": AuthorKind.BOT}
_STATUS = {
    "opened": ConversationStatus.OPEN,
    "closed": ConversationStatus.CLOSED,
    "snoozed": ConversationStatus.SNOOZED,
}


# ---------------------------------------------------------------------------------------------
# Mapping: Channel Talk objects -> records


def contact_ref(user: Mapping[str, Any] | None) -> ContactRef | None:
    """A :class:`ContactRef` (with its :class:`AccountRef`) from a Channel Talk User object.

    Parameters
    ----------
    user : mapping or None
        The User: ``id``, ``memberId``, ``name``, ``profile{name, email, mobileNumber,
        company, ...}``, ``language``.

    Returns
    -------
    ContactRef or None
        None when ``user`` is empty.
    """
    if not user or not isinstance(user, Mapping):
        return None
    raw_profile = user.get("profile")
    profile: Mapping[str, Any] = raw_profile if isinstance(raw_profile, Mapping) else {}
    company = text_or_none(profile.get("company"))
    account = AccountRef(name=company) if company else None
    name = text_or_none(user.get("name")) or text_or_none(profile.get("name"))
    attributes: dict[str, Any] = {}
    if text_or_none(user.get("type")):
        attributes["channeltalk_type"] = str(user["type"])
    if isinstance(user.get("tags"), list):
        attributes["tags"] = [str(t) for t in user["tags"] if isinstance(t, str | int)]
    return ContactRef(
        external_id=text_or_none(user.get("id")),
        member_id=text_or_none(user.get("memberId")),
        email=text_or_none(profile.get("email")) or text_or_none(user.get("email")),
        name=name,
        phone=text_or_none(profile.get("mobileNumber")) or text_or_none(user.get("mobileNumber")),
        language=text_or_none(user.get("language")),
        account=account,
        attributes=attributes,
    )


def _block_text(blocks: object) -> str:
    """Flatten message blocks (text, code, bullets with nested blocks) into lines."""
    lines: list[str] = []
    if not isinstance(blocks, list):
        return ""
    for block in blocks:
        if not isinstance(block, Mapping):
            continue
        value = block.get("value")
        if isinstance(value, str) and value.strip():
            lines.append(value.strip())
        nested = _block_text(block.get("blocks"))
        if nested:
            lines.append(nested)
    return "\n".join(lines)


def message_record(
    message: Mapping[str, Any],
    *,
    users: Mapping[str, Mapping[str, Any]] | None = None,
    managers: Mapping[str, Mapping[str, Any]] | None = None,
    bots: Mapping[str, Mapping[str, Any]] | None = None,
) -> MessageRecord | None:
    """A :class:`MessageRecord` from a Channel Talk Message, or None for a system log.

    Parameters
    ----------
    message : mapping
        The Message object.
    users, managers, bots : mapping, optional
        Side-loaded people by id, to name the author (resolved by ``personType``).

    Returns
    -------
    MessageRecord or None
        None for messages with neither ``blocks`` nor ``plainText`` (logs) and removed ones.

    Raises
    ------
    RecordError
        When the id, person type or time is missing or malformed.
    """
    if not isinstance(message, Mapping):
        raise RecordError("message is not an object")
    message_id = ext_id(message.get("id"), field="message.id")
    plain = message.get("plainText")
    text = plain.strip() if isinstance(plain, str) else ""
    if not text:
        text = _block_text(message.get("blocks"))
    if not text or message.get("state") == "removed":
        return None
    person_type = message.get("personType")
    kind = _AUTHOR_KINDS.get(str(person_type))
    if kind is None:
        raise RecordError(f"message {message_id}: unknown personType {person_type!r}")
    sent_at = epoch_ms(message.get("createdAt"), field=f"message {message_id} createdAt")
    person_id = text_or_none(message.get("personId"))
    people = {"user": users, "manager": managers, "bot": bots}[str(person_type)] or {}
    person = people.get(person_id or "") if person_id else None
    author = contact_ref(person) if kind is AuthorKind.CUSTOMER and person else None
    if kind is AuthorKind.CUSTOMER and author is None and person_id:
        author = ContactRef(external_id=person_id)
    author_name = ""
    if person:
        raw_profile = person.get("profile")
        profile_name = raw_profile.get("name") if isinstance(raw_profile, Mapping) else None
        author_name = text_or_none(person.get("name")) or text_or_none(profile_name) or ""
    options = message.get("options")
    is_internal = isinstance(options, list) and "private" in options
    attributes: dict[str, Any] = {}
    if person_id:
        attributes["person_id"] = person_id
    files = message.get("files")
    if isinstance(files, list) and files:
        attributes["files"] = [str(f.get("name", "")) for f in files if isinstance(f, Mapping)]
    return MessageRecord(
        external_id=message_id,
        author_kind=kind,
        text=text,
        sent_at=sent_at,
        author_name=author_name,
        author=author,
        is_internal=is_internal,
        attributes=attributes,
    )


def _order_key(message: Mapping[str, Any]) -> tuple[int, str]:
    created = message.get("createdAt")
    when = created if isinstance(created, int) and not isinstance(created, bool) else 0
    return (when, str(message.get("id", "")))


def chat_records(
    chat: Mapping[str, Any],
    messages: Iterable[Mapping[str, Any]],
    *,
    users: Mapping[str, Mapping[str, Any]] | None = None,
    managers: Mapping[str, Mapping[str, Any]] | None = None,
    bots: Mapping[str, Mapping[str, Any]] | None = None,
    tags: Iterable[str] = (),
    position: str = "",
) -> Iterator[Record]:
    """Records for one UserChat and its messages: bad messages as BadRecord, then the chat.

    Parameters
    ----------
    chat : mapping
        The UserChat object.
    messages : iterable of mapping
        Its Message objects, in any order (sorted here by ``(createdAt, id)``).
    users, managers, bots : mapping, optional
        Side-loaded people by id.
    tags : iterable of str
        Extra tag names (e.g. from the export's UserChatTag sheet).
    position : str
        Where the chat came from, for quarantine.

    Yields
    ------
    Record
        A :class:`BadRecord` per malformed message, then the :class:`ConversationRecord`
        (or one :class:`BadRecord` when the chat itself is malformed).
    """
    try:
        chat_id = ext_id(chat.get("id"), field="userChat.id") if isinstance(chat, Mapping) else None
        if chat_id is None:
            raise RecordError("userChat is not an object")
        opened_at = epoch_ms(
            chat.get("openedAt") or chat.get("createdAt"), field=f"userChat {chat_id} createdAt"
        )
        closed_raw = chat.get("closedAt")
        closed_at = epoch_ms(closed_raw, field=f"userChat {chat_id} closedAt") if closed_raw else None
    except RecordError as exc:
        yield BadRecord(position=position, raw=raw_excerpt(_dump(chat)), reason=str(exc))
        return
    people = users or {}
    user_id = text_or_none(chat.get("userId"))
    contact = contact_ref(people.get(user_id)) if user_id and people.get(user_id) else None
    if contact is None and user_id:
        contact = ContactRef(external_id=user_id)
    records: list[MessageRecord] = []
    for index, message in enumerate(sorted(messages, key=_order_key)):
        try:
            record = message_record(message, users=users, managers=managers, bots=bots)
        except RecordError as exc:
            where = f"{position} message {index}" if position else f"message {index}"
            yield BadRecord(position=where, raw=raw_excerpt(_dump(message)), reason=str(exc))
            continue
        if record is not None:
            records.append(record)
    tag_names = [str(t) for t in chat.get("tags") or [] if isinstance(t, str | int)]
    tag_names += [t for t in tags if t not in tag_names]
    attributes: dict[str, Any] = {}
    if tag_names:
        attributes["tags"] = tag_names
    for key in ("assigneeId", "teamId", "channelId", "waitingTime", "avgReplyTime", "resolutionTime"):
        if chat.get(key) is not None and not isinstance(chat.get(key), dict | list):
            attributes[key] = chat[key]
    source = chat.get("source")
    if isinstance(source, Mapping):
        page = source.get("page")
        if isinstance(page, str):
            attributes["source_page"] = page[:500]
    profile = chat.get("profile")
    if isinstance(profile, Mapping) and profile:
        attributes["chat_profile"] = {
            str(k): v for k, v in profile.items() if isinstance(v, str | int | float)
        }
    yield ConversationRecord(
        external_id=chat_id,
        channel=Channel.CHAT,
        opened_at=opened_at,
        messages=records,
        subject="",
        status=_STATUS.get(str(chat.get("state")), ConversationStatus.OPEN),
        closed_at=closed_at,
        contact=contact,
        account=contact.account if contact else None,
        attributes=attributes,
        position=position,
    )


def _dump(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(value)


def _by_id(items: object) -> dict[str, Mapping[str, Any]]:
    """Index a list of objects by their ``id``; non-objects and id-less ones are ignored."""
    found: dict[str, Mapping[str, Any]] = {}
    if isinstance(items, Mapping):
        items = [items]
    if not isinstance(items, list):
        return found
    for item in items:
        if isinstance(item, Mapping) and text_or_none(item.get("id")):
            found[str(item["id"]).strip()] = item
    return found


# ---------------------------------------------------------------------------------------------
# Webhooks


class ChannelTalkWebhook:
    """Channel Talk webhook deliveries: ``POST <url>?token=<token>`` with ``{event, type, entity, refers}``.

    Channel Talk signs nothing; the documented check is the shared ``token`` in the query
    string, compared in constant time and never logged. ``message`` events with
    ``chatType`` userChat become a one-message :class:`ConversationRecord`; ``userChat``
    events a conversation with no messages (state, times, contact). Team chats, user and
    lead upserts give no records.
    """

    kind: ClassVar[str] = KIND

    def verify(
        self,
        *,
        secret: str,
        headers: Mapping[str, str],
        query: Mapping[str, str],
        body: bytes,
        now: float,
    ) -> bool:
        """Whether the ``token`` query parameter equals the source's webhook secret."""
        return same(query.get("token"), secret)

    def delivery_id(self, *, headers: Mapping[str, str], body: bytes) -> str:
        """``message:<id>`` for message events (a retry is a duplicate), else a body hash."""
        try:
            payload = json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return body_hash(body)
        if isinstance(payload, dict) and payload.get("type") == "message":
            entity = payload.get("entity")
            if isinstance(entity, dict) and text_or_none(entity.get("id")):
                return f"message:{entity['id']}"
        return body_hash(body)

    def records(self, body: bytes) -> list[Record]:
        """Records from one verified delivery; a malformed body is one :class:`BadRecord`."""
        try:
            payload = parse_json_bytes(body, what="Channel Talk webhook body")
        except AdapterError as exc:
            return [
                BadRecord(
                    position="webhook", raw=raw_excerpt(body.decode("utf-8", "replace")), reason=str(exc)
                )
            ]
        if not isinstance(payload, dict) or not isinstance(payload.get("entity"), dict):
            return [BadRecord(position="webhook", raw=raw_excerpt(_dump(payload)), reason="no entity object")]
        entity: dict[str, Any] = payload["entity"]
        raw_refers = payload.get("refers")
        refers: Mapping[str, Any] = raw_refers if isinstance(raw_refers, Mapping) else {}
        kind = payload.get("type")
        if kind is None and "personType" in entity:
            kind = "message"
        position = f"webhook {payload.get('event', '')}:{kind}".strip()
        users = _by_id(refers.get("user")) | _by_id(refers.get("users"))
        managers = _by_id(refers.get("manager")) | _by_id(refers.get("managers"))
        bots = _by_id(refers.get("bot")) | _by_id(refers.get("bots"))
        if kind == "message":
            chat_type = entity.get("chatType")
            if chat_type not in (None, "userChat"):
                return []  # team chats are internal conversation, not customer voice
            chat_id = text_or_none(entity.get("chatId"))
            if chat_id is None:
                key = entity.get("chatKey")
                if isinstance(key, str) and key.startswith("userChat-"):
                    chat_id = key[len("userChat-") :]
            raw_chat = refers.get("userChat")
            chat: dict[str, Any] = dict(raw_chat) if isinstance(raw_chat, Mapping) else {}
            if chat_id is None and text_or_none(chat.get("id")) is None:
                return [
                    BadRecord(
                        position=position, raw=raw_excerpt(_dump(payload)), reason="message has no chatId"
                    )
                ]
            chat.setdefault("id", chat_id)
            chat.setdefault("createdAt", entity.get("createdAt"))
            if not chat.get("userId") and entity.get("personType") == "user":
                chat["userId"] = entity.get("personId")
            if not chat.get("userId") and len(users) == 1:
                chat["userId"] = next(iter(users))
            return list(
                chat_records(chat, [entity], users=users, managers=managers, bots=bots, position=position)
            )
        if kind == "userChat":
            return list(
                chat_records(entity, [], users=users, managers=managers, bots=bots, position=position)
            )
        return []


# Re-exported for the export-file and API parts below.
__all__ = ["ChannelTalkWebhook", "chat_records", "contact_ref", "message_record"]
