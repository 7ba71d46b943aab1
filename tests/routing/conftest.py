"""Builders for routing tests: conversations with accounts and contacts, and the task queue."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from frontdoor.core.store import Store
from frontdoor.core.tasks import get_task
from frontdoor.db.engine import make_engine
from frontdoor.models import Account, AuthorKind, Channel, Contact, Conversation, Message, Source

_ids = itertools.count(1)
BASE = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def source(
    session: Session, workspace_id: int, *, kind: str = "api", settings: dict[str, Any] | None = None
) -> Source:
    """The workspace's source of ``kind`` (created on first use)."""
    src = session.scalar(select(Source).where(Source.workspace_id == workspace_id, Source.kind == kind))
    if src is None:
        src = Source(workspace_id=workspace_id, kind=kind, name=f"{kind} source", settings=settings or {})
        session.add(src)
        session.flush()
    return src


def conversation(
    session: Session,
    workspace_id: int,
    text: str,
    *,
    channel: Channel = Channel.CHAT,
    language: str | None = None,
    account: Account | None = None,
    decision_maker: bool = False,
    kind: str = "api",
    external_id: str | None = None,
    subject: str = "",
    opened_at: dt.datetime | None = None,
) -> Conversation:
    """A conversation with one customer message ``text``."""
    n = next(_ids)
    src = source(session, workspace_id, kind=kind)
    contact = Contact(
        workspace_id=workspace_id, name=f"c{n}", is_decision_maker=decision_maker, attributes={}
    )
    if account is not None:
        contact.account_id = account.id
    session.add(contact)
    session.flush()
    conv = Conversation(
        workspace_id=workspace_id,
        source_id=src.id,
        external_id=external_id or f"conv-{n}",
        channel=channel,
        language=language,
        account_id=account.id if account is not None else None,
        contact_id=contact.id,
        subject=subject,
        opened_at=opened_at or BASE + dt.timedelta(minutes=n),
        message_count=1,
        attributes={},
    )
    session.add(conv)
    session.flush()
    session.add(
        Message(
            workspace_id=workspace_id,
            conversation_id=conv.id,
            source_id=src.id,
            external_id=f"conv-{n}-m",
            author_kind=AuthorKind.CUSTOMER,
            text=text,
            sent_at=conv.opened_at,
            attributes={},
        )
    )
    session.flush()
    return conv


@pytest.fixture(scope="session")
def _queue_schemas() -> Iterator[list[str]]:
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
    """On PostgreSQL the procrastinate schema (jobs are deferred there); SQLite runs tasks inline."""
    if backend == "postgresql":
        from frontdoor.core.tasks.pg import current_schema, ensure_queue_schema, queue_schema_name

        request.getfixturevalue("_queue_schemas").append(store.settings.database_url)
        ensure_queue_schema(store.engine)
        schema = queue_schema_name(current_schema(store.engine))
        with store.engine.begin() as conn:
            conn.exec_driver_sql(f'TRUNCATE "{schema}".procrastinate_jobs CASCADE')
    return store


@dataclass
class Seen:
    """One request a :class:`RecordingServer` received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class RecordingServer:
    """A real HTTP server on loopback that records requests and answers from a script.

    ``script`` holds ``(status, headers, body)`` answers used in order; the last repeats.
    """

    script: list[tuple[int, dict[str, str], bytes]] = field(default_factory=lambda: [(200, {}, b"{}")])
    seen: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                server.seen.append(
                    Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                index = min(len(server.seen) - 1, len(server.script) - 1)
                status, headers, answer = server.script[index]
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_GET = do_POST = do_PATCH = do_PUT = _any

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def http_server() -> Iterator[RecordingServer]:
    """A :class:`RecordingServer` for this test (set ``script`` before the first request)."""
    server = RecordingServer()
    try:
        yield server
    finally:
        server.close()


_ran: set[tuple[str, int]] = set()


def run_deferred(store: Store, backend: str) -> None:
    """On PostgreSQL run the queued jobs once each, as a worker would (SQLite ran them inline)."""
    if backend != "postgresql":
        return
    from frontdoor.core.tasks.pg import TASK_PREFIX, current_schema, queue_schema_name

    schema = queue_schema_name(current_schema(store.engine))
    with store.engine.connect() as conn:
        jobs = conn.execute(
            text(f'SELECT id, task_name, args FROM "{schema}".procrastinate_jobs ORDER BY id')
        ).all()
    for job_id, name, args in jobs:
        if (schema, job_id) not in _ran:
            _ran.add((schema, job_id))
            get_task(str(name)[len(TASK_PREFIX) :])(store, **dict(args))
            # Finish the job as a worker would, so its queueing lock frees for the next one.
            with store.engine.begin() as conn:
                conn.execute(text(f'SET LOCAL search_path TO "{schema}", public'))
                for status in ("doing", "succeeded"):
                    conn.execute(
                        text("UPDATE procrastinate_jobs SET status = :s WHERE id = :id"),
                        {"s": status, "id": job_id},
                    )
