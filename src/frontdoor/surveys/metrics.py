"""Survey metrics (NPS, CSAT, CES) by time, team, agent, segment or account."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor.core.errors import ValidationError
from frontdoor.insights.periods import bucket_expr
from frontdoor.insights.trends import PERIODS
from frontdoor.models import Account, SurveyKind, SurveyResponse
from frontdoor.surveys.stats import Metric, mean_interval, nps_from_counts, top_two_threshold, wilson_share

GROUPS = ("none", *PERIODS, "team", "agent", "segment", "plan", "account")


@dataclass(frozen=True)
class SurveyRow:
    """One group's metric. ``scale`` is set for CES, which is reported per scale."""

    group: str
    kind: SurveyKind
    metric: Metric
    scale: str | None = None
    breakdown: dict[str, int] = field(default_factory=dict)


def _group_column(session: Session, group_by: str) -> Any:
    dialect = session.get_bind().dialect.name
    if group_by in PERIODS:
        return bucket_expr(dialect, SurveyResponse.responded_at, group_by)
    if group_by == "team":
        return func.coalesce(SurveyResponse.team, "")
    if group_by == "agent":
        return func.coalesce(SurveyResponse.agent, "")
    if group_by == "segment":
        return func.coalesce(Account.segment, "")
    if group_by == "plan":
        return func.coalesce(Account.plan, "")
    if group_by == "account":
        return func.coalesce(Account.name, "")
    raise ValidationError(f"group_by must be one of {', '.join(GROUPS)}")


def survey_report(
    session: Session,
    *,
    workspace_id: int,
    kind: SurveyKind | str,
    group_by: str = "none",
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    account_id: int | None = None,
) -> list[SurveyRow]:
    """Compute a survey metric per group.

    Parameters
    ----------
    kind : {'nps', 'csat', 'ces'}
    group_by : str
        One of ``none``, ``day``, ``week``, ``month``, ``team``, ``agent``, ``segment``,
        ``plan``, ``account``.
    start, end : datetime, optional
        Half-open window ``[start, end)`` on the response time.
    account_id : int, optional
        Only this account's answers.

    Returns
    -------
    list of SurveyRow
        Sorted by group (and scale for CES). NPS answers off the 0-10 scale are skipped.
    """
    kind = SurveyKind(kind)
    group_col = _group_column(session, group_by) if group_by != "none" else None
    cols: list[Any] = [SurveyResponse.score, SurveyResponse.scale_min, SurveyResponse.scale_max]
    if group_col is not None:
        cols.insert(0, group_col.label("grp"))
    query = (
        select(*cols, func.count().label("n"))
        .select_from(SurveyResponse)
        .outerjoin(Account, Account.id == SurveyResponse.account_id)
        .where(SurveyResponse.workspace_id == workspace_id, SurveyResponse.kind == kind)
        .group_by(*cols)
    )
    if start is not None:
        query = query.where(SurveyResponse.responded_at >= start)
    if end is not None:
        query = query.where(SurveyResponse.responded_at < end)
    if account_id is not None:
        query = query.where(SurveyResponse.account_id == account_id)
    # Counts per (group, score, scale) are few; the statistics are computed here.
    cells: dict[tuple[str, str], list[tuple[float, int, int, int]]] = defaultdict(list)
    for row in session.execute(query):
        grp = str(row.grp) if group_col is not None else "all"
        scale = f"{row.scale_min}-{row.scale_max}" if kind == SurveyKind.CES else ""
        cells[(grp, scale)].append((float(row.score), int(row.scale_min), int(row.scale_max), int(row.n)))
    out: list[SurveyRow] = []
    for (grp, scale), items in sorted(cells.items()):
        out.append(_row(kind, grp, scale or None, items))
    return out


def _row(
    kind: SurveyKind, grp: str, scale: str | None, items: list[tuple[float, int, int, int]]
) -> SurveyRow:
    if kind == SurveyKind.NPS:
        counts = {"promoters": 0, "passives": 0, "detractors": 0}
        for score, lo, hi, n in items:
            if (lo, hi) != (0, 10):
                continue
            key = "promoters" if score >= 9 else "passives" if score >= 7 else "detractors"
            counts[key] += n
        metric = nps_from_counts(counts["promoters"], counts["passives"], counts["detractors"])
        return SurveyRow(grp, kind, metric, None, counts)
    if kind == SurveyKind.CSAT:
        satisfied = sum(n for score, lo, hi, n in items if score >= top_two_threshold(lo, hi))
        total = sum(n for *_, n in items)
        metric = wilson_share(satisfied, total)
        return SurveyRow(grp, kind, metric, None, {"satisfied": satisfied, "total": total})
    total_n = sum(n for *_, n in items)
    s = sum(score * n for score, _, _, n in items)
    sq = sum(score * score * n for score, _, _, n in items)
    easy = sum(n for score, lo, hi, n in items if score >= top_two_threshold(lo, hi))
    return SurveyRow(grp, kind, mean_interval(s, sq, total_n), scale, {"easy": easy, "total": total_n})
