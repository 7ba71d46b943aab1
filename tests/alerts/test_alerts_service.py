"""Alerts end to end: ingest -> tagging -> spike -> one alert -> one Slack and one email delivery."""

from __future__ import annotations

import datetime as dt

import pytest
from scipy.stats import nbinom
from sqlalchemy import func, select

from conftest import KEYWORD, Tagged, chat, ingest
from frontdoor import bootstrap
from frontdoor.alerts.listing import acknowledge_alert, list_alerts
from frontdoor.alerts.service import check_tags, on_conversations_ingested
from frontdoor.alerts.settings import alert_settings, update_alert_settings
from frontdoor.core import events
from frontdoor.core.errors import PermissionDenied, ValidationError
from frontdoor.core.events import ConversationsIngested
from frontdoor.core.store import Store
from frontdoor.db.base import utcnow
from frontdoor.models import Alert, Conversation, Notification, NotificationStatus, Role, User, Workspace
from frontdoor.routing.assign import on_conversations_ingested as routing_handler
from frontdoor.tagging.autotag import on_conversations_ingested as tagging_handler
from local_servers import HttpSink, SmtpSink, drain

WEEK = dt.timedelta(weeks=1)
SYNC_TEXT = f"대시보드 데이터 {KEYWORD}가 어제부터 멈췄어요. 매출이 0으로 보입니다."


def _configure(store: Store, tagged: Tagged, *, slack: str, email: str | None = "ops@example.com") -> None:
    with store.session() as session:
        admin = session.scalars(select(User).where(User.workspace_id == tagged.workspace_id)).first()
        assert admin is not None and admin.role == Role.ADMIN
        update_alert_settings(
            session,
            workspace_id=tagged.workspace_id,
            actor=admin,
            values={"slack_webhook_url": slack, "email": email or "", "cooldown_hours": 24},
        )


def _history(store: Store, tagged: Tagged, now: dt.datetime) -> None:
    """One data-sync chat in the same 24 hours of each of the last 8 weeks (a baseline of 1)."""
    ingest(
        store,
        tagged,
        [chat(f"hist-{k}", now - k * WEEK - dt.timedelta(hours=2), SYNC_TEXT) for k in range(1, 9)]
        + [chat("old-invoice", now - 10 * WEEK, "세금계산서 발행해 주세요")],  # data starts earlier
    )


def _alerts(store: Store) -> list[Alert]:
    with store.session() as session:
        rows = list(session.scalars(select(Alert).order_by(Alert.id)))
        for row in rows:
            session.expunge(row)
        return rows


def _notifications(store: Store) -> list[tuple[str, str, NotificationStatus]]:
    with store.session() as session:
        return [
            (n.dedupe_key, n.channel.value, n.status)
            for n in session.scalars(select(Notification).order_by(Notification.dedupe_key))
        ]


def test_bootstrap_runs_tagging_first_then_routing_then_alerts() -> None:
    bootstrap.register_event_handlers()
    order = events.subscribers(events.ConversationsIngested)
    assert order == [tagging_handler, routing_handler, on_conversations_ingested]


def test_burst_gives_one_alert_and_one_slack_and_one_email_even_when_ingest_repeats(
    queue: Store, tagged: Tagged, handlers: None
) -> None:
    now = utcnow()
    with HttpSink() as slack, SmtpSink() as smtp:
        queue.settings = queue.settings.__class__(**{**queue.settings.__dict__, "smtp_url": smtp.url})
        _configure(queue, tagged, slack=slack.url)
        _history(queue, tagged, now)
        assert _alerts(queue) == []  # history alone: nothing in the current window
        burst = [
            chat(f"burst-{i}", now - dt.timedelta(minutes=40 - 4 * i), SYNC_TEXT, account=f"상점{i % 3}")
            for i in range(8)
        ]
        ingest(queue, tagged, burst)
        ingest(queue, tagged, burst)  # the same export again: unchanged
        ingest(
            queue, tagged, [chat(f"burst-{i}", r.opened_at, SYNC_TEXT, extra=1) for i, r in enumerate(burst)]
        )
        ingest(queue, tagged, [chat("burst-late", now - dt.timedelta(minutes=1), SYNC_TEXT)])  # cool-down
        drain(queue)
        drain(queue)
    [alert] = _alerts(queue)
    assert alert.tag_id == tagged.tag_id
    # 8 in the window against exactly 1 in each of 8 earlier weeks (the late one came after).
    assert (alert.observed, alert.expected) == (8, 1.0)
    # Poisson spread x (1 + 1/8) for the baseline's uncertainty: NB with size 8, p = 8/9.
    assert alert.p_value == pytest.approx(float(nbinom.sf(7, 8, 8 / 9)))
    assert len(alert.examples) == 3
    assert all(e["quote"] == " ".join(SYNC_TEXT.split()) for e in alert.examples)
    assert sorted(a["name"] for a in alert.accounts) == ["상점0", "상점1", "상점2"]
    assert _notifications(queue) == [
        (f"alert:{alert.id}:email", "email", NotificationStatus.SENT),
        (f"alert:{alert.id}:slack", "slack", NotificationStatus.SENT),
    ]
    [(path, body)] = slack.requests
    assert path == "/services/T000/B000/secret"
    assert body[
        "text"
    ] == "급증 알림: 데이터 동기화 (area/dashboard/data-sync): 최근 24시간 8건 (평소 1.0건, p=" + (
        f"{alert.p_value:.1e})"
    )
    assert body["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "급증 알림: 데이터 동기화 (area/dashboard/data-sync)"},
    }
    [msg] = smtp.messages
    assert msg["Subject"] == "[frontdoor] 급증 알림: 데이터 동기화 (area/dashboard/data-sync)"
    assert smtp.envelopes[0][1] == ["ops@example.com"]
    plain = msg.get_body(preferencelist=("plain",))
    assert plain is not None
    assert "대시보드 데이터 동기화가 어제부터 멈췄어요" in plain.get_content()
    assert f"/alerts#alert-{alert.id}" in plain.get_content()


def test_a_slow_trickle_and_a_quiet_tag_raise_nothing(queue: Store, tagged: Tagged, handlers: None) -> None:
    now = utcnow()
    with HttpSink() as slack:
        _configure(queue, tagged, slack=slack.url, email=None)
        _history(queue, tagged, now)
        # 1 -> 3: three chats against a baseline of one is not an alarm.
        ingest(
            queue,
            tagged,
            [chat(f"t-{i}", now - dt.timedelta(minutes=10 * i + 1), SYNC_TEXT) for i in range(3)],
        )
        drain(queue)
    assert _alerts(queue) == []
    assert slack.requests == []


def test_backfilled_history_evaluates_nothing(store: Store, tagged: Tagged, no_alert_handler: None) -> None:
    now = utcnow()
    old = [chat(f"o{i}", now - dt.timedelta(days=3, minutes=i), SYNC_TEXT) for i in range(12)]
    ingest(store, tagged, old, tag=True)
    with store.session() as session:
        ids = list(session.scalars(select(Conversation.id)))
    assert len(ids) == 12
    assert on_conversations_ingested(store, ConversationsIngested(tagged.workspace_id, tuple(ids))) == []
    fresh = [chat("f", now - dt.timedelta(minutes=5), SYNC_TEXT)]
    ingest(store, tagged, fresh, tag=True)
    with store.session() as session:
        fresh_id = session.scalar(select(Conversation.id).where(Conversation.external_id == "f"))
    assert fresh_id is not None
    [evaluated] = on_conversations_ingested(store, ConversationsIngested(tagged.workspace_id, (fresh_id,)))
    assert (evaluated.tag_id, evaluated.spike.observed, evaluated.spike.fired) == (tagged.tag_id, 1, False)


def test_cooldown_then_a_new_alert_after_it(queue: Store, tagged: Tagged, no_alert_handler: None) -> None:
    now = utcnow().replace(minute=30)
    with queue.session() as session:
        ws = session.get_one(Workspace, tagged.workspace_id)
        ws.settings = {"alerts": {"cooldown_hours": 6}}
    ingest(
        queue,
        tagged,
        [chat(f"h-{k}", now - k * WEEK - dt.timedelta(hours=1), SYNC_TEXT) for k in range(1, 9)],
        tag=True,
    )
    ingest(
        queue,
        tagged,
        [chat(f"b-{i}", now - dt.timedelta(minutes=20 + i), SYNC_TEXT) for i in range(8)],
        tag=True,
    )
    first = check_tags(queue, workspace_id=tagged.workspace_id, tag_ids=[tagged.tag_id], as_of=now)
    assert [r.alert_id is not None for r in first] == [True]
    again = check_tags(
        queue, workspace_id=tagged.workspace_id, tag_ids=[tagged.tag_id], as_of=now + dt.timedelta(hours=5)
    )
    assert (again[0].spike.fired, again[0].alert_id, again[0].held_back) == (True, None, "cool-down")
    later = now + dt.timedelta(hours=7)
    ingest(
        queue,
        tagged,
        [chat(f"c-{i}", later - dt.timedelta(minutes=5 + i), SYNC_TEXT) for i in range(8)],
        tag=True,
    )
    third = check_tags(queue, workspace_id=tagged.workspace_id, tag_ids=[tagged.tag_id], as_of=later)
    assert third[0].alert_id is not None
    alerts = _alerts(queue)
    assert [a.window_start for a in alerts] == [
        (now - dt.timedelta(hours=24)).replace(minute=0, second=0, microsecond=0),
        (later - dt.timedelta(hours=24)).replace(minute=0, second=0, microsecond=0),
    ]
    # No Slack or email configured: alerts are recorded and shown, nothing is queued.
    with queue.session() as session:
        assert session.scalar(select(func.count()).select_from(Notification)) == 0


def test_list_and_acknowledge(queue: Store, tagged: Tagged, no_alert_handler: None) -> None:
    now = utcnow()
    ingest(
        queue,
        tagged,
        [chat(f"h-{k}", now - k * WEEK - dt.timedelta(hours=1), SYNC_TEXT) for k in range(1, 9)],
        tag=True,
    )
    ingest(
        queue,
        tagged,
        [chat(f"b-{i}", now - dt.timedelta(minutes=20 + i), SYNC_TEXT) for i in range(9)],
        tag=True,
    )
    [result] = check_tags(queue, workspace_id=tagged.workspace_id, tag_ids=[tagged.tag_id], as_of=now)
    assert result.alert_id is not None
    with queue.session() as session:
        [view] = list_alerts(session, workspace_id=tagged.workspace_id, status="open")
        assert (view.tag_path, view.observed, view.status) == ("area/dashboard/data-sync", 9, "open")
        admin = session.scalars(select(User).where(User.workspace_id == tagged.workspace_id)).one()
        assert acknowledge_alert(session, workspace_id=tagged.workspace_id, alert_id=view.id, actor=admin)
        assert not acknowledge_alert(session, workspace_id=tagged.workspace_id, alert_id=view.id, actor=admin)
    with queue.session() as session:
        assert list_alerts(session, workspace_id=tagged.workspace_id, status="open") == []
        [done] = list_alerts(session, workspace_id=tagged.workspace_id, status="acknowledged")
        assert done.acknowledged_by is not None and done.acknowledged_at is not None
        with pytest.raises(ValidationError):
            list_alerts(session, workspace_id=tagged.workspace_id, status="closed")


def test_settings_are_validated_and_admin_only(store: Store, tagged: Tagged) -> None:
    with store.session() as session:
        admin = session.scalars(select(User).where(User.workspace_id == tagged.workspace_id)).one()
        with pytest.raises(ValidationError, match="slack_webhook_url"):
            update_alert_settings(
                session, workspace_id=tagged.workspace_id, actor=admin, values={"slack_webhook_url": "hooks"}
            )
        with pytest.raises(ValidationError, match="not an email address"):
            update_alert_settings(
                session, workspace_id=tagged.workspace_id, actor=admin, values={"email": "a, b@c.kr"}
            )
        saved = update_alert_settings(
            session,
            workspace_id=tagged.workspace_id,
            actor=admin,
            values={"email": "a@b.kr; c@d.kr", "min_count": "7", "cooldown_hours": "12"},
        )
        assert (saved.email, saved.thresholds.min_count, saved.cooldown_hours) == (
            ("a@b.kr", "c@d.kr"),
            7,
            12,
        )
        engineer = User(workspace_id=tagged.workspace_id, email="eng@example.com", role=Role.ENGINEER)
        session.add(engineer)
        session.flush()
        with pytest.raises(PermissionDenied):
            update_alert_settings(session, workspace_id=tagged.workspace_id, actor=engineer, values={})
    with store.session() as session:
        stored = alert_settings(session.get_one(Workspace, tagged.workspace_id))
        assert stored.email == ("a@b.kr", "c@d.kr")
