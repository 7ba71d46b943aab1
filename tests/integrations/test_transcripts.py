"""Call transcript adapters: WebVTT voices, Zoom SRT labels, Gong parties, bad cues."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from frontdoor.core.errors import AdapterError, ValidationError
from frontdoor.core.store import Store
from frontdoor.ingest.pipeline import ingest_records
from frontdoor.ingest.sources import get_or_create_source
from frontdoor.ingest.summary import ImportSummary
from frontdoor.integrations.base import BadRecord, ConversationRecord, Record
from frontdoor.integrations.registry import get_adapter
from frontdoor.integrations.transcripts.cues import SrtAdapter, VttAdapter, parse_cue_time
from frontdoor.integrations.transcripts.gong import GongAdapter
from frontdoor.models import (
    Account,
    AuthorKind,
    Channel,
    Contact,
    Conversation,
    ConversationStatus,
    Message,
    QuarantinedRecord,
    Workspace,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
VTT = FIXTURES / "vtt" / "hanbit-onboarding.vtt"
SRT = FIXTURES / "srt" / "zoom-daehan.srt"
GONG = FIXTURES / "gong" / "transcript.json"
GONG_PARTIES = FIXTURES / "gong" / "calls-extensive.json"
A = AuthorKind.AGENT
C = AuthorKind.CUSTOMER


def _split(records: list[Record]) -> tuple[list[ConversationRecord], list[BadRecord]]:
    return (
        [r for r in records if isinstance(r, ConversationRecord)],
        [r for r in records if isinstance(r, BadRecord)],
    )


@pytest.mark.parametrize(
    ("value", "ms"),
    [("00:00:01.000", 1000), ("01:02:03.004", 3723004), ("02:03.500", 123500), ("00:00:04,250", 4250)],
)
def test_parse_cue_time(value: str, ms: int) -> None:
    assert parse_cue_time(value) == ms


@pytest.mark.parametrize("value", ["00:00:xx.000", "00:00:15", "00:61:00.000", "1:2:3.4", ""])
def test_parse_cue_time_rejects_malformed(value: str) -> None:
    with pytest.raises(ValueError, match="malformed timestamp"):
        parse_cue_time(value)


def test_vtt_voices_notes_merging_and_bad_cue() -> None:
    options = {"agents": "김상담, Jane Kim", "started_at": "2024-05-13T14:00:00+09:00"}
    convs, bad = _split(list(VttAdapter().read(VTT, options=options)))

    assert len(bad) == 1
    assert bad[0].position == "hanbit-onboarding.vtt: cue at line 34"
    assert "malformed timestamp '00:00:xx.000'" in bad[0].reason
    assert "이 큐는 시간이 깨졌습니다" in bad[0].raw

    (call,) = convs
    assert call.external_id == "hanbit-onboarding"
    assert call.channel is Channel.CALL
    assert call.status is ConversationStatus.CLOSED
    start = dt.datetime(2024, 5, 13, 5, 0, tzinfo=dt.UTC)
    assert call.opened_at == start
    assert call.closed_at == start + dt.timedelta(seconds=26)
    assert [(m.author_name, m.author_kind) for m in call.messages] == [
        ("김상담", A),
        ("김민지", C),
        ("Jane Kim", A),
        ("김상담", A),
        ("김민지", C),
    ]
    texts = [m.text for m in call.messages]
    assert texts[0] == "안녕하세요, 그로우보드 김상담입니다. 오늘 대시보드 내보내기 문제로 연락드렸어요."
    # Two cues merged across a NOTE block; multi-line cue joined; entities decoded.
    assert texts[1] == "네, CSV로 내보내면 500 에러가 나요. 매번 그래요. 특히 주문이 많은 날에요 & 월말에요."
    assert texts[4] == "감사합니다! (웃음) 좋은 하루 되세요."
    assert all("NOTE" not in t and "color" not in t and "width" not in t for t in texts)
    assert call.messages[1].sent_at == start + dt.timedelta(milliseconds=7200)
    assert call.messages[2].sent_at == start + dt.timedelta(seconds=16)  # hours optional
    assert call.messages[1].attributes == {"start_ms": 7200, "end_ms": 15000, "speaker": "김민지"}
    ids = [m.external_id for m in call.messages]
    assert (
        len(set(ids)) == 5 and ids[3] == "hanbit-onboarding:20500" and ids[4] == "hanbit-onboarding:20500:2"
    )


def test_vtt_without_header_is_an_adapter_error(tmp_path: Path) -> None:
    path = tmp_path / "x.vtt"
    path.write_text("1\n00:00:01.000 --> 00:00:02.000\nhello\n")
    with pytest.raises(AdapterError, match="WEBVTT"):
        list(VttAdapter().read(path, options={}))


def test_srt_zoom_labels_and_bad_timing() -> None:
    options = {
        "agents": "Jane Kim,김상담",
        "started_at": "2024-05-13T05:00:00Z",
        "customer_email": "jspark@daehan-mall.kr",
    }
    convs, bad = _split(list(SrtAdapter().read(SRT, options=options)))

    assert [b.reason for b in bad] == ["malformed timestamp '00:00:15'"]
    assert bad[0].position == "zoom-daehan.srt: cue at line 17"
    (call,) = convs
    assert [(m.author_name, m.author_kind) for m in call.messages] == [
        ("Jane Kim", A),
        ("Park Jisung", C),
        ("Jane Kim", A),
        ("Park Jisung", C),
        ("김상담", A),
    ]
    assert (
        call.messages[1].text
        == "Hi! We have trouble with the shipping integration. 택배사 연동이 자꾸 끊겨요."
    )
    # The unlabelled cue 7 continues the previous speaker.
    assert call.messages[3].text == "CJ대한통운이요. 매일 아침 9시쯤 끊깁니다. and it comes back at noon."
    assert call.messages[3].sent_at == dt.datetime(2024, 5, 13, 5, 0, 15, 500000, tzinfo=dt.UTC)
    assert call.contact is not None and call.contact.email == "jspark@daehan-mall.kr"
    assert call.contact.name == "Park Jisung"
    assert call.account is not None and call.account.domain == "daehan-mall.kr"
    assert call.messages[1].author == call.contact
    assert call.messages[0].author is None


def test_srt_without_labels_keeps_colons_in_text(tmp_path: Path) -> None:
    path = tmp_path / "plain.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:02,000\n안녕하세요\n\n"
        "2\n00:00:02,000 --> 00:00:03,000\n참고: 오늘 10:30에 배포합니다\n\n"
        "3\n00:00:03,000 --> 00:00:04,000\n감사합니다\n",
        encoding="utf-8",
    )
    convs, bad = _split(list(SrtAdapter().read(path, options={"started_at": "2024-05-13T05:00:00Z"})))
    assert not bad
    (msg,) = convs[0].messages  # one unknown speaker, merged
    assert msg.text == "안녕하세요 참고: 오늘 10:30에 배포합니다 감사합니다"
    assert msg.author_kind is C and msg.author_name == ""


def test_call_start_falls_back_to_file_mtime(tmp_path: Path) -> None:
    path = tmp_path / "call-42.srt"
    shutil.copy(SRT, path)
    stamp = dt.datetime(2024, 6, 1, 3, 0, tzinfo=dt.UTC).timestamp()
    os.utime(path, (stamp, stamp))
    convs, _ = _split(list(SrtAdapter().read(path, options={"call_id": "zoom-42"})))
    assert convs[0].external_id == "zoom-42"
    assert convs[0].opened_at == dt.datetime(2024, 6, 1, 3, 0, tzinfo=dt.UTC)
    assert convs[0].attributes["started_at_from"] == "file mtime"


def test_started_at_without_offset_uses_timezone_option() -> None:
    convs, _ = _split(
        list(VttAdapter().read(VTT, options={"started_at": "2024-05-13 14:00:00", "timezone": "Asia/Seoul"}))
    )
    assert convs[0].opened_at == dt.datetime(2024, 5, 13, 5, 0, tzinfo=dt.UTC)


def test_directory_of_transcripts(tmp_path: Path) -> None:
    shutil.copy(VTT, tmp_path / "a.vtt")
    (tmp_path / "sub").mkdir()
    shutil.copy(VTT, tmp_path / "sub" / "b.vtt")
    options = {"started_at": "2024-05-13T05:00:00Z"}
    convs, bad = _split(list(VttAdapter().read(tmp_path, options=options)))
    assert [c.external_id for c in convs] == ["a", "sub/b"]
    assert [b.position for b in bad] == ["a.vtt: cue at line 34", "sub/b.vtt: cue at line 34"]
    with pytest.raises(ValidationError, match="call_id"):
        list(VttAdapter().read(tmp_path, options={"call_id": "x"}))


def test_gong_parties_from_side_file_and_same_file() -> None:
    options = {
        "parties": str(GONG_PARTIES),
        "agents": "Jane Kim",
        "started_at": "2024-05-20T10:00:00",
        "timezone": "Asia/Seoul",
    }
    convs, bad = _split(list(GongAdapter().read(GONG, options=options)))

    assert [(b.position, b.reason) for b in bad] == [
        (
            "call 7782342274025937895 transcript[2].sentences[1]",
            "sentence start is not a millisecond offset: 'abc'",
        ),
        ("callTranscripts[2]", "call without a callId"),
    ]
    assert [c.external_id for c in convs] == ["7782342274025937895", "998877"]
    first, second = convs

    assert first.subject == "한빛샵 세금계산서 재발행"
    assert first.opened_at == dt.datetime(2024, 5, 13, 5, 0, tzinfo=dt.UTC)  # metaData.started
    assert [(m.author_name, m.author_kind) for m in first.messages] == [
        ("김상담", A),  # Internal
        ("김민지", C),  # External
        ("김상담", A),
        ("Jane Kim", A),  # affiliation Unknown: by the agents option
    ]
    assert first.messages[1].text == "네 지난달 계산서 금액이 맞지 않아서요. 재발행 부탁드려요."
    assert first.messages[1].sent_at == dt.datetime(2024, 5, 13, 5, 0, 3, 200000, tzinfo=dt.UTC)
    assert first.messages[1].attributes["topics"] == ["Billing"]
    assert first.contact is not None
    assert (first.contact.email, first.contact.name, first.contact.title) == (
        "minji@hanbit-shop.co.kr",
        "김민지",
        "운영팀장",
    )
    assert first.attributes["url"] == "https://app.gong.io/call?id=7782342274025937895"

    assert second.opened_at == dt.datetime(2024, 5, 20, 1, 0, tzinfo=dt.UTC)  # started_at option, KST
    assert [(m.author_name, m.author_kind) for m in second.messages] == [
        ("Lee Sales", A),
        ("Park Jisung", C),
        ("Lee Sales", A),
    ]
    assert second.contact is not None and second.contact.email == "jspark@daehan-mall.kr"
    assert sum(len(c.messages) for c in convs) == 7


def test_gong_without_parties_uses_agents_by_speaker_id(tmp_path: Path) -> None:
    data = {
        "callTranscripts": [
            {
                "callId": "1",
                "transcript": [
                    {"speakerId": "s1", "sentences": [{"start": 0, "end": 10, "text": "hello"}]},
                    {"speakerId": "s2", "sentences": [{"start": 20, "end": 30, "text": "hi"}]},
                ],
            }
        ]
    }
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data))
    convs, _ = _split(list(GongAdapter().read(path, options={"started_at": "2024-05-13T00:00:00Z"})))
    assert [(m.author_name, m.author_kind) for m in convs[0].messages] == [("s1", C), ("s2", C)]


def test_gong_rejects_other_json(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('{"calls": []}')
    with pytest.raises(AdapterError, match="callTranscripts"):
        list(GongAdapter().read(path, options={}))


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
        "quarantined": QuarantinedRecord,
    }
    with store.session() as s:
        return {
            name: s.scalar(select(func.count()).select_from(model).where(model.workspace_id == ws.id)) or 0
            for name, model in models.items()
        }


IMPORTS: list[tuple[str, Path, dict[str, str]]] = [
    ("vtt", VTT, {"agents": "김상담,Jane Kim", "started_at": "2024-05-13T14:00:00+09:00"}),
    (
        "srt",
        SRT,
        {
            "agents": "Jane Kim,김상담",
            "started_at": "2024-05-14T10:00:00+09:00",
            "customer_email": "jspark@daehan-mall.kr",
        },
    ),
    (
        "gong",
        GONG,
        {"parties": str(GONG_PARTIES), "agents": "Jane Kim", "started_at": "2024-05-20T01:00:00Z"},
    ),
]


def test_transcripts_end_to_end_and_reimport_changes_nothing(store: Store, workspace: Workspace) -> None:
    summaries = {kind: _ingest(store, workspace, kind, path, opts) for kind, path, opts in IMPORTS}
    assert {k: (s.conversations.new, s.messages.new, s.quarantined) for k, s in summaries.items()} == {
        "vtt": (1, 5, 1),
        "srt": (1, 5, 1),
        "gong": (2, 7, 2),
    }
    # Contacts only where an email is known: Park Jisung (srt, then gong by email) and 김민지 (gong).
    assert {k: (s.contacts_created, s.accounts_created) for k, s in summaries.items()} == {
        "vtt": (0, 0),
        "srt": (1, 1),
        "gong": (1, 1),
    }
    expected = {"conversations": 4, "messages": 17, "contacts": 2, "accounts": 2, "quarantined": 4}
    assert _rows(store, workspace) == expected

    with store.session() as s:
        call = s.scalars(select(Conversation).where(Conversation.external_id == "7782342274025937895")).one()
        assert (call.channel, call.subject, call.message_count) == (
            Channel.CALL,
            "한빛샵 세금계산서 재발행",
            4,
        )
        assert call.opened_at == dt.datetime(2024, 5, 13, 5, 0, tzinfo=dt.UTC)
        kinds = s.scalars(
            select(Message.author_kind).where(Message.conversation_id == call.id).order_by(Message.sent_at)
        ).all()
        assert kinds == [A, C, A, A]
        contact = s.get(Contact, call.contact_id)
        assert contact is not None and contact.email == "minji@hanbit-shop.co.kr"

    for kind, path, opts in IMPORTS:
        again = _ingest(store, workspace, kind, path, opts)
        assert again.conversations.new == again.conversations.updated == 0
        assert again.messages.new == again.messages.updated == 0
        assert again.contacts_created == again.accounts_created == 0
        assert again.quarantined == summaries[kind].quarantined  # bad cues are reported again
    assert _rows(store, workspace) == expected  # ... but not stored twice
