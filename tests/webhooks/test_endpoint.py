"""``POST /hooks/{source_id}`` on both backends: verify, store once, answer, ingest in the background."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import select

from frontdoor.core.store import Store
from frontdoor.ingest.webhooks import MAX_BODY_BYTES, webhook_url
from frontdoor.models import DeliveryStatus, Message, QuarantinedRecord, Source, WebhookDelivery
from frontdoor.web.app import create_app

from .conftest import TOKEN, count, counts, wait_for


def _deliveries(store: Store) -> list[WebhookDelivery]:
    with store.session() as session:
        return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def _all_done(store: Store, n: int) -> bool:
    found = _deliveries(store)
    return len(found) == n and all(d.status is DeliveryStatus.DONE for d in found)


def test_delivery_sent_three_times_is_stored_once_and_ingested(
    store: Store, channeltalk_source: Source, message_body: bytes, worker: None
) -> None:
    url = f"/hooks/{channeltalk_source.id}?token={TOKEN}"
    with TestClient(create_app(store)) as client:
        answers = [client.post(url, content=message_body) for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 200]
        assert [a.json()["duplicate"] for a in answers] == [False, True, True]
        wait_for(lambda: _all_done(store, 1), what="the delivery to be processed")
    assert counts(store) == (1, 1, 1)
    [delivery] = _deliveries(store)
    assert delivery.attempts == 1
    assert delivery.result is not None and delivery.result["messages"]["new"] == 1
    assert delivery.delivery_id == "message:6650a1b2c3d4e5f6a7b8"
    # Only harmless headers are kept; the token (query string) is nowhere in the row.
    assert TOKEN not in json.dumps(delivery.headers) and TOKEN not in delivery.body
    with store.session() as session:
        text = session.scalars(select(Message.text)).one()
    assert "세금계산서" in text


def test_forged_token_is_refused_and_nothing_is_stored(
    store: Store, channeltalk_source: Source, message_body: bytes
) -> None:
    with TestClient(create_app(store)) as client:
        for url in (
            f"/hooks/{channeltalk_source.id}?token=wrong",
            f"/hooks/{channeltalk_source.id}",
            f"/hooks/{channeltalk_source.id}?token={TOKEN}x",
        ):
            assert client.post(url, content=message_body).status_code == 401
    assert counts(store) == (0, 0, 0)


def test_source_without_secret_refuses_everything(
    store: Store, channeltalk_source: Source, message_body: bytes
) -> None:
    with store.session() as session:
        session.get_one(Source, channeltalk_source.id).webhook_secret = None
    with TestClient(create_app(store)) as client:
        answer = client.post(f"/hooks/{channeltalk_source.id}?token=", content=message_body)
    assert answer.status_code == 401
    assert counts(store) == (0, 0, 0)


def test_unknown_or_inactive_source_is_404(
    store: Store, channeltalk_source: Source, message_body: bytes
) -> None:
    with TestClient(create_app(store)) as client:
        assert client.post(f"/hooks/999999?token={TOKEN}", content=message_body).status_code == 404
        with store.session() as session:
            session.get_one(Source, channeltalk_source.id).is_active = False
        answer = client.post(f"/hooks/{channeltalk_source.id}?token={TOKEN}", content=message_body)
        assert answer.status_code == 404
    assert count(store, WebhookDelivery) == 0


def test_oversized_body_is_413_and_not_stored(store: Store, channeltalk_source: Source) -> None:
    body = b'{"pad": "' + b"x" * MAX_BODY_BYTES + b'"}'
    with TestClient(create_app(store)) as client:
        answer = client.post(f"/hooks/{channeltalk_source.id}?token={TOKEN}", content=body)
    assert answer.status_code == 413
    assert count(store, WebhookDelivery) == 0


def test_same_delivery_id_with_a_different_body_is_a_duplicate(
    store: Store, channeltalk_source: Source, message_body: bytes, worker: None
) -> None:
    # Channel Talk retries carry the same message id; the first stored copy wins.
    payload = json.loads(message_body)
    payload["entity"]["plainText"] = "재전송 본문"
    url = f"/hooks/{channeltalk_source.id}?token={TOKEN}"
    with TestClient(create_app(store)) as client:
        first = client.post(url, content=message_body)
        second = client.post(url, content=json.dumps(payload).encode())
        assert first.json()["delivery"] == second.json()["delivery"]
        assert second.json()["duplicate"] is True
        other = dict(payload, entity=dict(payload["entity"], id="6650a1b2c3d4e5f6a7c9"))
        third = client.post(url, content=json.dumps(other).encode())
        assert third.json()["duplicate"] is False
        wait_for(lambda: _all_done(store, 2), what="both deliveries to be processed")
    assert counts(store) == (2, 1, 2)


def test_malformed_body_is_acknowledged_and_quarantined(
    store: Store, channeltalk_source: Source, worker: None
) -> None:
    with TestClient(create_app(store)) as client:
        answer = client.post(f"/hooks/{channeltalk_source.id}?token={TOKEN}", content=b"{not json")
        assert answer.status_code == 200
        wait_for(lambda: _all_done(store, 1), what="the delivery to be processed")
    assert counts(store) == (1, 0, 0)
    with store.session() as session:
        bad = session.scalars(select(QuarantinedRecord)).one()
    assert bad.source_id == channeltalk_source.id


def test_webhook_url_carries_the_channeltalk_token(channeltalk_source: Source) -> None:
    url = webhook_url(channeltalk_source, base_url="https://cx.example.com/")
    assert url == f"https://cx.example.com/hooks/{channeltalk_source.id}?token={TOKEN}"
