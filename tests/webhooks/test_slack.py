"""Slack Events API deliveries: signed requests, the 300 s window, retries, the URL challenge."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from frontdoor.core.store import Store
from frontdoor.ingest.sources import get_or_create_source
from frontdoor.models import DeliveryStatus, Message, Source, WebhookDelivery, Workspace
from frontdoor.web.app import create_app

from .conftest import count, counts, wait_for

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


@pytest.fixture
def slack_source(store: Store, workspace: Workspace) -> Source:
    """A Slack source whose webhook secret is the app's signing secret."""
    with store.session() as session:
        source = get_or_create_source(session, workspace_id=workspace.id, kind="slack", name="slack")
        source.webhook_secret = SIGNING_SECRET
        session.flush()
        session.expunge(source)
        return source


def _event(event_id: str = "Ev0PV52K21", text: str = "CSV 내보내기가 안 돼요 (export fails)") -> bytes:
    return json.dumps(
        {
            "token": "unused-verification-token",
            "team_id": "T0HOME",
            "api_app_id": "A0APP",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": 1716543210,
            "event": {
                "type": "message",
                "channel": "C0SUPPORT",
                "user": "U0CUSTOMER",
                "user_team": "T0GUEST",
                "text": text,
                "ts": "1716543210.000100",
            },
        },
        ensure_ascii=False,
    ).encode()


def _signed(body: bytes, *, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/json",
    }


def test_signed_event_is_stored_once_across_slack_retries(
    store: Store, slack_source: Source, worker: None
) -> None:
    body = _event()
    url = f"/hooks/{slack_source.id}"
    with TestClient(create_app(store)) as client:
        first = client.post(url, content=body, headers=_signed(body))
        retry = client.post(url, content=body, headers=_signed(body) | {"X-Slack-Retry-Num": "1"})
        assert (first.status_code, retry.status_code) == (200, 200)
        assert retry.json()["duplicate"] is True

        def done() -> bool:
            with store.session() as session:
                return session.scalars(select(WebhookDelivery.status)).all() == [DeliveryStatus.DONE]

        wait_for(done, what="the Slack delivery to be processed")
    assert counts(store) == (1, 1, 1)
    with store.session() as session:
        delivery = session.scalars(select(WebhookDelivery)).one()
        assert session.scalars(select(Message.text)).one().startswith("CSV 내보내기")
    assert delivery.delivery_id == "event:Ev0PV52K21"
    assert delivery.headers.get("x-slack-retry-num") is None  # the first copy is kept
    assert "x-slack-signature" not in delivery.headers


@pytest.mark.parametrize(
    "case",
    ["stale timestamp", "future timestamp", "wrong secret", "tampered body", "no signature"],
)
def test_bad_signatures_are_refused_and_nothing_is_stored(
    store: Store, slack_source: Source, case: str
) -> None:
    body = _event()
    now = int(time.time())
    headers = {
        "stale timestamp": _signed(body, timestamp=now - 301 - 5),
        "future timestamp": _signed(body, timestamp=now + 301 + 5),
        "wrong secret": _signed(body, secret="not-the-secret"),
        "tampered body": _signed(_event(text="changed")),
        "no signature": {"Content-Type": "application/json"},
    }[case]
    with TestClient(create_app(store)) as client:
        answer = client.post(f"/hooks/{slack_source.id}", content=body, headers=headers)
    assert answer.status_code == 401
    assert counts(store) == (0, 0, 0)


def test_url_verification_challenge_is_answered_and_not_stored(store: Store, slack_source: Source) -> None:
    body = json.dumps(
        {
            "token": "x",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        }
    ).encode()
    with TestClient(create_app(store)) as client:
        forged = client.post(f"/hooks/{slack_source.id}", content=body, headers=_signed(body, secret="nope"))
        assert forged.status_code == 401
        answer = client.post(f"/hooks/{slack_source.id}", content=body, headers=_signed(body))
    assert answer.status_code == 200
    assert answer.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}
    assert count(store, WebhookDelivery) == 0
