"""Storing a batch's rejected records in quarantine, once.

A rejected record is kept with its source, file, position, bounded raw payload and reason
(:mod:`frontdoor.ingest.quarantine` lists, retries and resolves them). Re-importing the
same file adds nothing: a record already waiting in quarantine with the same position,
payload and reason is not stored again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from frontdoor.ingest.batch import Rejected
from frontdoor.ingest.rows import chunks
from frontdoor.models import QuarantinedRecord, QuarantineStatus

__all__ = ["QuarantineTarget", "store_rejected"]

_QUAR = cast(Table, QuarantinedRecord.__table__)


@dataclass(frozen=True, slots=True)
class QuarantineTarget:
    """Where rejected records of one import go: workspace, source (and its kind) and file."""

    workspace_id: int
    source_id: int
    kind: str
    file: str


def store_rejected(s: Session, target: QuarantineTarget, bad: Sequence[Rejected], now: dt.datetime) -> None:
    """Quarantine ``bad`` minus the records already waiting there (re-imports add nothing)."""
    file = target.file[:1000]
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for b in bad:
        # PostgreSQL text cannot hold NUL; keep it visible instead of losing the record.
        raw = b.raw.replace("\x00", "\\x00")
        position = b.position[:100]
        reason = b.reason.replace("\x00", "\\x00")[:1000]
        row: dict[str, Any] = {
            "workspace_id": target.workspace_id,
            "source_id": target.source_id,
            "kind": target.kind[:32],
            "file": file,
            "position": position,
            "raw": raw,
            "reason": reason,
            "status": QuarantineStatus.OPEN,
            "created_at": now,
        }
        rows.setdefault((position, raw, reason), row)
    positions = sorted({key[0] for key in rows})
    for chunk in chunks(positions):
        seen = s.execute(
            select(_QUAR.c.position, _QUAR.c.raw, _QUAR.c.reason).where(
                _QUAR.c.workspace_id == target.workspace_id,
                _QUAR.c.source_id == target.source_id,
                _QUAR.c.file == file,
                _QUAR.c.status == QuarantineStatus.OPEN,
                _QUAR.c.position.in_(chunk),
            )
        )
        for position, raw, reason in seen:
            rows.pop((position, raw, reason), None)
    if rows:
        s.execute(_QUAR.insert(), list(rows.values()))
