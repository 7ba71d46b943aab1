"""Spike alerts: evaluate tags as conversations arrive and record an alert once.

Flow: ingest commits a batch and emits ``ConversationsIngested``; tagging (subscribed
first) tags the new conversations; :func:`on_conversations_ingested` (subscribed after
it by :mod:`frontdoor.bootstrap`) evaluates only the tags those conversations
carry, with :mod:`frontdoor.alerts.spikes`, at the current time. A spike becomes an
:class:`~frontdoor.models.Alert` row, unique per tag and window (the window's start is
aligned to the hour) and held back for ``cooldown_hours`` after the tag's previous alert;
then it is delivered once to Slack and by email through
:func:`frontdoor.notifications.send.send_once` (keys ``alert:<id>:slack`` and
``alert:<id>:email``).

Settings are :mod:`frontdoor.alerts.settings`; the quotes and accounts an alert carries,
:mod:`frontdoor.alerts.examples`; rendering and sending, :mod:`frontdoor.alerts.delivery`;
the list pages read, :mod:`frontdoor.alerts.listing`.

What is counted: conversations (by opened time) with a conversation-level assignment of
the tag that is confirmed, or suggested without needing a person's decision.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontdoor.alerts.delivery import deliver_alert
from frontdoor.alerts.examples import alert_examples, tagged_in_window
from frontdoor.alerts.settings import AlertSettings, alert_settings
from frontdoor.alerts.spikes import Spike, evaluate, window_counts
from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.core.events import ConversationsIngested
from frontdoor.core.store import Store
from frontdoor.db.base import utcnow
from frontdoor.models import (
    Alert,
    AlertStatus,
    AssignmentStatus,
    Conversation,
    Tag,
    TagAssignment,
    TagStatus,
    Workspace,
)

log = logging.getLogger(__name__)


def _tag_times(
    session: Session, *, workspace_id: int, tag_id: int, since: dt.datetime, until: dt.datetime
) -> list[dt.datetime]:
    rows = session.execute(
        select(Conversation.opened_at, TagAssignment.status, TagAssignment.attributes)
        .join(Conversation, Conversation.id == TagAssignment.conversation_id)
        .where(*tagged_in_window(workspace_id, tag_id, since, until))
    ).all()
    times = [
        opened
        for opened, status, attrs in rows
        if status == AssignmentStatus.CONFIRMED or not (attrs or {}).get("needs_human")
    ]
    return sorted(times)


def _window_start(as_of: dt.datetime, window: dt.timedelta) -> dt.datetime:
    # Aligned to the hour so every evaluation within one hour shares the alert's key.
    return (as_of - window).replace(minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Evaluated:
    """One tag's verdict in :func:`check_tags` (``alert_id`` set when a new alert was recorded)."""

    tag_id: int
    path: str
    spike: Spike
    alert_id: int | None
    held_back: str = ""


def check_tags(
    store: Store,
    *,
    workspace_id: int,
    tag_ids: Iterable[int] | None = None,
    as_of: dt.datetime | None = None,
    deliver: bool = True,
) -> list[Evaluated]:
    """Evaluate tags now (or at ``as_of``), record new alerts and deliver them.

    Parameters
    ----------
    store : Store
        The store.
    workspace_id : int
        The workspace.
    tag_ids : iterable of int, optional
        Tags to evaluate; every active tag when not given.
    as_of : datetime, optional
        End of the window (aware); now by default. Past times replay history.
    deliver : bool
        Send new alerts to Slack and email (when configured).

    Returns
    -------
    list of Evaluated
        One per tag evaluated; ``alert_id`` is set for alerts recorded by this call.
    """
    as_of = as_of or utcnow()
    if as_of.tzinfo is None:
        raise ValidationError("as_of must be timezone-aware")
    found = _tags_to_check(store, workspace_id=workspace_id, tag_ids=tag_ids)
    if found is None:
        return []
    config, tags, data_start = found
    t = config.thresholds
    window = dt.timedelta(hours=t.window_hours)
    results: list[Evaluated] = []
    new_alerts: list[int] = []
    since = as_of - window - dt.timedelta(weeks=t.baseline_weeks)
    for tag_id, path in tags:
        with store.session() as session:
            times = _tag_times(session, workspace_id=workspace_id, tag_id=tag_id, since=since, until=as_of)
        observed, history = window_counts(
            times, as_of=as_of, window=window, weeks=t.baseline_weeks, data_start=data_start
        )
        spike = evaluate(observed, history, t)
        if not spike.fired:
            results.append(Evaluated(int(tag_id), path, spike, None))
            continue
        alert_id, held = _record(
            store,
            workspace_id=workspace_id,
            tag_id=int(tag_id),
            spike=spike,
            as_of=as_of,
            window=window,
            config=config,
        )
        results.append(Evaluated(int(tag_id), path, spike, alert_id, held))
        if alert_id is not None:
            new_alerts.append(alert_id)
    if deliver:
        for alert_id in new_alerts:
            try:
                deliver_alert(store, alert_id=alert_id)
            except Exception:  # the alert is recorded and shown; delivery can be retried
                log.exception("delivering alert %s failed", alert_id)
    return results


def _tags_to_check(
    store: Store, *, workspace_id: int, tag_ids: Iterable[int] | None
) -> tuple[AlertSettings, list[tuple[int, str]], dt.datetime | None] | None:
    """The settings, the active tags to evaluate ``(id, path)`` and when the data begins.

    ``None`` when alerts are off or there is nothing to evaluate.
    """
    with store.session() as session:
        workspace = session.get(Workspace, workspace_id)
        if workspace is None:
            raise NotFound(f"no workspace {workspace_id}")
        config = alert_settings(workspace)
        if not config.enabled:
            return None
        query = select(Tag.id, Tag.path).where(
            Tag.workspace_id == workspace_id, Tag.status == TagStatus.ACTIVE
        )
        if tag_ids is not None:
            wanted = sorted(set(tag_ids))
            if not wanted:
                return None
            query = query.where(Tag.id.in_(wanted))
        tags = [(int(tag_id), str(path)) for tag_id, path in session.execute(query.order_by(Tag.path))]
        data_start = session.scalar(
            select(func.min(Conversation.opened_at)).where(Conversation.workspace_id == workspace_id)
        )
    return config, tags, data_start


def _record(
    store: Store,
    *,
    workspace_id: int,
    tag_id: int,
    spike: Spike,
    as_of: dt.datetime,
    window: dt.timedelta,
    config: AlertSettings,
) -> tuple[int | None, str]:
    cooldown = dt.timedelta(hours=config.cooldown_hours)
    start = _window_start(as_of, window)
    try:
        with store.session() as session:
            recent = session.scalar(
                select(Alert.id)
                .where(
                    Alert.workspace_id == workspace_id,
                    Alert.tag_id == tag_id,
                    Alert.window_end > as_of - cooldown,
                    Alert.window_end < as_of + cooldown,
                )
                .limit(1)
            )
            if recent is not None:
                return None, "cool-down"
            examples, accounts = alert_examples(
                session, workspace_id=workspace_id, tag_id=tag_id, since=as_of - window, until=as_of
            )
            alert = Alert(
                workspace_id=workspace_id,
                tag_id=tag_id,
                window_start=start,
                window_end=as_of,
                observed=spike.observed,
                expected=round(spike.expected, 4),
                p_value=spike.p_value,
                examples=examples,
                accounts=accounts,
                status=AlertStatus.OPEN,
            )
            session.add(alert)
            session.flush()
            return int(alert.id), ""
    except IntegrityError:  # a concurrent ingest recorded this tag and window first
        return None, "already recorded"


def on_conversations_ingested(store: Store, event: ConversationsIngested) -> list[Evaluated]:
    """Evaluate the tags of newly ingested (and just tagged) conversations."""
    workspace_id, conversation_ids = event.workspace_id, event.conversation_ids
    if not conversation_ids:
        return []
    with store.session() as session:
        workspace = session.get(Workspace, workspace_id)
        if workspace is None:
            return []
        config = alert_settings(workspace)
        if not config.enabled:
            return []
        # Only conversations opened inside the current window can change it: a backfill of
        # old history evaluates nothing (and costs one query per batch).
        since = utcnow() - dt.timedelta(hours=config.thresholds.window_hours)
        tag_ids = set(
            session.scalars(
                select(TagAssignment.tag_id)
                .join(Conversation, Conversation.id == TagAssignment.conversation_id)
                .where(
                    TagAssignment.workspace_id == workspace_id,
                    TagAssignment.conversation_id.in_(list(conversation_ids)),
                    TagAssignment.status != AssignmentStatus.REJECTED,
                    Conversation.opened_at >= since,
                )
                .distinct()
            )
        )
    if not tag_ids:
        return []
    return check_tags(store, workspace_id=workspace_id, tag_ids=tag_ids)
