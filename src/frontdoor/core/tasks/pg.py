"""The PostgreSQL backend: procrastinate, with workers on any number of machines.

Procrastinate's tables live in their own PostgreSQL schema beside frontdoor's (named
:func:`queue_schema_name`: ``frontdoor_queue`` when frontdoor uses ``public``, else
``<schema>_queue``), so the migration drift check and the test fixtures, which look at
frontdoor's own schema only, never see them. ``frontdoor db upgrade`` and ``frontdoor
worker`` apply procrastinate's schema there when it is missing (idempotent, under an
advisory lock).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import re
import threading
from typing import TYPE_CHECKING, Any

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.jobs import Job
from procrastinate.retry import BaseRetryStrategy, RetryDecision
from procrastinate.schema import SchemaManager
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL, make_url

from frontdoor.core.tasks.registry import TASKS, RetryLater, dedupe_key, get_task
from frontdoor.core.tasks.sweeps import due_work, run_sweeps

if TYPE_CHECKING:
    from frontdoor.core.store import Store

log = logging.getLogger(__name__)

QUEUE = "frontdoor"
TASK_PREFIX = "frontdoor."
# The periodic job that runs every registered sweep (frontdoor.core.tasks.sweeps).
SWEEP_TASK = TASK_PREFIX + "sweep"
# Any constant works; it serialises concurrent schema set-ups on one database.
_SCHEMA_LOCK = 0x6664_7175
_SEARCH_PATH = re.compile(r"-c\s*search_path\s*=\s*\S+")


def queue_schema_name(schema: str) -> str:
    """The schema that holds procrastinate's tables for frontdoor's ``schema``."""
    return "frontdoor_queue" if schema in ("", "public") else f"{schema}_queue"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def current_schema(engine: Engine) -> str:
    """The schema frontdoor's tables live in (the first one on the search path)."""
    with engine.connect() as conn:
        return str(conn.execute(text("SELECT current_schema()")).scalar() or "public")


def ensure_queue_schema(engine: Engine) -> bool:
    """Apply procrastinate's schema in the queue schema unless it is there.

    Returns
    -------
    bool
        Whether it was applied now.
    """
    schema = queue_schema_name(current_schema(engine))
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SCHEMA_LOCK})
        found = conn.execute(
            text("SELECT to_regclass(:name)"), {"name": f"{_quote(schema)}.procrastinate_jobs"}
        ).scalar()
        if found is not None:
            return False
        conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {_quote(schema)}")
        conn.exec_driver_sql(f"SET LOCAL search_path TO {_quote(schema)}")
        raw: Any = conn.connection.driver_connection
        # Without parameters psycopg sends the script as is (no placeholder parsing).
        raw.execute(SchemaManager.get_schema())
    log.info("applied the task queue schema in %s", schema)
    return True


def drop_queue_schema(engine: Engine) -> None:
    """Drop the queue schema and every job in it (tests, uninstall)."""
    schema = queue_schema_name(current_schema(engine))
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {_quote(schema)} CASCADE")


def conninfo(store: Store) -> str:
    """A libpq conninfo for procrastinate: the store's database, the queue schema."""
    from psycopg.conninfo import make_conninfo

    url: URL = make_url(store.settings.database_url)
    params: dict[str, Any] = {}
    for key, value in url.query.items():
        params[key] = value[-1] if isinstance(value, tuple) else value
    options = _SEARCH_PATH.sub("", str(params.pop("options", ""))).strip()
    schema = queue_schema_name(current_schema(store.engine))
    params["options"] = f"{options} -csearch_path={schema}".strip()
    parts: tuple[tuple[str, object], ...] = (
        ("host", url.host),
        ("port", url.port),
        ("user", url.username),
        ("password", url.password),
        ("dbname", url.database),
    )
    for part, part_value in parts:
        if part_value is not None:
            params[part] = part_value
    return make_conninfo("", **params)


class _RetryLaterStrategy(BaseRetryStrategy):
    """Retry exactly when a task raises :class:`RetryLater`, after its delay."""

    max_runs = 12  # a bound on top of each task's own attempt count

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if not isinstance(exception, RetryLater) or job.attempts + 1 >= self.max_runs:
            return None
        return RetryDecision(retry_in={"seconds": int(exception.delay)})


def build_app(store: Store, *, sync: bool = False) -> procrastinate.App:
    """A procrastinate app whose tasks run the registered frontdoor tasks on ``store``.

    Parameters
    ----------
    store : Store
        The store the tasks receive.
    sync : bool
        Use a synchronous connection pool (to defer jobs from plain threads).
    """
    info = conninfo(store)
    connector: Any = (
        procrastinate.SyncPsycopgConnector(conninfo=info, min_size=1, max_size=4)
        if sync
        else procrastinate.PsycopgConnector(conninfo=info, min_size=1, max_size=8)
    )
    app = procrastinate.App(connector=connector)
    retry = _RetryLaterStrategy()
    for name in TASKS:
        app.task(name=TASK_PREFIX + name, queue=QUEUE, retry=retry)(_runner(store, name))
    # Every minute one worker runs the sweeps: deliveries whose retry came due or whose
    # enqueue was lost (the web process died between commit and defer), notifications,
    # digests and snapshots that are due.

    def sweep(timestamp: int = 0) -> int:  # procrastinate passes the periodic timestamp
        return run_sweeps(store)

    sweep.__name__ = "sweep"
    task = app.task(name=SWEEP_TASK, queue=QUEUE)(sweep)
    app.periodic(cron="* * * * *", periodic_id="sweep")(task)
    return app


def _runner(store: Store, name: str) -> Any:
    def run(**kwargs: Any) -> Any:
        return get_task(name)(store, **kwargs)

    run.__name__ = name
    return run


class Deferrer:
    """Defers jobs from web request threads through one small synchronous pool."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._app: procrastinate.App | None = None
        self._lock = threading.Lock()

    def _opened(self) -> procrastinate.App:
        with self._lock:
            if self._app is None:
                app = build_app(self.store, sync=True)
                app.open()
                self._app = app
            return self._app

    def defer(self, name: str, kwargs: dict[str, Any]) -> bool:
        """Queue a job; ``False`` when the same work already waits in the queue."""
        lock = dedupe_key(name, kwargs)
        app = self._opened()
        try:
            app.configure_task(TASK_PREFIX + name, queue=QUEUE, queueing_lock=lock).defer(**kwargs)
        except AlreadyEnqueued:
            return False
        return True

    def defer_many(self, items: list[tuple[str, dict[str, Any]]]) -> int:
        """Queue several jobs in one round trip; returns how many were new."""
        unique: dict[str, tuple[str, dict[str, Any]]] = {}
        for n, (name, kwargs) in enumerate(items):
            unique.setdefault(dedupe_key(name, kwargs) or f"#{n}", (name, kwargs))
        app = self._opened()
        jobs = [
            app.configure_task(
                TASK_PREFIX + name, queue=QUEUE, queueing_lock=dedupe_key(name, kwargs)
            ).make_new_job(**kwargs)
            for name, kwargs in unique.values()
        ]
        try:
            app.job_manager.batch_defer_jobs(jobs=jobs)
        except AlreadyEnqueued:
            # Some of them wait in the queue already: fall back to one at a time.
            return sum(self.defer(name, kwargs) for name, kwargs in unique.values())
        return len(jobs)

    def close(self) -> None:
        """Close the pool (it reopens on the next defer)."""
        with self._lock:
            if self._app is not None:
                self._app.close()
                self._app = None


class BackgroundDeferrer:
    """Defers jobs from a thread, in batches, so a request does not wait for the queue.

    Only for work that is durable elsewhere (a stored webhook delivery): if the process
    dies before a job is deferred, a worker's sweep finds the work again.
    """

    BATCH = 200

    def __init__(self, deferrer: Deferrer) -> None:
        self.deferrer = deferrer
        self._queue: queue.SimpleQueue[tuple[str, dict[str, Any]] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="frontdoor-defer", daemon=True)
        self._stopping = False

    @property
    def running(self) -> bool:
        """Whether it accepts work."""
        return self._thread.is_alive() and not self._stopping

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def submit(self, name: str, kwargs: dict[str, Any]) -> None:
        """Hand a job over; it is deferred within moments."""
        self._queue.put((name, kwargs))

    def stop(self, timeout: float = 10.0) -> None:
        """Defer what was handed over, then stop."""
        self._stopping = True
        self._queue.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            batch: list[tuple[str, dict[str, Any]]] = []
            done = item is None
            if item is not None:
                batch.append(item)
            while not done and len(batch) < self.BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    done = True
                else:
                    batch.append(more)
            if batch:
                try:
                    self.deferrer.defer_many(batch)
                except Exception:  # the work is durable: a worker's sweep will find it
                    log.warning("deferring %d job(s) failed; the sweep will pick them up", len(batch))
            if done:
                return


def run_worker(
    store: Store,
    *,
    concurrency: int = 1,
    wait: bool = True,
    install_signal_handlers: bool = True,
    name: str | None = None,
) -> None:
    """Run a procrastinate worker for frontdoor's queue until stopped.

    It applies the queue schema when missing and runs every registered sweep first.

    Parameters
    ----------
    store : Store
        The store.
    concurrency : int
        Jobs run at once (each in its own thread).
    wait : bool
        ``False``: return once the queue is empty.
    install_signal_handlers : bool
        Stop gracefully on SIGINT/SIGTERM (main thread only).
    name : str or None
        Worker name in procrastinate's logs.
    """
    ensure_queue_schema(store.engine)
    deferrer = Deferrer(store)
    try:
        for task_name, kwargs in due_work(store):
            deferrer.defer(task_name, kwargs)
    finally:
        deferrer.close()
    app = build_app(store)

    async def work() -> None:
        async with app.open_async():
            await app.run_worker_async(
                queues=[QUEUE],
                concurrency=concurrency,
                wait=wait,
                install_signal_handlers=install_signal_handlers,
                name=name or "frontdoor-worker",
                delete_jobs="successful",
            )

    asyncio.run(work())
