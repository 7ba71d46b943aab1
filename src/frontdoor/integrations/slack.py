"""Slack: workspace export zips (or their unzipped folder) and Events API webhooks.

A conversation is a thread (messages sharing ``thread_ts``) or a standalone top-level
message: external id ``<channel id>:<thread_ts or ts>``; each message's external id is
``<channel id>:<ts>``. ``ts`` values ("seconds.micros") are compared as integer pairs,
never floats. Join/leave/topic and similar housekeeping subtypes are skipped;
``bot_message`` is a bot.

Who is internal: with ``--option internal_domain=ourco.com`` (comma-separated list) a
user whose email is in one of those domains is an agent and everyone else a customer.
Without it, workspace admins/owners and members of the home team (``--option
team_id=T...``, else the team of the workspace's admins) are agents; guests, members of
other teams (Slack Connect) and users missing from ``users.json`` (external users are not
exported) are customers. Mentions ``<@U123>`` become ``@display name``; the subject is
``#channel`` followed by the thread's first line.

The zip is read member by member and one channel's threads at a time, so memory follows
the largest channel, not the export.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import zipfile
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

from frontdoor.core.errors import AdapterError, RecordError, ValidationError
from frontdoor.core.text.email import email_domain
from frontdoor.integrations._common import (
    EPOCH,
    bad_record,
    header,
    hmac_hex,
    parse_json_bytes,
    same,
    text_or_none,
)
from frontdoor.integrations.base import (
    AccountRef,
    BadRecord,
    ContactRef,
    ConversationRecord,
    MessageRecord,
    Record,
)
from frontdoor.integrations.webhooks import JsonWebhook
from frontdoor.models import AuthorKind, Channel

KIND = "slack"
MAX_SKEW_S = 300
# One day of one channel is far below this; a larger member is a zip bomb or not an export.
MAX_MEMBER_BYTES = 256 * 1024 * 1024

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
_DAY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
_TS = re.compile(r"^(\d{1,12})(?:\.(\d{1,6}))?$")
_LINK = re.compile(r"<([^<>]+)>")
_OPTIONS = frozenset({"internal_domain", "team_id"})


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


@dataclass
class People:
    """Who is who in one export: users by id, the home team and the internal domains."""

    users: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    home_team: str | None = None
    internal_domains: frozenset[str] = frozenset()

    @classmethod
    def build(cls, users: object, *, team_id: str | None, internal_domains: frozenset[str]) -> People:
        """Index ``users.json`` and settle the home team (option, else the admins' team)."""
        by_id: dict[str, Mapping[str, Any]] = {}
        for user in users if isinstance(users, list) else []:
            if isinstance(user, Mapping) and text_or_none(user.get("id")):
                by_id[str(user["id"])] = user
        home = team_id
        if home is None:
            admins = Counter(
                str(u["team_id"])
                for u in by_id.values()
                if u.get("team_id") and (u.get("is_admin") or u.get("is_owner") or u.get("is_primary_owner"))
            )
            everyone = Counter(str(u["team_id"]) for u in by_id.values() if u.get("team_id"))
            top = admins.most_common(1) or everyone.most_common(1)
            home = top[0][0] if top else None
        return cls(users=by_id, home_team=home, internal_domains=internal_domains)

    def profile(self, user_id: str | None, message: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
        user = self.users.get(user_id or "") or {}
        profile = user.get("profile")
        if isinstance(profile, Mapping) and profile:
            return profile
        fallback = message.get("user_profile") if message else None
        return fallback if isinstance(fallback, Mapping) else {}

    def name(self, user_id: str | None, message: Mapping[str, Any] | None = None) -> str:
        """Display name, else real name, else the handle, else the id."""
        user = self.users.get(user_id or "") or {}
        profile = self.profile(user_id, message)
        for value in (
            profile.get("display_name"),
            profile.get("real_name"),
            user.get("real_name"),
            user.get("name"),
            profile.get("name"),
        ):
            if text_or_none(value):
                return str(value).strip()
        return user_id or ""

    def team(self, user_id: str | None, message: Mapping[str, Any] | None = None) -> str | None:
        user = self.users.get(user_id or "") or {}
        profile = self.profile(user_id, message)
        for value in (
            user.get("team_id"),
            message.get("user_team") if message else None,
            profile.get("team"),
        ):
            if text_or_none(value):
                return str(value)
        return None

    def kind(self, user_id: str | None, message: Mapping[str, Any]) -> AuthorKind:
        """The author kind of ``message`` by ``user_id`` (rules in the module docstring)."""
        user = self.users.get(user_id or "") or {}
        if message.get("subtype") == "bot_message" or user.get("is_bot") or user_id == "USLACKBOT":
            return AuthorKind.BOT
        if not user_id and message.get("bot_id"):
            return AuthorKind.BOT
        domain = email_domain(text_or_none(self.profile(user_id, message).get("email")))
        if self.internal_domains and domain:
            return AuthorKind.AGENT if domain in self.internal_domains else AuthorKind.CUSTOMER
        if user.get("is_restricted") or user.get("is_ultra_restricted"):
            return AuthorKind.CUSTOMER
        if user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"):
            return AuthorKind.AGENT
        team = self.team(user_id, message)
        if user and team and self.home_team:
            return AuthorKind.AGENT if team == self.home_team else AuthorKind.CUSTOMER
        if user and not user.get("is_stranger") and team is None:
            return AuthorKind.AGENT  # a member of this workspace with nothing saying otherwise
        return AuthorKind.CUSTOMER

    def contact(self, user_id: str, message: Mapping[str, Any] | None = None) -> ContactRef:
        """A ContactRef for a customer; a user of another team carries that team as account."""
        profile = self.profile(user_id, message)
        email = text_or_none(profile.get("email"))
        team = self.team(user_id, message)
        account = None
        if team and team != self.home_team:
            # Exports carry no team names; the domain (if any) names the account better.
            domain = email_domain(email)
            account = AccountRef(
                external_id=team, domain=domain, name=None if domain else f"Slack team {team}"
            )
        elif self.internal_domains and email_domain(email):
            account = AccountRef(domain=email_domain(email))
        return ContactRef(
            external_id=user_id,
            email=email,
            name=self.name(user_id, message) or None,
            phone=text_or_none(profile.get("phone")),
            title=text_or_none(profile.get("title")),
            account=account,
        )

    def render(self, text: str) -> str:
        """Slack mrkdwn to plain text: mentions to @names, links to their labels, entities decoded."""

        def link(match: re.Match[str]) -> str:
            inner = match.group(1)
            target, _, label = inner.partition("|")
            if target.startswith("@"):
                return "@" + (label or self.name(target[1:]))
            if target.startswith("#"):
                return "#" + (label or target[1:])
            if target.startswith("!"):
                if target.startswith("!subteam^"):
                    return label or "@team"
                return "@" + (label or target[1:].split("^")[0])
            if target.startswith("mailto:"):
                return label or target[len("mailto:") :]
            return label or target

        return html.unescape(_LINK.sub(link, text))


class _Tree:
    """Files of an export: a zip (read member by member) or its unzipped folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        if path.is_dir():
            self.names = sorted(
                str(p.relative_to(path).as_posix()) for p in path.rglob("*.json") if p.is_file()
            )
        else:
            try:
                self._zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError) as exc:
                raise AdapterError(f"{path}: not a Slack export zip ({exc})") from None
            self.names = sorted(i.filename for i in self._zip.infolist() if not i.is_dir())
        roots = [n for n in self.names if PurePosixPath(n).name == "channels.json"]
        roots += [n for n in self.names if PurePosixPath(n).name in ("groups.json", "users.json")]
        if not roots:
            raise AdapterError(f"{path}: no channels.json or users.json; is this a Slack export?")
        self.prefix = str(PurePosixPath(min(roots, key=lambda n: n.count("/"))).parent)
        if self.prefix == ".":
            self.prefix = ""

    def read(self, name: str) -> bytes:
        """One member's bytes, refusing members larger than :data:`MAX_MEMBER_BYTES`."""
        if self._zip is not None:
            with self._zip.open(name) as fh:
                data = fh.read(MAX_MEMBER_BYTES + 1)
        else:
            with (self.path / name).open("rb") as fh:
                data = fh.read(MAX_MEMBER_BYTES + 1)
        if len(data) > MAX_MEMBER_BYTES:
            raise AdapterError(f"{name} is larger than {MAX_MEMBER_BYTES // (1024 * 1024)} MiB")
        return data

    def top(self, name: str) -> object:
        full = f"{self.prefix}/{name}" if self.prefix else name
        if full not in self.names:
            return []
        return parse_json_bytes(self.read(full), what=name)

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def _message_record(
    channel_id: str, ts: tuple[int, int], message: Mapping[str, Any], people: People
) -> MessageRecord | None:
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
class _Thread:
    key: tuple[int, int]
    messages: dict[tuple[int, int], MessageRecord] = field(default_factory=dict)
    first_position: str = ""


def _thread_record(channel_id: str, channel_name: str, thread: _Thread) -> ConversationRecord:
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


def _channel_folders(tree: _Tree) -> dict[str, tuple[str, str]]:
    """Folder name -> (channel id, channel name) from channels/groups/mpims/dms.json."""
    folders: dict[str, tuple[str, str]] = {}
    for listing in ("channels.json", "groups.json", "mpims.json", "dms.json"):
        items = tree.top(listing)
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, Mapping) or not text_or_none(item.get("id")):
                continue
            channel_id = str(item["id"])
            name = text_or_none(item.get("name")) or channel_id
            folders[name] = (channel_id, name)
            folders.setdefault(channel_id, (channel_id, name))
    return folders


class SlackExport:
    """A Slack workspace export (zip or unzipped folder): threads and standalone messages."""

    kind: ClassVar[str] = KIND
    channel: ClassVar[Channel] = Channel.SLACK
    summary: ClassVar[str] = "Slack workspace export zip: threads and messages"
    help: ClassVar[str] = (
        "Reads a Slack export zip (channels.json, users.json, one folder per channel of "
        "YYYY-MM-DD.json files) or its unzipped folder. A thread, or a top-level message "
        "without replies, is one conversation. Options: internal_domain=ourco.com[,...] marks "
        "users with those email domains as agents and everyone else as customers; team_id=T... "
        "names the home team (default: the admins' team). Join/leave messages are skipped.\n\n"
        "Example: frontdoor import slack export.zip --option internal_domain=ourco.com"
    )

    def read(self, path: Path, *, options: Mapping[str, str]) -> Iterator[Record]:
        """Stream one record per thread, channel by channel; bad messages as BadRecord.

        Raises
        ------
        AdapterError
            When the input is not a Slack export.
        """
        unknown = sorted(set(options) - _OPTIONS)
        if unknown:
            raise ValidationError(
                f"slack: unknown option(s) {', '.join(unknown)}; known: internal_domain, team_id"
            )
        domains = frozenset(
            d.strip().lower().lstrip("@") for d in options.get("internal_domain", "").split(",") if d.strip()
        )
        tree = _Tree(path)
        try:
            people = People.build(
                tree.top("users.json"), team_id=text_or_none(options.get("team_id")), internal_domains=domains
            )
            folders = _channel_folders(tree)
            by_folder: dict[str, list[str]] = {}
            for name in tree.names:
                rel = name[len(tree.prefix) + 1 :] if tree.prefix else name
                parts = rel.split("/")
                if len(parts) == 2 and _DAY_FILE.match(parts[1]):
                    by_folder.setdefault(parts[0], []).append(name)
            for folder in sorted(by_folder):
                channel_id, channel_name = folders.get(folder, (folder, folder))
                yield from self._channel(tree, sorted(by_folder[folder]), channel_id, channel_name, people)
        finally:
            tree.close()

    def _channel(
        self, tree: _Tree, files: list[str], channel_id: str, channel_name: str, people: People
    ) -> Iterator[Record]:
        threads: dict[tuple[int, int], _Thread] = {}
        for name in files:
            # Positions are relative to the export root: quarantine keeps 100 characters.
            rel = name[len(tree.prefix) + 1 :] if tree.prefix else name
            try:
                day = parse_json_bytes(tree.read(name), what=rel)
            except AdapterError as exc:
                yield BadRecord(position=rel, raw="", reason=str(exc))
                continue
            if not isinstance(day, list):
                yield bad_record(rel, day, "day file is not a JSON array")
                continue
            for index, message in enumerate(day):
                position = f"{rel}[{index}]"
                try:
                    if not isinstance(message, Mapping):
                        raise RecordError("message is not an object")
                    if message.get("type", "message") != "message" or message.get("subtype") in SKIP_SUBTYPES:
                        continue
                    ts = parse_ts(message.get("ts"))
                    thread_raw = message.get("thread_ts")
                    key = parse_ts(thread_raw) if thread_raw else ts
                    record = _message_record(channel_id, ts, message, people)
                except RecordError as exc:
                    yield bad_record(position, message, str(exc))
                    continue
                if record is None:
                    continue
                thread = threads.get(key)
                if thread is None:
                    thread = threads[key] = _Thread(key=key, first_position=position)
                # A thread_broadcast repeats a reply at top level with the same ts: keep one.
                thread.messages.setdefault(ts, record)
        for key in sorted(threads):
            yield _thread_record(channel_id, channel_name, threads[key])


class SlackWebhook(JsonWebhook):
    """Slack Events API deliveries, signed with the app's signing secret.

    ``X-Slack-Signature`` is ``v0=`` + hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" +
    raw body)) with ``X-Slack-Request-Timestamp``; timestamps more than 300 s from ``now``
    are refused (replays). Message events become a one-message conversation; the author is
    an agent when Slack says the user is of the receiving team (``user_team`` equal to
    ``team_id``), a bot for bot messages, else a customer. ``url_verification`` gives no
    records (the endpoint answers the challenge).
    """

    kind: ClassVar[str] = KIND
    what: ClassVar[str] = "Slack event body"

    def verify(
        self,
        *,
        secret: str,
        headers: Mapping[str, str],
        query: Mapping[str, str],
        body: bytes,
        now: float,
    ) -> bool:
        """Whether the signature matches and the timestamp is within 300 s of ``now``."""
        signature = header(headers, "x-slack-signature")
        timestamp = header(headers, "x-slack-request-timestamp")
        if not secret or not signature or not timestamp or not timestamp.strip().isdigit():
            return False
        if abs(now - int(timestamp.strip())) > MAX_SKEW_S:
            return False
        base = b"v0:" + timestamp.strip().encode("ascii") + b":" + body
        return same(signature.strip(), "v0=" + hmac_hex(secret, base))

    def delivery_key(self, payload: Any) -> str | None:
        """``event:<event_id>`` (the same across Slack's retries)."""
        if isinstance(payload, dict) and text_or_none(payload.get("event_id")):
            return f"event:{payload['event_id']}"
        return None

    def payload_records(self, payload: Any) -> list[Record]:
        """Records from a parsed delivery; a malformed message event is a BadRecord."""
        if not isinstance(payload, Mapping) or payload.get("type") != "event_callback":
            return []  # url_verification, app_rate_limited ...
        event = payload.get("event")
        if not isinstance(event, Mapping) or event.get("type") != "message":
            return []
        channel_id = text_or_none(event.get("channel"))
        message: Mapping[str, Any] = event
        if event.get("subtype") == "message_changed":
            inner = event.get("message")
            if not isinstance(inner, Mapping):
                return [bad_record("webhook", payload, "edit without message")]
            message = inner
        if message.get("subtype") in SKIP_SUBTYPES:
            return []
        team = text_or_none(payload.get("team_id")) or text_or_none(event.get("team"))
        people = _EventPeople(home_team=team)
        try:
            if channel_id is None:
                raise RecordError("event has no channel")
            ts = parse_ts(message.get("ts"))
            thread_raw = message.get("thread_ts")
            key = parse_ts(thread_raw) if thread_raw else ts
            record = _message_record(channel_id, ts, message, people)
        except RecordError as exc:
            return [bad_record("webhook", payload, str(exc))]
        if record is None:
            return []
        thread = _Thread(key=key, messages={ts: record}, first_position="webhook")
        conversation = _thread_record(channel_id, "", thread)
        if key != ts:
            conversation.subject = ""  # a reply's first line is not the thread's subject
        return [conversation]


class _EventPeople(People):
    """People for one event: nothing but the receiving team is known."""

    def __init__(self, *, home_team: str | None) -> None:
        super().__init__(users={}, home_team=home_team)

    def kind(self, user_id: str | None, message: Mapping[str, Any]) -> AuthorKind:
        if message.get("subtype") == "bot_message" or message.get("bot_id") or user_id == "USLACKBOT":
            return AuthorKind.BOT
        user_team = text_or_none(message.get("user_team"))
        if user_team and self.home_team and user_team == self.home_team:
            return AuthorKind.AGENT
        return AuthorKind.CUSTOMER
