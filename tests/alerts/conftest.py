"""Fixtures for alert tests: event handlers in the app's order, a tagged workspace, the queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from frontdoor.core import events
from frontdoor.core.store import Store
from frontdoor.ingest.pipeline import ingest_records
from frontdoor.integrations.base import AccountRef, ConversationRecord, MessageRecord
from frontdoor.models import AuthorKind, Channel, Source, Tag, TagDimension, Workspace
from frontdoor.notifications import send as notifications
from local_servers import drop_queue, prepare_queue

KEYWORD = "동기화"


@pytest.fixture
def queue(store: Store) -> Iterator[Store]:
    """The store with an empty task queue (procrastinate on PostgreSQL, inline on SQLite)."""
    prepare_queue(store)
    yield store
    drop_queue(store)


@pytest.fixture
def handlers() -> Iterator[None]:
    """Tagging then alerts subscribed to the ingest event, in the order bootstrap wires them."""
    from frontdoor.alerts import service as alerts
    from frontdoor.tagging import autotag

    with events.isolated_subscriptions():
        events.subscribe(events.ConversationsIngested, autotag.on_conversations_ingested)
        events.subscribe(events.ConversationsIngested, alerts.on_conversations_ingested)
        yield


@pytest.fixture
def no_alert_handler() -> Iterator[None]:
    """Alerts not subscribed to ingest (another test's app may have subscribed them)."""
    from frontdoor.alerts.service import on_conversations_ingested

    with events.isolated_subscriptions():
        events.unsubscribe(events.ConversationsIngested, on_conversations_ingested)
        yield


@pytest.fixture(autouse=True)
def _quick_inline_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notifications, "INLINE_BACKOFF", 0.0)


@dataclass
class Tagged:
    """A workspace whose rules tag ``area/dashboard/data-sync`` on the word 동기화."""

    workspace_id: int
    source_id: int
    tag_id: int
    other_tag_id: int


@pytest.fixture
def tagged(store: Store, workspace: Workspace) -> Tagged:
    """Two rule tags (data sync, billing) and a chat source in the ``acme`` workspace (Korean)."""
    with store.session() as session:
        ws = session.get_one(Workspace, workspace.id)
        ws.default_language = "ko"
        dim = session.scalar(
            select(TagDimension).where(TagDimension.workspace_id == ws.id, TagDimension.key == "area")
        )
        if dim is None:
            dim = TagDimension(workspace_id=ws.id, key="area", name_ko="영역", name_en="Area")
            session.add(dim)
            session.flush()
        sync = Tag(
            workspace_id=ws.id,
            path="area/dashboard/data-sync",
            dimension_id=dim.id,
            name_ko="데이터 동기화",
            name_en="Data sync",
            keywords=[KEYWORD],
        )
        billing = Tag(
            workspace_id=ws.id,
            path="area/billing/invoice",
            dimension_id=dim.id,
            name_ko="세금계산서",
            name_en="Invoices",
            keywords=["세금계산서"],
        )
        source = Source(workspace_id=ws.id, kind="channeltalk", name="채널톡", settings={})
        session.add_all([sync, billing, source])
        session.flush()
        return Tagged(ws.id, source.id, sync.id, billing.id)


def chat(
    ext: str, at: dt.datetime, text: str, *, account: str | None = None, extra: int = 0
) -> ConversationRecord:
    """A one-customer-message chat (plus ``extra`` follow-ups a minute apart)."""
    messages = [
        MessageRecord(external_id=f"{ext}-m{i}", author_kind=AuthorKind.CUSTOMER, text=text, sent_at=at)
        for i in range(1)
    ]
    messages += [
        MessageRecord(
            external_id=f"{ext}-m{i + 1}",
            author_kind=AuthorKind.AGENT,
            text="확인해 보겠습니다.",
            sent_at=at + dt.timedelta(minutes=i + 1),
        )
        for i in range(extra)
    ]
    return ConversationRecord(
        external_id=ext,
        channel=Channel.CHAT,
        opened_at=at,
        messages=messages,
        account=AccountRef(external_id=account, name=account, arr=1_000_000) if account else None,
    )


def ingest(store: Store, tagged: Tagged, records: list[ConversationRecord], *, tag: bool = False) -> None:
    """Through the real pipeline: commit, emit (tag and alert when subscribed).

    ``tag``: run the tagging rules right after, for tests without the event handlers.
    """
    ingest_records(store, workspace_id=tagged.workspace_id, source_id=tagged.source_id, records=records)
    if tag:
        from frontdoor.tagging.autotag import apply

        apply(store, workspace_id=tagged.workspace_id, model=False)
