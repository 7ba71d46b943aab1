"""Channel Talk objects to records: one set of mapping functions for all three inputs.

UserChat -> :class:`~frontdoor.integrations.base.ConversationRecord`, Message ->
:class:`~frontdoor.integrations.base.MessageRecord`, User ->
:class:`~frontdoor.integrations.base.ContactRef` (rules in :mod:`frontdoor.integrations.channeltalk`).
Times are epoch milliseconds, turned into aware UTC datetimes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from frontdoor.core.domain import AuthorKind, Channel, ConversationStatus
from frontdoor.core.errors import RecordError
from frontdoor.integrations._common import bad_record, epoch_ms, ext_id, text_or_none, time_id_key
from frontdoor.integrations.base import AccountRef, ContactRef, ConversationRecord, MessageRecord, Record

KIND = "channeltalk"

_AUTHOR_KINDS = {"user": AuthorKind.CUSTOMER, "manager": AuthorKind.AGENT, "bot": AuthorKind.BOT}
_STATUS = {
    "opened": ConversationStatus.OPEN,
    "closed": ConversationStatus.CLOSED,
    "snoozed": ConversationStatus.SNOOZED,
}


def contact_ref(user: Mapping[str, Any] | None, *, company_key: str = "company") -> ContactRef | None:
    """A :class:`ContactRef` (with its :class:`AccountRef`) from a Channel Talk User object.

    Parameters
    ----------
    user : mapping or None
        The User: ``id``, ``memberId``, ``name``, ``profile{name, email, mobileNumber,
        company, ...}``, ``language``.
    company_key : str
        The profile key that holds the company name (Channel Talk has no company object).

    Returns
    -------
    ContactRef or None
        None when ``user`` is empty.
    """
    if not user or not isinstance(user, Mapping):
        return None
    raw_profile = user.get("profile")
    profile: Mapping[str, Any] = raw_profile if isinstance(raw_profile, Mapping) else {}
    company = text_or_none(profile.get(company_key))
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
    company_key: str = "company",
) -> MessageRecord | None:
    """A :class:`MessageRecord` from a Channel Talk Message, or None for a system log.

    Parameters
    ----------
    message : mapping
        The Message object.
    users, managers, bots : mapping, optional
        Side-loaded people by id, to name the author (resolved by ``personType``).
    company_key : str
        Profile key of the company name.

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
    author = contact_ref(person, company_key=company_key) if kind is AuthorKind.CUSTOMER and person else None
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


def chat_records(
    chat: Mapping[str, Any],
    messages: Iterable[Mapping[str, Any]],
    *,
    users: Mapping[str, Mapping[str, Any]] | None = None,
    managers: Mapping[str, Mapping[str, Any]] | None = None,
    bots: Mapping[str, Mapping[str, Any]] | None = None,
    tags: Iterable[str] = (),
    position: str = "",
    company_key: str = "company",
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
    company_key : str
        Profile key of the company name.

    Yields
    ------
    Record
        A :class:`BadRecord` per malformed message, then the :class:`ConversationRecord`
        (or one :class:`BadRecord` when the chat itself is malformed).
    """
    messages = list(messages)
    try:
        chat_id, opened_at, closed_at = _chat_times(chat)
    except RecordError as exc:
        # The chat's messages (and its user) go to quarantine with it: nothing is dropped, and
        # `frontdoor quarantine retry` can read the bundle back (ChannelTalkExport.parse_raw).
        bundle: dict[str, Any] = {"userChat": chat, "messages": messages}
        user_key = str(chat.get("userId")) if isinstance(chat, Mapping) else ""
        if users and user_key in users:
            bundle["user"] = users[user_key]
        yield bad_record(position, bundle, str(exc))
        return
    people = users or {}
    user_id = text_or_none(chat.get("userId"))
    contact = contact_ref(people.get(user_id), company_key=company_key) if user_id else None
    if contact is None and user_id:
        contact = ContactRef(external_id=user_id)
    records: list[MessageRecord] = []
    for index, message in enumerate(sorted(messages, key=lambda m: time_id_key(m, "createdAt"))):
        try:
            record = message_record(
                message, users=users, managers=managers, bots=bots, company_key=company_key
            )
        except RecordError as exc:
            label = message.get("id", index) if isinstance(message, Mapping) else index
            where = f"{position} message {label}".strip()
            yield bad_record(where, message, str(exc))
            continue
        if record is not None:
            records.append(record)
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
        attributes=_chat_attributes(chat, tags),
        position=position,
    )


def _chat_times(chat: object) -> tuple[str, dt.datetime, dt.datetime | None]:
    """The chat's id, opening and closing time, or :class:`RecordError` why not."""
    chat_id = ext_id(chat.get("id"), field="userChat.id") if isinstance(chat, Mapping) else None
    if chat_id is None or not isinstance(chat, Mapping):
        raise RecordError("userChat is not an object")
    opened_at = epoch_ms(chat.get("openedAt") or chat.get("createdAt"), field=f"userChat {chat_id} createdAt")
    closed_raw = chat.get("closedAt")
    closed_at = epoch_ms(closed_raw, field=f"userChat {chat_id} closedAt") if closed_raw else None
    return chat_id, opened_at, closed_at


def _chat_attributes(chat: Mapping[str, Any], tags: Iterable[str]) -> dict[str, Any]:
    """What a UserChat says beyond the conversation columns: tags, team, timings, page, profile."""
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
    return attributes


def by_id(items: object) -> dict[str, Mapping[str, Any]]:
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


def chat_id_of(message: Mapping[str, Any]) -> str | None:
    """The chat a Message belongs to: ``chatId``, ``userChatId``, or ``chatKey``'s ``userChat-<id>``."""
    chat_id = text_or_none(message.get("chatId")) or text_or_none(message.get("userChatId"))
    if chat_id is None:
        key = message.get("chatKey")
        if isinstance(key, str) and key.startswith("userChat-"):
            chat_id = key[len("userChat-") :] or None
    return chat_id
