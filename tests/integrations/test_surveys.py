"""Survey adapter: CSV (UTF-8 and CP949), Delighted and Typeform JSON; scales travel with scores."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from frontdoor.core.errors import AdapterError, RecordError, ValidationError
from frontdoor.core.store import Store
from frontdoor.ingest.pipeline import ingest_records
from frontdoor.ingest.quarantine import list_quarantined, retry_quarantined
from frontdoor.ingest.sources import get_or_create_source
from frontdoor.ingest.summary import ImportSummary
from frontdoor.integrations.base import BadRecord, Record, SurveyRecord
from frontdoor.integrations.registry import get_adapter
from frontdoor.integrations.surveys.adapter import SurveysAdapter
from frontdoor.integrations.surveys.fields import parse_scale
from frontdoor.models import (
    Account,
    Contact,
    Conversation,
    QuarantinedRecord,
    SurveyKind,
    SurveyResponse,
    Workspace,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "surveys"
NPS, CSAT, CES = SurveyKind.NPS, SurveyKind.CSAT, SurveyKind.CES


def _read(path: Path, **options: str) -> tuple[list[SurveyRecord], list[BadRecord]]:
    records: list[Record] = list(SurveysAdapter().read(path, options=options))
    return (
        [r for r in records if isinstance(r, SurveyRecord)],
        [r for r in records if isinstance(r, BadRecord)],
    )


@pytest.mark.parametrize(("text", "scale"), [("0-10", (0, 10)), ("1 – 5", (1, 5)), ("1~7", (1, 7))])
def test_parse_scale(text: str, scale: tuple[int, int]) -> None:
    assert parse_scale(text) == scale


@pytest.mark.parametrize("text", ["5-1", "10", "a-b", "3-3"])
def test_parse_scale_rejects(text: str) -> None:
    with pytest.raises(RecordError, match="MIN-MAX"):
        parse_scale(text)


def test_csv_scales_per_row_and_out_of_range_quarantined() -> None:
    good, bad = _read(FIXTURES / "responses.csv", timezone="Asia/Seoul")

    assert [(s.external_id, s.kind, s.score, s.scale_min, s.scale_max) for s in good] == [
        ("s-001", NPS, 9, 0, 10),  # "NPS" in upper case, default scale
        ("s-002", NPS, 3, 0, 10),
        ("s-003", CSAT, 4, 1, 5),
        ("s-004", CES, 2, 1, 5),  # CES on a 1-5 scale
        ("s-005", CES, 6, 1, 7),  # CES on a 1-7 scale ("1~7")
        ("s-008", CES, 5, 1, 7),  # CES without a scale: 1-7
    ]
    assert [(b.position, b.reason) for b in bad] == [
        ("line 7", "score 6 is outside the CSAT scale 1-5"),
        ("line 8", "score 11 is outside the NPS scale 0-10"),
        ("line 11", "score '많음' is not a number"),
    ]
    assert '"id": "s-006"' in bad[0].raw

    first = good[0]
    assert first.responded_at == dt.datetime(2024, 5, 13, 1, 0, tzinfo=dt.UTC)  # naive, Asia/Seoul
    assert first.comment == "대시보드가 정말 편해요"
    assert first.contact is not None
    assert (first.contact.email, first.contact.name, first.contact.member_id) == (
        "minji@hanbit-shop.co.kr",
        "김민지",
        "acct-4821",
    )
    assert first.account is not None and (first.account.name, first.account.domain) == (
        "한빛샵",
        "hanbit-shop.co.kr",
    )
    assert (first.team, first.agent, first.conversation_external_id) == (
        "support",
        "김상담",
        "m1.20240513@hanbit-shop.co.kr",
    )
    assert first.attributes == {"plan": "pro"}
    assert good[1].responded_at == dt.datetime(2024, 5, 14, 0, 0, tzinfo=dt.UTC)  # explicit offset wins
    assert good[2].responded_at == dt.datetime.fromtimestamp(1715900000, tz=dt.UTC)  # Unix seconds
    assert good[3].account is None  # gmail.com, no company


def test_cp949_csv_with_korean_headers_and_kind_option(tmp_path: Path) -> None:
    path = tmp_path / "만족도.csv"
    text = (
        "응답번호,점수,의견,이메일,회사,응답일시\r\n"
        "k1,5,아주 만족해요,a@shop.kr,똠방상회,2024-05-01 09:00\r\n"
    )
    path.write_bytes(text.encode("cp949"))
    good, bad = _read(path, kind="csat")
    assert not bad
    (rec,) = good
    assert (rec.external_id, rec.kind, rec.score, rec.scale_min, rec.scale_max) == ("k1", CSAT, 5, 1, 5)
    assert rec.comment == "아주 만족해요"
    assert rec.account is not None and rec.account.name == "똠방상회"


def test_csv_without_kind_is_quarantined_and_scale_option_applies(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("score,created_at\n4,2024-05-01T00:00:00Z\n")
    good, bad = _read(path)
    assert not good and "no survey kind" in bad[0].reason
    good, bad = _read(path, kind="ces", scale="1-5")
    assert [(g.scale_min, g.scale_max) for g in good] == [(1, 5)]
    assert good[0].external_id.startswith("h:")  # no id column: content hash
    assert _read(path, kind="ces", scale="1-5")[0][0].external_id == good[0].external_id


def test_csv_without_score_column_is_an_adapter_error(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("name,comment\na,b\n")
    with pytest.raises(AdapterError, match="no score column"):
        _read(path)


def test_delighted() -> None:
    good, bad = _read(FIXTURES / "delighted.json")
    assert [(s.external_id, s.kind, s.score, s.scale_min, s.scale_max) for s in good] == [
        ("6021", NPS, 10, 0, 10),
        ("6022", CES, 4, 1, 5),  # Delighted CES is 1-5
        ("6023", CSAT, 5, 1, 5),
    ]
    assert [(b.position, b.reason) for b in bad] == [
        ("[3]", "score 6 is outside the CES scale 1-5"),
        ("[4]", "unsupported Delighted survey_type 'smileys' (nps, csat or ces)"),
    ]
    nps = good[0]
    assert nps.responded_at == dt.datetime(2024, 5, 13, 2, 0, tzinfo=dt.UTC)
    assert nps.contact is not None
    assert (nps.contact.external_id, nps.contact.email, nps.contact.member_id) == (
        "1001",
        "minji@hanbit-shop.co.kr",
        "acct-4821",
    )
    assert nps.account is not None and nps.account.name == "한빛샵"
    assert nps.attributes["person_properties"] == {"Plan": "pro", "Delighted Source": "Email"}
    ces = good[1]
    assert ces.contact is not None and (ces.contact.external_id, ces.contact.email) == (
        "1002",
        "jspark@daehan-mall.kr",
    )
    assert ces.team == "onboarding" and ces.comment == ""


def test_typeform_with_field_mapping() -> None:
    good, bad = _read(FIXTURES / "typeform.json", fields="nps_q:nps,effort:ces:1-7", comment_ref="why")
    assert [(s.external_id.split(":")[1], s.kind, s.score, s.scale_min, s.scale_max) for s in good] == [
        ("nps_q", NPS, 8, 0, 10),
        ("effort", CES, 6, 1, 7),
        ("nps_q", NPS, 10, 0, 10),
        ("effort", CES, 3, 1, 7),
    ]
    assert [(b.position, b.reason) for b in bad] == [("items[2]", "score 9 is outside the CES scale 1-7")]
    assert good[0].comment == "월말 정산 기능이 더 필요해요"
    assert good[0].responded_at == dt.datetime(2024, 5, 20, 1, 2, 10, tzinfo=dt.UTC)
    assert good[0].contact is not None and good[0].contact.member_id == "acct-4821"
    assert good[2].comment == "Support is fast"


def test_typeform_defaults_take_nps_fields_and_long_text_comment() -> None:
    good, bad = _read(FIXTURES / "typeform.json")
    assert not bad
    assert [(s.kind, s.score) for s in good] == [(NPS, 8), (NPS, 10), (NPS, 7)]
    assert good[1].comment == "Support is fast"  # the long_text answer, not the short nickname
    assert good[2].contact is None


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValidationError, match="unknown survey kind"):
        _read(FIXTURES / "typeform.json", fields="nps_q:promoter")
    with pytest.raises(ValidationError, match="unknown option"):
        _read(FIXTURES / "typeform.json", scales="1-5")


# --- end to end through the ingest pipeline (SQLite and PostgreSQL) --------------------------


def _ingest(
    store: Store, ws: Workspace, kind: str, path: Path, options: dict[str, str], name: str
) -> ImportSummary:
    with store.session() as s:
        source_id = get_or_create_source(s, workspace_id=ws.id, kind=kind, name=name).id
    records = get_adapter(kind).read(path, options=options)
    return ingest_records(store, workspace_id=ws.id, source_id=source_id, records=records, file=str(path))


def _rows(store: Store, ws: Workspace) -> dict[str, int]:
    models: dict[str, Any] = {
        "surveys": SurveyResponse,
        "contacts": Contact,
        "accounts": Account,
        "conversations": Conversation,
    }
    with store.session() as s:
        return {
            name: s.scalar(select(func.count()).select_from(model).where(model.workspace_id == ws.id)) or 0
            for name, model in models.items()
        }


IMPORTS: list[tuple[str, Path, dict[str, str]]] = [
    ("csv", FIXTURES / "responses.csv", {"timezone": "Asia/Seoul"}),
    ("delighted", FIXTURES / "delighted.json", {}),
    ("typeform", FIXTURES / "typeform.json", {"fields": "nps_q:nps,effort:ces:1-7", "comment_ref": "why"}),
]


def test_surveys_end_to_end_link_conversations_and_reimport_changes_nothing(
    store: Store, workspace: Workspace
) -> None:
    # The email thread that survey s-001 refers to, from another source.
    mail = FIXTURES.parent / "email" / "support.mbox"
    _ingest(store, workspace, "mbox", mail, {"internal_domains": "growboard.co.kr"}, "support mail")
    before = _rows(store, workspace)
    assert before == {"surveys": 0, "contacts": 4, "accounts": 2, "conversations": 3}

    summaries = {name: _ingest(store, workspace, "surveys", path, opts, name) for name, path, opts in IMPORTS}
    assert {k: (s.surveys.new, s.quarantined) for k, s in summaries.items()} == {
        "csv": (6, 3),
        "delighted": (3, 2),
        "typeform": (4, 1),
    }
    # Every respondent is already known from the mail (by email or company domain).
    assert all(s.contacts_created == s.accounts_created == 0 for s in summaries.values())
    expected = {**before, "surveys": 13}
    assert _rows(store, workspace) == expected

    with store.session() as s:
        rows = {r.external_id: r for r in s.scalars(select(SurveyResponse))}
        assert {(r.kind, r.scale_min, r.scale_max) for r in rows.values() if r.kind is CES} == {
            (CES, 1, 5),
            (CES, 1, 7),
        }
        linked = rows["s-001"]
        conv = s.scalars(
            select(Conversation).where(Conversation.external_id == "m1.20240513@hanbit-shop.co.kr")
        ).one()
        assert linked.conversation_id == conv.id
        assert linked.account_id == conv.account_id
        assert (linked.team, linked.agent, linked.comment) == ("support", "김상담", "대시보드가 정말 편해요")
        assert rows["6022"].scale_max == 5  # Delighted CES

    for name, path, opts in IMPORTS:
        again = _ingest(store, workspace, "surveys", path, opts, name)
        assert again.surveys.to_dict()["new"] == again.surveys.to_dict()["updated"] == 0
        assert again.contacts_created == again.accounts_created == 0
    assert _rows(store, workspace) == expected


def test_parse_raw_reads_back_what_read_quarantined() -> None:
    adapter = SurveysAdapter()
    for name, opts in [("responses.csv", {"timezone": "Asia/Seoul"}), ("delighted.json", {})]:
        _, bad = _read(FIXTURES / name, **opts)
        for b in bad:
            again = list(adapter.parse_raw(b.raw, options=opts, position=b.position))
            assert [(r.position, r.reason) for r in again if isinstance(r, BadRecord)] == [
                (b.position, b.reason)
            ]
    _, bad = _read(FIXTURES / "typeform.json", fields="nps_q:nps,effort:ces:1-7")
    fixed = list(
        adapter.parse_raw(bad[0].raw, options={"fields": "nps_q:nps,effort:ces:1-10"}, position="items[2]")
    )
    assert [(r.kind, r.score, r.scale_max) for r in fixed if isinstance(r, SurveyRecord)] == [
        (NPS, 7, 10),
        (CES, 9, 10),
    ]


def test_quarantine_retry_of_survey_rows(store: Store, workspace: Workspace) -> None:
    path = FIXTURES / "responses.csv"
    assert _ingest(store, workspace, "surveys", path, {"timezone": "Asia/Seoul"}, "surveys").quarantined == 3
    with store.session() as s:
        bad = {q.position: q.id for q in list_quarantined(s, workspace_id=workspace.id)}
        raw_11 = s.get(QuarantinedRecord, bad["line 11"]).raw  # type: ignore[union-attr]
    # The CSAT row was given on 1-7 after all: retry with a corrected default scale.
    result = retry_quarantined(
        store,
        workspace_id=workspace.id,
        record_ids=[bad["line 7"]],
        options={"scale": "1-7", "timezone": "Asia/Seoul"},
    )
    assert result.fixed == 1 and result.summary.surveys.new == 1
    # The non-numeric score is fixed by hand in the payload.
    result = retry_quarantined(
        store, workspace_id=workspace.id, record_ids=[bad["line 11"]], raw=raw_11.replace("많음", "8")
    )
    assert result.fixed == 1
    # Still out of range: stays quarantined with the reason.
    result = retry_quarantined(store, workspace_id=workspace.id, record_ids=[bad["line 8"]])
    assert result.failed == 1 and result.outcomes[0].reason == "score 11 is outside the NPS scale 0-10"
    with store.session() as s:
        rows = {r.external_id: r for r in s.scalars(select(SurveyResponse))}
        assert len(rows) == 8
        assert (rows["s-006"].score, rows["s-006"].scale_min, rows["s-006"].scale_max) == (6, 1, 7)
        assert (rows["s-009"].kind, rows["s-009"].score) == (NPS, 8)


def test_tab_separated_csv_and_korean_point_suffix(tmp_path: Path) -> None:
    path = tmp_path / "s.tsv"
    path.write_text(
        "id\tkind\tscore\tcomment, with comma\tcreated_at\nt1\tnps\t9점\t좋아요, 정말\t2024-05-01T00:00:00Z\n"
    )
    good, bad = _read(path)
    assert not bad
    assert [(g.external_id, g.score, g.attributes) for g in good] == [
        ("t1", 9, {"comment, with comma": "좋아요, 정말"})
    ]


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2024-05-13T14:03:00+09:00", dt.datetime(2024, 5, 13, 5, 3, tzinfo=dt.UTC)),
        ("2024-05-13 14:03", dt.datetime(2024, 5, 13, 5, 3, tzinfo=dt.UTC)),
        ("2024/5/13 14:03:00", dt.datetime(2024, 5, 13, 5, 3, tzinfo=dt.UTC)),
        ("2024.05.13 14:03", dt.datetime(2024, 5, 13, 5, 3, tzinfo=dt.UTC)),
        ("2024. 5. 13. 오후 2:03:00", dt.datetime(2024, 5, 13, 5, 3, tzinfo=dt.UTC)),
        ("2024. 5. 13. 오전 12:30", dt.datetime(2024, 5, 12, 15, 30, tzinfo=dt.UTC)),
        ("1715576580", dt.datetime(2024, 5, 13, 5, 3, tzinfo=dt.UTC)),
    ],
)
def test_response_times_in_korean_and_excel_styles(tmp_path: Path, text: str, utc: dt.datetime) -> None:
    path = tmp_path / "s.csv"
    path.write_text(f'kind,score,created_at\nnps,9,"{text}"\n', encoding="utf-8")
    good, bad = _read(path, timezone="Asia/Seoul")
    assert not bad and good[0].responded_at == utc


def test_unreadable_time_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("kind,score,created_at\nnps,9,2024-13-45\nnps,8,\n", encoding="utf-8")
    good, bad = _read(path)
    assert not good
    assert [b.reason for b in bad] == [
        "created_at '2024-13-45' is not a time",
        "missing created_at (response time)",
    ]
