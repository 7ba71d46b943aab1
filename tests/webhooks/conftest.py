"""Fixtures for webhook tests: a Channel Talk source, the queue, a worker, a bounded wait."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from frontdoor.core.store import Store
from frontdoor.db.engine import make_engine
from frontdoor.ingest.sources import get_or_create_source
from frontdoor.models import Conversation, Message, Source, WebhookDelivery, Workspace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "channeltalk"
TOKEN = "ct-token-0123456789abcdef"


def wait_for(predicate: Callable[[], bool], *, timeout: float = 30.0, what: str = "condition") -> None:
    """Poll ``predicate`` until true; fail after ``timeout`` seconds (a bound, not a speed test)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def count(store: Store, model: Any) -> int:
    """Rows of ``model`` in the store."""
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def counts(store: Store) -> tuple[int, int, int]:
    """(deliveries, conversations, messages)."""
    return count(store, WebhookDelivery), count(store, Conversation), count(store, Message)


@pytest.fixture
def channeltalk_source(store: Store, workspace: Workspace) -> Source:
    """A committed Channel Talk source with a webhook token."""
    with store.session() as session:
        source = get_or_create_source(session, workspace_id=workspace.id, kind="channeltalk", name="채널톡")
        source.webhook_secret = TOKEN
        session.flush()
        session.expunge(source)
        return source


@pytest.fixture
def message_body() -> bytes:
    """A recorded Channel Talk ``message`` webhook (Korean customer text)."""
    return (FIXTURES / "webhook_message_user.json").read_bytes()


@pytest.fixture(scope="session")
def _queue_schemas() -> Iterator[list[str]]:
    """Drop every queue schema the session created (the fixtures drop frontdoor's own)."""
    urls: list[str] = []
    yield urls
    from frontdoor.core.tasks.pg import drop_queue_schema

    for url in set(urls):
        engine = make_engine(url)
        try:
            drop_queue_schema(engine)
        finally:
            engine.dispose()


@pytest.fixture
def queue(store: Store, backend: str, request: pytest.FixtureRequest) -> Store:
    """On PostgreSQL: the procrastinate schema applied and emptied. A no-op on SQLite."""
    if backend == "postgresql":
        from frontdoor.core.tasks.pg import current_schema, ensure_queue_schema, queue_schema_name

        request.getfixturevalue("_queue_schemas").append(store.settings.database_url)
        ensure_queue_schema(store.engine)
        schema = queue_schema_name(current_schema(store.engine))
        with store.engine.begin() as conn:
            conn.exec_driver_sql(
                f'TRUNCATE "{schema}".procrastinate_jobs, "{schema}".procrastinate_events, '
                f'"{schema}".procrastinate_periodic_defers, "{schema}".procrastinate_workers CASCADE'
            )
    return store


def queue_jobs(store: Store) -> list[tuple[str, str, dict[str, Any]]]:
    """(task name, status, args) of every procrastinate job (PostgreSQL)."""
    from frontdoor.core.tasks.pg import current_schema, queue_schema_name

    schema = queue_schema_name(current_schema(store.engine))
    with store.engine.connect() as conn:
        rows = conn.execute(
            text(f'SELECT task_name, status::text, args FROM "{schema}".procrastinate_jobs ORDER BY id')
        ).all()
    return [(r[0], r[1], dict(r[2])) for r in rows]


class PgWorkerThread:
    """A procrastinate worker on its own event loop in a thread (stopped by cancelling it)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.loop = asyncio.new_event_loop()
        self.task: asyncio.Task[None] | None = None
        self.started = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from frontdoor.core.tasks.pg import build_app

        app = build_app(self.store)

        async def work() -> None:
            async with app.open_async():
                await app.run_worker_async(
                    queues=["frontdoor"],
                    wait=True,
                    install_signal_handlers=False,
                    fetch_job_polling_interval=0.2,
                    name="test-worker",
                )

        asyncio.set_event_loop(self.loop)
        self.task = self.loop.create_task(work())
        self.started.set()
        try:
            self.loop.run_until_complete(self.task)
        except asyncio.CancelledError:
            pass
        finally:
            self.loop.close()

    def start(self) -> None:
        self.thread.start()
        self.started.wait(10)

    def stop(self) -> None:
        if self.task is not None:
            self.loop.call_soon_threadsafe(self.task.cancel)
        self.thread.join(30)


@pytest.fixture
def worker(queue: Store, backend: str) -> Iterator[None]:
    """Whatever processes queued work for this backend while the test runs.

    SQLite: the app's lifespan runs the in-process worker (use ``with TestClient(app)``).
    PostgreSQL: a procrastinate worker thread.
    """
    if backend != "postgresql":
        yield
        return
    thread = PgWorkerThread(queue)
    thread.start()
    try:
        yield
    finally:
        thread.stop()
