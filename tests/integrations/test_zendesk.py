"""Zendesk: export files (tickets + ticket events), CSAT, internal notes, and the signed webhook."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from pathlib import Path

import pytest

from frontdoor.core.errors import AdapterError
from frontdoor.integrations.base import BadRecord, ConversationRecord, Record, SurveyRecord
from frontdoor.integrations.registry import get_adapter, get_webhook_handler
from frontdoor.integrations.webhooks import WebhookHandler
from frontdoor.integrations.zendesk import ZendeskExport, ZendeskWebhook
from frontdoor.models import AuthorKind, ConversationStatus, SurveyKind

FIXTURES = Path(__file__).parent.parent / "fixtures" / "zendesk"
EXPORT = FIXTURES / "export"


def read(path: Path) -> list[Record]:
    return list(ZendeskExport().read(path, options={}))


def by_type(records: list[Record]) -> tuple[list[ConversationRecord], list[SurveyRecord], list[BadRecord]]:
    return (
        [r for r in records if isinstance(r, ConversationRecord)],
        [r for r in records if isinstance(r, SurveyRecord)],
        [r for r in records if isinstance(r, BadRecord)],
    )


def test_registered() -> None:
    assert isinstance(get_adapter("zendesk"), ZendeskExport)
    assert isinstance(get_webhook_handler("zendesk"), ZendeskWebhook)
    assert isinstance(ZendeskWebhook(), WebhookHandler)


def test_folder_counts() -> None:
    convs, surveys, bad = by_type(read(EXPORT))
    assert [c.external_id for c in convs] == ["1002", "1003", "1004", "1001"]
    assert sum(len(c.messages) for c in convs) == 9
    assert len(surveys) == 2
    assert len({c.contact.external_id for c in convs if c.contact}) == 4
    assert len({c.account.external_id for c in convs if c.account}) == 3
    # Bad: a comment with a text date, a ticket without created_at, a non-object ticket,
    # comment events of a ticket outside the import, an event without ticket_id.
    assert len(bad) == 5
    assert any("not in this import" in b.reason for b in bad)


def test_ticket_mapping_internal_notes_and_authors() -> None:
    convs, _, _ = by_type(read(EXPORT))
    tickets = {c.external_id: c for c in convs}
    first = tickets["1001"]
    # The later copy of a ticket in the incremental export wins.
    assert first.status is ConversationStatus.CLOSED
    assert first.closed_at == dt.datetime(2024, 5, 1, 3, tzinfo=dt.UTC)
    assert first.subject == "세금계산서 발행 문의"
    assert [m.author_kind for m in first.messages] == [
        AuthorKind.CUSTOMER,
        AuthorKind.AGENT,
        AuthorKind.AGENT,
        AuthorKind.CUSTOMER,
    ]
    assert [m.is_internal for m in first.messages] == [False, False, True, False]
    assert first.messages[0].text == "세금계산서 발행 일정 문의드립니다.\n이번 달 건이 아직 안 보여요."
    assert first.messages[1].author_name == "박상담"
    assert first.contact is not None and first.contact.email == "minji@example.co.kr"
    assert first.account is not None and first.account.name == "주식회사 예시"
    assert first.account.domain == "example.co.kr"
    # Comments that arrived as ticket events.
    second = tickets["1002"]
    assert [m.external_id for m in second.messages] == ["88201", "88202", "88203"]
    assert [m.is_internal for m in second.messages] == [False, False, True]
    assert second.messages[0].author_kind is AuthorKind.CUSTOMER
    assert second.status is ConversationStatus.OPEN
    # No comments at all: the description is the customer's message; +09:00 becomes UTC.
    third = tickets["1003"]
    assert [m.external_id for m in third.messages] == ["1003:description"]
    assert third.opened_at == dt.datetime(2024, 5, 3, 0, tzinfo=dt.UTC)
    assert third.status is ConversationStatus.SNOOZED
    # Requester not side-loaded: the author kind comes from requester_id.
    fourth = tickets["1004"]
    assert [(m.external_id, m.author_kind) for m in fourth.messages] == [("88401", AuthorKind.CUSTOMER)]


def test_csat_on_a_zero_one_scale() -> None:
    _, surveys, _ = by_type(read(EXPORT))
    by_ticket = {s.conversation_external_id: s for s in surveys}
    good, bad = by_ticket["1001"], by_ticket["1003"]
    assert (good.kind, good.score, good.scale_min, good.scale_max) == (SurveyKind.CSAT, 1.0, 0, 1)
    assert good.comment == "빠른 답변 감사합니다"
    assert good.external_id == "csat:7001"
    assert good.responded_at == dt.datetime(2024, 5, 1, 3, tzinfo=dt.UTC)
    assert bad.score == 0.0
    assert bad.responded_at == dt.datetime(2024, 5, 5, tzinfo=dt.UTC)
    assert bad.account is not None and bad.account.external_id == "303"


def test_tickets_file_alone_uses_descriptions_and_ticket_events_alone_are_quarantined() -> None:
    convs, _, _ = by_type(read(EXPORT / "01_tickets.json"))
    assert [m.external_id for m in {c.external_id: c for c in convs}["1002"].messages] == ["1002:description"]
    convs, surveys, bad = by_type(read(EXPORT / "02_ticket_events.json"))
    assert convs == [] and surveys == []
    assert len(bad) == 4  # comment events of tickets 1002, 1006 and 9999, one event without ticket


@pytest.mark.parametrize("content", ['{"foo": 1}', "nope", "3"])
def test_not_zendesk(tmp_path: Path, content: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content)
    with pytest.raises(AdapterError):
        read(path)


SECRET = "dGhpcyBpcyBhIHNlY3JldA=="
BODY = json.dumps(
    {
        "ticket": {
            "id": 1007,
            "subject": "로그인이 안 돼요",
            "status": "open",
            "requester_id": 502,
            "organization_id": 302,
            "created_at": "2024-05-06T00:00:00Z",
            "updated_at": "2024-05-06T00:00:00Z",
            "description": "비밀번호를 바꿨는데 로그인이 안 됩니다.",
        }
    },
    ensure_ascii=False,
).encode()


def signed(body: bytes, timestamp: str = "2024-05-06T00:00:05Z", secret: str = SECRET) -> dict[str, str]:
    mac = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    return {
        "x-zendesk-webhook-signature": base64.b64encode(mac).decode(),
        "x-zendesk-webhook-signature-timestamp": timestamp,
    }


def test_webhook_signature() -> None:
    handler = ZendeskWebhook()
    ok = signed(BODY)
    assert handler.verify(secret=SECRET, headers=ok, query={}, body=BODY, now=0.0)
    assert not handler.verify(secret=SECRET, headers=ok, query={}, body=BODY + b" ", now=0.0)
    assert not handler.verify(secret="other", headers=ok, query={}, body=BODY, now=0.0)
    forged = {**ok, "x-zendesk-webhook-signature-timestamp": "2024-05-06T00:00:06Z"}
    assert not handler.verify(secret=SECRET, headers=forged, query={}, body=BODY, now=0.0)
    missing = {"x-zendesk-webhook-signature-timestamp": ok["x-zendesk-webhook-signature-timestamp"]}
    assert not handler.verify(secret=SECRET, headers=missing, query={}, body=BODY, now=0.0)
    assert not handler.verify(secret=SECRET, headers={}, query={}, body=BODY, now=0.0)


def test_webhook_records_and_delivery_id() -> None:
    handler = ZendeskWebhook()
    (record,) = handler.records(BODY)
    assert isinstance(record, ConversationRecord)
    assert record.external_id == "1007"
    assert record.messages[0].text == "비밀번호를 바꿨는데 로그인이 안 됩니다."
    assert record.account is not None and record.account.external_id == "302"
    (bad,) = handler.records(b"{broken")
    assert isinstance(bad, BadRecord)
    assert (
        handler.delivery_id(headers={"x-zendesk-webhook-invocation-id": "abc"}, body=BODY) == "invocation:abc"
    )
    assert handler.delivery_id(headers={}, body=BODY) == hashlib.sha256(BODY).hexdigest()


def test_bad_ticket_keeps_its_comment_events_and_can_be_retried() -> None:
    _, _, bad = by_type(read(EXPORT))
    (broken,) = [b for b in bad if '"id": 1006' in b.raw]
    payload = json.loads(broken.raw)
    assert [c["id"] for c in payload["comments"]] == [88601]
    payload["created_at"] = "2024-05-04T01:00:00Z"
    (record,) = ZendeskExport().parse_raw(json.dumps(payload, ensure_ascii=False), options={})
    assert isinstance(record, ConversationRecord)
    assert record.external_id == "1006"
    assert [(m.external_id, m.author_kind) for m in record.messages] == [("88601", AuthorKind.CUSTOMER)]
    with pytest.raises(AdapterError):
        list(ZendeskExport().parse_raw('"nur Text"', options={}))
