"""Routing destinations: the team's Slack webhook and the Channel Talk team of a chat.

:func:`dispatch` is called for each new route (on arrival, and when a person moves a
conversation to another team). Slack messages go through
:func:`frontdoor.notifications.send.send_once` with the key ``route:<event id>:slack``,
so each route event is posted at most once, durably and with retries. Channel Talk
assignments run as the task ``routing_assign_channeltalk``; the result is recorded on the
route event (``attributes["channeltalk"]``). Arrivals are announced only for open
conversations active in the last 24 hours, so importing history notifies nobody.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.core import tasks
from frontdoor.core.errors import ValidationError
from frontdoor.db.base import utcnow
from frontdoor.models import Conversation, ConversationStatus, RouteEvent, Source
from frontdoor.routing.config import Team, routing_config

if TYPE_CHECKING:  # pragma: no cover
    from frontdoor.core.store import Store

__all__ = ["assign_channeltalk_task", "dispatch", "slack_escape"]

log = logging.getLogger(__name__)

#: Arrivals are announced only for open conversations active within this window.
LIVE_WINDOW = dt.timedelta(hours=24)
# The task that sets a chat's team in Channel Talk (registered by frontdoor.bootstrap).
ASSIGN_TASK = "routing_assign_channeltalk"


def slack_escape(text: str) -> str:
    """``text`` with Slack's control characters escaped (``&``, ``<``, ``>``)."""
    # Slack reads <...> as links and mentions (<!channel>): customer text must not ping anyone.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_message(store: Store, event: RouteEvent, conv: Conversation, team: Team) -> dict[str, Any]:
    from frontdoor.integrations.outbound.slack import slack_payload

    base = store.settings.base_url.rstrip("/")
    link = f"{base}/conversations/{conv.id}"
    subject = slack_escape((conv.subject or "").strip()[:200]) or f"#{conv.id}"
    text = f"New conversation for {team.name('en')} ({team.name('ko')}): {subject}"
    blocks: list[dict[str, Any]] = [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": f"*{slack_escape(team.name('en'))}* · <{link}|{subject}>"},
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": slack_escape(event.reason)[:2000]}]},
    ]
    return slack_payload(text, blocks=blocks)


def _is_live(
    status: ConversationStatus | None,
    last_message_at: dt.datetime | None,
    opened_at: dt.datetime | None,
    now: dt.datetime,
) -> bool:
    """Open and active within :data:`LIVE_WINDOW`: a conversation someone should pick up now."""
    last = last_message_at or opened_at
    return status == ConversationStatus.OPEN and last is not None and now - last <= LIVE_WINDOW


def dispatch(
    store: Store, *, workspace_id: int, event_ids: Sequence[int], live_only: bool = False
) -> dict[str, int]:
    """Notify each event's team: Slack (durable, once per event) and Channel Talk assignment.

    Parameters
    ----------
    store : Store
        The store.
    workspace_id : int
        The workspace.
    event_ids : sequence of int
        Route events to deliver.
    live_only : bool
        Skip conversations that are closed or quiet for more than :data:`LIVE_WINDOW`
        (arrivals: importing a year of history must not page every team).

    Returns
    -------
    dict
        ``{"slack": n, "channeltalk": n}`` - how many were queued.
    """
    from frontdoor.notifications.send import send_once

    counts = {"slack": 0, "channeltalk": 0}
    with store.session() as session:
        work = _deliveries(
            store, session, workspace_id=workspace_id, event_ids=event_ids, live_only=live_only
        )
    for event_id, team, payload, ct in work:
        if payload is not None:
            try:
                send_once(
                    store,
                    workspace_id=workspace_id,
                    key=f"route:{event_id}:slack",
                    channel="slack",
                    target=team.slack_webhook_url,
                    payload=payload,
                )
                counts["slack"] += 1
            except ValidationError as exc:
                log.warning("route %s: Slack notification not recorded: %s", event_id, exc)
        if ct:
            tasks.enqueue(store, ASSIGN_TASK, workspace_id=workspace_id, event_id=event_id)
            counts["channeltalk"] += 1
    return counts


def _deliveries(
    store: Store, session: Session, *, workspace_id: int, event_ids: Sequence[int], live_only: bool
) -> list[tuple[int, Team, dict[str, Any] | None, bool]]:
    """Per event to deliver: its team, the Slack message (if the team has a webhook), and
    whether to assign the Channel Talk chat (a Channel Talk source with credentials)."""
    cfg = routing_config(session, workspace_id=workspace_id)
    ids = list(event_ids)
    now = utcnow()
    if live_only:
        # Columns first: an imported batch of history is rarely live, so most events
        # never need their full rows.
        ids = [
            eid
            for eid, status, last, opened in session.execute(
                select(
                    RouteEvent.id,
                    Conversation.status,
                    Conversation.last_message_at,
                    Conversation.opened_at,
                )
                .join(Conversation, Conversation.id == RouteEvent.conversation_id)
                .where(RouteEvent.workspace_id == workspace_id, RouteEvent.id.in_(ids))
            )
            if _is_live(status, last, opened, now)
        ]
    rows = (
        session.execute(
            select(RouteEvent, Conversation, Source.kind, Source.settings)
            .join(Conversation, Conversation.id == RouteEvent.conversation_id)
            .join(Source, Source.id == Conversation.source_id)
            .where(RouteEvent.workspace_id == workspace_id, RouteEvent.id.in_(ids))
            .order_by(RouteEvent.id)
        ).all()
        if ids
        else []
    )
    work: list[tuple[int, Team, dict[str, Any] | None, bool]] = []
    for event, conv, kind, source_settings in rows:
        team = cfg.team(event.route)
        if team is None or (
            live_only and not _is_live(conv.status, conv.last_message_at, conv.opened_at, now)
        ):
            continue
        slack = _slack_message(store, event, conv, team) if team.slack_webhook_url else None
        creds = source_settings or {}
        ct = bool(
            kind == "channeltalk"
            and team.channeltalk_team_id
            and creds.get("access_key")
            and creds.get("access_secret")
        )
        work.append((event.id, team, slack, ct))
    return work


def assign_channeltalk_task(store: Store, *, workspace_id: int, event_id: int) -> str:
    """Task ``routing_assign_channeltalk``: set the chat's team in Channel Talk.

    The client retries rate limits and server errors itself; the outcome (``assigned``
    or ``failed`` with the error) is recorded in the event's ``attributes["channeltalk"]``.
    An event already assigned is not sent again.

    Returns
    -------
    str
        ``assigned``, ``failed``, ``skipped`` (not configured) or ``done`` (assigned before).
    """
    from frontdoor.core.errors import FrontdoorError
    from frontdoor.integrations.channeltalk.api import API_BASE
    from frontdoor.integrations.channeltalk.assign import ChannelTalkTeamAssigner

    with store.session() as session:
        event = session.get(RouteEvent, event_id)
        if event is None or event.workspace_id != workspace_id:
            return "skipped"
        if (event.attributes or {}).get("channeltalk", {}).get("status") == "assigned":
            return "done"
        conv = session.get(Conversation, event.conversation_id)
        source = session.get(Source, conv.source_id) if conv is not None else None
        team = routing_config(session, workspace_id=workspace_id).team(event.route)
        creds = dict((source.settings or {}) if source is not None else {})
        if conv is None or source is None or team is None or not team.channeltalk_team_id:
            return "skipped"
        if source.kind != "channeltalk" or not creds.get("access_key") or not creds.get("access_secret"):
            return "skipped"
        chat_id, team_id = conv.external_id, team.channeltalk_team_id
    outcome: dict[str, Any] = {"team_id": team_id, "at": utcnow().isoformat()}
    try:
        with ChannelTalkTeamAssigner(
            access_key=str(creds["access_key"]),
            access_secret=str(creds["access_secret"]),
            base_url=str(creds.get("base_url") or API_BASE),
            max_retries=3,
            max_wait=30.0,
        ) as client:
            client.assign_team(chat_id, team_id)
        outcome["status"] = "assigned"
    except FrontdoorError as exc:
        outcome.update(status="failed", error=str(exc)[:300])
        log.warning("route %s: Channel Talk team assignment failed: %s", event_id, exc)
    with store.session() as session:
        event = session.get(RouteEvent, event_id)
        if event is not None:
            event.attributes = {**(event.attributes or {}), "channeltalk": outcome}
    return str(outcome["status"])
