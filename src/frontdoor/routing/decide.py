"""How a conversation's route is decided: rules, then the learned model, then the default team.

In order (:func:`decide_routes`):

1. **Rules** (``Workspace.settings["routing"]["rules"]``, see
   :mod:`frontdoor.routing.rules`): the first rule that matches wins; the reason names the
   rule and the conditions that held.
2. **The model**: a :class:`~frontdoor.tagging.model.learned.LearnedTagger` with one
   single-label dimension ``route`` over team keys, trained on human-confirmed routes.
   Its best team is taken when its calibrated confidence is at least ``min_confidence``
   (default 0.5: more likely right than wrong). The tagger's per-tag precision thresholds
   are not applied: they keep tag *suggestions* clean, while a route must land somewhere
   and a doubtful one lands on the default team, which is the abstention.
3. **The default team** (``default_team``), with why the model abstained.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from frontdoor.models import RouteMethod
from frontdoor.routing.config import RoutingConfig
from frontdoor.routing.model import DIMENSION
from frontdoor.routing.rules import RouteFacts, first_match

if TYPE_CHECKING:  # pragma: no cover
    from frontdoor.tagging.model.learned import LearnedTagger


@dataclass(frozen=True)
class RouteDecision:
    """Where one conversation goes and why."""

    route: str
    method: RouteMethod
    reason: str
    rule_name: str | None = None
    confidence: float | None = None
    model_version: str | None = None


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def decide_routes(
    cfg: RoutingConfig,
    facts: Mapping[int, RouteFacts],
    *,
    model: LearnedTagger | None = None,
    model_version: str | None = None,
) -> dict[int, RouteDecision]:
    """Decide the route of each conversation: rules, then the model, then the default team.

    Parameters
    ----------
    cfg : RoutingConfig
        Teams, rules, default team and the model's confidence floor.
    facts : mapping of conversation id to RouteFacts
        What the rules look at (and the text the model reads).
    model : LearnedTagger, optional
        The routing model (dimension ``route``); None when not trained.
    model_version : str, optional
        Recorded with model decisions.

    Returns
    -------
    dict of int to RouteDecision
    """
    out: dict[int, RouteDecision] = {}
    left: list[int] = []
    for cid, f in facts.items():
        hit = first_match(cfg.rules, f)
        if hit is not None:
            rule, why = hit
            out[cid] = RouteDecision(
                route=rule.team,
                method=RouteMethod.RULE,
                reason=f"rule {rule.label!r}: {why}"[:500],
                rule_name=rule.label[:200],
            )
        else:
            left.append(cid)
    keys = set(cfg.team_keys)
    texts = {cid: facts[cid].text for cid in left if facts[cid].text.strip()}
    predicted: dict[int, tuple[str, float]] = {}
    if model is not None and texts and DIMENSION in getattr(model, "classifiers_", {}):
        order = list(texts)
        for cid, row in zip(order, model.decide([texts[c] for c in order], [DIMENSION]), strict=True):
            cands = [c for c in row[DIMENSION].candidates if c.tag in keys]
            if cands:
                predicted[cid] = (cands[0].tag, float(cands[0].confidence))
    for cid in left:
        best = predicted.get(cid)
        if best is not None and best[1] >= cfg.min_confidence:
            out[cid] = RouteDecision(
                route=best[0],
                method=RouteMethod.MODEL,
                reason=f"model {model_version or ''}: {best[0]} at {_pct(best[1])} confidence".replace(
                    "  ", " "
                ),
                confidence=round(best[1], 4),
                model_version=model_version,
            )
            continue
        if model is None:
            why = "no rule matched; no routing model trained yet"
        elif best is None:
            why = "no rule matched; no customer text for the model"
        else:
            why = (
                f"no rule matched; model abstained (best {best[0]} at {_pct(best[1])}, "
                f"under {_pct(cfg.min_confidence)})"
            )
        out[cid] = RouteDecision(
            route=cfg.default_team,
            method=RouteMethod.DEFAULT,
            reason=f"default team: {why}",
            confidence=round(best[1], 4) if best else None,
            model_version=model_version if best else None,
        )
    return out
