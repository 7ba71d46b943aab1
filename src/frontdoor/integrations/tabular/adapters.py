"""The ``csv`` and ``jsonl`` adapters: files in, records out, bad rows quarantined one by one."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from frontdoor.core.domain import Channel
from frontdoor.core.errors import AdapterError
from frontdoor.integrations.base import BadRecord, ConversationRecord, Record, raw_excerpt
from frontdoor.integrations.tabular.fields import Fields
from frontdoor.integrations.tabular.rows import RowReader, object_records

__all__ = ["CsvAdapter", "JsonlAdapter"]


class CsvAdapter:
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
        fields = Fields(options)
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
            rows = RowReader(fields)
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
        fields = Fields(options)
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
        yield from RowReader(fields).rows(iter([(position, raw, row, "")]))


class JsonlAdapter:
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
        fields = Fields(options)
        reader = RowReader(fields)
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
                for rec in object_records(obj, position, text.rstrip("\n"), reader):
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
        reader = RowReader(Fields(options))
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield BadRecord(position=position, raw=raw_excerpt(raw), reason=f"invalid JSON: {exc}")
            return
        yield from object_records(obj, position, raw, reader)
