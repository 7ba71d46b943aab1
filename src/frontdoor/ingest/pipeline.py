"""The ingest pipeline: adapter records in, conversations, messages and surveys stored.

``ingest_records`` is the one entry point every import, sync and webhook uses::

    summary = ingest_records(store, workspace_id=ws.id, source_id=src.id,
                             records=adapter.read(path, options={}), file=str(path))

What it does with each record, batch by batch (one transaction per batch, so memory
stays flat however large the input is):

1. **normalize** every text (NFC, whitespace, control characters, bounded to
   ``settings.max_text_chars`` with ``text_truncated`` set), **redact** PII with the
   workspace's :class:`~frontdoor.core.text.redact.Redactor`, **detect** the language;
2. **resolve** contacts and accounts (:mod:`frontdoor.ingest.identity`);
3. **upsert** conversations, messages and survey responses by ``(source_id,
   external_id)``: a content hash of what is stored tells *new*, *updated* (an edited
   message is updated in place, never duplicated) and *unchanged* (a re-import adds no
   rows). A conversation record with only some messages is merged: messages it does not
   mention are kept; ``message_count``, ``last_message_at`` and ``language`` follow;
4. **quarantine** :class:`~frontdoor.integrations.base.BadRecord` and records the pipeline
   cannot store (with source, file, position, bounded raw payload and reason), while the
   rest of the batch goes on;
5. after each commit, emit :class:`~frontdoor.core.events.ConversationsIngested` with
   the ids of the conversations created or changed.

Everything is Core SQL: bulk selects of existing rows and executemany updates. New rows
are inserted with executemany on SQLite and with ``COPY`` on PostgreSQL
(:mod:`frontdoor.db.bulk`; conversation ids are taken from the sequence first).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import math
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import String, Table, bindparam, func, select, text, true, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from frontdoor.core import events
from frontdoor.core.errors import NotFound
from frontdoor.core.store import Store
from frontdoor.core.text.language import language_from_counts, letter_counts
from frontdoor.core.text.normalize import normalize, normalize_line
from frontdoor.core.text.redact import Redactor
from frontdoor.db import bulk
from frontdoor.db.base import utcnow
from frontdoor.ingest.identity import IdentityResolver, Resolved
from frontdoor.ingest.pii import redactor_for
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
from frontdoor.models import (
    AuthorKind,
    Channel,
    Conversation,
    ConversationStatus,
    Message,
    QuarantinedRecord,
    QuarantineStatus,
    Source,
    SurveyKind,
    SurveyResponse,
)

__all__ = ["BATCH_MESSAGES", "BATCH_RECORDS", "Counts", "ImportSummary", "ingest_records"]

# A batch closes at whichever comes first; one transaction per batch.
BATCH_MESSAGES = 5000
BATCH_RECORDS = 2000
_IN_CHUNK = 1000
_MAX_ID = 200
_RAW_LIMIT = 20000

_CONV = cast(Table, Conversation.__table__)
_MSG = cast(Table, Message.__table__)
_SURVEY = cast(Table, SurveyResponse.__table__)
_QUAR = cast(Table, QuarantinedRecord.__table__)
# Tables an import grows and whose statistics the subscribers' queries are planned from.
_ANALYZED_TABLES = ("conversation", "message", "contact", "account", "tag_assignment")


@dataclass
class Counts:
    """New, updated and unchanged rows of one entity."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        """All rows seen."""
        return self.new + self.updated + self.unchanged

    def add(self, other: Counts) -> None:
        """Add ``other``'s counts to these."""
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged

    def to_dict(self) -> dict[str, int]:
        """``{"new": .., "updated": .., "unchanged": ..}``."""
        return {"new": self.new, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class ImportSummary:
    """What an import did, per entity; :attr:`exit_code` is non-zero when anything was quarantined."""

    conversations: Counts = field(default_factory=Counts)
    messages: Counts = field(default_factory=Counts)
    surveys: Counts = field(default_factory=Counts)
    accounts_created: int = 0
    contacts_created: int = 0
    quarantined: int = 0
    records: int = 0

    @property
    def exit_code(self) -> int:
        """0 when every record was stored, 1 when some went to quarantine."""
        return 1 if self.quarantined else 0

    def merge(self, other: ImportSummary) -> None:
        """Add ``other`` (another file of the same import) to this summary."""
        self.conversations.add(other.conversations)
        self.messages.add(other.messages)
        self.surveys.add(other.surveys)
        self.accounts_created += other.accounts_created
        self.contacts_created += other.contacts_created
        self.quarantined += other.quarantined
        self.records += other.records

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain JSON-able data."""
        return {
            "records": self.records,
            "conversations": self.conversations.to_dict(),
            "messages": self.messages.to_dict(),
            "surveys": self.surveys.to_dict(),
            "accounts_created": self.accounts_created,
            "contacts_created": self.contacts_created,
            "quarantined": self.quarantined,
        }


class _Bad(Exception):
    """A record the pipeline cannot store; its message is the quarantine reason."""


def _digest(*parts: object) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _attrs_json(attrs: dict[str, Any] | None) -> str:
    if not attrs:
        return ""
    return json.dumps(attrs, sort_keys=True, ensure_ascii=False, default=str)


def _aware(value: Any, what: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise _Bad(f"{what} is not a timestamp: {value!r}"[:300])
    # Naive times are taken as UTC (the contract asks adapters for aware ones).
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _ext_id(value: Any, what: str) -> str:
    if value is None or isinstance(value, bool):
        raise _Bad(f"{what} is missing")
    ext = str(value).strip()
    if not ext:
        raise _Bad(f"{what} is empty")
    if len(ext) > _MAX_ID:
        raise _Bad(f"{what} is longer than {_MAX_ID} characters")
    return ext


def _json_safe(attrs: Any) -> dict[str, Any]:
    if not attrs:
        return {}
    if not isinstance(attrs, dict):
        raise _Bad("attributes must be a mapping")
    # Round-trip so what is hashed is what the JSON column gives back.
    out: dict[str, Any] = json.loads(json.dumps(attrs, ensure_ascii=False, default=str))
    return out


@dataclass(slots=True)
class _Msg:
    external_id: str
    author_kind: AuthorKind
    author_name: str
    author: ContactRef | None
    is_internal: bool
    text: str
    truncated: bool
    language: str | None
    hangul: int
    latin: int
    sent_at: dt.datetime
    attributes: dict[str, Any]
    content_hash: str


@dataclass(slots=True)
class _Conv:
    external_id: str
    channel: Channel
    subject: str
    status: ConversationStatus
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    contact: ContactRef | None
    account: AccountRef | None
    attributes: dict[str, Any]
    position: str
    messages: dict[str, _Msg]


@dataclass(slots=True)
class _Survey:
    rec: SurveyRecord
    comment: str
    responded_at: dt.datetime


@dataclass(slots=True)
class _BadOut:
    position: str
    raw: str
    reason: str


@dataclass
class _Batch:
    convs: dict[str, _Conv] = field(default_factory=dict)
    surveys: dict[str, _Survey] = field(default_factory=dict)
    bad: list[_BadOut] = field(default_factory=list)
    records: int = 0
    messages: int = 0


def _chunks(items: Sequence[Any], n: int = _IN_CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def _rows_by_external_id(
    s: Session, table: Table, columns: Sequence[Any], source_id: int, ext_ids: Sequence[str]
) -> Iterator[Any]:
    """``columns`` of the rows of ``table`` with ``source_id`` and an external id in ``ext_ids``."""
    if not ext_ids:
        return
    tc = table.c
    if s.get_bind().dialect.name == "postgresql":
        # One probe of the (source_id, external_id) unique index per id, whatever the
        # statistics say. An ``IN`` list is planned from statistics, and a bulk import
        # outruns ANALYZE: with none, PostgreSQL reads every row of the source per batch
        # (quadratic in the import size). LIMIT 1 keeps the lateral subquery a nested loop.
        ids = func.unnest(bindparam("ids", list(ext_ids), type_=ARRAY(String))).table_valued("ext")
        x = ids.render_derived(name="x")
        probe = (
            select(*columns)
            .where(tc.source_id == source_id, tc.external_id == x.c.ext)
            .limit(1)
            .lateral("hit")
        )
        yield from s.execute(select(probe).select_from(x.join(probe, true())))
        return
    for chunk in _chunks(ext_ids):
        yield from s.execute(select(*columns).where(tc.source_id == source_id, tc.external_id.in_(chunk)))


def _prepared_ahead(make: Callable[[], _Batch | None]) -> Iterator[_Batch]:
    """Yield ``make()``'s batches, preparing the next one in a thread while this one is stored.

    Preparing (parsing, normalizing, redacting, hashing) is pure Python; storing mostly
    waits on the database, which releases the GIL. Overlapping the two keeps both cores
    busy on a large import. At most one prepared batch waits, so memory stays flat;
    batches keep their order and boundaries; an error while reading is raised here.
    """
    ready: queue.Queue[tuple[_Batch | None, BaseException | None]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(item: tuple[_Batch | None, BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            while not stop.is_set():
                batch = make()
                if not put((batch, None)) or batch is None:
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            put((None, exc))

    worker = threading.Thread(target=work, name="ingest-prepare", daemon=True)
    worker.start()
    try:
        while True:
            batch, error = ready.get()
            if error is not None:
                raise error
            if batch is None:
                return
            yield batch
    finally:
        stop.set()
        worker.join()


class _Pipeline:
    def __init__(
        self,
        store: Store,
        *,
        workspace_id: int,
        source_id: int,
        file: str,
        on_bad: Callable[[_BadOut], None] | None = None,
    ) -> None:
        self.store = store
        self.workspace_id = workspace_id
        self.source_id = source_id
        self.file = file[:1000]
        self.max_chars = store.settings.max_text_chars
        self.postgresql = store.dialect == "postgresql"
        self.summary = ImportSummary()
        self._touched_total = 0  # conversations this import stored (for ANALYZE)
        self._analyze_at = 1000
        self.on_bad = on_bad
        with store.session() as s:
            source = s.get(Source, source_id)
            if source is None or source.workspace_id != workspace_id:
                raise NotFound(f"no source #{source_id} in workspace #{workspace_id}")
            self.kind = source.kind
            self.redactor: Redactor = redactor_for(s, workspace_id=workspace_id)
            self.resolver = IdentityResolver(s, workspace_id=workspace_id, source_id=source_id)

    # -- preparation (no database) ---------------------------------------------------

    def _text(self, text: Any) -> tuple[str, bool]:
        if text is None:
            return "", False
        if not isinstance(text, str):
            raise _Bad(f"text is not a string: {type(text).__name__}")
        norm = normalize(text, max_chars=self.max_chars * 2 + 64)
        red = self.redactor.redact(norm.text)
        if len(red) > self.max_chars:
            return red[: self.max_chars].rstrip(), True
        return red, norm.truncated

    def _line(self, text: Any, n: int) -> str:
        if text is None:
            return ""
        return self.redactor.redact(normalize_line(str(text), max_chars=n * 2))[:n]

    def _message(self, m: MessageRecord) -> _Msg:
        ext = _ext_id(m.external_id, "message external_id")
        try:
            kind = AuthorKind(m.author_kind)
        except ValueError:
            raise _Bad(f"unknown author kind {m.author_kind!r}") from None
        text, truncated = self._text(m.text)
        sent_at = _aware(m.sent_at, "message sent_at")
        hangul, latin = letter_counts(text)
        name = normalize_line(m.author_name, max_chars=300) if m.author_name else ""
        attrs = _json_safe(m.attributes)
        internal = bool(m.is_internal)
        digest = _digest(kind.value, name, int(internal), sent_at.isoformat(), text, _attrs_json(attrs))
        return _Msg(
            external_id=ext,
            author_kind=kind,
            author_name=name,
            author=m.author,
            is_internal=internal,
            text=text,
            truncated=truncated,
            language=language_from_counts(hangul, latin),
            hangul=hangul,
            latin=latin,
            sent_at=sent_at,
            attributes=attrs,
            content_hash=digest,
        )

    def _add_conversation(self, batch: _Batch, rec: ConversationRecord) -> None:
        ext = _ext_id(rec.external_id, "conversation external_id")
        try:
            channel = Channel(rec.channel)
            status = ConversationStatus(rec.status)
        except ValueError as exc:
            raise _Bad(str(exc)) from None
        opened = _aware(rec.opened_at, "conversation opened_at")
        closed = _aware(rec.closed_at, "conversation closed_at") if rec.closed_at is not None else None
        messages: dict[str, _Msg] = {}
        for i, m in enumerate(rec.messages or []):
            try:
                msg = self._message(m)
            except _Bad as exc:
                batch.bad.append(
                    _BadOut(
                        f"{rec.position}#message{i + 1}"[:100], raw_excerpt(repr(m), _RAW_LIMIT), str(exc)
                    )
                )
                continue
            messages[msg.external_id] = msg
        conv = _Conv(
            external_id=ext,
            channel=channel,
            subject=self._line(rec.subject, 500),
            status=status,
            opened_at=opened,
            closed_at=closed,
            contact=rec.contact,
            account=rec.account,
            attributes=_json_safe(rec.attributes),
            position=rec.position,
            messages=messages,
        )
        batch.messages += len(messages)
        prev = batch.convs.get(ext)
        if prev is None:
            batch.convs[ext] = conv
            return
        # The same conversation twice in one batch (partial records): merge, later wins.
        prev.messages.update(conv.messages)
        prev.channel, prev.status = conv.channel, conv.status
        prev.subject = conv.subject or prev.subject
        prev.opened_at = min(prev.opened_at, conv.opened_at)
        prev.closed_at = conv.closed_at or prev.closed_at
        prev.contact = conv.contact or prev.contact
        prev.account = conv.account or prev.account
        prev.attributes = {**prev.attributes, **conv.attributes}

    def _add_survey(self, batch: _Batch, rec: SurveyRecord) -> None:
        ext = _ext_id(rec.external_id, "survey external_id")
        try:
            SurveyKind(rec.kind)
        except ValueError:
            raise _Bad(f"unknown survey kind {rec.kind!r}") from None
        try:
            score = float(rec.score)
            lo, hi = int(rec.scale_min), int(rec.scale_max)
        except (TypeError, ValueError):
            raise _Bad("survey score and scale must be numbers") from None
        if not math.isfinite(score) or lo >= hi or not lo <= score <= hi:
            raise _Bad(f"survey score {rec.score!r} is outside its scale {rec.scale_min}-{rec.scale_max}")
        comment, _ = self._text(rec.comment)
        rec.external_id = ext
        batch.surveys[ext] = _Survey(
            rec=rec, comment=comment, responded_at=_aware(rec.responded_at, "responded_at")
        )

    def _add(self, batch: _Batch, rec: Record) -> None:
        batch.records += 1
        if isinstance(rec, BadRecord):
            batch.bad.append(
                _BadOut(str(rec.position)[:100], raw_excerpt(rec.raw, _RAW_LIMIT), str(rec.reason))
            )
            return
        try:
            if isinstance(rec, ConversationRecord):
                self._add_conversation(batch, rec)
            elif isinstance(rec, SurveyRecord):
                self._add_survey(batch, rec)
            else:
                raise _Bad(f"not a record: {type(rec).__name__}")
        except _Bad as exc:
            position = str(getattr(rec, "position", "") or getattr(rec, "external_id", ""))[:100]
            batch.bad.append(_BadOut(position, raw_excerpt(repr(rec), _RAW_LIMIT), str(exc)))

    # -- the loop ---------------------------------------------------------------------

    def _next_batch(self, records: Iterator[Record]) -> _Batch | None:
        """Prepare records until a batch is full or the input ends; ``None`` when none were left."""
        batch = _Batch()
        for rec in records:
            self._add(batch, rec)
            if batch.messages >= BATCH_MESSAGES or batch.records >= BATCH_RECORDS:
                break
        return batch if batch.records else None

    def run(self, records: Iterable[Record], progress: Callable[[int], None] | None) -> ImportSummary:
        it = iter(records)
        first = self._next_batch(it)
        if first is None:
            batches: Iterator[_Batch] = iter(())
        elif first.messages < BATCH_MESSAGES and first.records < BATCH_RECORDS:
            batches = iter((first,))  # small input (webhook, API call): no thread
        else:
            batches = itertools.chain((first,), _prepared_ahead(lambda: self._next_batch(it)))
        for batch in batches:
            self._flush(batch, progress)
        self.summary.accounts_created = self.resolver.accounts_created
        self.summary.contacts_created = self.resolver.contacts_created
        return self.summary

    def _flush(self, batch: _Batch, progress: Callable[[int], None] | None) -> None:
        try:
            with self.store.session() as s:
                if self.store.dialect == "postgresql":
                    # A crash loses at most the last batches, and imports are idempotent:
                    # re-running one restores them. Not waiting for each WAL flush is much faster.
                    s.execute(text("SET LOCAL synchronous_commit TO OFF"))
                self.resolver.bind(s)
                touched = self._store_batch(s, batch)
        except BaseException:
            # Ids cached during the failed transaction no longer exist.
            self.resolver.clear()
            raise
        self.summary.records += batch.records
        if progress is not None:
            progress(batch.records)
        self._refresh_statistics(len(touched))
        if touched:
            events.emit(self.store, events.ConversationsIngested(self.workspace_id, tuple(sorted(touched))))

    def _refresh_statistics(self, touched: int) -> None:
        """ANALYZE the growing tables each time this import has multiplied their size.

        A bulk import outruns autovacuum (or runs where it is off): without fresh statistics
        PostgreSQL plans ``workspace_id = ? AND id IN (...)`` as a scan of the whole
        workspace, so the subscribers' per-batch reads grow with the table (quadratic).
        """
        if self.store.dialect != "postgresql":
            return
        self._touched_total += touched
        if self._touched_total < self._analyze_at:
            return
        self._analyze_at = self._touched_total * 4
        with self.store.engine.connect() as conn:
            for table in _ANALYZED_TABLES:
                conn.execute(text(f"ANALYZE {table}"))  # fixed names, never input
            conn.commit()

    # -- storing ----------------------------------------------------------------------

    def _store_batch(self, s: Session, batch: _Batch) -> set[int]:
        now = utcnow()
        # Every identity of the batch in one go: bulk selects and bulk creates.
        refs: list[tuple[ContactRef | None, AccountRef | None]] = []
        for c in batch.convs.values():
            refs.append((c.contact, c.account))
            refs.extend((m.author, None) for m in c.messages.values() if m.author is not None)
        refs.extend((sv.rec.contact, sv.rec.account) for sv in batch.surveys.values())
        resolved = iter(self.resolver.resolve_many(refs))
        self._who_conv: dict[str, Resolved] = {}
        self._who_author: dict[int, int | None] = {}
        self._who_survey: dict[str, Resolved] = {}
        for c in batch.convs.values():
            self._who_conv[c.external_id] = next(resolved)
            for m in c.messages.values():
                if m.author is not None:
                    self._who_author[id(m)] = next(resolved).contact_id
        for ext in batch.surveys:
            self._who_survey[ext] = next(resolved)
        touched: set[int] = set()
        if batch.convs:
            touched = self._store_conversations(s, batch, now)
        if batch.surveys:
            self._store_surveys(s, batch, now)
        bad = batch.bad
        if bad:
            if self.on_bad is not None:
                for b in bad:
                    self.on_bad(b)
            else:
                rows = self._new_quarantine_rows(s, bad, now)
                if rows:
                    s.execute(_QUAR.insert(), rows)
                self.summary.quarantined += len(bad)
        return touched

    def _new_quarantine_rows(
        self, s: Session, bad: Sequence[_BadOut], now: dt.datetime
    ) -> list[dict[str, Any]]:
        """Rows for ``bad`` minus those already waiting in quarantine (re-imports add nothing)."""
        rows: dict[tuple[str, str, str], dict[str, Any]] = {}
        for b in bad:
            # PostgreSQL text cannot hold NUL; keep it visible instead of losing the record.
            raw = b.raw.replace("\x00", "\\x00")
            position = b.position[:100]
            reason = b.reason.replace("\x00", "\\x00")[:1000]
            row: dict[str, Any] = {
                "workspace_id": self.workspace_id,
                "source_id": self.source_id,
                "kind": self.kind[:32],
                "file": self.file[:1000],
                "position": position,
                "raw": raw,
                "reason": reason,
                "status": QuarantineStatus.OPEN,
                "created_at": now,
            }
            rows.setdefault((position, raw, reason), row)
        positions = sorted({key[0] for key in rows})
        for chunk in _chunks(positions):
            seen = s.execute(
                select(_QUAR.c.position, _QUAR.c.raw, _QUAR.c.reason).where(
                    _QUAR.c.workspace_id == self.workspace_id,
                    _QUAR.c.source_id == self.source_id,
                    _QUAR.c.file == self.file[:1000],
                    _QUAR.c.status == QuarantineStatus.OPEN,
                    _QUAR.c.position.in_(chunk),
                )
            )
            for position, raw, reason in seen:
                rows.pop((position, raw, reason), None)
        return list(rows.values())

    def _store_conversations(self, s: Session, batch: _Batch, now: dt.datetime) -> set[int]:
        summary = self.summary
        convs = batch.convs
        ext_ids = list(convs)
        existing: dict[str, Any] = {}
        c = _CONV.c
        columns = (
            c.id,
            c.external_id,
            c.subject,
            c.opened_at,
            c.closed_at,
            c.account_id,
            c.contact_id,
            c.attributes,
            c.content_hash,
            c.message_count,
            c.last_message_at,
            c.language,
        )
        for row in _rows_by_external_id(s, _CONV, columns, self.source_id, ext_ids):
            existing[row.external_id] = row

        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        conv_ids: dict[str, int] = {}
        contact_of: dict[str, int | None] = {}
        touched: set[int] = set()
        for ext, cv in convs.items():
            who = self._who_conv[ext]
            old = existing.get(ext)
            account_id, contact_id = who.account_id, who.contact_id
            subject, opened, closed, attrs = cv.subject, cv.opened_at, cv.closed_at, cv.attributes
            if old is not None:
                # Merge into what is stored: a partial record never erases known facts.
                account_id = account_id if account_id is not None else old.account_id
                contact_id = contact_id if contact_id is not None else old.contact_id
                subject = subject or old.subject
                opened = min(opened, old.opened_at)
                if closed is None and cv.status == ConversationStatus.CLOSED:
                    closed = old.closed_at
                attrs = {**(old.attributes or {}), **attrs}
            contact_of[ext] = contact_id
            digest = _digest(
                cv.channel.value,
                subject,
                cv.status.value,
                opened.isoformat(),
                closed.isoformat() if closed else "",
                account_id,
                contact_id,
                _attrs_json(attrs),
            )
            values = {
                "account_id": account_id,
                "contact_id": contact_id,
                "channel": cv.channel,
                "subject": subject,
                "status": cv.status,
                "opened_at": opened,
                "closed_at": closed,
                "attributes": attrs,
                "content_hash": digest,
                "updated_at": now,
            }
            if old is None:
                msgs = cv.messages.values()
                hangul = sum(m.hangul for m in msgs if m.author_kind == AuthorKind.CUSTOMER)
                latin = sum(m.latin for m in msgs if m.author_kind == AuthorKind.CUSTOMER)
                if not hangul and not latin:
                    hangul = sum(m.hangul for m in msgs)
                    latin = sum(m.latin for m in msgs)
                values.update(
                    workspace_id=self.workspace_id,
                    source_id=self.source_id,
                    external_id=ext,
                    created_at=now,
                    # Provisional: corrected below when some messages already existed.
                    message_count=len(cv.messages),
                    last_message_at=max((m.sent_at for m in msgs), default=None),
                    language=language_from_counts(hangul, latin),
                )
                inserts.append(values)
                summary.conversations.new += 1
            else:
                conv_ids[ext] = old.id
                if digest == old.content_hash:
                    summary.conversations.unchanged += 1
                else:
                    values["_id"] = old.id
                    updates.append(values)
                    summary.conversations.updated += 1
                    touched.add(old.id)
        if inserts and self.postgresql:
            # Ids first, then one COPY: no RETURNING, no multi-row INSERT to parse.
            for values, cid in zip(inserts, bulk.next_ids(s, _CONV, len(inserts)), strict=True):
                values["id"] = cid
                conv_ids[str(values["external_id"])] = cid
                touched.add(cid)
            bulk.copy_rows(s, _CONV, inserts)
        elif inserts:
            result = s.execute(
                _CONV.insert().returning(c.id, c.external_id, sort_by_parameter_order=True), inserts
            )
            for cid, ext in result:
                conv_ids[ext] = cid
                touched.add(cid)
        if updates:
            s.execute(
                update(_CONV)
                .where(c.id == bindparam("_id"))
                .values({k: bindparam(k) for k in updates[0] if k != "_id"}),
                updates,
            )
        touched |= self._store_messages(s, batch, conv_ids, contact_of, existing, now)
        return touched

    def _store_messages(
        self,
        s: Session,
        batch: _Batch,
        conv_ids: dict[str, int],
        contact_of: dict[str, int | None],
        existing_convs: dict[str, Any],
        now: dt.datetime,
    ) -> set[int]:
        summary = self.summary
        m_c = _MSG.c
        all_ext: list[str] = [ext for cv in batch.convs.values() for ext in cv.messages]
        existing: dict[str, tuple[int, int, str]] = {}
        columns = (m_c.id, m_c.external_id, m_c.conversation_id, m_c.content_hash)
        for mid, ext, conv_id, digest in _rows_by_external_id(s, _MSG, columns, self.source_id, all_ext):
            existing[ext] = (mid, conv_id, digest)

        who_author = self._who_author
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        recount: set[int] = set()
        touched: set[int] = set()
        # Per existing conversation: new messages (count, latest time, letters).
        grown: dict[int, list[Any]] = {}
        new_conv_ids = {conv_ids[e] for e in batch.convs if e not in existing_convs}
        seen: set[str] = set()
        for cv in batch.convs.values():
            conv_id = conv_ids[cv.external_id]
            conv_contact = contact_of.get(cv.external_id)
            for ext, m in cv.messages.items():
                if ext in seen:
                    # The same message id in two conversations of one batch: first wins.
                    continue
                seen.add(ext)
                contact_id = None
                if m.author is not None:
                    contact_id = who_author.get(id(m))
                if contact_id is None and m.author_kind == AuthorKind.CUSTOMER:
                    contact_id = conv_contact
                old = existing.get(ext)
                if old is not None and old[2] == m.content_hash and old[1] == conv_id:
                    summary.messages.unchanged += 1
                    continue
                row = {
                    "conversation_id": conv_id,
                    "author_kind": m.author_kind,
                    "author_name": m.author_name,
                    "contact_id": contact_id,
                    "is_internal": m.is_internal,
                    "text": m.text,
                    "text_truncated": m.truncated,
                    "language": m.language,
                    "sent_at": m.sent_at,
                    "content_hash": m.content_hash,
                    "attributes": m.attributes,
                    "updated_at": now,
                }
                if old is None:
                    row.update(
                        workspace_id=self.workspace_id,
                        source_id=self.source_id,
                        external_id=ext,
                        created_at=now,
                    )
                    inserts.append(row)
                    summary.messages.new += 1
                    if conv_id not in new_conv_ids:
                        g = grown.setdefault(conv_id, [0, None, 0, 0])
                        g[0] += 1
                        g[1] = m.sent_at if g[1] is None else max(g[1], m.sent_at)
                        g[2] += m.hangul
                        g[3] += m.latin
                else:
                    row["_id"] = old[0]
                    updates.append(row)
                    summary.messages.updated += 1
                    recount.add(conv_id)
                    recount.add(old[1])
                touched.add(conv_id)
        if inserts and self.postgresql:
            bulk.copy_rows(s, _MSG, inserts)
        elif inserts:
            s.execute(_MSG.insert(), inserts)
        if updates:
            s.execute(
                update(_MSG)
                .where(m_c.id == bindparam("_id"))
                .values({k: bindparam(k) for k in updates[0] if k != "_id"}),
                updates,
            )
        # A new conversation may have adopted messages stored under another id.
        for cv in batch.convs.values():
            conv_id = conv_ids[cv.external_id]
            if conv_id in new_conv_ids and any(e in existing for e in cv.messages):
                recount.add(conv_id)
        self._update_aggregates(s, grown, recount, existing_convs)
        return touched

    def _update_aggregates(
        self, s: Session, grown: dict[int, list[Any]], recount: set[int], existing_convs: dict[str, Any]
    ) -> None:
        c = _CONV.c
        by_id = {row.id: row for row in existing_convs.values()}
        rows: list[dict[str, Any]] = []
        for conv_id, (n, latest, hangul, latin) in grown.items():
            if conv_id in recount:
                continue
            old = by_id[conv_id]
            last = latest if old.last_message_at is None else max(old.last_message_at, latest)
            language = old.language or language_from_counts(hangul, latin)
            rows.append(
                {
                    "_id": conv_id,
                    "message_count": old.message_count + n,
                    "last_message_at": last,
                    "language": language,
                }
            )
        if rows:
            s.execute(
                update(_CONV)
                .where(c.id == bindparam("_id"))
                .values(
                    message_count=bindparam("message_count"),
                    last_message_at=bindparam("last_message_at"),
                    language=bindparam("language"),
                ),
                rows,
            )
        if recount:
            m_c = _MSG.c
            ids = sorted(recount)
            for chunk in _chunks(ids):
                s.execute(
                    update(_CONV)
                    .where(c.id.in_(chunk))
                    .values(
                        message_count=select(func.count(m_c.id))
                        .where(m_c.conversation_id == c.id)
                        .scalar_subquery(),
                        last_message_at=select(func.max(m_c.sent_at))
                        .where(m_c.conversation_id == c.id)
                        .scalar_subquery(),
                    )
                )

    def _store_surveys(self, s: Session, batch: _Batch, now: dt.datetime) -> None:
        summary = self.summary
        sc = _SURVEY.c
        ext_ids = list(batch.surveys)
        existing: dict[str, tuple[int, str]] = {}
        columns = (sc.id, sc.external_id, sc.content_hash)
        for sid, ext, digest in _rows_by_external_id(s, _SURVEY, columns, self.source_id, ext_ids):
            existing[ext] = (sid, digest)
        conv_refs = sorted(
            {
                sv.rec.conversation_external_id
                for sv in batch.surveys.values()
                if sv.rec.conversation_external_id
            }
        )
        conv_map = self._conversation_ids(s, [str(x) for x in conv_refs])
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for ext, sv in batch.surveys.items():
            rec = sv.rec
            who = self._who_survey[ext]
            conv_id = (
                conv_map.get(str(rec.conversation_external_id)) if rec.conversation_external_id else None
            )
            attrs = _json_safe(rec.attributes)
            team = (rec.team or "").strip()[:100] or None
            agent = (rec.agent or "").strip()[:200] or None
            digest = _digest(
                SurveyKind(rec.kind).value,
                float(rec.score),
                int(rec.scale_min),
                int(rec.scale_max),
                sv.comment,
                sv.responded_at.isoformat(),
                who.account_id,
                who.contact_id,
                conv_id,
                team,
                agent,
                _attrs_json(attrs),
            )
            row = {
                "kind": SurveyKind(rec.kind),
                "score": float(rec.score),
                "scale_min": int(rec.scale_min),
                "scale_max": int(rec.scale_max),
                "comment": sv.comment,
                "account_id": who.account_id,
                "contact_id": who.contact_id,
                "conversation_id": conv_id,
                "team": team,
                "agent": agent,
                "responded_at": sv.responded_at,
                "content_hash": digest,
                "attributes": attrs,
            }
            old = existing.get(ext)
            if old is None:
                row.update(
                    workspace_id=self.workspace_id, source_id=self.source_id, external_id=ext, created_at=now
                )
                inserts.append(row)
                summary.surveys.new += 1
            elif old[1] == digest:
                summary.surveys.unchanged += 1
            else:
                row["_id"] = old[0]
                updates.append(row)
                summary.surveys.updated += 1
        if inserts:
            s.execute(_SURVEY.insert(), inserts)
        if updates:
            s.execute(
                update(_SURVEY)
                .where(sc.id == bindparam("_id"))
                .values({k: bindparam(k) for k in updates[0] if k != "_id"}),
                updates,
            )

    def _conversation_ids(self, s: Session, ext_ids: list[str]) -> dict[str, int]:
        """Conversation ids by external id: this source first, then any source of the workspace."""
        c = _CONV.c
        found: dict[str, int] = {}
        for cid, ext in _rows_by_external_id(s, _CONV, (c.id, c.external_id), self.source_id, ext_ids):
            found[ext] = cid
        rest = [e for e in ext_ids if e not in found]
        for chunk in _chunks(rest):
            for cid, ext in s.execute(
                select(c.id, c.external_id)
                .where(c.workspace_id == self.workspace_id, c.external_id.in_(chunk))
                .order_by(c.id.desc())
            ):
                found[ext] = cid
        return found


def ingest_records(
    store: Store,
    *,
    workspace_id: int,
    source_id: int,
    records: Iterable[Record],
    file: str = "",
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Store a stream of adapter records idempotently and report what changed.

    Parameters
    ----------
    store : Store
        The store; the pipeline commits once per batch (:data:`BATCH_MESSAGES` messages or
        :data:`BATCH_RECORDS` records, whichever comes first).
    workspace_id : int
        Workspace the records belong to.
    source_id : int
        The :class:`~frontdoor.models.Source` they came from (``get_or_create_source``).
    records : iterable of Record
        Usually ``adapter.read(path, options=...)``; consumed lazily, once.
    file : str
        Input name recorded with quarantined records.
    progress : callable, optional
        Called after each committed batch with the number of records it held.

    Returns
    -------
    ImportSummary
        New/updated/unchanged per entity, accounts and contacts created, records
        quarantined; ``exit_code`` is 1 when anything was quarantined.

    Raises
    ------
    NotFound
        When the source does not exist in the workspace.
    """
    pipeline = _Pipeline(store, workspace_id=workspace_id, source_id=source_id, file=file)
    return pipeline.run(records, progress)
