"""Channel Talk (채널톡): webhook deliveries, the Open API v5 and the JSON export file.

All three inputs carry the same objects (UserChat, Message, User, Manager, Bot), so one
set of mapping functions turns them into records:

- a UserChat becomes a :class:`~frontdoor.integrations.base.ConversationRecord` whose
  external id is the chat id;
- a Message becomes a :class:`~frontdoor.integrations.base.MessageRecord` whose external id
  is the message id; ``personType`` user -> customer, manager -> agent, bot -> bot;
  messages with neither ``blocks`` nor ``plainText`` (system logs) are skipped;
  ``options`` containing ``private`` marks a manager's private note (internal);
- a User becomes a :class:`~frontdoor.integrations.base.ContactRef` (``memberId`` is the
  customer's own id), and ``profile.company`` the :class:`AccountRef` name (Channel Talk
  has no company object).

Times are epoch milliseconds, turned into aware UTC datetimes.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

import httpx

from frontdoor.core.errors import AdapterError, AuthenticationError, RecordError, ValidationError
from frontdoor.integrations._common import (
    bad_record,
    epoch_ms,
    ext_id,
    load_json,
    parse_json_bytes,
    same,
    text_or_none,
)
from frontdoor.integrations.base import (
    AccountRef,
    ContactRef,
    ConversationRecord,
    MessageRecord,
    Record,
)
from frontdoor.integrations.webhooks import JsonWebhook
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


def _order_key(message: object) -> tuple[int, str]:
    if not isinstance(message, Mapping):
        return (0, "")
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
        chat_id = ext_id(chat.get("id"), field="userChat.id") if isinstance(chat, Mapping) else None
        if chat_id is None:
            raise RecordError("userChat is not an object")
        opened_at = epoch_ms(
            chat.get("openedAt") or chat.get("createdAt"), field=f"userChat {chat_id} createdAt"
        )
        closed_raw = chat.get("closedAt")
        closed_at = epoch_ms(closed_raw, field=f"userChat {chat_id} closedAt") if closed_raw else None
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
    for index, message in enumerate(sorted(messages, key=_order_key)):
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


class ChannelTalkWebhook(JsonWebhook):
    """Channel Talk webhook deliveries: ``POST <url>?token=<token>`` with ``{event, type, entity, refers}``.

    Channel Talk signs nothing; the documented check is the shared ``token`` in the query
    string, compared in constant time and never logged. ``message`` events with
    ``chatType`` userChat become a one-message :class:`ConversationRecord`; ``userChat``
    events a conversation with no messages (state, times, contact). Team chats, user and
    lead upserts give no records.
    """

    kind: ClassVar[str] = KIND
    what: ClassVar[str] = "Channel Talk webhook body"

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

    def delivery_key(self, payload: Any) -> str | None:
        """``message:<id>`` for message events (a retry is a duplicate); other events hash the body."""
        if isinstance(payload, dict) and payload.get("type") == "message":
            entity = payload.get("entity")
            if isinstance(entity, dict) and text_or_none(entity.get("id")):
                return f"message:{entity['id']}"
        return None

    def payload_records(self, payload: Any) -> list[Record]:
        """Records from one parsed delivery; one without an entity object is a :class:`BadRecord`."""
        if not isinstance(payload, dict) or not isinstance(payload.get("entity"), dict):
            return [bad_record("webhook", payload, "no entity object")]
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
                return [bad_record(position, payload, "message has no chatId")]
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


# ---------------------------------------------------------------------------------------------
# Export file (상담 통계 -> 다운로드, JSON)

SHEETS = ("UserChat", "User", "Manager", "Bot", "UserChatTag", "Message")
_OPTIONS = frozenset({"company_key"})


def _unflatten(row: Mapping[str, Any]) -> dict[str, Any]:
    """Turn spreadsheet-style ``profile.email`` keys into nested objects (nested ones pass)."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        parts = str(key).split(".")
        target = out
        for part in parts[:-1]:
            nxt = target.get(part)
            if not isinstance(nxt, dict):
                nxt = {}
                target[part] = nxt
            target = nxt
        if parts[-1] in target and isinstance(target[parts[-1]], dict) and isinstance(value, Mapping):
            target[parts[-1]].update(value)
        else:
            target[parts[-1]] = value
    return out


def _load_sheets(path: Path) -> dict[str, list[Any]]:
    """The export's sheets: one JSON object of arrays, or a folder of ``<Sheet>.json`` files."""
    sheets: dict[str, list[Any]] = {}
    if path.is_dir():
        for name in SHEETS:
            candidate = path / f"{name}.json"
            if candidate.exists():
                data = load_json(candidate)
                if not isinstance(data, list):
                    raise AdapterError(f"{candidate}: expected a JSON array of {name} rows")
                sheets[name] = data
        if "UserChat" not in sheets:
            raise AdapterError(f"{path}: no UserChat.json in this folder")
        return sheets
    data = load_json(path)
    if not isinstance(data, dict):
        raise AdapterError(f"{path}: expected a JSON object with the sheets {', '.join(SHEETS)}")
    if "UserChat" not in data:
        raise AdapterError(f"{path}: no UserChat sheet; is this a Channel Talk JSON export?")
    for name in SHEETS:
        value = data.get(name, [])
        if not isinstance(value, list):
            raise AdapterError(f"{path}: sheet {name} is not a JSON array")
        sheets[name] = value
    return sheets


def _chat_id_of(message: Mapping[str, Any]) -> str | None:
    chat_id = text_or_none(message.get("chatId")) or text_or_none(message.get("userChatId"))
    if chat_id is None:
        key = message.get("chatKey")
        if isinstance(key, str) and key.startswith("userChat-"):
            chat_id = key[len("userChat-") :] or None
    return chat_id


class ChannelTalkExport:
    """Channel Talk's JSON export (sheets UserChat, User, Manager, Bot, UserChatTag, Message)."""

    kind: ClassVar[str] = KIND
    channel: ClassVar[Channel] = Channel.CHAT
    summary: ClassVar[str] = "Channel Talk (채널톡) JSON export: chats, messages, users"
    help: ClassVar[str] = (
        "Reads the JSON export of 상담 통계 -> 다운로드: one JSON object whose keys are the sheets "
        "UserChat, User, Manager, Bot, UserChatTag and Message (arrays of rows), or a folder "
        "holding UserChat.json, Message.json ... Decrypt a password-protected export first. "
        "System log messages are skipped; private notes are kept as internal. "
        "Option company_key=KEY names the user profile key holding the company "
        "(default company).\n\nExample: frontdoor import channeltalk export.json"
    )

    def read(self, path: Path, *, options: Mapping[str, str]) -> Iterator[Record]:
        """Stream one record per chat (messages attached); bad rows come back as BadRecord.

        Raises
        ------
        AdapterError
            When the file is not a Channel Talk JSON export.
        """
        unknown = sorted(set(options) - _OPTIONS)
        if unknown:
            raise ValidationError(f"channeltalk: unknown option(s) {', '.join(unknown)}; known: company_key")
        company_key = options.get("company_key", "company") or "company"
        sheets = _load_sheets(path)
        users = _by_id([_unflatten(r) for r in sheets.get("User", []) if isinstance(r, Mapping)])
        managers = _by_id([_unflatten(r) for r in sheets.get("Manager", []) if isinstance(r, Mapping)])
        bots = _by_id([_unflatten(r) for r in sheets.get("Bot", []) if isinstance(r, Mapping)])
        tags: dict[str, list[str]] = {}
        for index, row in enumerate(sheets.get("UserChatTag", [])):
            if not isinstance(row, Mapping):
                continue
            chat_id = text_or_none(row.get("userChatId")) or text_or_none(row.get("chatId"))
            name = text_or_none(row.get("name")) or text_or_none(row.get("tagName"))
            if chat_id and name:
                tags.setdefault(chat_id, []).append(name)
            else:
                yield bad_record(f"UserChatTag[{index}]", row, "tag row without chat or name")
        messages: dict[str, list[Mapping[str, Any]]] = {}
        for index, row in enumerate(sheets.get("Message", [])):
            if not isinstance(row, Mapping):
                yield bad_record(f"Message[{index}]", row, "not an object")
                continue
            row = _unflatten(row)
            if row.get("chatType") not in (None, "", "userChat"):
                continue  # team chat messages are internal conversation
            chat_id = _chat_id_of(row)
            if chat_id is None:
                yield bad_record(f"Message[{index}]", row, "message has no chatId")
                continue
            messages.setdefault(chat_id, []).append(row)
        for index, row in enumerate(sheets["UserChat"]):
            chat = _unflatten(row) if isinstance(row, Mapping) else row
            chat_id = text_or_none(chat.get("id")) if isinstance(chat, Mapping) else None
            if isinstance(chat, dict) and isinstance(chat.get("tags"), str):
                chat["tags"] = [t.strip() for t in chat["tags"].split(",") if t.strip()]
            yield from chat_records(
                chat,
                messages.pop(chat_id, []) if chat_id else [],
                users=users,
                managers=managers,
                bots=bots,
                tags=tags.get(chat_id or "", []),
                position=f"UserChat[{index}]",
                company_key=company_key,
            )
        for chat_id, rows in messages.items():
            yield bad_record(
                f"Message chat {chat_id}",
                rows,
                f"{len(rows)} message(s) of chat {chat_id}, which is not in the UserChat sheet",
            )

    def parse_raw(self, raw: str, *, options: Mapping[str, str], position: str = "") -> Iterator[Record]:
        """Parse one quarantined payload again: a ``{userChat, messages, user}`` bundle or a webhook body.

        Raises
        ------
        AdapterError
            When ``raw`` is not JSON of either shape.
        """
        payload = parse_json_bytes(raw.encode("utf-8"), what="quarantined Channel Talk record")
        if isinstance(payload, Mapping) and "entity" in payload:
            yield from ChannelTalkWebhook().records(raw.encode("utf-8"))
            return
        if not isinstance(payload, Mapping) or not isinstance(payload.get("userChat"), Mapping):
            raise AdapterError("expected a {userChat, messages} bundle or a Channel Talk webhook body")
        chat = payload["userChat"]
        found = payload.get("messages")
        user = payload.get("user")
        yield from chat_records(
            chat,
            [m for m in found if isinstance(m, Mapping)] if isinstance(found, list) else [],
            users=_by_id(user) if isinstance(user, Mapping) else None,
            position=position or "quarantine",
            company_key=options.get("company_key", "company") or "company",
        )


# ---------------------------------------------------------------------------------------------
# Open API v5

API_BASE = "https://api.channel.io/open/v5"


@dataclass
class RateLimit:
    """The last ``x-ratelimit-*`` headers seen (None when absent)."""

    limit: int | None = None
    remaining: int | None = None
    reset: float | None = None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimit:
        """Parse ``x-ratelimit-limit``, ``-remaining`` and ``-reset`` (epoch s; ms tolerated)."""

        def num(name: str) -> float | None:
            raw = headers.get(name)
            try:
                return float(raw) if raw is not None else None
            except ValueError:
                return None

        reset = num("x-ratelimit-reset")
        if reset is not None and reset > 1e11:  # epoch milliseconds, not seconds
            reset /= 1000.0
        limit, remaining = num("x-ratelimit-limit"), num("x-ratelimit-remaining")
        return cls(
            limit=int(limit) if limit is not None else None,
            remaining=int(remaining) if remaining is not None else None,
            reset=reset,
        )


@dataclass
class ChatPage:
    """One page of ``GET /user-chats`` with its side-loaded objects."""

    cursor: str | None
    next: str | None
    chats: list[Mapping[str, Any]]
    users: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    managers: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    bots: dict[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass
class ChatMessages:
    """All messages of one chat with the people side-loaded alongside them."""

    messages: list[Mapping[str, Any]] = field(default_factory=list)
    users: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    managers: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    bots: dict[str, Mapping[str, Any]] = field(default_factory=dict)


class ChannelTalkClient:
    """A small client for the Channel Talk Open API v5 that waits out rate limits.

    Parameters
    ----------
    access_key, access_secret : str
        The API credentials (sent as ``x-access-key`` / ``x-access-secret``; never logged).
    base_url : str
        API root; tests point it at a local server.
    transport : httpx.BaseTransport, optional
        Custom transport (e.g. for proxies).
    timeout : float
        Seconds per request.
    sleep, clock : callable
        Injection points for waiting and the epoch-seconds clock.
    max_wait : float
        Longest single wait for a rate limit or retry, in seconds.
    max_retries : int
        Retries of one request after 429, 5xx or a network error.
    page_limit : int
        ``limit`` for list requests (1-500).
    """

    def __init__(
        self,
        *,
        access_key: str,
        access_secret: str,
        base_url: str = API_BASE,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        max_wait: float = 120.0,
        max_retries: int = 5,
        page_limit: int = 100,
    ) -> None:
        if not access_key or not access_secret:
            raise ValidationError("Channel Talk needs an access key and secret")
        self.base_url = base_url.rstrip("/")
        self.sleep = sleep
        self.clock = clock
        self.max_wait = max_wait
        self.max_retries = max_retries
        self.page_limit = max(1, min(500, page_limit))
        self.rate_limit = RateLimit()
        self.requests = 0
        self._users: dict[str, Mapping[str, Any] | None] = {}
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={
                "x-access-key": access_key,
                "x-access-secret": access_secret,
                "accept": "application/json",
                "user-agent": "frontdoor",
            },
            timeout=timeout,
            transport=transport,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> ChannelTalkClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _bounded(self, seconds: float) -> float:
        return max(0.0, min(float(seconds), self.max_wait))

    def retry_wait(self, response: httpx.Response, attempt: int) -> float:
        """Seconds to wait before retrying ``response``: reset header, Retry-After, or backoff."""
        limits = RateLimit.from_headers(response.headers)
        if limits.reset is not None:
            return self._bounded(limits.reset - self.clock())
        retry_after = response.headers.get("retry-after")
        if retry_after:
            if retry_after.strip().isdigit():
                return self._bounded(float(retry_after.strip()))
            try:
                when = email.utils.parsedate_to_datetime(retry_after)
                return self._bounded(when.timestamp() - self.clock())
            except (TypeError, ValueError):
                pass
        return self._bounded(2.0**attempt)

    def get(self, path: str, params: Mapping[str, str | int] | None = None) -> dict[str, Any]:
        """GET ``path`` and return its JSON object, waiting out 429s and retrying 5xx.

        Raises
        ------
        AuthenticationError
            On HTTP 401/403 (bad key or secret).
        AdapterError
            On other HTTP errors, a non-JSON answer, or when retries run out.
        """
        params = {k: v for k, v in (params or {}).items() if v is not None}
        for attempt in range(self.max_retries + 1):
            self.requests += 1
            try:
                response = self._http.get(path, params=params)
            except httpx.TransportError as exc:
                if attempt == self.max_retries:
                    raise AdapterError(f"Channel Talk API GET {path}: {type(exc).__name__}") from None
                self.sleep(self._bounded(2.0**attempt))
                continue
            self.rate_limit = RateLimit.from_headers(response.headers)
            status = response.status_code
            if status == 429 or status >= 500:
                if attempt == self.max_retries:
                    raise AdapterError(
                        f"Channel Talk API GET {path}: HTTP {status} after {attempt + 1} tries"
                    )
                wait = self.retry_wait(response, attempt)
                log.info("Channel Talk API HTTP %s on %s; waiting %.1f s", status, path, wait)
                self.sleep(wait)
                continue
            if status in (401, 403):
                raise AuthenticationError(f"Channel Talk rejected the access key/secret (HTTP {status})")
            if status >= 400:
                raise AdapterError(f"Channel Talk API GET {path}: HTTP {status}")
            try:
                data = response.json()
            except ValueError:
                raise AdapterError(f"Channel Talk API GET {path}: answer is not JSON") from None
            if not isinstance(data, dict):
                raise AdapterError(f"Channel Talk API GET {path}: answer is not a JSON object")
            # Out of budget: wait for the window to reset before the next call, not after a 429.
            limits = self.rate_limit
            if limits.remaining == 0 and limits.reset is not None:
                self.sleep(self._bounded(limits.reset - self.clock()))
            return data
        raise AdapterError(f"Channel Talk API GET {path}: retries exhausted")  # pragma: no cover

    def user_chats(
        self, *, since: str | None = None, state: str | None = None, sort_order: str = "asc"
    ) -> Iterator[ChatPage]:
        """Pages of ``GET /user-chats``, following ``next`` (passed back as ``since``) until absent."""
        cursor = since
        while True:
            data = self.get(
                "/user-chats",
                {"sortOrder": sort_order, "limit": self.page_limit, "state": state, "since": cursor},  # type: ignore[dict-item]
            )
            chats = data.get("userChats", data.get("user_chats"))
            nxt = text_or_none(data.get("next"))
            yield ChatPage(
                cursor=cursor,
                next=nxt,
                chats=[c for c in chats if isinstance(c, Mapping)] if isinstance(chats, list) else [],
                users=_by_id(data.get("users")),
                managers=_by_id(data.get("managers")),
                bots=_by_id(data.get("bots")),
            )
            if not nxt or nxt == cursor:
                return
            cursor = nxt

    def chat_messages(self, chat_id: str) -> ChatMessages:
        """All messages of one chat (oldest first) with the side-loaded people, every page followed."""
        result = ChatMessages()
        cursor: str | None = None
        while True:
            data = self.get(
                f"/user-chats/{quote(chat_id, safe='')}/messages",
                {"sortOrder": "asc", "limit": 500, "since": cursor},  # type: ignore[dict-item]
            )
            page = data.get("messages")
            if isinstance(page, list):
                result.messages.extend(m for m in page if isinstance(m, Mapping))
            result.users.update(_by_id(data.get("users")))
            result.managers.update(_by_id(data.get("managers")))
            result.bots.update(_by_id(data.get("bots")))
            nxt = text_or_none(data.get("next"))
            if not nxt or nxt == cursor:
                break
            cursor = nxt
        return result

    def user(self, user_id: str) -> Mapping[str, Any] | None:
        """``GET /users/{id}`` (cached); None when Channel Talk does not know the user."""
        if user_id not in self._users:
            try:
                data = self.get(f"/users/{quote(user_id, safe='')}")
            except AdapterError as exc:
                if "HTTP 404" not in str(exc):
                    raise
                data = {}
            found = data.get("user")
            self._users[user_id] = found if isinstance(found, Mapping) else None
        return self._users[user_id]

    def records(
        self,
        *,
        since: str | None = None,
        state: str | None = None,
        company_key: str = "company",
        on_page: Callable[[str | None], None] | None = None,
    ) -> Iterator[Record]:
        """Records for every chat, messages fetched per chat.

        Every request names its ``state`` (clients in the wild disagree on whether the
        filter is optional). Without ``state``, opened and snoozed chats (the small live
        set, re-read whole so their changes arrive) come first, then closed chats from
        ``since``, the only resumable stream.

        Parameters
        ----------
        since : str, optional
            Opaque cursor to resume the closed (or the given ``state``'s) chats from.
        state : str, optional
            Only chats in this state (opened, closed, snoozed).
        company_key : str
            Profile key of the company name.
        on_page : callable, optional
            Called, for the resumable stream, with the cursor to resume from after each
            page's records were consumed: the page's ``next``, or for the last page the
            cursor that fetched it (re-read harmlessly next time: imports are idempotent).
        """
        plan = [(state, since)] if state else [("opened", None), ("snoozed", None), ("closed", since)]
        resumable = state or "closed"
        for chat_state, start in plan:
            for page in self.user_chats(since=start, state=chat_state):
                yield from self._page_records(page, company_key=company_key)
                if on_page is not None and chat_state == resumable:
                    on_page(page.next or page.cursor)

    def _page_records(self, page: ChatPage, *, company_key: str) -> Iterator[Record]:
        for chat in page.chats:
            chat_id = text_or_none(chat.get("id"))
            if chat_id is None:
                yield bad_record("api user-chats", chat, "chat has no id")
                continue
            detail = self.chat_messages(chat_id)
            users = {**page.users, **detail.users}
            user_id = text_or_none(chat.get("userId"))
            if user_id and user_id not in users:
                found = self.user(user_id)
                if found is not None:
                    users[user_id] = found
            yield from chat_records(
                chat,
                detail.messages,
                users=users,
                managers={**page.managers, **detail.managers},
                bots={**page.bots, **detail.bots},
                position=f"api user-chat {chat_id}",
                company_key=company_key,
            )
