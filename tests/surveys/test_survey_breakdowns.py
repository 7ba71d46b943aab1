"""Survey metrics by agent, account, plan and team, per scale, against hand-computed values.

Both backends. NPS on 0-10 (answers on any other scale are skipped), CSAT on each answer's
own scale, CES on 1-5 and 1-7 kept apart.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from frontdoor.core.store import Store
from frontdoor.models import Account, Source, SurveyKind, SurveyResponse, Workspace
from frontdoor.surveys.metrics import survey_report
from frontdoor.surveys.page import survey_page

_ids = itertools.count(1)
AT = dt.datetime(2026, 10, 5, 3, tzinfo=dt.UTC)


def _add(
    store: Store,
    ws: int,
    kind: str,
    answers: list[tuple[float, str | None, int | None]],
    scale: tuple[int, int],
    team: str = "support",
) -> None:
    """``answers``: (score, agent, account id)."""
    with store.session() as session:
        source = session.query(Source).filter_by(workspace_id=ws, name="s").one_or_none()
        if source is None:
            source = Source(workspace_id=ws, kind="surveys", name="s", settings={})
            session.add(source)
            session.flush()
        for score, agent, account_id in answers:
            session.add(
                SurveyResponse(
                    workspace_id=ws,
                    source_id=source.id,
                    external_id=f"b{next(_ids)}",
                    kind=SurveyKind(kind),
                    score=score,
                    scale_min=scale[0],
                    scale_max=scale[1],
                    agent=agent,
                    team=team,
                    account_id=account_id,
                    responded_at=AT,
                )
            )


@pytest.fixture
def accounts(store: Store, workspace: Workspace) -> tuple[int, int]:
    with store.session() as session:
        shop = Account(workspace_id=workspace.id, name="꽃집", plan="Pro", arr=1)
        cafe = Account(workspace_id=workspace.id, name="Cafe", plan="Free", arr=1)
        session.add_all([shop, cafe])
        session.flush()
        return shop.id, cafe.id


def test_nps_by_agent_and_account(store: Store, workspace: Workspace, accounts: tuple[int, int]) -> None:
    shop, cafe = accounts
    _add(
        store,
        workspace.id,
        "nps",
        [(10, "김", shop), (9, "김", shop), (8, "김", cafe), (2, "김", cafe), (6, "Lee", cafe)],
        (0, 10),
    )
    _add(store, workspace.id, "nps", [(5, "Lee", cafe)], (1, 5))  # not 0-10: skipped
    with store.session() as session:
        agents = survey_report(session, workspace_id=workspace.id, kind="nps", group_by="agent")
        by_account = survey_report(session, workspace_id=workspace.id, kind="nps", group_by="account")
        plans = survey_report(session, workspace_id=workspace.id, kind="nps", group_by="plan")
    got = {r.group: (r.metric.value, r.metric.n, r.breakdown) for r in agents}
    # 김: promoters 2, passive 1, detractor 1 of 4 -> (2 - 1) / 4 = 25; Lee: one detractor -> -100.
    assert got == {
        "김": (25.0, 4, {"promoters": 2, "passives": 1, "detractors": 1}),
        "Lee": (-100.0, 1, {"promoters": 0, "passives": 0, "detractors": 1}),
    }
    kim = next(r for r in agents if r.group == "김").metric
    # var = (0.5 + 0.25 - 0.0625) / 4 = 0.171875; half = 1.95996 x 0.41458 = 0.81257
    assert kim.ci_low == pytest.approx(-56.26, abs=0.01) and kim.ci_high == pytest.approx(100.0)
    # 꽃집: 10, 9 -> 100; Cafe: 8, 2, 6 -> (0 - 2) / 3 = -66.67
    assert {r.group: r.metric.value for r in by_account} == {"꽃집": 100.0, "Cafe": -66.67}
    assert {r.group: r.metric.n for r in plans} == {"Pro": 2, "Free": 3}


def test_ces_by_team_keeps_scales_apart(store: Store, workspace: Workspace) -> None:
    _add(
        store,
        workspace.id,
        "ces",
        [(5, None, None), (4, None, None), (1, None, None)],
        (1, 5),
        team="support",
    )
    _add(store, workspace.id, "ces", [(7, None, None), (3, None, None)], (1, 7), team="support")
    _add(store, workspace.id, "ces", [(6, None, None)], (1, 7), team="sales")
    with store.session() as session:
        rows = survey_report(session, workspace_id=workspace.id, kind="ces", group_by="team")
    got = {(r.group, r.scale): (r.metric.value, r.metric.n, r.breakdown["easy"]) for r in rows}
    # support 1-5: mean (5 + 4 + 1) / 3 = 3.333, easy (4-5) 2; support 1-7: mean 5, easy (6-7) 1;
    # sales 1-7: one answer 6, no interval.
    assert got == {
        ("support", "1-5"): (3.333, 3, 2),
        ("support", "1-7"): (5.0, 2, 1),
        ("sales", "1-7"): (6.0, 1, 1),
    }
    support7 = next(r for r in rows if (r.group, r.scale) == ("support", "1-7")).metric
    # sd = sqrt(((7-5)^2 + (3-5)^2) / 1) = 2.828; t(0.975, 1) = 12.706; half = 12.706 x 2.828 / 1.414 = 25.41
    assert support7.ci_low == pytest.approx(-20.412, abs=0.002)
    assert support7.ci_high == pytest.approx(30.412, abs=0.002)
    sales = next(r for r in rows if r.group == "sales").metric
    assert sales.ci_low is None and sales.is_small_sample


def test_csat_on_two_scales_by_agent(store: Store, workspace: Workspace) -> None:
    _add(store, workspace.id, "csat", [(5, "A", None), (3, "A", None)], (1, 5))
    _add(store, workspace.id, "csat", [(1, "A", None), (0, "B", None)], (0, 1))  # good/bad: top point
    with store.session() as session:
        rows = survey_report(session, workspace_id=workspace.id, kind="csat", group_by="agent")
    # A: 5 (satisfied), 3 (not), 1 on 0-1 (satisfied) -> 2 / 3 = 66.67%; B: 0 of 1.
    assert {r.group: (r.metric.value, r.breakdown) for r in rows} == {
        "A": (66.67, {"satisfied": 2, "total": 3}),
        "B": (0.0, {"satisfied": 0, "total": 1}),
    }


def test_page_sorts_non_time_groups_by_sample_size(
    store: Store, workspace: Workspace, accounts: tuple[int, int]
) -> None:
    shop, cafe = accounts
    _add(store, workspace.id, "nps", [(10, "A", shop), (9, "B", cafe), (0, "B", cafe)], (0, 10))
    with store.session() as session:
        page = survey_page(session, workspace_id=workspace.id, group_by="agent", account_id=cafe)
    assert [(r.group, r.metric.n) for r in page.groups["nps"]] == [("B", 2)]
    assert page.overall["nps"][0].metric.value == 0.0  # 1 promoter, 1 detractor
    assert page.groups["csat"] == [] and len(page.recent) == 2
