"""Channel Talk webhook handler: token check, delivery ids, records from real-shaped bodies."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from frontdoor.integrations.base import BadRecord, ConversationRecord
from frontdoor.integrations.channeltalk.webhook import ChannelTalkWebhook
from frontdoor.integrations.webhooks import WebhookHandler
from frontdoor.models import AuthorKind, ConversationStatus

FIXTURES = Path(__file__).parent.parent / "fixtures" / "channeltalk"


def body(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_is_a_webhook_handler() -> None:
    assert isinstance(ChannelTalkWebhook(), WebhookHandler)


@pytest.mark.parametrize(
    ("query", "ok"),
    [
        ({"token": "s3cr3t-토큰"}, True),
        ({"token": "s3cr3t-토큰x"}, False),
        ({"token": ""}, False),
        ({}, False),
        ({"tok": "s3cr3t-토큰"}, False),
    ],
)
def test_verify_token(query: dict[str, str], ok: bool) -> None:
    handler = ChannelTalkWebhook()
    assert handler.verify(secret="s3cr3t-토큰", headers={}, query=query, body=b"{}", now=0.0) is ok


def test_empty_secret_never_verifies() -> None:
    assert not ChannelTalkWebhook().verify(secret="", headers={}, query={"token": ""}, body=b"", now=0.0)


def test_customer_message_maps_to_one_message_conversation() -> None:
    (record,) = ChannelTalkWebhook().records(body("webhook_message_user.json"))
    assert isinstance(record, ConversationRecord)
    assert record.external_id == "6650a0ffe1d2c3b4a5f6"
    assert record.status is ConversationStatus.OPEN
    assert record.opened_at == dt.datetime(2024, 5, 24, 9, 33, 20, 500000, tzinfo=dt.UTC)
    assert record.attributes["tags"] == ["결제"]
    (message,) = record.messages
    assert message.external_id == "6650a1b2c3d4e5f6a7b8"
    assert message.author_kind is AuthorKind.CUSTOMER
    assert message.text == "세금계산서 발행 일정 문의드립니다."
    assert message.sent_at == dt.datetime(2024, 5, 24, 9, 33, 30, 123000, tzinfo=dt.UTC)
    assert message.sent_at.tzinfo is dt.UTC
    assert message.author_name == "김민지"
    assert record.contact is not None
    assert record.contact.external_id == "64f0c1d2e3f4a5b6c7d8"
    assert record.contact.member_id == "acct-4821"
    assert record.contact.email == "minji@example.co.kr"
    assert record.contact.phone == "+821012345678"
    assert record.account is not None and record.account.name == "주식회사 예시"


def test_manager_message_uses_blocks_and_is_agent() -> None:
    (record,) = ChannelTalkWebhook().records(body("webhook_message_manager.json"))
    assert isinstance(record, ConversationRecord)
    (message,) = record.messages
    assert message.author_kind is AuthorKind.AGENT
    assert message.author_name == "박상담"
    assert message.author is None
    assert message.text == (
        "안녕하세요 김민지님, 세금계산서는 매월 10일에 발행됩니다.\n"
        "발행 내역은 설정 > 결제에서 확인하실 수 있어요."
    )
    # The contact still comes from the chat's user in refers.
    assert record.contact is not None and record.contact.member_id == "acct-4821"


def test_system_log_gives_a_conversation_without_messages_or_nothing() -> None:
    records = ChannelTalkWebhook().records(body("webhook_message_log.json"))
    assert len(records) == 1
    assert isinstance(records[0], ConversationRecord)
    assert records[0].messages == []


def test_userchat_event_carries_state_and_times() -> None:
    (record,) = ChannelTalkWebhook().records(body("webhook_userchat_closed.json"))
    assert isinstance(record, ConversationRecord)
    assert record.status is ConversationStatus.CLOSED
    assert record.closed_at == dt.datetime(2024, 5, 24, 9, 45, tzinfo=dt.UTC)
    assert record.messages == []
    assert record.attributes["tags"] == ["결제", "세금계산서"]


def test_team_chat_is_not_customer_voice() -> None:
    assert ChannelTalkWebhook().records(body("webhook_teamchat.json")) == []


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[1, 2]",
        b'{"event": "push", "type": "message"}',
        '{"type":"message","entity":{"id":"m1","chatId":"c1","personType":"user","createdAt":"어제","plainText":"안녕"}}'.encode(),
        b'{"type":"message","entity":{"id":"m1","personType":"user","createdAt":1,"plainText":"x"}}',
        b"\xff\xfe\x00",
    ],
)
def test_malformed_bodies_become_bad_records(raw: bytes) -> None:
    records = ChannelTalkWebhook().records(raw)
    assert records and all(isinstance(r, BadRecord | ConversationRecord) for r in records)
    assert any(isinstance(r, BadRecord) for r in records)
    for r in records:
        if isinstance(r, BadRecord):
            assert r.reason


def test_delivery_id_is_message_id_or_body_hash() -> None:
    handler = ChannelTalkWebhook()
    assert (
        handler.delivery_id(headers={}, body=body("webhook_message_user.json"))
        == "message:6650a1b2c3d4e5f6a7b8"
    )
    closed = body("webhook_userchat_closed.json")
    first = handler.delivery_id(headers={}, body=closed)
    assert first == handler.delivery_id(headers={}, body=closed)
    assert first != handler.delivery_id(headers={}, body=closed + b" ")
    assert handler.delivery_id(headers={}, body=b"garbage")
