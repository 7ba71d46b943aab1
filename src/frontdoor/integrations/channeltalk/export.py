"""Channel Talk's JSON export (상담 통계 -> 다운로드): sheets of chats, messages and people."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from frontdoor.core.domain import Channel
from frontdoor.core.errors import AdapterError
from frontdoor.integrations._common import bad_record, load_json, parse_json_bytes, text_or_none
from frontdoor.integrations._fileutil import check_options
from frontdoor.integrations.base import Record
from frontdoor.integrations.channeltalk.mapping import KIND, by_id, chat_id_of, chat_records
from frontdoor.integrations.channeltalk.webhook import ChannelTalkWebhook

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
        check_options(options, _OPTIONS, KIND)
        company_key = options.get("company_key", "company") or "company"
        sheets = _load_sheets(path)
        users = by_id([_unflatten(r) for r in sheets.get("User", []) if isinstance(r, Mapping)])
        managers = by_id([_unflatten(r) for r in sheets.get("Manager", []) if isinstance(r, Mapping)])
        bots = by_id([_unflatten(r) for r in sheets.get("Bot", []) if isinstance(r, Mapping)])
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
            chat_id = chat_id_of(row)
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
            users=by_id(user) if isinstance(user, Mapping) else None,
            position=position or "quarantine",
            company_key=options.get("company_key", "company") or "company",
        )
