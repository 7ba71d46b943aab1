"""Intercom: conversation files (parts order, notes, ratings, HTML) and the signed webhook."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdoor.core.errors import AdapterError
from frontdoor.integrations._common import html_to_text
from frontdoor.integrations.base import BadRecord, ConversationRecord, Record, SurveyRecord
from frontdoor.integrations.intercom import IntercomExport, IntercomWebhook
from frontdoor.integrations.registry import get_adapter, get_webhook_handler
from frontdoor.integrations.webhooks import WebhookHandler
from frontdoor.models import AuthorKind, ConversationStatus, SurveyKind

FIXTURES = Path(__file__).parent.parent / "fixtures" / "intercom"
T = 1717200000


def split(records: list[Record]) -> tuple[list[ConversationRecord], list[SurveyRecord], list[BadRecord]]:
    return (
        [r for r in records if isinstance(r, ConversationRecord)],
        [r for r in records if isinstance(r, SurveyRecord)],
        [r for r in records if isinstance(r, BadRecord)],
    )


def test_registered() -> None:
    assert isinstance(get_adapter("intercom"), IntercomExport)
    assert isinstance(get_webhook_handler("intercom"), IntercomWebhook)
    assert isinstance(IntercomWebhook(), WebhookHandler)


def test_counts() -> None:
    convs, surveys, bad = split(list(IntercomExport().read(FIXTURES / "conversations.json", options={})))
    assert [c.external_id for c in convs] == ["215468123", "215468124", "215468125", "215468126"]
    assert sum(len(c.messages) for c in convs) == 10
    assert len(surveys) == 2
    assert len({c.contact.external_id for c in convs if c.contact}) == 4
    assert len({c.account.external_id for c in convs if c.account}) == 3
    # An unknown author type, a rating of 9, a conversation with a text created_at.
    assert len(bad) == 3


def test_parts_order_notes_and_html() -> None:
    convs, surveys, _ = split(list(IntercomExport().read(FIXTURES / "conversations.json", options={})))
    first = convs[0]
    assert [m.external_id for m in first.messages] == ["215468123:source", "2998", "2999", "3000"]
    assert [m.author_kind for m in first.messages] == [
        AuthorKind.CUSTOMER,
        AuthorKind.AGENT,
        AuthorKind.AGENT,
        AuthorKind.CUSTOMER,
    ]
    assert [m.is_internal for m in first.messages] == [False, False, True, False]
    assert first.messages[0].text == "세금계산서 발행 일정 문의드립니다.\n\n이번 달 건이 안 보여요."
    assert first.messages[1].text == "안녕하세요!\n세금계산서는 매월 10일에 발행됩니다."
    assert first.messages[2].text == "회계팀 확인 필요 — 재발행"
    assert first.messages[3].text == "감사합니다 <3"
    assert first.messages[0].sent_at == dt.datetime.fromtimestamp(T, dt.UTC)
    assert first.status is ConversationStatus.CLOSED
    assert first.attributes["tags"] == ["결제"]
    assert first.contact is not None and first.contact.member_id == "acct-4821"
    assert first.contact.email == "minji@example.co.kr"
    assert first.account is not None and first.account.name == "주식회사 예시"
    second = convs[1]
    assert [m.author_kind for m in second.messages] == [AuthorKind.CUSTOMER, AuthorKind.BOT, AuthorKind.AGENT]
    assert second.account is None
    third = convs[2]
    assert third.messages[0].text == "Hi & hello, the export button is broken."
    assert third.messages[1].text == "Sorry! Please try:\n\nclear cache\nre-login"
    assert third.status is ConversationStatus.SNOOZED
    rating = {s.conversation_external_id: s for s in surveys}
    assert (rating["215468123"].kind, rating["215468123"].score) == (SurveyKind.CSAT, 5.0)
    assert (rating["215468123"].scale_min, rating["215468123"].scale_max) == (1, 5)
    assert rating["215468123"].comment == "친절해요"
    assert rating["215468125"].comment == "Slow fix"
    assert rating["215468125"].agent == "814860"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>a</p><p>b</p>", "a\n\nb"),
        ("줄1<br>줄2<br/>줄3", "줄1\n줄2\n줄3"),
        ("<style>p{}</style><p>x &amp; y</p>", "x & y"),
        ("<p>unclosed <b>bold", "unclosed bold"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_list_file_and_errors(tmp_path: Path) -> None:
    page = json.loads((FIXTURES / "conversations.json").read_text())
    path = tmp_path / "list.json"
    path.write_text(json.dumps(page["conversations"][:2], ensure_ascii=False))
    convs, _, _ = split(list(IntercomExport().read(path, options={})))
    assert len(convs) == 2
    path.write_text('{"type": "contact.list"}')
    with pytest.raises(AdapterError):
        list(IntercomExport().read(path, options={}))


SECRET = "intercom-client-secret"


def test_webhook_signature() -> None:
    body = (FIXTURES / "webhook_user_replied.json").read_bytes()
    good = "sha1=" + hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()
    handler = IntercomWebhook()
    assert handler.verify(secret=SECRET, headers={"x-hub-signature": good}, query={}, body=body, now=0)
    assert not handler.verify(
        secret=SECRET, headers={"x-hub-signature": good}, query={}, body=body[:-1], now=0
    )
    assert not handler.verify(
        secret=SECRET, headers={"x-hub-signature": good[5:]}, query={}, body=body, now=0
    )
    assert not handler.verify(secret="wrong", headers={"x-hub-signature": good}, query={}, body=body, now=0)
    assert not handler.verify(secret=SECRET, headers={}, query={}, body=body, now=0)


def test_webhook_records() -> None:
    handler = IntercomWebhook()
    body = (FIXTURES / "webhook_user_replied.json").read_bytes()
    (record,) = handler.records(body)
    assert isinstance(record, ConversationRecord)
    assert record.external_id == "215468123"
    assert [m.external_id for m in record.messages] == ["215468123:source", "3000"]
    assert (
        handler.delivery_id(headers={}, body=body)
        == "notification:notif_6a1e7c3b-1d7f-4c2e-9a5b-0d8f1e2c3b4a"
    )
    assert handler.records((FIXTURES / "webhook_ping.json").read_bytes()) == []
    (bad,) = handler.records(b'{"type": "notification_event"}')
    assert isinstance(bad, BadRecord)


def test_bad_conversation_can_be_retried() -> None:
    _, _, bad = split(list(IntercomExport().read(FIXTURES / "conversations.json", options={})))
    (broken,) = [b for b in bad if "215468127" in b.raw]
    fixed = json.loads(broken.raw)
    fixed["created_at"] = T
    records = list(IntercomExport().parse_raw(json.dumps(fixed, ensure_ascii=False), options={}))
    (conv,) = split(records)[0]
    assert conv.external_id == "215468127"
    assert [m.text for m in conv.messages] == ["x"]


@given(st.text())
def test_html_to_text_takes_any_input(html: str) -> None:
    text = html_to_text(html)
    assert "\x00" not in text and "\x01" not in text
    assert text == text.strip()


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1))
def test_escaped_text_comes_back_unchanged(words: str) -> None:
    import html

    assert html_to_text(f"<p>{html.escape(words)}</p>") == words
