"""How the aggregate statements run: PostgreSQL memory per statement, an optional row
cache keyed by the SQL, and independent statements at once on their own connections.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, cast

from sqlalchemy import text
from sqlalchemy.orm import Session

from frontdoor.insights.windows import register_sqlite_bucket

#: PostgreSQL ``work_mem`` for the aggregate statements (see :func:`fetch_rows`).
AGGREGATE_WORK_MEM = "64MB"
Rows = list[tuple[Any, ...]]


class RowCache(Protocol):
    """``cache(key, compute, rerun)``: ``compute()`` or a value stored under ``key``.

    See :class:`frontdoor.web.cache.StatsCache`; aggregates cache plain result rows only.
    ``rerun(session)`` executes the same statement on another session: a cache may use it
    to refresh a stale value in the background, away from the request's session.
    """

    def __call__(
        self, key: Hashable, compute: Callable[[], Rows], rerun: Callable[[Session], Rows] | None = None
    ) -> Rows:
        """The rows for ``key``."""
        ...


def _freeze(value: Any) -> Hashable:
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_freeze(v) for v in value)
    return cast(Hashable, value)


def fetch_rows(session: Session, statement: Any, cache: RowCache | None) -> list[tuple[Any, ...]]:
    """Execute ``statement``; with ``cache``, keyed by its SQL and parameters (exact reuse only)."""

    def run(on: Session) -> Rows:
        if on.get_bind().dialect.name != "postgresql":
            register_sqlite_bucket(on)  # ``on`` may be another connection than the one that built it
            return [tuple(r) for r in on.execute(statement)]
        # Distinct (key, conversation) sets of a 12-week window hold a few hundred thousand
        # rows: with the default 4 MB they spill to disk. Raised for this statement only.
        # (A failing statement aborts the transaction, and its rollback undoes the SET too.)
        on.execute(text(f"SET LOCAL work_mem = '{AGGREGATE_WORK_MEM}'"))
        rows = [tuple(r) for r in on.execute(statement)]
        on.execute(text("SET LOCAL work_mem TO DEFAULT"))
        return rows

    if cache is None:
        return run(session)
    compiled = statement.compile(dialect=session.get_bind().dialect)
    params = tuple(sorted((k, _freeze(v)) for k, v in compiled.params.items()))
    return cache(("insights-sql", str(compiled), params), lambda: run(session), run)


def fetch_rows_at_once(session: Session, statements: list[Any], cache: RowCache | None) -> list[Rows]:
    """:func:`fetch_rows` of independent read-only statements, at once, each on its own connection.

    Used on PostgreSQL only; each statement sees its own snapshot (the numbers of a board
    may straddle a concurrent write, as they may between two page loads). When the
    session's transaction has written anything, the statements run on it, one by one.
    """
    # Other connections do not see this transaction's own writes: then run them here.
    wrote = len(statements) > 1 and session.scalar(text("SELECT pg_current_xact_id_if_assigned()"))
    # Each parallel run holds extra pooled connections while its request holds one: a burst
    # of cold boards must not wait on each other for the pool, so only a few run at once.
    if len(statements) < 2 or wrote is not None or not _PARALLEL_RUNS.acquire(blocking=False):
        return [fetch_rows(session, st, cache) for st in statements]
    engine = session.get_bind()

    def run(statement: Any) -> Rows:
        with Session(bind=engine) as own:
            return fetch_rows(own, statement, cache)

    try:
        with ThreadPoolExecutor(max_workers=len(statements), thread_name_prefix="insights") as pool:
            return list(pool.map(run, statements))
    finally:
        _PARALLEL_RUNS.release()


#: Statement groups run in parallel at once in this process (see :func:`fetch_rows_at_once`).
_PARALLEL_RUNS = threading.BoundedSemaphore(2)
