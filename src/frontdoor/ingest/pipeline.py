"""The ingest pipeline: adapter records in, conversations, messages and surveys stored.

``ingest_records`` is the one entry point every import, sync and webhook uses::

    summary = ingest_records(store, workspace_id=ws.id, source_id=src.id,
                             records=adapter.read(path, options={}), file=str(path))

What it does with each record, batch by batch (one transaction per batch, so memory
stays flat however large the input is):

1. **normalize** every text (NFC, whitespace, control characters, bounded to
   ``settings.max_text_chars`` with ``text_truncated`` set), **redact** PII with the
   workspace's :class:`~frontdoor.core.text.redact.Redactor`, **detect** the language
   (:mod:`frontdoor.ingest.prepare`, in a thread while the previous batch is stored);
2. **resolve** contacts and accounts (:mod:`frontdoor.ingest.identity`);
3. **upsert** conversations, messages and survey responses by ``(source_id,
   external_id)``: a content hash of what is stored tells *new*, *updated* (an edited
   message is updated in place, never duplicated) and *unchanged* (a re-import adds no
   rows). A conversation record with only some messages is merged: messages it does not
   mention are kept; ``message_count``, ``last_message_at`` and ``language`` follow
   (:mod:`frontdoor.ingest.store_conversations`, :mod:`frontdoor.ingest.store_surveys`);
4. **quarantine** :class:`~frontdoor.integrations.base.BadRecord` and records the pipeline
   cannot store (with source, file, position, bounded raw payload and reason), while the
   rest of the batch goes on (:mod:`frontdoor.ingest.store_rejected`);
5. after each commit, emit :class:`~frontdoor.core.events.ConversationsIngested` with
   the ids of the conversations created or changed.

Everything is Core SQL: bulk selects of existing rows and executemany updates. New rows
are inserted with executemany on SQLite and with ``COPY`` on PostgreSQL
(:mod:`frontdoor.db.bulk`; conversation ids are taken from the sequence first).
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.orm import Session

from frontdoor.core import events
from frontdoor.core.errors import NotFound
from frontdoor.core.store import Store
from frontdoor.db.base import utcnow
from frontdoor.ingest.batch import Batch, Rejected
from frontdoor.ingest.identity import IdentityResolver, Resolved
from frontdoor.ingest.pii import redactor_for
from frontdoor.ingest.prepare import BatchPreparer
from frontdoor.ingest.rows import Scope
from frontdoor.ingest.store_conversations import store_conversations
from frontdoor.ingest.store_rejected import QuarantineTarget, store_rejected
from frontdoor.ingest.store_surveys import store_surveys
from frontdoor.ingest.summary import ImportSummary
from frontdoor.integrations.base import AccountRef, ContactRef, Record
from frontdoor.models import Source

__all__ = ["ingest_records"]

# Tables an import grows and whose statistics the subscribers' queries are planned from.
_ANALYZED_TABLES = ("conversation", "message", "contact", "account", "tag_assignment")


def _prepared_ahead(make: Callable[[], Batch | None]) -> Iterator[Batch]:
    """Yield ``make()``'s batches, preparing the next one in a thread while this one is stored.

    Preparing (parsing, normalizing, redacting, hashing) is pure Python; storing mostly
    waits on the database, which releases the GIL. Overlapping the two keeps both cores
    busy on a large import. At most one prepared batch waits, so memory stays flat;
    batches keep their order and boundaries; an error while reading is raised here.
    """
    ready: queue.Queue[tuple[Batch | None, BaseException | None]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(item: tuple[Batch | None, BaseException | None]) -> bool:
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


@dataclass
class _Identities:
    """Who each part of a batch belongs to, resolved in one go."""

    conversations: dict[str, Resolved] = field(default_factory=dict)
    authors: dict[int, int | None] = field(default_factory=dict)  # by id() of the message
    surveys: dict[str, Resolved] = field(default_factory=dict)


class _Pipeline:
    """One import: prepares batches, resolves their identities, stores them, one commit each."""

    def __init__(
        self,
        store: Store,
        *,
        workspace_id: int,
        source_id: int,
        file: str,
        on_rejected: Callable[[Rejected], None] | None = None,
    ) -> None:
        self.store = store
        self.workspace_id = workspace_id
        self.scope = Scope(workspace_id, source_id, store.dialect == "postgresql")
        self.summary = ImportSummary()
        self._touched_total = 0  # conversations this import stored (for ANALYZE)
        self._analyze_at = 1000
        self.on_rejected = on_rejected
        with store.session() as s:
            source = s.get(Source, source_id)
            if source is None or source.workspace_id != workspace_id:
                raise NotFound(f"no source #{source_id} in workspace #{workspace_id}")
            self.quarantine = QuarantineTarget(workspace_id, source_id, source.kind, file[:1000])
            redactor = redactor_for(s, workspace_id=workspace_id)
            self.preparer = BatchPreparer(redactor, max_chars=store.settings.max_text_chars)
            self.resolver = IdentityResolver(s, workspace_id=workspace_id, source_id=source_id)

    def run(self, records: Iterable[Record], progress: Callable[[int], None] | None) -> ImportSummary:
        """Store every record, batch by batch; return what changed."""
        it = iter(records)
        first = self.preparer.next_batch(it)
        if first is None:
            batches: Iterator[Batch] = iter(())
        elif not self.preparer.is_full(first):
            batches = iter((first,))  # small input (webhook, API call): no thread
        else:
            batches = itertools.chain((first,), _prepared_ahead(lambda: self.preparer.next_batch(it)))
        for batch in batches:
            self._flush(batch, progress)
        self.summary.accounts_created = self.resolver.accounts_created
        self.summary.contacts_created = self.resolver.contacts_created
        return self.summary

    def _flush(self, batch: Batch, progress: Callable[[int], None] | None) -> None:
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

    def _resolve(self, batch: Batch) -> _Identities:
        """Every identity of the batch in one go: bulk selects and bulk creates."""
        refs: list[tuple[ContactRef | None, AccountRef | None]] = []
        for c in batch.convs.values():
            refs.append((c.contact, c.account))
            refs.extend((m.author, None) for m in c.messages.values() if m.author is not None)
        refs.extend((sv.rec.contact, sv.rec.account) for sv in batch.surveys.values())
        resolved = iter(self.resolver.resolve_many(refs))
        who = _Identities()
        for c in batch.convs.values():
            who.conversations[c.external_id] = next(resolved)
            for m in c.messages.values():
                if m.author is not None:
                    who.authors[id(m)] = next(resolved).contact_id
        for ext in batch.surveys:
            who.surveys[ext] = next(resolved)
        return who

    def _store_batch(self, s: Session, batch: Batch) -> set[int]:
        now = utcnow()
        who = self._resolve(batch)
        touched: set[int] = set()
        summary = self.summary
        if batch.convs:
            counts = (summary.conversations, summary.messages)
            touched = store_conversations(s, self.scope, batch, who.conversations, who.authors, counts, now)
        if batch.surveys:
            store_surveys(s, self.scope, batch, who.surveys, summary.surveys, now)
        if batch.bad and self.on_rejected is not None:
            for rejected in batch.bad:
                self.on_rejected(rejected)
        elif batch.bad:
            store_rejected(s, self.quarantine, batch.bad, now)
            summary.quarantined += len(batch.bad)
        return touched


def ingest_records(
    store: Store,
    *,
    workspace_id: int,
    source_id: int,
    records: Iterable[Record],
    file: str = "",
    progress: Callable[[int], None] | None = None,
    on_rejected: Callable[[Rejected], None] | None = None,
) -> ImportSummary:
    """Store a stream of adapter records idempotently and report what changed.

    Parameters
    ----------
    store : Store
        The store; the pipeline commits once per batch
        (:data:`~frontdoor.ingest.prepare.BATCH_MESSAGES` messages or
        :data:`~frontdoor.ingest.prepare.BATCH_RECORDS` records, whichever comes first).
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
    on_rejected : callable, optional
        Given each record the pipeline rejects instead of quarantining it (and counting it
        in ``quarantined``): a quarantine retry reports them on the record it retries.

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
    pipeline = _Pipeline(
        store, workspace_id=workspace_id, source_id=source_id, file=file, on_rejected=on_rejected
    )
    return pipeline.run(records, progress)
