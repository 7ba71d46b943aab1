"""Where to look in the demo: one line per page, with the ids and weeks of this build."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor.db.base import utcnow
from frontdoor.demo.activity import LOOP_DRAFTED, LOOP_TOLD, RULES
from frontdoor.demo.build import HEALTH_WEEKS
from frontdoor.demo.content import KST, OUTAGE_AREA
from frontdoor.models import Alert, LoopNotification, OncallRead, RoadmapItem, Tag, TagDimension, Workspace


def tour(session: Session, workspace_id: int) -> list[str]:
    """Where to look in the demo: one line per page and what it shows there.

    Parameters
    ----------
    session : Session
        Open session.
    workspace_id : int
        The demo workspace.

    Returns
    -------
    list of str
        ``"PATH: what it shows"``, PATH with the ids and weeks of this build.
    """
    from frontdoor.oncall.rotation import config_of
    from frontdoor.routing.report import routing_accuracy

    ws = session.get(Workspace, workspace_id)
    marker = dict((ws.settings or {}).get("demo") or {}) if ws is not None else {}
    incident = dict(marker.get("incident") or {})
    end = dt.datetime.fromisoformat(marker["window_end"]) if marker.get("window_end") else utcnow()
    outage = dt.datetime.fromisoformat(incident["start"]) if incident.get("start") else end
    outage_day = outage.astimezone(KST).date()
    outage_week = outage_day - dt.timedelta(days=outage_day.weekday())
    outage_tag = session.scalar(
        select(Tag.id).where(Tag.workspace_id == workspace_id, Tag.path == OUTAGE_AREA)
    )
    # The latest week an engineer read their queue (the very last week's tags are mostly
    # suggestions still waiting for a person, and the queue holds confirmed ones).
    last_read = session.scalar(
        select(func.max(OncallRead.read_at)).where(OncallRead.workspace_id == workspace_id)
    )
    read_day = (last_read or end - dt.timedelta(days=1)).astimezone(KST).date()
    read_week = read_day - dt.timedelta(days=read_day.weekday())
    items = {
        title: (item_id, status)
        for item_id, title, status in session.execute(
            select(RoadmapItem.id, RoadmapItem.title, RoadmapItem.status).where(
                RoadmapItem.workspace_id == workspace_id
            )
        )
    }
    loops = dict(
        session.execute(
            select(LoopNotification.roadmap_item_id, func.count())
            .where(LoopNotification.workspace_id == workspace_id)
            .group_by(LoopNotification.roadmap_item_id)
        ).all()
    )
    alerts = int(
        session.scalar(select(func.count()).select_from(Alert).where(Alert.workspace_id == workspace_id)) or 0
    )
    acc = routing_accuracy(session, workspace_id=workspace_id)
    tags = session.scalar(select(func.count()).select_from(Tag).where(Tag.workspace_id == workspace_id))
    dimensions = session.scalar(
        select(func.count()).select_from(TagDimension).where(TagDimension.workspace_id == workspace_id)
    )
    accuracy = f"{acc.accuracy:.0%}" if acc.accuracy is not None else "-"
    onc = config_of(ws) if ws is not None else None
    lines = [
        "/: the workspace overview (counts of conversations, accounts and tags)",
        "/conversations: every conversation with its tags, route and account (filters by tag, "
        "channel, segment, plan)",
        f"/insights?tag={outage_tag}: weekly volume of {OUTAGE_AREA}; the week of {outage_week} is "
        f"the outage ({incident.get('id', 'incident')}) spiking complaints",
        f"/alerts: {alerts} spike alerts recorded during the outage (Slack and email left empty, "
        "nothing delivered)",
        f"/routing: teams, {len(RULES)} rules and accuracy on {acc.compared:,} routes people "
        f"confirmed or corrected ({accuracy} kept as predicted); `frontdoor routing train` "
        "trains the routing model on them",
        "/roadmap: the board ranked by demand; each item shows customers' words by account",
    ]
    for title in (LOOP_DRAFTED, LOOP_TOLD):
        if title in items:
            item_id, _status = items[title]
            lines.append(
                f"/roadmap/{item_id}/loop: '{title}' shipped, {loops.get(item_id, 0)} contacts "
                + ("drafted, not sent (no SMTP here)" if title == LOOP_DRAFTED else "told by CSV export")
            )
    if onc is not None and onc.engineers:
        lines.append(
            f"/oncall?week={read_week.isoformat()}: the engineer on call that week, their queue "
            f"and read notes (also the outage week, ?week={outage_week})"
        )
    lines += [
        f"/accounts: health bands with reasons and {HEALTH_WEEKS} weeks of history, pipeline stages",
        "/accounts/priority: the accounts to meet first, every term of the ranking shown",
        "/surveys: NPS, CSAT and CES by time, team, agent, segment, plan and account",
        f"/taxonomy: {tags} tags in {dimensions} dimensions with counts and trends",
    ]
    return lines
