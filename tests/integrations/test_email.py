"""Email adapters: Korean charsets and encoded-words, mbox streaming, JWZ threading, quotes."""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from frontdoor.core.errors import AdapterError, ValidationError
from frontdoor.core.store import Store
from frontdoor.ingest.pipeline import ingest_records
from frontdoor.ingest.quarantine import list_quarantined, retry_quarantined
from frontdoor.ingest.sources import get_or_create_source
from frontdoor.ingest.summary import ImportSummary
from frontdoor.integrations.base import BadRecord, ConversationRecord, Record
from frontdoor.integrations.email.adapters import EmlAdapter, MboxAdapter
from frontdoor.integrations.email.body import html_to_text, strip_quoted
from frontdoor.integrations.email.headers import base_subject, decode_mime_header
from frontdoor.integrations.email.mbox import iter_mbox
from frontdoor.integrations.registry import get_adapter
from frontdoor.models import (
    Account,
    AccountDomain,
    AuthorKind,
    Channel,
    Contact,
    Conversation,
    Message,
    QuarantinedRecord,
    Workspace,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "email"
INTERNAL = {"internal_domains": "growboard.co.kr"}


def _b_word(charset: str, data: bytes) -> bytes:
    return b"=?" + charset.encode() + b"?B?" + base64.b64encode(data) + b"?="


def _split_mid_char(text: str, codec: str) -> tuple[bytes, bytes]:
    """Cut the encoded text inside a multi-byte character (first byte | rest)."""
    data = text.encode(codec)
    for cut in range(1, len(data)):
        try:
            data[:cut].decode(codec)
        except UnicodeDecodeError:
            return data[:cut], data[cut:]
    raise AssertionError("no multi-byte character to split")


def _conversations(records: list[Record]) -> list[ConversationRecord]:
    return [r for r in records if isinstance(r, ConversationRecord)]


# --- THE required case: ks_c_5601-1987 body with 똠, subject split mid-character --------------


def test_ks_c_5601_body_with_cp949_syllable_and_split_encoded_word_subject(tmp_path: Path) -> None:
    subject = "똠방 결제 오류 문의"
    first, rest = _split_mid_char(subject, "cp949")
    assert len(first) == 1  # the first word ends in the middle of 똠's two bytes
    body = "안녕하세요. 똠양꿍 쇼핑몰입니다.\n햏 결제가 두 번 청구되었습니다.\n"
    raw = b"\r\n".join(
        [
            b"From: " + _b_word("ks_c_5601-1987", "김똠순".encode("cp949")) + b" <ddom@ddom-mall.co.kr>",
            b"To: support@growboard.co.kr",
            b"Subject: " + _b_word("ks_c_5601-1987", first) + b"\r\n " + _b_word("ks_c_5601-1987", rest),
            b"Date: Tue, 21 May 2024 09:30:00 +0900",
            b"Message-ID: <ddom-1@ddom-mall.co.kr>",
            b"MIME-Version: 1.0",
            b'Content-Type: text/plain; charset="ks_c_5601-1987"',
            b"Content-Transfer-Encoding: base64",
            b"",
            base64.encodebytes(body.encode("cp949")),
        ]
    )
    # Python's own codec for the label cannot decode 똠: the mapping to CP949 matters.
    with pytest.raises(UnicodeDecodeError):
        body.encode("cp949").decode("euc_kr")
    (tmp_path / "ddom.eml").write_bytes(raw)

    records = list(EmlAdapter().read(tmp_path / "ddom.eml", options=INTERNAL))

    assert len(records) == 1
    conv = records[0]
    assert isinstance(conv, ConversationRecord)
    assert conv.subject == "똠방 결제 오류 문의"
    assert conv.external_id == "ddom-1@ddom-mall.co.kr"
    assert conv.channel is Channel.EMAIL
    (msg,) = conv.messages
    assert msg.text == "안녕하세요. 똠양꿍 쇼핑몰입니다.\n햏 결제가 두 번 청구되었습니다."
    assert msg.author_name == "김똠순"
    assert msg.author is not None and msg.author.email == "ddom@ddom-mall.co.kr"
    assert msg.author.account is not None and msg.author.account.domain == "ddom-mall.co.kr"
    assert msg.sent_at == dt.datetime(2024, 5, 21, 0, 30, tzinfo=dt.UTC)


def test_utf8_encoded_words_split_mid_character_decode_whole() -> None:
    first, rest = _split_mid_char("회신: 세금계산서", "utf-8")
    header = (_b_word("UTF-8", first) + b" " + _b_word("UTF-8", rest)).decode()
    assert decode_mime_header(header) == "회신: 세금계산서"


@pytest.mark.parametrize(
    "label", ["euc-kr", "EUC-KR", "euc_kr", "ksc5601", "ks_c_5601", "uhc", "windows-949"]
)
def test_every_korean_charset_label_decodes_as_cp949(label: str) -> None:
    header = _b_word(label, "햏똠".encode("cp949")).decode()
    assert decode_mime_header(header) == "햏똠"


def test_iso_2022_kr_header() -> None:
    header = _b_word("ISO-2022-KR", "배송 문의".encode("iso2022_kr")).decode()
    assert decode_mime_header(header) == "배송 문의"


def test_raw_8bit_headers_are_guessed(tmp_path: Path) -> None:
    raw = (
        b"From: " + "홍길동".encode("cp949") + b" <gd@example.kr>\n"
        b"Subject: " + "주문 취소".encode("cp949") + b"\n"
        b"Date: Tue, 21 May 2024 09:30:00 +0900\n\n" + "취소해 주세요".encode("cp949") + b"\n"
    )
    (tmp_path / "a.eml").write_bytes(raw)
    (conv,) = _conversations(list(EmlAdapter().read(tmp_path / "a.eml", options={})))
    assert conv.subject == "주문 취소"
    assert conv.messages[0].author_name == "홍길동"
    assert conv.messages[0].text == "취소해 주세요"


# --- helpers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Re: Re: 세금계산서", ("세금계산서", True)),
        ("RE: 회신: [긴급] 문의", ("문의", True)),
        ("Fwd: FW: 답장: 전달: Hello", ("hello", True)),
        ("Re[2]: export", ("export", True)),
        ("세금계산서 발행", ("세금계산서 발행", False)),
        ("Regarding pricing", ("regarding pricing", False)),
    ],
)
def test_base_subject(subject: str, expected: tuple[str, bool]) -> None:
    assert base_subject(subject) == expected


@pytest.mark.parametrize(
    "quoted",
    [
        "On Mon, May 13, 2024 at 2:03 PM Kim <kim@growboard.co.kr> wrote:\n> old text",
        "On Mon, May 13, 2024 at 2:03 PM Kim <kim@growboard.co.kr>\nwrote:\n> old text",
        "-----Original Message-----\nFrom: Kim\nSent: Monday\nold text",
        "-----원본 메시지-----\n보낸 사람: 김상담\nold text",
        "2024년 5월 13일 (월) 오후 2:03, 김상담 <kim@growboard.co.kr>님이 작성:\n> old text",
        "2024년 5월 13일 (월) 오후 2:03, 김상담 <kim@growboard.co.kr>님이\n작성:\n> old text",
        "______________________________\n보낸 사람: 김상담 <kim@growboard.co.kr>\n보낸 날짜: 2024년 5월\nold",
        "From: Kim <kim@growboard.co.kr>\nSent: Monday, May 13, 2024\nTo: me\nold text",
    ],
)
def test_strip_quoted_keeps_only_what_the_sender_wrote(quoted: str) -> None:
    assert strip_quoted("새 내용입니다.\n감사합니다.\n\n" + quoted) == "새 내용입니다.\n감사합니다."


def test_strip_quoted_drops_inline_quote_lines_and_signature() -> None:
    text = "> 질문 1\n답변 1\n> 질문 2\n답변 2\n-- \nJane Kim\nGrowBoard"
    assert strip_quoted(text) == "답변 1\n답변 2"


def test_html_to_text_skips_styles_and_quotes() -> None:
    html = "<style>p{}</style><p>첫 줄&amp;</p><div>둘째<br>셋째</div><blockquote><p>인용</p></blockquote>"
    assert html_to_text(html) == "첫 줄&\n\n둘째\n셋째"


# --- mbox: streaming, threading, bad records -------------------------------------------------


def test_mbox_streams_messages_and_unescapes_from_lines() -> None:
    messages = list(iter_mbox(FIXTURES / "support.mbox"))
    assert len(messages) == 8
    assert messages[3][0] == "message 4 (line 106)"
    assert b"\nFrom our logs the export timed out." in messages[6][1]
    assert b">From our logs" not in messages[6][1]


def test_mbox_korean_thread_subject_fallback_and_garbage() -> None:
    records = list(MboxAdapter().read(FIXTURES / "support.mbox", options=INTERNAL))
    bad = [r for r in records if isinstance(r, BadRecord)]
    convs = _conversations(records)

    assert len(bad) == 1
    assert bad[0].position == "message 4 (line 106)"
    assert "no From header" in bad[0].reason
    assert "garbage bytes" in bad[0].raw

    assert len(convs) == 3
    assert sum(len(c.messages) for c in convs) == 7
    by_id = {c.external_id: c for c in convs}

    tax = by_id["m1.20240513@hanbit-shop.co.kr"]
    assert tax.subject == "세금계산서 발행 일정 문의"
    assert [m.external_id for m in tax.messages] == [
        "m1.20240513@hanbit-shop.co.kr",
        "a1.20240513@growboard.co.kr",
        "m2.20240514@hanbit-shop.co.kr",
        "m3.20240514@hanbit-shop.co.kr",  # no references: joined by "회신:" + shared participant
    ]
    assert tax.attributes["threaded_by_subject"] is True
    assert [m.author_kind for m in tax.messages] == [
        AuthorKind.CUSTOMER,
        AuthorKind.AGENT,
        AuthorKind.CUSTOMER,
        AuthorKind.CUSTOMER,
    ]
    assert tax.opened_at == dt.datetime(2024, 5, 13, 1, 2, tzinfo=dt.UTC)
    assert tax.contact is not None and tax.contact.email == "minji@hanbit-shop.co.kr"
    assert tax.contact.name == "김민지"
    first, agent, follow_up, colleague = tax.messages
    # Signature dropped; agent's ks_c_5601-1987 body with 똠 and its quoted original dropped.
    assert first.text.endswith("대시보드에서 내려받을 수 있나요?")
    assert agent.author_name == "김상담"
    assert agent.author is None
    assert "똠양꿍" in agent.text and "Original Message" not in agent.text
    assert agent.attributes["subject"] == "RE: 세금계산서 발행 일정 문의"
    assert (
        follow_up.text
        == "확인 감사합니다. 그런데 지난달 계산서 금액이 맞지 않습니다.\n첨부한 명세서 확인 부탁드립니다."
    )
    assert follow_up.attributes["attachments"] == [
        {"filename": "명세서_2024-04.pdf", "size": 1033, "content_type": "application/pdf"}
    ]
    assert follow_up.attributes["references"] == [
        "m1.20240513@hanbit-shop.co.kr",
        "a1.20240513@growboard.co.kr",
    ]
    assert colleague.text == "재무팀 이준호입니다. 4월 계산서 재발행이 가능할까요?"

    export = by_id["CAF+g1@mail.gmail.com"]
    assert [m.author_kind for m in export.messages] == [AuthorKind.CUSTOMER, AuthorKind.AGENT]
    assert export.messages[0].text == (
        "Hi, exporting the dashboard to CSV fails with a 500 error.\n\n"
        "From the dashboard, I click Export & nothing happens."
    )
    assert (
        export.messages[1].text == "Hi Jane,\nFrom our logs the export timed out. We fixed it; please retry."
    )
    assert export.account is None  # gmail.com names no company

    (legacy,) = [c for c in convs if c.external_id.startswith("h:")]
    assert legacy.subject == "배송 연동 문의"
    assert legacy.messages[0].text == "택배사 연동이 자꾸 끊깁니다. 확인 부탁드립니다."
    assert legacy.messages[0].author_name == "박지성"
    assert legacy.messages[0].external_id == legacy.external_id

    customers = {m.author.email for c in convs for m in c.messages if m.author is not None}
    assert customers == {
        "minji@hanbit-shop.co.kr",
        "junho.lee@hanbit-shop.co.kr",
        "jane.park@gmail.com",
        "jspark@daehan-mall.kr",
    }
    domains = {m.author.account.domain for c in convs for m in c.messages if m.author and m.author.account}
    assert domains == {"hanbit-shop.co.kr", "daehan-mall.kr"}


def test_mbox_read_is_deterministic() -> None:
    first = list(MboxAdapter().read(FIXTURES / "support.mbox", options=INTERNAL))
    second = list(MboxAdapter().read(FIXTURES / "support.mbox", options=INTERNAL))
    assert first == second


def test_without_internal_domains_everyone_is_a_customer() -> None:
    records = list(MboxAdapter().read(FIXTURES / "support.mbox", options={}))
    kinds = {m.author_kind for c in _conversations(records) for m in c.messages}
    assert kinds == {AuthorKind.CUSTOMER}


def test_subject_fallback_needs_a_shared_participant(tmp_path: Path) -> None:
    def mail(sender: str, subject: str, day: int, mid: str) -> bytes:
        return (
            f"From {sender} Mon May 13 00:00:00 2024\n"
            f"From: {sender}\nTo: help@growboard.co.kr\nSubject: {subject}\n"
            f"Date: Mon, {day} May 2024 10:00:00 +0900\nMessage-ID: <{mid}>\n\n본문 {mid}\n\n"
        ).encode()

    box = tmp_path / "box.mbox"
    box.write_bytes(
        mail("a@shop-a.kr", "문의드립니다", 13, "a1@x")
        + mail("b@shop-b.kr", "회신: 문의드립니다", 14, "b1@x")  # shares help@ -> joined
        + mail("c@shop-c.kr", "문의드립니다", 15, "c1@x")  # not a reply -> its own thread
    )
    (box_other := tmp_path / "other.mbox").write_bytes(
        mail("a@shop-a.kr", "문의드립니다", 13, "a1@x").replace(b"help@growboard", b"sales@growboard")
        + mail("b@shop-b.kr", "회신: 문의드립니다", 14, "b1@x")
    )
    convs = _conversations(list(MboxAdapter().read(box, options={})))
    assert sorted(len(c.messages) for c in convs) == [1, 2]
    convs = _conversations(list(MboxAdapter().read(box_other, options={})))
    assert sorted(len(c.messages) for c in convs) == [1, 1]


def test_missing_parent_keeps_replies_together_under_its_id(tmp_path: Path) -> None:
    def reply(mid: str, sender: str, day: int) -> bytes:
        return (
            f"From {sender} Mon May 13 00:00:00 2024\nFrom: {sender}\nSubject: Re: plan\n"
            f"Date: Mon, {day} May 2024 10:00:00 +0900\nMessage-ID: <{mid}>\n"
            f"In-Reply-To: <root@missing>\nReferences: <root@missing>\n\ntext {mid}\n\n"
        ).encode()

    box = tmp_path / "box.mbox"
    box.write_bytes(reply("r1@x", "a@one.kr", 13) + reply("r2@x", "b@two.kr", 14))
    (conv,) = _conversations(list(MboxAdapter().read(box, options={})))
    assert conv.external_id == "root@missing"
    assert [m.external_id for m in conv.messages] == ["r1@x", "r2@x"]


def test_duplicate_and_reused_message_ids(tmp_path: Path) -> None:
    def mail(body: str) -> bytes:
        return (
            "From a@shop.kr Mon May 13 00:00:00 2024\nFrom: a@shop.kr\nSubject: hi\n"
            f"Date: Mon, 13 May 2024 10:00:00 +0900\nMessage-ID: <same@x>\n\n{body}\n\n"
        ).encode()

    box = tmp_path / "box.mbox"
    box.write_bytes(mail("first") + mail("first") + mail("second, a reused id"))
    convs = _conversations(list(MboxAdapter().read(box, options={})))
    ids = sorted(m.external_id for c in convs for m in c.messages)
    assert len(ids) == 2  # the exact duplicate is dropped
    assert ids[1] == "same@x" and ids[0].startswith("h:")


def test_not_an_mbox_is_an_adapter_error(tmp_path: Path) -> None:
    path = tmp_path / "x.mbox"
    path.write_text("hello\nworld\n")
    with pytest.raises(AdapterError, match="not an mbox"):
        list(MboxAdapter().read(path, options={}))


def test_unknown_option_is_refused() -> None:
    with pytest.raises(ValidationError, match="internal_domain"):
        list(MboxAdapter().read(FIXTURES / "support.mbox", options={"internal_domain": "x"}))


def test_eml_directory_threads_across_files() -> None:
    records = list(EmlAdapter().read(FIXTURES / "eml", options=INTERNAL))
    bad = [r for r in records if isinstance(r, BadRecord)]
    assert [b.position for b in bad] == ["04-not-mail.eml"]
    (conv,) = _conversations(records)
    assert conv.external_id == "m1.20240513@hanbit-shop.co.kr"
    assert [m.author_kind for m in conv.messages] == [
        AuthorKind.CUSTOMER,
        AuthorKind.AGENT,
        AuthorKind.CUSTOMER,
    ]
    assert conv.messages[1].attributes["subject"] == "RE: 세금계산서 발행 일정 문의"


# --- end to end through the ingest pipeline (SQLite and PostgreSQL) --------------------------


def _ingest(store: Store, ws: Workspace, kind: str, path: Path, options: dict[str, str]) -> ImportSummary:
    with store.session() as s:
        source_id = get_or_create_source(s, workspace_id=ws.id, kind=kind).id
    records = get_adapter(kind).read(path, options=options)
    return ingest_records(store, workspace_id=ws.id, source_id=source_id, records=records, file=str(path))


def _rows(store: Store, ws: Workspace) -> dict[str, int]:
    models: dict[str, Any] = {
        "conversations": Conversation,
        "messages": Message,
        "contacts": Contact,
        "accounts": Account,
        "domains": AccountDomain,
    }
    with store.session() as s:
        return {
            name: s.scalar(select(func.count()).select_from(model).where(model.workspace_id == ws.id)) or 0
            for name, model in models.items()
        }


def test_mbox_end_to_end_and_reimport_changes_nothing(store: Store, workspace: Workspace) -> None:
    path = FIXTURES / "support.mbox"
    first = _ingest(store, workspace, "mbox", path, INTERNAL)
    assert first.to_dict() == {
        "records": 4,
        "conversations": {"new": 3, "updated": 0, "unchanged": 0},
        "messages": {"new": 7, "updated": 0, "unchanged": 0},
        "surveys": {"new": 0, "updated": 0, "unchanged": 0},
        "accounts_created": 2,
        "contacts_created": 4,
        "quarantined": 1,
    }
    expected = {"conversations": 3, "messages": 7, "contacts": 4, "accounts": 2, "domains": 2}
    assert _rows(store, workspace) == expected

    with store.session() as s:
        conv = s.scalars(
            select(Conversation).where(Conversation.external_id == "m1.20240513@hanbit-shop.co.kr")
        ).one()
        assert (conv.message_count, conv.channel, conv.subject) == (
            4,
            Channel.EMAIL,
            "세금계산서 발행 일정 문의",
        )
        contact = s.get(Contact, conv.contact_id)
        assert contact is not None and (contact.email, contact.name) == ("minji@hanbit-shop.co.kr", "김민지")
        account = s.get(Account, conv.account_id)
        assert account is not None and account.name == "hanbit-shop.co.kr"
        texts = s.scalars(
            select(Message.text).where(Message.conversation_id == conv.id).order_by(Message.sent_at)
        )
        assert any("똠양꿍" in t for t in texts)
        quarantined = s.scalars(
            select(QuarantinedRecord).where(QuarantinedRecord.workspace_id == workspace.id)
        ).one()
        assert quarantined.position == "message 4 (line 106)"
        assert quarantined.kind == "mbox"

    again = _ingest(store, workspace, "mbox", path, INTERNAL)
    assert again.conversations.to_dict() == {"new": 0, "updated": 0, "unchanged": 3}
    assert again.messages.to_dict() == {"new": 0, "updated": 0, "unchanged": 7}
    assert (again.accounts_created, again.contacts_created, again.quarantined) == (0, 0, 1)
    assert _rows(store, workspace) == expected


def test_eml_end_to_end(store: Store, workspace: Workspace) -> None:
    summary = _ingest(store, workspace, "eml", FIXTURES / "eml", INTERNAL)
    assert (summary.conversations.new, summary.messages.new, summary.quarantined) == (1, 3, 1)
    assert _rows(store, workspace) == {
        "conversations": 1,
        "messages": 3,
        "contacts": 1,
        "accounts": 1,
        "domains": 1,
    }
    again = _ingest(store, workspace, "eml", FIXTURES / "eml", INTERNAL)
    assert (again.conversations.unchanged, again.messages.unchanged, again.messages.new) == (1, 3, 0)


def test_quarantine_retry_puts_a_fixed_reply_into_its_thread(
    store: Store, workspace: Workspace, tmp_path: Path
) -> None:
    box = tmp_path / "box.mbox"
    box.write_bytes(
        "From minji@hanbit-shop.co.kr Mon May 13 01:02:00 2024\n"
        "From: 김민지 <minji@hanbit-shop.co.kr>\nSubject: 정산 문의\n"
        "Date: Mon, 13 May 2024 10:02:00 +0900\nMessage-ID: <root@hanbit>\n\n정산 주기가 궁금합니다.\n\n"
        "From x@growboard.co.kr\n"  # a postmark without a date
        "From: 김상담 <sangdam.kim@growboard.co.kr>\nSubject: RE: 정산 문의\n"
        "Message-ID: <reply@growboard>\nIn-Reply-To: <root@hanbit>\nReferences: <root@hanbit>\n\n"
        "매월 10일입니다.\n".encode()
    )
    summary = _ingest(store, workspace, "mbox", box, INTERNAL)
    assert (summary.conversations.new, summary.messages.new, summary.quarantined) == (1, 1, 1)
    with store.session() as s:
        (row,) = list_quarantined(s, workspace_id=workspace.id)
        assert row.reason == "no usable Date header (nor Received date)"
        record_id, raw = row.id, row.raw
    fixed = raw.replace("Subject:", "Date: Mon, 13 May 2024 11:00:00 +0900\nSubject:", 1)

    result = retry_quarantined(
        store, workspace_id=workspace.id, record_ids=[record_id], raw=fixed, options=INTERNAL
    )

    assert result.fixed == 1
    with store.session() as s:
        conv = s.scalars(select(Conversation)).one()
        assert (conv.external_id, conv.subject, conv.message_count) == ("root@hanbit", "정산 문의", 2)
        msg = s.scalars(select(Message).where(Message.external_id == "reply@growboard")).one()
        assert (msg.author_kind, msg.text) == (AuthorKind.AGENT, "매월 10일입니다.")


def test_parse_raw_refuses_truncated_payloads() -> None:
    (bad,) = EmlAdapter().parse_raw("From: a@b.kr\n\nx…[truncated]", options={}, position="p")
    assert isinstance(bad, BadRecord) and "truncated" in bad.reason


def test_mbox_separators_and_mboxrd_unescaping(tmp_path: Path) -> None:
    box = tmp_path / "box.mbox"
    box.write_bytes(
        b"From - Mon May 13 10:00:00 2024\nFrom: a@shop.kr\nDate: Mon, 13 May 2024 10:00:00 +0900\n\n"
        b"Hello.\n\nFrom the team, thanks\n>From escaped\n>>From twice escaped\n\n"
        b"From b@shop.kr\nFrom: b@shop.kr\nDate: Mon, 13 May 2024 11:00:00 +0900\n\nSecond.\n"
    )
    messages = list(iter_mbox(box))
    assert [m[0] for m in messages] == ["message 1 (line 1)", "message 2 (line 11)"]
    assert messages[0][1].endswith(b"Hello.\n\nFrom the team, thanks\nFrom escaped\n>From twice escaped\n")
