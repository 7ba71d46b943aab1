"""Bulk reads and writes of stored rows for the ingest writers (Core SQL, no ORM objects).

Rows are found by ``(source_id, external_id)`` and updated by id with one executemany;
lists of ids go to the database in chunks of :data:`IN_CHUNK`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import String, Table, bindparam, func, select, true, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from frontdoor.models import Conversation

__all__ = ["IN_CHUNK", "Scope", "chunks", "conversation_ids", "rows_by_external_id", "update_by_id"]

IN_CHUNK = 1000
_CONV = cast(Table, Conversation.__table__)


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a batch is stored: the workspace, the source, and whether that is PostgreSQL."""

    workspace_id: int
    source_id: int
    postgresql: bool


def chunks(items: Sequence[Any], n: int = IN_CHUNK) -> Iterable[Sequence[Any]]:
    """``items`` in slices of at most ``n``."""
    for i in range(0, len(items), n):
        yield items[i : i + n]


def rows_by_external_id(
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
    for chunk in chunks(ext_ids):
        yield from s.execute(select(*columns).where(tc.source_id == source_id, tc.external_id.in_(chunk)))


def update_by_id(s: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """One executemany ``UPDATE`` of ``rows``, each naming its row by ``"_id"``."""
    if rows:
        s.execute(
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({k: bindparam(k) for k in rows[0] if k != "_id"}),
            rows,
        )


def conversation_ids(s: Session, scope: Scope, ext_ids: list[str]) -> dict[str, int]:
    """Conversation ids by external id: this source first, then any source of the workspace."""
    c = _CONV.c
    found: dict[str, int] = {}
    for cid, ext in rows_by_external_id(s, _CONV, (c.id, c.external_id), scope.source_id, ext_ids):
        found[ext] = cid
    rest = [e for e in ext_ids if e not in found]
    for chunk in chunks(rest):
        for cid, ext in s.execute(
            select(c.id, c.external_id)
            .where(c.workspace_id == scope.workspace_id, c.external_id.in_(chunk))
            .order_by(c.id.desc())
        ):
            found[ext] = cid
    return found
