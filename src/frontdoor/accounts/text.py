"""Words for health signals, signal changes and priority terms, in Korean or English.

Pages and the CLI say the same sentences; the templates live in
:mod:`frontdoor.core.messages.accounts` with the other UI strings.
"""

from __future__ import annotations

from typing import Any

from frontdoor.accounts.health_score import HealthConfig, Signal, SignalChange
from frontdoor.accounts.priority_score import PriorityConfig, Term
from frontdoor.core.i18n import translate


def _fill(key: str, language: str, **values: Any) -> str:
    return translate(key, language).format(**values)


def signal_name(key: str, language: str) -> str:
    """The name of a health signal."""
    return translate(f"health.sig.{key}", language)


def signal_text(signal: Signal, language: str, config: HealthConfig | None = None) -> str:
    """One sentence with the numbers behind a health signal."""
    config = config or HealthConfig()
    d = signal.detail
    if signal.key == "satisfaction":
        text = _fill(
            "health.why.satisfaction",
            language,
            days=config.survey_days,
            n=d.get("n", 0),
            good=d.get("good", 0),
            middle=d.get("middle", 0),
            bad=d.get("bad", 0),
        )
    elif signal.key == "sentiment":
        text = _fill(
            "health.why.sentiment",
            language,
            days=config.window_days,
            n=d.get("n", 0),
            positive=d.get("positive", 0),
            neutral=d.get("neutral", 0),
            negative=d.get("negative", 0),
        )
    elif signal.key == "problems":
        text = _fill(
            "health.why.problems",
            language,
            n=d.get("n", 0),
            open=d.get("open", d.get("n", 0)),
            churn=d.get("churn", 0),
            days=config.window_days,
            penalty=f"{config.problem_penalty:g}",
        )
    elif signal.key == "recency":
        if d.get("days") is None:
            text = translate("health.why.recency_none", language)
        else:
            full, zero = config.quiet_days
            text = _fill(
                "health.why.recency", language, days=d["days"], last=d.get("last", ""), full=full, zero=zero
            )
    elif signal.key == "usage":
        text = _fill(
            "health.why.usage",
            language,
            active=d.get("active"),
            seats=d.get("seats"),
            pct=d.get("pct"),
            as_of=d.get("as_of") or "-",
        )
    else:
        text = signal.key
    if d.get("too_few"):
        text += _fill("health.why.too_few", language, min=config.min_answers)
    return text


def change_text(change: SignalChange, language: str) -> str:
    """How a signal moved between snapshots, e.g. ``Open problems: 75 → 50 (-5.6 points)``."""
    before = f"{change.before.score:g}" if change.before else "-"
    after = f"{change.after.score:g}" if change.after else "-"
    text = _fill(
        "health.change",
        language,
        name=signal_name(change.key, language),
        before=before,
        after=after,
        delta=f"{change.points_delta:+g}",
    )
    before_w = change.before.weight if change.before else 0.0
    after_w = change.after.weight if change.after else 0.0
    if before_w > 0 and after_w > 0 and before_w != after_w:  # another signal joined or left
        pct = {"before": f"{100 * before_w:.0f}", "after": f"{100 * after_w:.0f}"}
        text += _fill("health.change.weight", language, **pct)
    if change.counted_changed:
        counted = change.after is not None and change.after.weight > 0
        text += translate("health.change.counted" if counted else "health.change.uncounted", language)
    return text


def term_name(key: str, language: str) -> str:
    """The name of a priority term."""
    return translate(f"prio.term.{key}", language)


def term_text(term: Term, language: str, config: PriorityConfig | None = None, currency: str = "") -> str:
    """One sentence with the numbers behind a priority term."""
    config = config or PriorityConfig()
    d = term.detail
    if term.key == "arr":
        return _fill("prio.why.arr", language, arr=f"{d['arr']:,}", currency=currency, pct=d["pct"])
    if term.key == "dissatisfaction":
        if not d.get("n"):
            return translate("prio.why.dissatisfaction_none", language)
        return _fill("prio.why.dissatisfaction", language, n=d["n"], good_pct=d["good_pct"])
    if term.key in ("complaints", "unresolved", "churn_risk"):
        return _fill(f"prio.why.{term.key}", language, n=d["n"], cap=d["cap"], days=config.window_days)
    if term.key == "slow_replies":
        if d.get("hours") is None:
            return translate("prio.why.slow_replies_none", language)
        return _fill("prio.why.slow_replies", language, hours=d["hours"], n=d["n"], target=f"{d['target']:g}")
    return term.key
