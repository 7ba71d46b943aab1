"""Builders for routing tests: conversations with accounts and contacts, and the task queue."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.db.engine import make_engine
from frontdoor.models import Account, AuthorKind, Channel, Contact, Conversation, Message, Source
from frontdoor.services.store import Store

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
        subject="",
        opened_at=BASE + dt.timedelta(minutes=n),
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
    from frontdoor.tasks.pg import drop_queue_schema

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
        from frontdoor.tasks.pg import current_schema, ensure_queue_schema, queue_schema_name

        request.getfixturevalue("_queue_schemas").append(store.settings.database_url)
        ensure_queue_schema(store.engine)
        schema = queue_schema_name(current_schema(store.engine))
        with store.engine.begin() as conn:
            conn.exec_driver_sql(f'TRUNCATE "{schema}".procrastinate_jobs CASCADE')
    return store
