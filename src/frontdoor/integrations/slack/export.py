"""A Slack workspace export (zip or unzipped folder): threads and standalone messages, channel by channel."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import ClassVar

from frontdoor.core.domain import Channel
from frontdoor.core.errors import AdapterError, RecordError
from frontdoor.integrations._common import bad_record, parse_json_bytes, text_or_none
from frontdoor.integrations._fileutil import check_options
from frontdoor.integrations.base import BadRecord, Record
from frontdoor.integrations.slack.messages import (
    KIND,
    SKIP_SUBTYPES,
    Thread,
    message_record,
    parse_ts,
    thread_record,
)
from frontdoor.integrations.slack.people import People

# One day of one channel is far below this; a larger member is a zip bomb or not an export.
MAX_MEMBER_BYTES = 256 * 1024 * 1024
_DAY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
_OPTIONS = frozenset({"internal_domain", "team_id"})


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
        check_options(options, _OPTIONS, KIND)
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
        threads: dict[tuple[int, int], Thread] = {}
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
                    record = message_record(channel_id, ts, message, people)
                except RecordError as exc:
                    yield bad_record(position, message, str(exc))
                    continue
                if record is None:
                    continue
                thread = threads.get(key)
                if thread is None:
                    thread = threads[key] = Thread(key=key, first_position=position)
                # A thread_broadcast repeats a reply at top level with the same ts: keep one.
                thread.messages.setdefault(ts, record)
        for key in sorted(threads):
            yield thread_record(channel_id, channel_name, threads[key])
