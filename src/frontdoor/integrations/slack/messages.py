"""Slack timestamps, messages and threads to records (shared by the export and the webhook)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from frontdoor.core.domain import AuthorKind, Channel
from frontdoor.core.errors import RecordError
from frontdoor.integrations._common import EPOCH, text_or_none
from frontdoor.integrations.base import ConversationRecord, MessageRecord
from frontdoor.integrations.slack.people import People

KIND = "slack"

# Housekeeping subtypes: they say nothing in the customer's words.
SKIP_SUBTYPES = frozenset(
    {
        "channel_join", "channel_leave", "channel_topic", "channel_purpose", "channel_name",
        "channel_archive", "channel_unarchive", "channel_convert_to_private", "group_join",
        "group_leave", "group_topic", "group_purpose", "group_name", "group_archive",
        "group_unarchive", "pinned_item", "unpinned_item", "bot_add", "bot_remove",
        "reminder_add", "message_deleted", "tombstone", "joiner_notification",
    }
)  # fmt: skip
_TS = re.compile(r"^(\d{1,12})(?:\.(\d{1,6}))?$")


def parse_ts(value: object) -> tuple[int, int]:
    """A Slack ``ts`` ("1716543210.123456") as (seconds, microseconds) integers.

    Raises
    ------
    RecordError
        When ``value`` is not a Slack timestamp.
    """
    match = _TS.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise RecordError(f"ts: not a Slack timestamp: {str(value)[:40]!r}")
    return int(match.group(1)), int((match.group(2) or "0").ljust(6, "0"))


def ts_time(ts: tuple[int, int]) -> dt.datetime:
    """The aware UTC datetime of a parsed ``ts``."""
    return EPOCH + dt.timedelta(seconds=ts[0], microseconds=ts[1])


def ts_text(ts: tuple[int, int]) -> str:
    """The canonical "seconds.micros" text of a parsed ``ts`` (used in external ids)."""
    return f"{ts[0]}.{ts[1]:06d}"


def message_record(
    channel_id: str, ts: tuple[int, int], message: Mapping[str, Any], people: People
) -> MessageRecord | None:
    """One Slack message as a record, or ``None`` for one with neither text nor files."""
    user_id = text_or_none(message.get("user"))
    raw_text = message.get("text")
    text = people.render(raw_text).strip() if isinstance(raw_text, str) else ""
    files = message.get("files")
    file_names = (
        [str(f.get("name") or f.get("title") or "") for f in files if isinstance(f, Mapping)]
        if isinstance(files, list)
        else []
    )
    if not text and not file_names:
        return None
    kind = people.kind(user_id, message)
    if kind is AuthorKind.BOT:
        name = text_or_none(message.get("username")) or (
            people.name(user_id, message) if user_id else text_or_none(message.get("bot_id")) or ""
        )
    else:
        name = people.name(user_id, message)
    attributes: dict[str, Any] = {}
    if user_id:
        attributes["user"] = user_id
    if file_names:
        attributes["files"] = file_names
    reactions = message.get("reactions")
    if isinstance(reactions, list) and reactions:
        attributes["reactions"] = {
            str(r.get("name")): int(r.get("count") or 0)
            for r in reactions
            if isinstance(r, Mapping) and r.get("name")
        }
    edited = message.get("edited")
    if isinstance(edited, Mapping) and edited.get("ts"):
        attributes["edited_ts"] = str(edited["ts"])
    return MessageRecord(
        external_id=f"{channel_id}:{ts_text(ts)}",
        author_kind=kind,
        text=text,
        sent_at=ts_time(ts),
        author_name=name or "",
        author=people.contact(user_id, message) if user_id and kind is AuthorKind.CUSTOMER else None,
        attributes=attributes,
    )


@dataclass
class Thread:
    """The messages of one thread by ``ts``, keyed by the thread's ``thread_ts``."""

    key: tuple[int, int]
    messages: dict[tuple[int, int], MessageRecord] = field(default_factory=dict)
    first_position: str = ""


def thread_record(channel_id: str, channel_name: str, thread: Thread) -> ConversationRecord:
    """A thread (or standalone message) as one conversation, subject ``#channel`` + first line."""
    ordered = [thread.messages[k] for k in sorted(thread.messages)]
    opener = ordered[0]
    first_line = opener.text.split("\n", 1)[0].strip()
    subject = f"#{channel_name} {first_line}".strip() if channel_name else first_line
    customer = next((m.author for m in ordered if m.author is not None), None)
    return ConversationRecord(
        external_id=f"{channel_id}:{ts_text(thread.key)}",
        channel=Channel.SLACK,
        opened_at=min(ts_time(thread.key), opener.sent_at),
        messages=ordered,
        subject=subject[:200],
        contact=customer,
        account=customer.account if customer else None,
        attributes={"channel_id": channel_id, "channel": channel_name, "thread_ts": ts_text(thread.key)},
        position=thread.first_position,
    )
