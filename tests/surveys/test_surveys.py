"""Survey metrics against hand-computed values, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from frontdoor.core.store import Store
from frontdoor.models import Account, Source, SurveyKind, SurveyResponse, Workspace
from frontdoor.surveys.metrics import survey_report
from frontdoor.surveys.stats import nps_from_counts, top_two_threshold, wilson_share

_ids = itertools.count(1)


def _answers(
    store: Store,
    workspace: Workspace,
    kind: SurveyKind,
    scores: list[float],
    scale: tuple[int, int],
    **kw: object,
) -> None:
    with store.session() as session:
        source = session.query(Source).filter_by(workspace_id=workspace.id, name="surveys").one_or_none()
        if source is None:
            source = Source(workspace_id=workspace.id, kind="surveys", name="surveys", settings={})
            session.add(source)
            session.flush()
        for score in scores:
            session.add(
                SurveyResponse(
                    workspace_id=workspace.id,
                    source_id=source.id,
                    external_id=f"r{next(_ids)}",
                    kind=kind,
                    score=score,
                    scale_min=scale[0],
                    scale_max=scale[1],
                    responded_at=kw.get("at", dt.datetime(2026, 10, 5, 3, tzinfo=dt.UTC)),  # type: ignore[arg-type]
                    team=kw.get("team"),  # type: ignore[arg-type]
                    account_id=kw.get("account_id"),  # type: ignore[arg-type]
                )
            )


def test_nps_counts_promoters_passives_detractors(store: Store, workspace: Workspace) -> None:
    # 4 promoters (10, 9, 9, 10), 2 passives (8, 7), 4 detractors (6, 3, 0, 5): NPS 0.
    _answers(store, workspace, SurveyKind.NPS, [10, 9, 9, 8, 7, 6, 3, 0, 10, 5], (0, 10))
    with store.session() as session:
        (row,) = survey_report(session, workspace_id=workspace.id, kind="nps")
    assert row.breakdown == {"promoters": 4, "passives": 2, "detractors": 4}
    assert row.metric.n == 10 and row.metric.value == 0.0
    # var = (0.4 + 0.4 - 0) / 10 = 0.08; half-width = 1.96 * sqrt(0.08) = 0.5544
    assert row.metric.ci_low == pytest.approx(-55.44, abs=0.01)
    assert row.metric.ci_high == pytest.approx(55.44, abs=0.01)
    assert row.metric.is_small_sample


def test_nps_extremes_and_empty() -> None:
    assert nps_from_counts(5, 0, 0).value == 100.0
    assert nps_from_counts(0, 0, 3).value == -100.0
    assert nps_from_counts(0, 0, 0).value is None


def test_csat_is_top_two_of_each_scale(store: Store, workspace: Workspace) -> None:
    _answers(store, workspace, SurveyKind.CSAT, [5, 4, 4, 3, 1], (1, 5))  # 3 satisfied
    _answers(store, workspace, SurveyKind.CSAT, [7, 6, 5], (1, 7))  # 2 satisfied
    with store.session() as session:
        (row,) = survey_report(session, workspace_id=workspace.id, kind="csat")
    assert row.breakdown == {"satisfied": 5, "total": 8}
    assert row.metric.value == 62.5


def test_wilson_interval_matches_hand_computation() -> None:
    metric = wilson_share(3, 5)
    assert metric.value == 60.0
    # centre = (0.6 + z²/10) / (1 + z²/5) = 0.5566; half = 0.3258
    assert metric.ci_low == pytest.approx(23.07, abs=0.05)
    assert metric.ci_high == pytest.approx(88.24, abs=0.05)


def test_binary_scale_counts_only_the_top_point() -> None:
    assert top_two_threshold(0, 1) == 1
    assert top_two_threshold(1, 5) == 4
    assert top_two_threshold(1, 7) == 6


def test_ces_is_reported_per_scale(store: Store, workspace: Workspace) -> None:
    _answers(store, workspace, SurveyKind.CES, [7, 6, 5, 4], (1, 7))
    _answers(store, workspace, SurveyKind.CES, [5, 4, 2], (1, 5))
    with store.session() as session:
        rows = survey_report(session, workspace_id=workspace.id, kind="ces")
    by_scale = {row.scale: row for row in rows}
    assert set(by_scale) == {"1-5", "1-7"}
    seven = by_scale["1-7"].metric
    assert seven.value == 5.5 and seven.n == 4
    # sd = sqrt(5/3) = 1.291; t(0.975, 3) = 3.182; half = 3.182 * 1.291 / 2 = 2.054
    assert seven.ci_low == pytest.approx(3.446, abs=0.002)
    assert seven.ci_high == pytest.approx(7.554, abs=0.002)
    assert by_scale["1-7"].breakdown == {"easy": 2, "total": 4}
    assert by_scale["1-5"].metric.value == pytest.approx(3.667, abs=0.001)
    assert by_scale["1-5"].breakdown == {"easy": 2, "total": 3}


def test_grouping_by_month_team_and_segment(store: Store, workspace: Workspace) -> None:
    with store.session() as session:
        fashion = Account(workspace_id=workspace.id, name="옷가게", segment="패션", arr=1_200_000)
        food = Account(workspace_id=workspace.id, name="반찬가게", segment="식품", arr=600_000)
        session.add_all([fashion, food])
        session.flush()
        fashion_id, food_id = fashion.id, food.id
    sept = dt.datetime(2026, 9, 30, 23, 59, tzinfo=dt.UTC)
    octo = dt.datetime(2026, 10, 1, 0, 0, tzinfo=dt.UTC)
    _answers(
        store, workspace, SurveyKind.NPS, [10, 10], (0, 10), at=sept, team="support", account_id=fashion_id
    )
    _answers(store, workspace, SurveyKind.NPS, [0, 9], (0, 10), at=octo, team="sales", account_id=food_id)
    with store.session() as session:
        months = survey_report(session, workspace_id=workspace.id, kind="nps", group_by="month")
        teams = survey_report(session, workspace_id=workspace.id, kind="nps", group_by="team")
        segments = survey_report(session, workspace_id=workspace.id, kind="nps", group_by="segment")
        weeks = survey_report(session, workspace_id=workspace.id, kind="nps", group_by="week")
        window = survey_report(
            session, workspace_id=workspace.id, kind="nps", start=octo, end=octo + dt.timedelta(days=1)
        )
    assert [(r.group, r.metric.value) for r in months] == [("2026-09-01", 100.0), ("2026-10-01", 0.0)]
    assert [(r.group, r.metric.n) for r in teams] == [("sales", 2), ("support", 2)]
    assert {r.group: r.metric.value for r in segments} == {"패션": 100.0, "식품": 0.0}
    # 2026-09-30 is a Wednesday and 2026-10-01 a Thursday: one ISO week starting Monday 09-28.
    assert [(r.group, r.metric.n) for r in weeks] == [("2026-09-28", 4)]
    assert [r.metric.n for r in window] == [2]
