"""A workspace's alert settings: where alerts go, the cool-down, and the spike thresholds.

Per-workspace settings live in ``Workspace.settings["alerts"]``::

    {"enabled": true, "slack_webhook_url": "https://hooks.slack.com/...",
     "email": ["oncall@example.com"], "cooldown_hours": 24,
     "alpha": 0.001, "min_count": 5, "min_increase": 3, "min_ratio": 2,
     "window_hours": 24, "baseline_weeks": 8, "min_history_weeks": 3}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from frontdoor.alerts.spikes import Thresholds
from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.models import User, Workspace
from frontdoor.workspace.permissions import Action, require

SETTINGS_KEY = "alerts"


@dataclass(frozen=True)
class AlertSettings:
    """A workspace's alert configuration (``Workspace.settings["alerts"]``)."""

    enabled: bool = True
    slack_webhook_url: str | None = None
    email: tuple[str, ...] = ()
    cooldown_hours: int = 24
    thresholds: Thresholds = field(default_factory=Thresholds)

    def to_dict(self) -> dict[str, Any]:
        """The JSON kept in the workspace settings."""
        return {
            "enabled": self.enabled,
            "slack_webhook_url": self.slack_webhook_url,
            "email": list(self.email),
            "cooldown_hours": self.cooldown_hours,
            **self.thresholds.__dict__,
        }


def _parse_settings(raw: dict[str, Any] | None) -> AlertSettings:
    raw = dict(raw or {})
    url = str(raw.get("slack_webhook_url") or "").strip() or None
    if url is not None and not url.startswith(("https://", "http://")):
        raise ValidationError("alerts.slack_webhook_url must be an https:// incoming-webhook URL")
    emails = raw.get("email") or []
    if isinstance(emails, str):
        emails = emails.replace(";", ",").replace("\n", ",").split(",")
    recipients = tuple(e.strip() for e in emails if str(e).strip())
    for e in recipients:
        if "@" not in e or any(c in e for c in " <>\r\n,"):
            raise ValidationError(f"alerts.email: not an email address: {e[:100]!r}")
    try:
        cooldown = int(raw.get("cooldown_hours", 24))
    except (TypeError, ValueError):
        raise ValidationError("alerts.cooldown_hours must be a whole number of hours") from None
    if not 0 <= cooldown <= 24 * 30:
        raise ValidationError("alerts.cooldown_hours must be 0..720")
    return AlertSettings(
        enabled=bool(raw.get("enabled", True)),
        slack_webhook_url=url,
        email=recipients,
        cooldown_hours=cooldown,
        thresholds=Thresholds.from_settings(raw),
    )


def alert_settings(workspace: Workspace) -> AlertSettings:
    """The workspace's alert settings (defaults where unset).

    Raises
    ------
    ValidationError
        When the stored settings are malformed.
    """
    return _parse_settings((workspace.settings or {}).get(SETTINGS_KEY))


def update_alert_settings(
    session: Session, *, workspace_id: int, actor: User, values: dict[str, Any]
) -> AlertSettings:
    """Validate and store alert settings (admins only); unknown keys are dropped.

    Raises
    ------
    ValidationError
        When a value is malformed (nothing is stored).
    PermissionDenied
        When ``actor`` is not an admin.
    """
    require(actor, Action.ADMIN)
    workspace = session.get(Workspace, workspace_id)
    if workspace is None:
        raise NotFound(f"no workspace {workspace_id}")
    current = dict((workspace.settings or {}).get(SETTINGS_KEY) or {})
    current.update(values)
    parsed = _parse_settings(current)
    settings = dict(workspace.settings or {})
    settings[SETTINGS_KEY] = parsed.to_dict()
    workspace.settings = settings  # a new dict, so the JSON column is marked changed
    session.flush()
    return parsed
