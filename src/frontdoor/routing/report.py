"""Routing accuracy on human-confirmed routes, and route history.

Accuracy compares, for each conversation a person routed, the last machine prediction
before the first human decision with the route the person chose (confirming keeps the
prediction: correct; correcting changes it: wrong).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.models import Conversation, RouteEvent, RouteMethod

__all__ = ["RoutingAccuracy", "recent_events", "route_events", "routing_accuracy"]


@dataclass
class RoutingAccuracy:
    """Predicted route (before the first human decision) against the route people chose."""

    decided: int = 0
    correct: int = 0
    without_prediction: int = 0
    by_method: dict[str, dict[str, float]] = field(default_factory=dict)
    by_team: dict[str, dict[str, float]] = field(default_factory=dict)
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def compared(self) -> int:
        """Human decisions that had a machine prediction before them."""
        return self.decided - self.without_prediction

    @property
    def accuracy(self) -> float | None:
        """Share of compared decisions where the prediction was kept (None without any)."""
        return self.correct / self.compared if self.compared else None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON and templates."""
        return {
            "decided": self.decided,
            "compared": self.compared,
            "correct": self.correct,
            "accuracy": round(self.accuracy, 4) if self.accuracy is not None else None,
            "without_prediction": self.without_prediction,
            "by_method": self.by_method,
            "by_team": self.by_team,
            "confusion": self.confusion,
        }


def routing_accuracy(
    session: Session, *, workspace_id: int, since: dt.datetime | None = None
) -> RoutingAccuracy:
    """Routing accuracy on the conversations people confirmed or corrected.

    For each conversation with a human route event (the first one, decided since
    ``since`` when given): the last machine event before it is the prediction, the
    human event's route the truth. Per method (rule, model, default) and per predicted
    team: compared, correct, accuracy; plus a confusion table predicted -> confirmed.
    """
    stmt = (
        select(
            RouteEvent.conversation_id,
            RouteEvent.id,
            RouteEvent.route,
            RouteEvent.method,
            RouteEvent.created_at,
        )
        .join(Conversation, Conversation.id == RouteEvent.conversation_id)
        .where(RouteEvent.workspace_id == workspace_id, Conversation.route_confirmed.is_(True))
        .order_by(RouteEvent.conversation_id, RouteEvent.created_at, RouteEvent.id)
    )
    per_conv: dict[int, list[tuple[int, str, RouteMethod, dt.datetime]]] = defaultdict(list)
    for cid, eid, route, method, when in session.execute(stmt):
        per_conv[cid].append((eid, route, RouteMethod(method), when))
    acc = RoutingAccuracy()
    stats: dict[str, Counter[str]] = defaultdict(Counter)
    team_stats: dict[str, Counter[str]] = defaultdict(Counter)
    for events in per_conv.values():
        first_human = next((i for i, e in enumerate(events) if e[2] == RouteMethod.HUMAN), None)
        if first_human is None:
            continue
        truth = events[first_human]
        if since is not None and truth[3] < since:
            continue
        acc.decided += 1
        machine = [e for e in events[:first_human] if e[2] != RouteMethod.HUMAN]
        if not machine:
            acc.without_prediction += 1
            continue
        predicted = machine[-1]
        ok = predicted[1] == truth[1]
        acc.correct += int(ok)
        stats[predicted[2].value]["n"] += 1
        stats[predicted[2].value]["ok"] += int(ok)
        team_stats[predicted[1]]["n"] += 1
        team_stats[predicted[1]]["ok"] += int(ok)
        acc.confusion.setdefault(predicted[1], {})
        acc.confusion[predicted[1]][truth[1]] = acc.confusion[predicted[1]].get(truth[1], 0) + 1

    def table(src: Mapping[str, Counter[str]]) -> dict[str, dict[str, float]]:
        return {
            k: {
                "compared": c["n"],
                "correct": c["ok"],
                "accuracy": round(c["ok"] / c["n"], 4) if c["n"] else 0.0,
            }
            for k, c in sorted(src.items())
        }

    acc.by_method = table(stats)
    acc.by_team = table(team_stats)
    return acc


def recent_events(session: Session, *, workspace_id: int, limit: int = 50) -> list[tuple[RouteEvent, str]]:
    """The latest route events with their conversation's subject, newest first."""
    rows = session.execute(
        select(RouteEvent, Conversation.subject)
        .join(Conversation, Conversation.id == RouteEvent.conversation_id)
        .where(RouteEvent.workspace_id == workspace_id)
        .order_by(RouteEvent.created_at.desc(), RouteEvent.id.desc())
        .limit(max(1, min(limit, 500)))
    ).all()
    return [(event, subject or "") for event, subject in rows]


def route_events(session: Session, *, workspace_id: int, conversation_id: int) -> list[RouteEvent]:
    """A conversation's route history, oldest first."""
    return list(
        session.scalars(
            select(RouteEvent)
            .where(RouteEvent.workspace_id == workspace_id, RouteEvent.conversation_id == conversation_id)
            .order_by(RouteEvent.created_at, RouteEvent.id)
        )
    )
