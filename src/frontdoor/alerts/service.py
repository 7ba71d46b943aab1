"""Spike alerts: evaluate tags as conversations arrive, record an alert once, deliver it.

Flow: ingest commits a batch and emits ``ConversationsIngested``; tagging (subscribed
first) tags the new conversations; :func:`on_conversations_ingested` (subscribed after
it by :mod:`frontdoor.bootstrap`) evaluates only the tags those conversations
carry, with :mod:`frontdoor.alerts.spikes`, at the current time. A spike becomes an
:class:`~frontdoor.models.Alert` row, unique per tag and window (the window's start is
aligned to the hour) and held back for ``cooldown_hours`` after the tag's previous alert;
then it is delivered once to Slack and by email through
:func:`frontdoor.notifications.send.send_once` (keys ``alert:<id>:slack`` and
``alert:<id>:email``).

Per-workspace settings live in ``Workspace.settings["alerts"]``::

    {"enabled": true, "slack_webhook_url": "https://hooks.slack.com/...",
     "email": ["oncall@example.com"], "cooldown_hours": 24,
     "alpha": 0.001, "min_count": 5, "min_increase": 3, "min_ratio": 2,
     "window_hours": 24, "baseline_weeks": 8, "min_history_weeks": 3}

What is counted: conversations (by opened time) with a conversation-level assignment of
the tag that is confirmed, or suggested without needing a person's decision.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontdoor.alerts.spikes import Spike, Thresholds, evaluate, window_counts
from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.core.events import ConversationsIngested
from frontdoor.core.store import Store
from frontdoor.db.base import utcnow
from frontdoor.integrations.outbound.email import email_payload
from frontdoor.integrations.outbound.slack import slack_payload
from frontdoor.models import (
    Account,
    Alert,
    AlertStatus,
    AssignmentStatus,
    AuthorKind,
    Conversation,
    Message,
    Tag,
    TagAssignment,
    TagStatus,
    User,
    Workspace,
)
from frontdoor.workspace.permissions import Action, require

log = logging.getLogger(__name__)

__all__ = [
    "AlertSettings",
    "AlertView",
    "acknowledge_alert",
    "alert_settings",
    "check_tags",
    "deliver_alert",
    "list_alerts",
    "on_conversations_ingested",
    "update_alert_settings",
]

SETTINGS_KEY = "alerts"
MAX_EXAMPLES = 3
MAX_ACCOUNTS = 20
QUOTE_CHARS = 280


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


# --------------------------------------------------------------------- evaluation


def _tag_times(
    session: Session, *, workspace_id: int, tag_id: int, since: dt.datetime, until: dt.datetime
) -> list[dt.datetime]:
    rows = session.execute(
        select(Conversation.opened_at, TagAssignment.status, TagAssignment.attributes)
        .join(Conversation, Conversation.id == TagAssignment.conversation_id)
        .where(
            TagAssignment.workspace_id == workspace_id,
            TagAssignment.tag_id == tag_id,
            TagAssignment.scope == "",
            TagAssignment.status != AssignmentStatus.REJECTED,
            Conversation.opened_at >= since,
            Conversation.opened_at < until,
        )
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


def _examples(
    session: Session, *, workspace_id: int, tag_id: int, since: dt.datetime, until: dt.datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Up to three customer quotes (newest first) and the affected accounts."""
    convs = session.execute(
        select(Conversation.id, Conversation.account_id, Conversation.opened_at)
        .join(TagAssignment, TagAssignment.conversation_id == Conversation.id)
        .where(
            TagAssignment.workspace_id == workspace_id,
            TagAssignment.tag_id == tag_id,
            TagAssignment.scope == "",
            TagAssignment.status != AssignmentStatus.REJECTED,
            Conversation.opened_at >= since,
            Conversation.opened_at < until,
        )
        .order_by(Conversation.opened_at.desc(), Conversation.id.desc())
    ).all()
    examples: list[dict[str, Any]] = []
    for conv_id, _account, _opened in convs:
        if len(examples) >= MAX_EXAMPLES:
            break
        # A quote tagged with this tag says it best; otherwise the customer's first message.
        quote = session.execute(
            select(Message.text, TagAssignment.span_start, TagAssignment.span_end)
            .join(Message, Message.id == TagAssignment.message_id)
            .where(
                TagAssignment.conversation_id == conv_id,
                TagAssignment.tag_id == tag_id,
                TagAssignment.scope != "",
            )
            .limit(1)
        ).first()
        if quote is not None and quote[1] is not None and quote[2] is not None:
            text = quote[0][quote[1] : quote[2]]
        else:
            text = (
                session.scalar(
                    select(Message.text)
                    .where(
                        Message.conversation_id == conv_id,
                        Message.author_kind == AuthorKind.CUSTOMER,
                        Message.is_internal.is_(False),
                    )
                    .order_by(Message.sent_at, Message.id)
                    .limit(1)
                )
                or ""
            )
        text = " ".join(text.split())
        if text:
            cut = text[:QUOTE_CHARS] + ("…" if len(text) > QUOTE_CHARS else "")
            examples.append({"conversation_id": int(conv_id), "quote": cut})
    account_ids = list(dict.fromkeys(int(a) for _, a, _ in convs if a is not None))
    accounts: list[dict[str, Any]] = []
    if account_ids:
        rows = session.execute(
            select(Account.id, Account.name, Account.arr, Account.plan).where(Account.id.in_(account_ids))
        ).all()
        by_id = {int(r[0]): r for r in rows}
        ranked = sorted(account_ids, key=lambda a: (-int(by_id[a][2] or 0), a) if a in by_id else (0, a))
        for a in ranked[:MAX_ACCOUNTS]:
            if a in by_id:
                _, name, arr, plan = by_id[a]
                accounts.append({"account_id": a, "name": name, "arr": int(arr or 0), "plan": plan})
    return examples, accounts


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
    with store.session() as session:
        workspace = session.get(Workspace, workspace_id)
        if workspace is None:
            raise NotFound(f"no workspace {workspace_id}")
        config = alert_settings(workspace)
        if not config.enabled:
            return []
        t = config.thresholds
        window = dt.timedelta(hours=t.window_hours)
        query = select(Tag.id, Tag.path).where(
            Tag.workspace_id == workspace_id, Tag.status == TagStatus.ACTIVE
        )
        if tag_ids is not None:
            wanted = sorted(set(tag_ids))
            if not wanted:
                return []
            query = query.where(Tag.id.in_(wanted))
        tags = session.execute(query.order_by(Tag.path)).all()
        data_start = session.scalar(
            select(func.min(Conversation.opened_at)).where(Conversation.workspace_id == workspace_id)
        )
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
            examples, accounts = _examples(
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


# --------------------------------------------------------------------- delivery

_TEXT = {
    "ko": {
        "title": "급증 알림: {tag}",
        "numbers": "최근 {hours}시간 {observed}건 (평소 {expected:.1f}건, p={p})",
        "accounts": "영향 받은 고객사 {n}곳: {names}",
        "quotes": "고객의 말",
        "open": "frontdoor에서 보기",
    },
    "en": {
        "title": "Spike: {tag}",
        "numbers": "{observed} in the last {hours} h (usually {expected:.1f}, p={p})",
        "accounts": "{n} accounts affected: {names}",
        "quotes": "In the customers' words",
        "open": "Open in frontdoor",
    },
}


def _p(p: float) -> str:
    return f"{p:.1e}" if p < 0.001 else f"{p:.3f}"


def _slack_escape(text: str) -> str:
    # Slack mrkdwn treats &, < and > as control characters.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_alert(alert: Alert, *, tag: Tag, language: str, base_url: str) -> dict[str, Any]:
    """Subject, plain text, HTML and Slack payload of an alert in ``language`` (ko or en)."""
    s = _TEXT["en" if language == "en" else "ko"]
    name = (tag.name_en if language == "en" else tag.name_ko) or tag.path
    label = f"{name} ({tag.path})" if name != tag.path else tag.path
    # The recorded start is aligned down to the hour: the window is the whole hours in it.
    hours = max(1, int((alert.window_end - alert.window_start).total_seconds() // 3600))
    numbers = s["numbers"].format(
        hours=hours, observed=alert.observed, expected=alert.expected, p=_p(alert.p_value)
    )
    names = ", ".join(a["name"] for a in alert.accounts[:5]) + (" …" if len(alert.accounts) > 5 else "")
    accounts = s["accounts"].format(n=len(alert.accounts), names=names) if alert.accounts else ""
    link = f"{base_url.rstrip('/')}/alerts#alert-{alert.id}"
    title = s["title"].format(tag=label)
    quotes = [f"“{e['quote']}”" for e in alert.examples]
    text_lines = [title, numbers]
    if accounts:
        text_lines.append(accounts)
    if quotes:
        text_lines += ["", s["quotes"] + ":", *(f"- {q}" for q in quotes)]
    text_lines += ["", f"{s['open']}: {link}"]
    text = "\n".join(text_lines)
    esc = html.escape
    html_body = (
        f"<h2>{esc(title)}</h2><p>{esc(numbers)}</p>"
        + (f"<p>{esc(accounts)}</p>" if accounts else "")
        + (
            f"<h3>{esc(s['quotes'])}</h3><ul>" + "".join(f"<li>{esc(q)}</li>" for q in quotes) + "</ul>"
            if quotes
            else ""
        )
        + f'<p><a href="{esc(link, quote=True)}">{esc(s["open"])}</a></p>'
    )
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _slack_escape(numbers)}},
    ]
    if accounts:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _slack_escape(accounts)[:3000]}})
    if quotes:
        body = "\n".join(f"> {_slack_escape(q)}" for q in quotes)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": body[:3000]}})
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"<{link}|{s['open']}>"}})
    return {
        "subject": f"[frontdoor] {title}",
        "text": text,
        "html": html_body,
        "slack": slack_payload(f"{title}: {numbers}", blocks=blocks),
    }


def deliver_alert(store: Store, *, alert_id: int) -> list[int]:
    """Send an alert to the workspace's Slack webhook and email recipients, once each.

    Returns
    -------
    list of int
        Ids of the notifications (new or existing) for the alert.
    """
    from frontdoor.notifications.send import send_once

    with store.session() as session:
        alert = session.get(Alert, alert_id)
        if alert is None:
            raise NotFound(f"no alert {alert_id}")
        workspace = session.get_one(Workspace, alert.workspace_id)
        tag = session.get_one(Tag, alert.tag_id)
        config = alert_settings(workspace)
        rendered = render_alert(
            alert, tag=tag, language=workspace.default_language, base_url=store.settings.base_url
        )
        workspace_id = workspace.id
    sent: list[int] = []
    if config.slack_webhook_url:
        sent.append(
            send_once(
                store,
                workspace_id=workspace_id,
                key=f"alert:{alert_id}:slack",
                channel="slack",
                target=config.slack_webhook_url,
                payload=rendered["slack"],
            ).id
        )
    if config.email:
        sent.append(
            send_once(
                store,
                workspace_id=workspace_id,
                key=f"alert:{alert_id}:email",
                channel="email",
                target=", ".join(config.email),
                payload=email_payload(
                    subject=rendered["subject"], text=rendered["text"], html=rendered["html"]
                ),
            ).id
        )
    return sent


# --------------------------------------------------------------------- reading


@dataclass(frozen=True)
class AlertView:
    """An alert as pages and the CLI show it."""

    id: int
    tag_id: int
    tag_path: str
    tag_name_ko: str
    tag_name_en: str
    window_start: dt.datetime
    window_end: dt.datetime
    observed: int
    expected: float
    p_value: float
    examples: list[dict[str, Any]]
    accounts: list[dict[str, Any]]
    status: str
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None


def list_alerts(
    session: Session, *, workspace_id: int, status: str | None = None, limit: int = 100
) -> list[AlertView]:
    """The workspace's alerts, newest first.

    Raises
    ------
    ValidationError
        When ``status`` is not open or acknowledged.
    """
    query = (
        select(Alert, Tag.path, Tag.name_ko, Tag.name_en, User.name, User.email)
        .join(Tag, Tag.id == Alert.tag_id)
        .outerjoin(User, User.id == Alert.acknowledged_by)
        .where(Alert.workspace_id == workspace_id)
    )
    if status:
        try:
            query = query.where(Alert.status == AlertStatus(status))
        except ValueError:
            raise ValidationError("status must be open or acknowledged") from None
    rows = session.execute(
        query.order_by(Alert.window_end.desc(), Alert.id.desc()).limit(max(1, min(limit, 1000)))
    )
    return [
        AlertView(
            id=a.id,
            tag_id=a.tag_id,
            tag_path=path,
            tag_name_ko=name_ko,
            tag_name_en=name_en,
            window_start=a.window_start,
            window_end=a.window_end,
            observed=a.observed,
            expected=a.expected,
            p_value=a.p_value,
            examples=list(a.examples or []),
            accounts=list(a.accounts or []),
            status=a.status.value,
            created_at=a.created_at,
            acknowledged_at=a.acknowledged_at,
            acknowledged_by=(user_name or user_email) if (user_name or user_email) else None,
        )
        for a, path, name_ko, name_en, user_name, user_email in rows
    ]


def acknowledge_alert(session: Session, *, workspace_id: int, alert_id: int, actor: User) -> bool:
    """Mark an alert acknowledged by ``actor``; ``False`` when it already was.

    Raises
    ------
    NotFound
        When the workspace has no such alert.
    """
    require(actor, Action.READ)
    alert = session.get(Alert, alert_id)
    if alert is None or alert.workspace_id != workspace_id:
        raise NotFound(f"no alert {alert_id}")
    if alert.status is AlertStatus.ACKNOWLEDGED:
        return False
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_at = utcnow()
    alert.acknowledged_by = actor.id
    session.flush()
    return True
