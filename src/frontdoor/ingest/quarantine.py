"""Quarantine: records that could not be imported, kept with their reason until fixed.

Every bad record is stored by the ingest pipeline with its source, file, position, raw
payload (bounded) and reason. From here a person lists them, **retries** them (the raw
payload is parsed again by the same adapter kind, through the optional
:class:`~frontdoor.integrations.base.RetryableAdapter` extension, optionally after fixing the
payload or with corrected adapter options) or **resolves** them (gives up on purpose).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor.core.errors import FrontdoorError, NotFound, ValidationError
from frontdoor.core.store import Store
from frontdoor.db.base import utcnow
from frontdoor.ingest.batch import Rejected
from frontdoor.ingest.pipeline import ingest_records
from frontdoor.ingest.summary import ImportSummary
from frontdoor.integrations.base import BadRecord, Record, RetryableAdapter, raw_excerpt
from frontdoor.models import QuarantinedRecord, QuarantineStatus, Source

__all__ = [
    "RetryOutcome",
    "RetryResult",
    "count_quarantined",
    "get_quarantined",
    "list_quarantined",
    "resolve_quarantined",
    "retry_quarantined",
]


def list_quarantined(
    session: Session,
    *,
    workspace_id: int,
    status: QuarantineStatus | None = QuarantineStatus.OPEN,
    source_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[QuarantinedRecord]:
    """Quarantined records, oldest first (``status=None`` for all)."""
    query = select(QuarantinedRecord).where(QuarantinedRecord.workspace_id == workspace_id)
    if status is not None:
        query = query.where(QuarantinedRecord.status == status)
    if source_id is not None:
        query = query.where(QuarantinedRecord.source_id == source_id)
    query = query.order_by(QuarantinedRecord.id).limit(max(1, min(limit, 10000))).offset(max(0, offset))
    return list(session.scalars(query))


def count_quarantined(
    session: Session, *, workspace_id: int, status: QuarantineStatus | None = QuarantineStatus.OPEN
) -> int:
    """How many records are quarantined (open ones by default)."""
    query = select(func.count(QuarantinedRecord.id)).where(QuarantinedRecord.workspace_id == workspace_id)
    if status is not None:
        query = query.where(QuarantinedRecord.status == status)
    return int(session.scalar(query) or 0)


def get_quarantined(session: Session, *, workspace_id: int, record_id: int) -> QuarantinedRecord:
    """One quarantined record, or raise :class:`NotFound`."""
    row = session.get(QuarantinedRecord, record_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound(f"no quarantined record #{record_id}")
    return row


def resolve_quarantined(session: Session, *, workspace_id: int, record_id: int) -> QuarantinedRecord:
    """Mark a record resolved without importing it (a person decided it is not needed)."""
    row = get_quarantined(session, workspace_id=workspace_id, record_id=record_id)
    if row.status != QuarantineStatus.RESOLVED:
        row.status = QuarantineStatus.RESOLVED
        row.resolved_at = utcnow()
    session.flush()
    return row


@dataclass
class RetryOutcome:
    """What happened to one retried record."""

    record_id: int
    ok: bool
    reason: str = ""


@dataclass
class RetryResult:
    """Outcomes per record plus what the retried records added to the store."""

    outcomes: list[RetryOutcome] = field(default_factory=list)
    summary: ImportSummary = field(default_factory=ImportSummary)

    @property
    def fixed(self) -> int:
        """Records imported and resolved."""
        return sum(1 for o in self.outcomes if o.ok)

    @property
    def failed(self) -> int:
        """Records still quarantined."""
        return sum(1 for o in self.outcomes if not o.ok)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        return {
            "fixed": self.fixed,
            "failed": self.failed,
            "outcomes": [{"id": o.record_id, "ok": o.ok, "reason": o.reason} for o in self.outcomes],
            "summary": self.summary.to_dict(),
        }


def retry_quarantined(
    store: Store,
    *,
    workspace_id: int,
    record_ids: Sequence[int] | None = None,
    raw: str | None = None,
    options: Mapping[str, str] | None = None,
) -> RetryResult:
    """Parse quarantined records again and import those that now parse.

    Parameters
    ----------
    store : Store
        The store; commits per record.
    workspace_id : int
        Workspace of the records.
    record_ids : sequence of int, optional
        Records to retry; ``None`` retries every open one.
    raw : str, optional
        A corrected payload replacing the stored one (only with exactly one record id).
    options : mapping, optional
        Adapter options; default: the options the source was last imported with
        (``Source.settings["options"]``).

    Returns
    -------
    RetryResult
        Per-record outcome; a record that parses and imports is marked resolved, one
        that still fails keeps its row with the new reason.

    Raises
    ------
    ValidationError
        When ``raw`` is given for other than exactly one record.
    """
    if raw is not None and (record_ids is None or len(record_ids) != 1):
        raise ValidationError("a corrected payload can replace exactly one record")
    with store.session() as s:
        if record_ids is None:
            ids = list(
                s.scalars(
                    select(QuarantinedRecord.id)
                    .where(
                        QuarantinedRecord.workspace_id == workspace_id,
                        QuarantinedRecord.status == QuarantineStatus.OPEN,
                    )
                    .order_by(QuarantinedRecord.id)
                )
            )
        else:
            ids = list(record_ids)
            for rid in ids:
                get_quarantined(s, workspace_id=workspace_id, record_id=rid)
    result = RetryResult()
    for rid in ids:
        result.outcomes.append(_retry_one(store, workspace_id, rid, raw, options, result.summary))
    return result


def _retry_one(
    store: Store,
    workspace_id: int,
    record_id: int,
    raw: str | None,
    options: Mapping[str, str] | None,
    total: ImportSummary,
) -> RetryOutcome:
    from frontdoor.integrations.registry import get_adapter

    with store.session() as s:
        row = get_quarantined(s, workspace_id=workspace_id, record_id=record_id)
        if row.status == QuarantineStatus.RESOLVED:
            return RetryOutcome(record_id, True, "already resolved")
        if raw is not None:
            row.raw = raw_excerpt(raw)
        payload, position, file, source_id = row.raw, row.position, row.file, row.source_id
        source = s.get(Source, source_id) if source_id is not None else None
        kind = source.kind if source is not None else row.kind
        opts = (
            dict(options)
            if options is not None
            else dict((source.settings or {}).get("options", {}) if source else {})
        )

    def fail(reason: str) -> RetryOutcome:
        with store.session() as s2:
            r = get_quarantined(s2, workspace_id=workspace_id, record_id=record_id)
            r.reason = reason[:1000]
        return RetryOutcome(record_id, False, reason)

    if source is None:
        return fail("the source of this record was deleted; resolve it instead")
    try:
        adapter = get_adapter(kind)
    except FrontdoorError as exc:
        return fail(str(exc))
    if not isinstance(adapter, RetryableAdapter):
        return fail(
            f"{kind} records cannot be re-parsed; fix the source file and import it again, or resolve"
        )
    try:
        records: list[Record] = list(adapter.parse_raw(payload, options=opts, position=position))
    except FrontdoorError as exc:
        return fail(str(exc))
    bad = [r for r in records if isinstance(r, BadRecord)]
    if bad:
        return fail("; ".join(b.reason for b in bad))
    if not records:
        return fail("the payload holds no record")
    problems: list[Rejected] = []
    summary = ingest_records(
        store,
        workspace_id=workspace_id,
        source_id=source.id,
        records=records,
        file=file,
        on_rejected=problems.append,
    )
    total.merge(summary)
    if problems:
        return fail("; ".join(p.reason for p in problems))
    with store.session() as s:
        r = get_quarantined(s, workspace_id=workspace_id, record_id=record_id)
        r.status = QuarantineStatus.RESOLVED
        r.resolved_at = utcnow()
    return RetryOutcome(record_id, True)
