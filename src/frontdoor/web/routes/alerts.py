"""The alerts page: spikes newest first, acknowledge, and (admins) the alert settings."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from frontdoor.alerts.listing import acknowledge_alert, list_alerts
from frontdoor.alerts.settings import alert_settings, update_alert_settings
from frontdoor.models import Workspace
from frontdoor.web.deps import CsrfChecked, CurrentUser, SessionDep
from frontdoor.web.templating import render
from frontdoor.workspace.permissions import Action, can

router = APIRouter()

STATUSES = ("open", "acknowledged")


@router.get("/alerts", include_in_schema=False)
def alerts_page(request: Request, session: SessionDep, user: CurrentUser, status: str = "") -> Response:
    """Alerts newest first, optionally only open or acknowledged ones."""
    status = status if status in STATUSES else ""
    workspace = session.get_one(Workspace, user.workspace_id)
    ctx = {
        "alerts": list_alerts(session, workspace_id=user.workspace_id, status=status or None, limit=200),
        "status": status,
        "settings": alert_settings(workspace),
        "is_admin": can(user, Action.ADMIN),
    }
    return render(request, "alerts.html", ctx, user=user)


@router.post("/alerts/{alert_id}/acknowledge", dependencies=[CsrfChecked])
def acknowledge_form(alert_id: int, session: SessionDep, user: CurrentUser) -> Response:
    """Mark an alert acknowledged by the signed-in user."""
    acknowledge_alert(session, workspace_id=user.workspace_id, alert_id=alert_id, actor=user)
    return RedirectResponse(f"/alerts#alert-{alert_id}", status_code=303)


@router.post("/alerts/settings", dependencies=[CsrfChecked])
async def settings_form(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Save the Slack webhook, email recipients, cool-down and minimum count (admins)."""
    form = await request.form()
    values = {
        "enabled": form.get("enabled") == "on",
        "slack_webhook_url": str(form.get("slack_webhook_url", "")).strip()[:2000],
        "email": str(form.get("email", ""))[:2000],
        "cooldown_hours": str(form.get("cooldown_hours", "24")).strip()[:10] or "24",
        "min_count": str(form.get("min_count", "5")).strip()[:10] or "5",
    }
    update_alert_settings(session, workspace_id=user.workspace_id, actor=user, values=values)
    return RedirectResponse("/alerts", status_code=303)
