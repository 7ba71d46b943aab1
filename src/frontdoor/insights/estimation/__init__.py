"""Estimated counts with intervals, audit sampling and partial periods (pure: numpy and scipy).

One obvious entry point per use:

* a set of tags in one period: :func:`estimate_period`;
* one tag over a run of periods: :func:`estimate_series`;
* what to audit next and what it buys: :func:`plan_audit`, then :func:`draw_audit`;
* a tag's measured precision and recall (for /taxonomy): :func:`tag_quality`;
* whether a period is still running, and like-with-like comparisons:
  :func:`~frontdoor.insights.estimation.periods.period_status`.

See docs/counting.md for what the three kinds of count mean.
"""

from frontdoor.insights.estimation.audit import (
    AuditPlan,
    TagAuditGain,
    allocate,
    draw_audit,
    expected_width_after,
    plan_audit,
)
from frontdoor.insights.estimation.counts import (
    CountEstimate,
    EstimatorSettings,
    PeriodEstimate,
    cell_beliefs,
    estimate_period,
    estimate_series,
    tag_distribution,
)
from frontdoor.insights.estimation.evidence import (
    CONFIDENCE_EDGES,
    AuditAnswer,
    AuditStratum,
    Cell,
    PeriodEvidence,
    Scored,
    TagPeriod,
    audit_stratum,
    confidence_bin,
    period_evidence,
)
from frontdoor.insights.estimation.quality import TagQuality, tag_quality

__all__ = [
    "CONFIDENCE_EDGES",
    "AuditAnswer",
    "AuditPlan",
    "AuditStratum",
    "Cell",
    "CountEstimate",
    "EstimatorSettings",
    "PeriodEstimate",
    "PeriodEvidence",
    "Scored",
    "TagAuditGain",
    "TagPeriod",
    "TagQuality",
    "allocate",
    "audit_stratum",
    "cell_beliefs",
    "confidence_bin",
    "draw_audit",
    "estimate_period",
    "estimate_series",
    "expected_width_after",
    "period_evidence",
    "plan_audit",
    "tag_distribution",
    "tag_quality",
]
