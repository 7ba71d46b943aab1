"""Routing settings of a workspace: teams (with Slack webhook and Channel Talk team), rules, default team.

Stored in ``Workspace.settings["routing"]``; see :mod:`frontdoor.routing` for
the whole shape. Changing teams, rules or the default team needs the ``admin`` role.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.models import User, Workspace
from frontdoor.routing.rules import RouteRule, parse_rule, parse_rules, valid_team_key
from frontdoor.workspace.permissions import Action, require

__all__ = [
    "DEFAULT_TEAM",
    "DEFAULT_TEAMS",
    "MIN_CONFIDENCE",
    "RoutingConfig",
    "Team",
    "add_rule",
    "delete_rule",
    "move_rule",
    "routing_config",
    "save_team",
    "set_default_team",
]

MIN_CONFIDENCE = 0.5
MAX_RULES = 200
MAX_TEAMS = 50

DEFAULT_TEAMS: tuple[dict[str, str], ...] = (
    {"key": "sales", "name_ko": "영업", "name_en": "Sales"},
    {"key": "support", "name_ko": "고객지원", "name_en": "Support"},
    {"key": "self-serve", "name_ko": "셀프서브", "name_en": "Self-serve"},
    {"key": "partnership", "name_ko": "파트너십", "name_en": "Partnership"},
)
DEFAULT_TEAM = "support"


@dataclass(frozen=True)
class Team:
    """A destination team."""

    key: str
    name_ko: str = ""
    name_en: str = ""
    slack_webhook_url: str = ""
    channeltalk_team_id: str = ""

    def name(self, lang: str) -> str:
        """The team's name in ``lang`` (falls back to the other language, then the key)."""
        first, second = (self.name_ko, self.name_en) if lang == "ko" else (self.name_en, self.name_ko)
        return first or second or self.key

    def to_dict(self) -> dict[str, str]:
        """Stored form (empty fields left out)."""
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass(frozen=True)
class RoutingConfig:
    """A workspace's routing settings, validated."""

    teams: tuple[Team, ...]
    default_team: str
    rules: tuple[RouteRule, ...]
    min_confidence: float = MIN_CONFIDENCE
    model: Mapping[str, Any] | None = None

    @property
    def team_keys(self) -> list[str]:
        """Keys of the teams, in order."""
        return [t.key for t in self.teams]

    def team(self, key: str | None) -> Team | None:
        """The team with ``key``, or None."""
        return next((t for t in self.teams if t.key == key), None)


def workspace_row(session: Session, workspace_id: int) -> Workspace:
    """The workspace (NotFound when there is none)."""
    ws = session.get(Workspace, workspace_id)
    if ws is None:
        raise NotFound(f"no workspace {workspace_id}")
    return ws


def routing_settings(ws: Workspace) -> dict[str, Any]:
    """A copy of the workspace's raw ``routing`` settings (empty when unset)."""
    return dict((ws.settings or {}).get("routing") or {})


def save_routing_settings(ws: Workspace, raw: dict[str, Any]) -> None:
    """Store ``raw`` as the workspace's ``routing`` settings (a new dict: JSON columns notice it)."""
    ws.settings = {**(ws.settings or {}), "routing": raw}


def _teams_from(raw: Mapping[str, Any]) -> tuple[Team, ...]:
    stored = raw.get("teams")
    if not stored:
        return tuple(Team(**t) for t in DEFAULT_TEAMS)
    teams: list[Team] = []
    for item in stored:
        if isinstance(item, Mapping) and valid_team_key(str(item.get("key", ""))):
            teams.append(
                Team(
                    key=str(item["key"]),
                    name_ko=str(item.get("name_ko") or ""),
                    name_en=str(item.get("name_en") or ""),
                    slack_webhook_url=str(item.get("slack_webhook_url") or ""),
                    channeltalk_team_id=str(item.get("channeltalk_team_id") or ""),
                )
            )
    return tuple(teams) or tuple(Team(**t) for t in DEFAULT_TEAMS)


def routing_config(session: Session, *, workspace_id: int) -> RoutingConfig:
    """The workspace's routing settings (defaults: four teams, ``support`` by default).

    Raises
    ------
    ValidationError
        When the stored rules no longer compile (one line naming the rule field).
    """
    raw = routing_settings(workspace_row(session, workspace_id))
    teams = _teams_from(raw)
    keys = [t.key for t in teams]
    default = str(raw.get("default_team") or "")
    if default not in keys:
        default = DEFAULT_TEAM if DEFAULT_TEAM in keys else keys[0]
    try:
        min_conf = float(raw.get("min_confidence", MIN_CONFIDENCE))
    except (TypeError, ValueError):
        min_conf = MIN_CONFIDENCE
    rules = parse_rules(raw.get("rules") or [], teams=None)
    model = raw.get("model")
    return RoutingConfig(
        teams=teams,
        default_team=default,
        # A rule whose team was removed can never route anywhere: it is skipped.
        rules=tuple(r for r in rules if r.team in keys),
        min_confidence=min(max(min_conf, 0.0), 1.0),
        model=dict(model) if isinstance(model, Mapping) else None,
    )


_URL = re.compile(r"^https?://[^\s]{1,1990}$")


def save_team(
    session: Session,
    *,
    workspace_id: int,
    user: User,
    key: str,
    name_ko: str = "",
    name_en: str = "",
    slack_webhook_url: str = "",
    channeltalk_team_id: str = "",
) -> Team:
    """Add a team or update the one with ``key`` (administrators only).

    Raises
    ------
    ValidationError
        Bad key, overlong name, a webhook URL that is not http(s), or too many teams.
    PermissionDenied
        When ``user`` is not an administrator.
    """
    require(user, Action.ADMIN)
    key = key.strip().lower()
    if not valid_team_key(key):
        raise ValidationError("team key: 1-64 lowercase letters, digits, - or _")
    name_ko, name_en = name_ko.strip(), name_en.strip()
    if len(name_ko) > 100 or len(name_en) > 100:
        raise ValidationError("team name is longer than 100 characters")
    slack_webhook_url = slack_webhook_url.strip()
    if slack_webhook_url and not _URL.match(slack_webhook_url):
        raise ValidationError("Slack webhook URL must start with https:// (or http://)")
    channeltalk_team_id = channeltalk_team_id.strip()
    if len(channeltalk_team_id) > 64 or not re.match(r"^[A-Za-z0-9_-]*$", channeltalk_team_id):
        raise ValidationError("Channel Talk team id: letters and digits, at most 64")
    ws = workspace_row(session, workspace_id)
    raw = routing_settings(ws)
    teams = [t.to_dict() for t in _teams_from(raw)]
    team = Team(key, name_ko, name_en, slack_webhook_url, channeltalk_team_id)
    for i, existing in enumerate(teams):
        if existing["key"] == key:
            teams[i] = team.to_dict()
            break
    else:
        if len(teams) >= MAX_TEAMS:
            raise ValidationError(f"at most {MAX_TEAMS} teams")
        teams.append(team.to_dict())
    raw["teams"] = teams
    save_routing_settings(ws, raw)
    return team


def set_default_team(session: Session, *, workspace_id: int, user: User, team: str) -> None:
    """Make ``team`` the default (where the model abstains and no rule matched)."""
    require(user, Action.ADMIN)
    ws = workspace_row(session, workspace_id)
    cfg = routing_config(session, workspace_id=workspace_id)
    if team not in cfg.team_keys:
        raise ValidationError(f"unknown team {team[:64]!r}")
    raw = routing_settings(ws)
    raw["default_team"] = team
    save_routing_settings(ws, raw)


def add_rule(
    session: Session, *, workspace_id: int, user: User, rule: Mapping[str, Any], position: int | None = None
) -> RouteRule:
    """Validate ``rule`` and insert it at ``position`` (default: last).

    Raises
    ------
    ValidationError
        See :func:`frontdoor.routing.rules.parse_rule`; also an unknown team.
    """
    require(user, Action.ADMIN)
    ws = workspace_row(session, workspace_id)
    cfg = routing_config(session, workspace_id=workspace_id)
    compiled = parse_rule({k: v for k, v in rule.items() if k != "id"}, teams=cfg.team_keys)
    raw = routing_settings(ws)
    rules = list(raw.get("rules") or [])
    if len(rules) >= MAX_RULES:
        raise ValidationError(f"at most {MAX_RULES} rules")
    where = len(rules) if position is None else max(0, min(position, len(rules)))
    rules.insert(where, compiled.to_dict())
    raw["rules"] = rules
    save_routing_settings(ws, raw)
    return compiled


def delete_rule(session: Session, *, workspace_id: int, user: User, rule_id: str) -> None:
    """Remove the rule ``rule_id`` (NotFound when there is none)."""
    require(user, Action.ADMIN)
    ws = workspace_row(session, workspace_id)
    raw = routing_settings(ws)
    rules = list(raw.get("rules") or [])
    kept = [r for r in rules if str(r.get("id")) != rule_id]
    if len(kept) == len(rules):
        raise NotFound(f"no routing rule {rule_id[:40]!r}")
    raw["rules"] = kept
    save_routing_settings(ws, raw)


def move_rule(session: Session, *, workspace_id: int, user: User, rule_id: str, offset: int) -> None:
    """Move rule ``rule_id`` by ``offset`` places (-1: earlier, so it is tried first)."""
    require(user, Action.ADMIN)
    ws = workspace_row(session, workspace_id)
    raw = routing_settings(ws)
    rules = list(raw.get("rules") or [])
    index = next((i for i, r in enumerate(rules) if str(r.get("id")) == rule_id), None)
    if index is None:
        raise NotFound(f"no routing rule {rule_id[:40]!r}")
    target = max(0, min(len(rules) - 1, index + offset))
    rules.insert(target, rules.pop(index))
    raw["rules"] = rules
    save_routing_settings(ws, raw)
