"""Slack: export zips (threads, ts as integer pairs, who is internal) and signed Events API deliveries."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdoor.core.errors import AdapterError, RecordError, ValidationError
from frontdoor.integrations.base import BadRecord, ConversationRecord, Record
from frontdoor.integrations.registry import get_adapter, get_webhook_handler
from frontdoor.integrations.slack import export as slack_export
from frontdoor.integrations.slack.export import SlackExport
from frontdoor.integrations.slack.messages import parse_ts, ts_text
from frontdoor.integrations.slack.webhook import SlackWebhook
from frontdoor.integrations.webhooks import WebhookHandler
from frontdoor.models import AuthorKind, Channel

EXPORT = Path(__file__).parent.parent / "fixtures" / "slack" / "export"


def zipped(tmp_path: Path, prefix: str = "") -> Path:
    target = tmp_path / "export.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(EXPORT.rglob("*.json")):
            zf.write(file, prefix + file.relative_to(EXPORT).as_posix())
    return target


def split(records: list[Record]) -> tuple[list[ConversationRecord], list[BadRecord]]:
    return (
        [r for r in records if isinstance(r, ConversationRecord)],
        [r for r in records if isinstance(r, BadRecord)],
    )


def test_registered() -> None:
    assert isinstance(get_adapter("slack"), SlackExport)
    assert isinstance(get_webhook_handler("slack"), SlackWebhook)
    assert isinstance(SlackWebhook(), WebhookHandler)


@pytest.mark.parametrize("prefix", ["", "ourco Slack export May 2024/"])
def test_zip_counts(tmp_path: Path, prefix: str) -> None:
    convs, bad = split(list(SlackExport().read(zipped(tmp_path, prefix), options={})))
    assert [c.external_id for c in convs] == [
        "C01SHARED:1714550400.000100",
        "C01SHARED:1714551000.000300",
        "C03GENERAL:1714730000.000700",
        "C03GENERAL:1714730100.000800",
        "C02SUPPORT:1714723200.000500",
    ]
    assert sum(len(c.messages) for c in convs) == 9
    assert len({c.contact.external_id for c in convs if c.contact}) == 3
    assert len({c.account.external_id for c in convs if c.account}) == 2
    # A message without ts and a day file that is not JSON.
    assert len(bad) == 2
    assert {b.position for b in bad} == {"ext-example-shared/2024-05-01.json[4]", "general/2024-05-04.json"}


def test_folder_reads_like_the_zip(tmp_path: Path) -> None:
    from_zip = split(list(SlackExport().read(zipped(tmp_path), options={})))[0]
    from_folder = split(list(SlackExport().read(EXPORT, options={})))[0]
    assert from_zip == from_folder


def test_thread_across_days_mentions_and_kinds() -> None:
    convs, _ = split(list(SlackExport().read(EXPORT, options={})))
    by_id = {c.external_id: c for c in convs}
    thread = by_id["C01SHARED:1714550400.000100"]
    assert thread.channel is Channel.SLACK
    assert thread.subject == "#ext-example-shared 세금계산서 발행 일정 문의드립니다 @정지원"
    assert [m.external_id for m in thread.messages] == [
        "C01SHARED:1714550400.000100",
        "C01SHARED:1714550460.000200",
        "C01SHARED:1714636800.000001",
    ]
    assert [m.author_kind for m in thread.messages] == [
        AuthorKind.CUSTOMER,
        AuthorKind.AGENT,
        AuthorKind.CUSTOMER,
    ]
    assert (
        thread.messages[1].text
        == "@김민지님 매월 10일에 발행됩니다. <설정 > 결제> 메뉴를 참고해 주세요: 도움말"
    )
    assert thread.opened_at == dt.datetime(2024, 5, 1, 8, 0, 0, 100, tzinfo=dt.UTC)
    assert thread.contact is not None and thread.contact.email == "minji@example.co.kr"
    assert thread.contact.title == "운영팀장"
    assert thread.account is not None and thread.account.external_id == "T0EXAMPLE"
    assert thread.messages[0].attributes["reactions"] == {"eyes": 1}
    # External user missing from users.json: a customer, named from user_profile.
    external = by_id["C01SHARED:1714551000.000300"]
    assert external.messages[0].author_kind is AuthorKind.CUSTOMER
    assert external.messages[0].author_name == "이준호"
    assert external.account is not None and external.account.external_id == "T0DALBIT"
    support = by_id["C02SUPPORT:1714723200.000500"]
    assert [m.author_kind for m in support.messages] == [
        AuthorKind.CUSTOMER,
        AuthorKind.AGENT,
        AuthorKind.BOT,
    ]
    assert support.messages[2].author_name == "Ticket Bot"
    assert support.account is None  # a guest of our own team: no company known without a domain rule
    announcement = by_id["C03GENERAL:1714730000.000700"]
    assert announcement.messages[0].author_kind is AuthorKind.AGENT
    assert announcement.messages[0].text.endswith("@channel")
    assert announcement.contact is None
    upload = by_id["C03GENERAL:1714730100.000800"]
    assert upload.messages[0].attributes["files"] == ["release-notes.pdf"]


def test_internal_domain_option() -> None:
    convs, _ = split(list(SlackExport().read(EXPORT, options={"internal_domain": "ourco.kr"})))
    by_id = {c.external_id: c for c in convs}
    support = by_id["C02SUPPORT:1714723200.000500"]
    assert [m.author_kind for m in support.messages] == [
        AuthorKind.CUSTOMER,
        AuthorKind.AGENT,
        AuthorKind.BOT,
    ]
    assert support.account is not None and support.account.domain == "northwind.example"
    assert len({(c.account.external_id, c.account.domain) for c in convs if c.account}) == 3
    # Everyone outside ourco.kr is a customer, whatever the team says.
    convs, _ = split(list(SlackExport().read(EXPORT, options={"internal_domain": "other.com"})))
    assert {m.author_kind for c in convs for m in c.messages} == {AuthorKind.CUSTOMER, AuthorKind.BOT}
    with pytest.raises(ValidationError):
        list(SlackExport().read(EXPORT, options={"domain": "x"}))


def test_ts_are_integer_pairs() -> None:
    assert parse_ts("1714550400.000100") == (1714550400, 100)
    assert parse_ts("1714550400.0001") == (1714550400, 100)
    assert parse_ts("1714550400") == (1714550400, 0)
    assert ts_text(parse_ts("1714550400.0001")) == "1714550400.000100"
    # Where floats lose the order or the identity, pairs do not.
    assert parse_ts("9999999999.000001") > parse_ts("9999999999.000000")
    for bad in ("", "1.2.3", "abc", "1714550400.1234567", None, 1714550400.5):
        with pytest.raises(RecordError):
            parse_ts(bad)


def test_not_an_export(tmp_path: Path) -> None:
    junk = tmp_path / "x.zip"
    junk.write_bytes(b"PK not really")
    with pytest.raises(AdapterError):
        list(SlackExport().read(junk, options={}))
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("readme.txt", "hi")
    with pytest.raises(AdapterError):
        list(SlackExport().read(empty, options={}))


SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
NOW = 1_714_550_500


def event(**extra: object) -> bytes:
    payload = {
        "token": "legacy",
        "team_id": "T0OURCO",
        "api_app_id": "A0APP",
        "type": "event_callback",
        "event_id": "Ev0EXAMPLE1",
        "event_time": NOW,
        "event": {
            "type": "message",
            "channel": "C01SHARED",
            "user": "U10CUST",
            "user_team": "T0EXAMPLE",
            "text": "결제 오류가 다시 발생했어요",
            "ts": "1714550490.000900",
            "thread_ts": "1714550400.000100",
            **extra,
        },
    }
    return json.dumps(payload, ensure_ascii=False).encode()


def sign(body: bytes, timestamp: int, secret: str = SECRET) -> dict[str, str]:
    base = f"v0:{timestamp}:".encode() + body
    return {
        "x-slack-signature": "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest(),
        "x-slack-request-timestamp": str(timestamp),
    }


def test_webhook_verify() -> None:
    handler = SlackWebhook()
    body = event()
    assert handler.verify(secret=SECRET, headers=sign(body, NOW), query={}, body=body, now=NOW)
    assert handler.verify(secret=SECRET, headers=sign(body, NOW - 299), query={}, body=body, now=NOW)
    # Stale (a replay) and future timestamps, even correctly signed, are refused.
    assert not handler.verify(secret=SECRET, headers=sign(body, NOW - 301), query={}, body=body, now=NOW)
    assert not handler.verify(secret=SECRET, headers=sign(body, NOW + 301), query={}, body=body, now=NOW)
    assert not handler.verify(secret="other", headers=sign(body, NOW), query={}, body=body, now=NOW)
    assert not handler.verify(secret=SECRET, headers=sign(body, NOW), query={}, body=body + b"x", now=NOW)
    forged = {**sign(body, NOW), "x-slack-request-timestamp": str(NOW - 1)}
    assert not handler.verify(secret=SECRET, headers=forged, query={}, body=body, now=NOW)
    assert not handler.verify(secret=SECRET, headers={}, query={}, body=body, now=NOW)
    assert not handler.verify(
        secret=SECRET,
        headers={**sign(body, NOW), "x-slack-request-timestamp": "soon"},
        query={},
        body=body,
        now=NOW,
    )


def test_webhook_records() -> None:
    handler = SlackWebhook()
    (record,) = handler.records(event())
    assert isinstance(record, ConversationRecord)
    assert record.external_id == "C01SHARED:1714550400.000100"
    (message,) = record.messages
    assert message.external_id == "C01SHARED:1714550490.000900"
    assert message.author_kind is AuthorKind.CUSTOMER
    assert handler.delivery_id(headers={}, body=event()) == "event:Ev0EXAMPLE1"
    (own,) = handler.records(event(user="U02AGENT", user_team="T0OURCO"))
    assert isinstance(own, ConversationRecord) and own.messages[0].author_kind is AuthorKind.AGENT
    edited = event(
        subtype="message_changed",
        message={"user": "U10CUST", "text": "수정된 내용", "ts": "1714550490.000900"},
    )
    (changed,) = handler.records(edited)
    assert isinstance(changed, ConversationRecord)
    assert changed.messages[0].text == "수정된 내용"
    assert changed.external_id == "C01SHARED:1714550490.000900"
    assert handler.records(event(subtype="channel_join")) == []
    challenge = json.dumps(
        {"type": "url_verification", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}
    )
    assert handler.records(challenge.encode()) == []
    (bad,) = handler.records(event(ts="yesterday"))
    assert isinstance(bad, BadRecord)


def test_oversized_member_is_quarantined_not_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(slack_export, "MAX_MEMBER_BYTES", 64 * 1024)
    big = [
        {"type": "message", "user": "U1", "text": "가" * 100, "ts": f"1714550400.{i:06d}"}
        for i in range(2000)
    ]
    target = tmp_path / "big.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("channels.json", json.dumps([{"id": "C1", "name": "general"}]))
        zf.writestr("users.json", json.dumps([{"id": "U1", "team_id": "T1", "is_admin": True}]))
        zf.writestr("general/2024-05-01.json", json.dumps(big, ensure_ascii=False))
        zf.writestr("general/2024-05-02.json", json.dumps(big[:3], ensure_ascii=False))
    convs, bad = split(list(SlackExport().read(target, options={})))
    assert len(convs) == 3
    (too_big,) = bad
    assert "larger than" in too_big.reason and too_big.position == "general/2024-05-01.json"


@given(
    st.integers(0, 10**12 - 1), st.integers(0, 999_999), st.integers(0, 10**12 - 1), st.integers(0, 999_999)
)
def test_ts_pairs_round_trip_and_order_like_decimals(s1: int, u1: int, s2: int, u2: int) -> None:
    a, b = f"{s1}.{u1:06d}", f"{s2}.{u2:06d}"
    assert ts_text(parse_ts(a)) == a
    assert (parse_ts(a) < parse_ts(b)) == (Decimal(a) < Decimal(b))
