"""The task system: claims, retries, crash recovery, the procrastinate queue, the worker command."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from frontdoor import models
from frontdoor.cli import cli
from frontdoor.core.config import Settings
from frontdoor.core.errors import ValidationError
from frontdoor.core.store import Store
from frontdoor.core.tasks import (
    RetryLater,
    background_worker,
    due_work,
    enqueue,
    start_background,
    stop_background,
)
from frontdoor.db.base import utcnow
from frontdoor.ingest.deliveries import LEASE, MAX_ATTEMPTS, claim_delivery, process_webhook_delivery
from frontdoor.ingest.sources import get_or_create_source
from frontdoor.ingest.webhooks import decode_body, encode_body, record_delivery, retry_delivery
from frontdoor.models import DeliveryStatus, QuarantinedRecord, Source, WebhookDelivery, Workspace
from frontdoor.web.lifespan import redact_query

from .conftest import count, counts, queue_jobs, wait_for


def _store_delivery(store: Store, source: Source, body: bytes, delivery_id: str = "d-1") -> int:
    """A delivery as the endpoint leaves it when the process dies before enqueueing."""
    with store.session() as session:
        source = session.get_one(Source, source.id)
        row_id, created = record_delivery(
            session,
            source=source,
            delivery_id=delivery_id,
            headers={"content-type": "application/json"},
            body=body,
        )
        assert created
        return row_id


def _delivery(store: Store, delivery_id: int) -> WebhookDelivery:
    with store.session() as session:
        return session.get_one(WebhookDelivery, delivery_id)


def test_leftover_delivery_is_picked_up_when_a_worker_starts(
    store: Store, backend: str, channeltalk_source: Source, message_body: bytes, queue: Store
) -> None:
    delivery_id = _store_delivery(store, channeltalk_source, message_body)
    if backend == "postgresql":
        from frontdoor.core.tasks.pg import run_worker

        run_worker(store, wait=False, install_signal_handlers=False)
    else:
        start_background(store)
        try:
            wait_for(lambda: _delivery(store, delivery_id).status is DeliveryStatus.DONE, what="the sweep")
        finally:
            stop_background(store)
    assert _delivery(store, delivery_id).status is DeliveryStatus.DONE
    assert counts(store) == (1, 1, 1)


def test_postgresql_queue_dedupes_jobs_and_a_worker_processes_them(
    store: Store, backend: str, channeltalk_source: Source, message_body: bytes, queue: Store
) -> None:
    if backend != "postgresql":
        pytest.skip("the procrastinate queue is the PostgreSQL backend")
    from frontdoor.core.tasks.pg import run_worker

    delivery_id = _store_delivery(store, channeltalk_source, message_body)
    enqueue(store, "process_webhook_delivery", delivery_id=delivery_id)
    enqueue(store, "process_webhook_delivery", delivery_id=delivery_id)  # same work: one job
    assert queue_jobs(store) == [("frontdoor.process_webhook_delivery", "todo", {"delivery_id": delivery_id})]
    # The web process hands swept work to a thread that defers in batches, deduplicated too.
    other = _store_delivery(
        store, channeltalk_source, message_body.replace(b"a7b8", b"a7b9"), delivery_id="d-2"
    )
    start_background(store)
    for row in (delivery_id, other, other):
        enqueue(store, "process_webhook_delivery", delivery_id=row)
    stop_background(store)  # defers what was handed over, closes the pool
    assert sorted(job[2]["delivery_id"] for job in queue_jobs(store)) == [delivery_id, other]
    run_worker(store, wait=False, install_signal_handlers=False, concurrency=2)
    assert _delivery(store, delivery_id).status is DeliveryStatus.DONE
    assert _delivery(store, other).status is DeliveryStatus.DONE
    assert counts(store) == (2, 1, 2)
    # Successful jobs are deleted. The worker's periodic sweep may have queued new work
    # meanwhile: today's health snapshots of the workspace's accounts.
    left = queue_jobs(store)
    assert all(job[:2] == ("frontdoor.snapshot_account_health", "todo") for job in left), left


def test_transient_failures_back_off_then_give_up_into_quarantine(
    store: Store, workspace: Workspace, message_body: bytes
) -> None:
    # A kind without a webhook handler fails on every attempt (e.g. a handler missing after a
    # downgrade): that is retried, since an upgrade may fix it.
    with store.session() as session:
        source = get_or_create_source(session, workspace_id=workspace.id, kind="nohandler", name="x")
        session.flush()
        session.expunge(source)
    delivery_id = _store_delivery(store, source, message_body)
    delays = []
    for attempt in range(1, MAX_ATTEMPTS):
        with pytest.raises(RetryLater) as raised:
            process_webhook_delivery(store, delivery_id=delivery_id)
        delays.append(raised.value.delay)
        delivery = _delivery(store, delivery_id)
        assert delivery.status is DeliveryStatus.FAILED and delivery.attempts == attempt
        assert delivery.last_error and "nohandler" in delivery.last_error
        assert delivery.next_attempt_at is not None and delivery.next_attempt_at > utcnow()
        # Not due yet: nobody may take it.
        assert process_webhook_delivery(store, delivery_id=delivery_id) == "skipped"
        assert due_work(store) == []
        with store.session() as session:
            session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == delivery_id)
                .values(next_attempt_at=utcnow() - dt.timedelta(seconds=1))
            )
        assert due_work(store) == [("process_webhook_delivery", {"delivery_id": delivery_id})]
    assert delays == sorted(delays) and delays[0] < delays[-1]
    assert process_webhook_delivery(store, delivery_id=delivery_id) == "given up"
    delivery = _delivery(store, delivery_id)
    assert delivery.status is DeliveryStatus.FAILED and delivery.next_attempt_at is None
    assert delivery.attempts == MAX_ATTEMPTS
    assert due_work(store) == []
    with store.session() as session:
        kept = session.scalars(select(QuarantinedRecord)).one()
    assert decode_body(kept.raw, "utf-8") == message_body
    # A person can send it round again.
    with store.session() as session:
        retry_delivery(session, workspace_id=workspace.id, delivery_id=delivery_id)
    assert _delivery(store, delivery_id).status is DeliveryStatus.PENDING
    with store.session() as session, pytest.raises(ValidationError):
        retry_delivery(session, workspace_id=workspace.id, delivery_id=delivery_id)


def test_exactly_one_of_many_racing_workers_claims_a_delivery(
    store: Store, channeltalk_source: Source, message_body: bytes
) -> None:
    delivery_id = _store_delivery(store, channeltalk_source, message_body)
    wins: list[bool] = []
    barrier = threading.Barrier(4)

    def race() -> None:
        barrier.wait()
        wins.append(claim_delivery(store, delivery_id=delivery_id) is not None)

    threads = [threading.Thread(target=race) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == [False, False, False, True]
    assert _delivery(store, delivery_id).attempts == 1


def test_a_claim_abandoned_by_a_dead_worker_is_taken_again_after_the_lease(
    store: Store, channeltalk_source: Source, message_body: bytes
) -> None:
    delivery_id = _store_delivery(store, channeltalk_source, message_body)
    assert claim_delivery(store, delivery_id=delivery_id) is not None
    assert due_work(store) == []
    with store.session() as session:
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id)
            .values(claimed_at=utcnow() - LEASE - dt.timedelta(seconds=1))
        )
    assert process_webhook_delivery(store, delivery_id=delivery_id) == "done"
    assert _delivery(store, delivery_id).attempts == 2
    assert counts(store) == (1, 1, 1)


def test_enqueue_without_a_running_worker_runs_the_task_inline_on_sqlite(
    store: Store, backend: str, channeltalk_source: Source, message_body: bytes
) -> None:
    if backend != "sqlite":
        pytest.skip("PostgreSQL always defers to the queue")
    delivery_id = _store_delivery(store, channeltalk_source, message_body)
    assert background_worker(store) is None
    enqueue(store, "process_webhook_delivery", delivery_id=delivery_id)
    assert _delivery(store, delivery_id).status is DeliveryStatus.DONE
    with pytest.raises(ValidationError):
        enqueue(store, "no_such_task")


def test_worker_command_burst_processes_pending_deliveries(
    store: Store,
    settings: Settings,
    channeltalk_source: Source,
    message_body: bytes,
    queue: Store,
    tmp_path: Path,
) -> None:
    _store_delivery(store, channeltalk_source, message_body, delivery_id="a")
    _store_delivery(store, channeltalk_source, message_body.replace(b"a7b8", b"a7b9"), delivery_id="b")
    env = {
        "FRONTDOOR_HOME": str(tmp_path / "home"),
        "FRONTDOOR_DATABASE_URL": settings.database_url,
        "FRONTDOOR_SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
    }
    result = CliRunner().invoke(
        cli, ["worker", "--burst", "--concurrency", "2"], env=env, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert counts(store) == (2, 1, 2)
    with store.session() as session:
        statuses = set(session.scalars(select(WebhookDelivery.status)))
    assert statuses == {DeliveryStatus.DONE}


def test_bodies_round_trip_losslessly() -> None:
    for body in ("한국어 본문".encode(), b"\xff\xfe binary", b"nul\x00inside", b""):
        text, encoding = encode_body(body)
        assert "\x00" not in text
        assert decode_body(text, encoding) == body


def test_secret_query_values_are_redacted_from_log_lines() -> None:
    line = '127.0.0.1:5000 - "POST /hooks/3?token=s3cr3t&x=1 HTTP/1.1" 200'
    assert "s3cr3t" not in redact_query(line)
    assert "/hooks/3?token=***&x=1" in redact_query(line)


def test_deliveries_count_per_status(store: Store, channeltalk_source: Source, message_body: bytes) -> None:
    from frontdoor.ingest.webhooks import delivery_counts

    _store_delivery(store, channeltalk_source, message_body)
    with store.session() as session:
        found = delivery_counts(session, workspace_id=channeltalk_source.workspace_id)
    assert found == {"pending": 1, "processing": 0, "done": 0, "failed": 0}
    assert count(store, WebhookDelivery) == 1


def test_db_upgrade_sets_up_the_queue_schema_idempotently_without_drift(
    store: Store, backend: str, settings: Settings, request: pytest.FixtureRequest
) -> None:
    if backend != "postgresql":
        pytest.skip("the procrastinate queue is the PostgreSQL backend")
    from sqlalchemy import text

    from frontdoor.core.tasks.pg import (
        current_schema,
        drop_queue_schema,
        ensure_queue_schema,
        queue_schema_name,
    )
    from frontdoor.db import migrate
    from frontdoor.db.store import upgrade_store

    request.getfixturevalue("_queue_schemas").append(settings.database_url)
    drop_queue_schema(store.engine)
    schema = queue_schema_name(current_schema(store.engine))
    upgrade_store(settings)
    upgrade_store(settings)  # a second run changes nothing
    assert ensure_queue_schema(store.engine) is False
    with store.engine.connect() as conn:
        found = conn.execute(text("SELECT to_regclass(:n)"), {"n": f'"{schema}".procrastinate_jobs'}).scalar()
    assert found is not None
    # The queue's tables live beside frontdoor's schema, so the drift check never sees them.
    assert migrate.drift(store.engine, models.metadata) == []


def test_postgresql_queue_reschedules_a_failed_attempt_with_backoff(
    store: Store, backend: str, workspace: Workspace, message_body: bytes, queue: Store
) -> None:
    if backend != "postgresql":
        pytest.skip("the procrastinate queue is the PostgreSQL backend")
    from sqlalchemy import text

    from frontdoor.core.tasks.pg import current_schema, queue_schema_name, run_worker

    with store.session() as session:
        source = get_or_create_source(session, workspace_id=workspace.id, kind="nohandler", name="x")
        session.flush()
        session.expunge(source)
    delivery_id = _store_delivery(store, source, message_body)
    enqueue(store, "process_webhook_delivery", delivery_id=delivery_id)
    stop_background(store)
    run_worker(store, wait=False, install_signal_handlers=False)
    delivery = _delivery(store, delivery_id)
    assert delivery.status is DeliveryStatus.FAILED and delivery.attempts == 1
    schema = queue_schema_name(current_schema(store.engine))
    with store.engine.connect() as conn:
        status, attempts, later = conn.execute(
            text(
                f'SELECT status::text, attempts, scheduled_at > now() FROM "{schema}".procrastinate_jobs '
                "WHERE task_name = 'frontdoor.process_webhook_delivery'"
            )
        ).one()
    # Procrastinate holds the job back until the delivery's own backoff has passed.
    assert (status, attempts, later) == ("todo", 1, True)
