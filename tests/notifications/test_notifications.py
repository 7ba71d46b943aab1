"""send_once: recorded once, delivered through the task queue, retried durably, never twice."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select, update

from frontdoor.core.errors import ValidationError
from frontdoor.core.store import Store
from frontdoor.core.tasks import RetryLater, due_work
from frontdoor.db.base import utcnow
from frontdoor.integrations.outbound import email_payload, slack_payload
from frontdoor.models import Notification, NotificationStatus, Workspace
from frontdoor.notifications import send as notifications
from frontdoor.notifications.send import (
    MAX_ATTEMPTS,
    deliver_notification,
    due_notifications,
    list_notifications,
    retry_notification,
    send_once,
)
from local_servers import HttpSink, SmtpSink, drain


def _row(store: Store, notification_id: int) -> Notification:
    with store.session() as session:
        row = session.get_one(Notification, notification_id)
        session.expunge(row)
        return row


def _count(store: Store) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(Notification)) or 0)


def _come_due(store: Store, notification_id: int) -> None:
    """Time passes: the scheduled retry is due now."""
    with store.session() as session:
        session.execute(
            update(Notification)
            .where(Notification.id == notification_id)
            .values(next_attempt_at=utcnow() - dt.timedelta(seconds=1))
        )


def test_slack_notification_is_sent_once_even_when_asked_twice(queue: Store, workspace: Workspace) -> None:
    payload = slack_payload("결제 오류 급증", blocks=[{"type": "divider"}])
    with HttpSink() as sink:
        first = send_once(
            queue,
            workspace_id=workspace.id,
            key="alert:1:slack",
            channel="slack",
            target=sink.url,
            payload=payload,
        )
        drain(queue)
        second = send_once(
            queue,
            workspace_id=workspace.id,
            key="alert:1:slack",
            channel="slack",
            target=sink.url,
            payload=payload,
        )
        drain(queue)
        assert deliver_notification(queue, notification_id=first.id) == "skipped"
    assert first.created is True
    assert (second.id, second.created, second.status) == (first.id, False, "sent")
    assert sink.bodies() == [payload]
    row = _row(queue, first.id)
    assert (row.status, row.attempts, row.last_error) == (NotificationStatus.SENT, 1, None)
    assert row.sent_at is not None
    assert _count(queue) == 1


def test_same_key_in_another_workspace_is_its_own_notification(queue: Store, workspace: Workspace) -> None:
    with queue.session() as session:
        other = Workspace(slug="other", name="Other")
        session.add(other)
        session.flush()
        other_id = other.id
    with HttpSink() as sink:
        for ws in (workspace.id, other_id):
            send_once(
                queue, workspace_id=ws, key="k", channel="slack", target=sink.url, payload={"text": "x"}
            )
        drain(queue)
    assert len(sink.requests) == 2


def test_failed_attempt_is_retried_from_the_record_until_sent(
    queue: Store, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(notifications, "INLINE_TRIES", 2)
    # Two failures use up the first attempt's two tries; the retry's first try succeeds.
    with HttpSink(fail=[(503, {}), (503, {})]) as sink:
        sent = send_once(
            queue, workspace_id=workspace.id, key="a", channel="slack", target=sink.url, payload={"text": "x"}
        )
        if queue.dialect == "postgresql":
            # A fresh worker claims it; the queue's own retry is scheduled 30 s out.
            with pytest.raises(RetryLater):
                deliver_notification(queue, notification_id=sent.id)
        row = _row(queue, sent.id)
        assert (row.status, row.attempts, row.last_error) == (
            NotificationStatus.FAILED,
            1,
            "Slack webhook at 127.0.0.1 answered 503 oops",
        )
        assert row.next_attempt_at is not None
        assert row.next_attempt_at - utcnow() > dt.timedelta(seconds=20)  # backoff 30 s: not due yet
        assert due_notifications(queue) == []
        _come_due(queue, sent.id)
        # The worker sweep (shared with webhook deliveries) finds it, e.g. after a restart.
        assert ("deliver_notification", {"notification_id": sent.id}) in due_work(queue)
        assert deliver_notification(queue, notification_id=sent.id) == "sent"
        assert deliver_notification(queue, notification_id=sent.id) == "skipped"
    assert len(sink.requests) == 3
    row = _row(queue, sent.id)
    assert (row.status, row.attempts, row.last_error) == (NotificationStatus.SENT, 2, None)


def test_retry_after_longer_than_backoff_sets_the_next_attempt(queue: Store, workspace: Workspace) -> None:
    with HttpSink(fail=[(429, {"Retry-After": "3600"})]) as sink:
        sent = send_once(
            queue, workspace_id=workspace.id, key="a", channel="slack", target=sink.url, payload={"text": "x"}
        )
        if queue.dialect == "postgresql":
            with pytest.raises(RetryLater):
                deliver_notification(queue, notification_id=sent.id)
    row = _row(queue, sent.id)
    assert row.next_attempt_at is not None
    assert row.next_attempt_at - utcnow() > dt.timedelta(minutes=59)
    assert len(sink.requests) == 1


def test_client_error_gives_up_at_once_and_can_be_rearmed(queue: Store, workspace: Workspace) -> None:
    with HttpSink(fail=[(404, {})]) as sink:
        sent = send_once(
            queue, workspace_id=workspace.id, key="a", channel="slack", target=sink.url, payload={"text": "x"}
        )
        drain(queue)
        row = _row(queue, sent.id)
        assert (row.status, row.next_attempt_at, row.attempts) == (NotificationStatus.FAILED, None, 1)
        assert row.last_error == "Slack webhook at 127.0.0.1 answered 404 invalid_payload"
        assert due_notifications(queue) == []
        retry_notification(queue, workspace_id=workspace.id, notification_id=sent.id)
        drain(queue)
    assert _row(queue, sent.id).status is NotificationStatus.SENT
    assert len(sink.requests) == 2


def test_the_last_allowed_attempt_gives_up_with_the_reason(queue: Store, workspace: Workspace) -> None:
    with HttpSink(fail=[(500, {})] * 10) as sink:
        sent = send_once(
            queue, workspace_id=workspace.id, key="a", channel="slack", target=sink.url, payload={"text": "x"}
        )
        drain(queue) if queue.dialect == "sqlite" else None
        with queue.session() as session:
            session.execute(
                update(Notification)
                .where(Notification.id == sent.id)
                .values(
                    status=NotificationStatus.FAILED,
                    attempts=MAX_ATTEMPTS - 1,
                    next_attempt_at=utcnow() - dt.timedelta(seconds=1),
                )
            )
        assert deliver_notification(queue, notification_id=sent.id) == "given up"
    row = _row(queue, sent.id)
    assert (row.status, row.next_attempt_at, row.attempts) == (NotificationStatus.FAILED, None, MAX_ATTEMPTS)
    assert (
        row.last_error
        == f"given up after {MAX_ATTEMPTS} attempts: Slack webhook at 127.0.0.1 answered 500 oops"
    )


def test_email_notification_goes_out_once_with_a_stable_message_id(
    queue: Store, workspace: Workspace
) -> None:
    with SmtpSink(fail_times=1) as smtp:
        queue.settings = dataclasses.replace(queue.settings, smtp_url=smtp.url, mail_from="fd@example.com")
        payload = email_payload(
            subject="출시 안내: 대시보드 내보내기", text="안녕하세요", html="<p>안녕하세요</p>"
        )
        first = send_once(
            queue,
            workspace_id=workspace.id,
            key="loop:7:3",
            channel="email",
            target="kim@example.kr",
            payload=payload,
        )
        again = send_once(
            queue,
            workspace_id=workspace.id,
            key="loop:7:3",
            channel="email",
            target="kim@example.kr",
            payload=payload,
        )
        drain(queue)
    assert again.created is False
    assert smtp.attempts == 2  # one 451, then accepted (inline retry)
    [msg] = smtp.messages
    assert msg["Subject"] == "출시 안내: 대시보드 내보내기"
    assert msg["From"] == "fd@example.com"
    assert msg["Message-ID"] == notifications.message_id_for(f"{workspace.id}:loop:7:3")
    assert _row(queue, first.id).status is NotificationStatus.SENT


def test_email_without_smtp_configured_fails_with_the_setting_named(
    queue: Store, workspace: Workspace
) -> None:
    sent = send_once(
        queue,
        workspace_id=workspace.id,
        key="e",
        channel="email",
        target="kim@example.kr",
        payload=email_payload(subject="s", text="t"),
    )
    drain(queue)
    row = _row(queue, sent.id)
    assert (row.status, row.last_error, row.next_attempt_at) == (
        NotificationStatus.FAILED,
        "email is off: set FRONTDOOR_SMTP_URL",
        None,
    )


@pytest.mark.parametrize(
    ("channel", "target", "payload", "error"),
    [
        ("sms", "x", {"text": "x"}, "channel must be slack or email"),
        ("slack", "hooks.slack.com/x", {"text": "x"}, "incoming-webhook URL"),
        ("slack", "https://h/x", {"blocks": []}, "fallback 'text'"),
        ("email", "nobody", {"subject": "s", "text": "t"}, "one or more addresses"),
        ("email", "a@b.kr", {"text": "t"}, "'subject' and 'text'"),
    ],
)
def test_malformed_requests_record_nothing(
    store: Store, workspace: Workspace, channel: str, target: str, payload: dict[str, object], error: str
) -> None:
    with pytest.raises(ValidationError, match=error):
        send_once(store, workspace_id=workspace.id, key="k", channel=channel, target=target, payload=payload)
    assert _count(store) == 0


def test_list_filters_by_key_prefix_newest_first(queue: Store, workspace: Workspace) -> None:
    with HttpSink() as sink:
        for key in ("alert:1:slack", "loop:1:1", "alert:2:slack"):
            send_once(
                queue,
                workspace_id=workspace.id,
                key=key,
                channel="slack",
                target=sink.url,
                payload={"text": key},
            )
        drain(queue)
    assert [n.dedupe_key for n in list_notifications(queue, workspace_id=workspace.id, prefix="alert:")] == [
        "alert:2:slack",
        "alert:1:slack",
    ]
