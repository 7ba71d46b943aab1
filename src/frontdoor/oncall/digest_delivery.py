"""Sending the weekly on-call digest once, by email and/or Slack, and finding due ones.

One :class:`~frontdoor.models.OncallDigest` row per week is the claim that makes sending
it twice impossible; delivery goes through :func:`frontdoor.notifications.send.send_once`.
The workers' weekly sweep (:func:`due_digests`) queues last week's digest soon after each
week ends.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.core.store import Store
from frontdoor.db.base import utcnow
from frontdoor.insights.trends import zone
from frontdoor.models import DigestStatus, OncallDigest, User, Workspace
from frontdoor.oncall.digest import build_digest, digest_text, last_week
from frontdoor.oncall.rotation import OncallConfig, config_of, week_of, workspace_of

DIGEST_TASK = "send_oncall_digest"

log = logging.getLogger(__name__)


@dataclass
class DigestResult:
    """What :func:`send_digest` did."""

    week: dt.date
    created: bool
    channels: list[str]
    content: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"week": self.week.isoformat(), "created": self.created, "channels": self.channels}


def _recipients(session: Session, workspace_id: int, config: OncallConfig) -> list[str]:
    if config.email_to:
        return list(config.email_to)
    if not config.engineers:
        return []
    emails = session.scalars(
        select(User.email).where(
            User.workspace_id == workspace_id, User.id.in_(config.engineers), User.is_active
        )
    )
    return sorted({e for e in emails if e})


@dataclass
class _Plan:
    """A week's digest ready to hand over: its content, its recipients, whether this call claims it."""

    week: dt.date
    language: str
    emails: list[str]
    slack_webhook: str | None
    content: dict[str, Any]
    channels: list[str]
    claimed: bool


def send_digest(
    store: Store, *, workspace_id: int, week: dt.date | None = None, user: User | None = None
) -> DigestResult:
    """Send the week's digest by email and/or Slack, once per week.

    ``week`` is any day of the week to report (default: the last complete week). The
    first call claims the week with an ``oncall_digest`` row; any later call (or a
    concurrent one) finds the claim and sends nothing.

    Raises
    ------
    ValidationError
        Nobody to send it to (no rotation, no ``email_to``, no Slack webhook), or only
        email recipients while email is off (no ``FRONTDOOR_SMTP_URL``).
    """
    with store.session() as session:
        plan = _plan(store, session, workspace_id=workspace_id, week=week)
    if isinstance(plan, DigestResult):
        return plan
    if plan.claimed:
        lost = _claim(store, workspace_id=workspace_id, plan=plan, user=user)
        if lost is not None:
            return lost
    _hand_over(store, workspace_id=workspace_id, plan=plan)
    with store.session() as session:
        row = session.scalars(_digest_row(workspace_id, plan.week)).one()
        row.status = DigestStatus.SENT
        row.sent_at = utcnow()
        row.attempts = row.attempts + 1
    return DigestResult(week=plan.week, created=plan.claimed, channels=plan.channels, content=plan.content)


def _digest_row(workspace_id: int, week: dt.date) -> Select[OncallDigest]:
    return select(OncallDigest).where(
        OncallDigest.workspace_id == workspace_id, OncallDigest.week_start == week
    )


def _plan(store: Store, session: Session, *, workspace_id: int, week: dt.date | None) -> _Plan | DigestResult:
    """What to send for the week (or the result, when it was sent already)."""
    from frontdoor.integrations.outbound.email import SmtpConfig

    ws = workspace_of(session, workspace_id)
    config = config_of(ws)
    tz = zone(ws.timezone)
    if week is None:
        week = last_week(session, workspace_id)
    start_day = week_of(week, tz=tz, week_start=config.week_start)
    language = ws.default_language if ws.default_language in ("ko", "en") else "en"
    emails = _recipients(session, workspace_id, config)
    if not emails and not config.slack_webhook:
        raise ValidationError(
            "digest: nobody to send it to (set the rotation, oncall email_to or slack_webhook)"
        )
    if emails and not config.slack_webhook and SmtpConfig.from_settings(store.settings) is None:
        raise ValidationError("digest: email is off (set FRONTDOOR_SMTP_URL) and no Slack webhook is set")
    if SmtpConfig.from_settings(store.settings) is None:
        emails = []  # Slack only: email is off
    existing = session.scalars(_digest_row(workspace_id, start_day)).one_or_none()
    if existing is not None:
        if existing.status == DigestStatus.SENT:
            return DigestResult(
                week=start_day, created=False, channels=list(existing.channels), content=existing.content
            )
        # Claimed but not handed over (the sender stopped): hand over again under the same
        # keys, which send nothing that was already recorded.
        content, channels = existing.content, list(existing.channels)
    else:
        content = build_digest(session, workspace_id=workspace_id, week=start_day)
        channels = (["email"] if emails else []) + (["slack"] if config.slack_webhook else [])
    return _Plan(
        week=start_day,
        language=language,
        emails=emails,
        slack_webhook=config.slack_webhook,
        content=content,
        channels=channels,
        claimed=existing is None,
    )


def _claim(store: Store, *, workspace_id: int, plan: _Plan, user: User | None) -> DigestResult | None:
    """Claim the week with a ``sending`` row; the other sender's result when it claimed first."""
    try:
        with store.session() as session:
            session.add(
                OncallDigest(
                    workspace_id=workspace_id,
                    week_start=plan.week,
                    status=DigestStatus.SENDING,
                    content=plan.content,
                    channels=plan.channels,
                    attempts=0,
                    sent_by_id=user.id if user is not None else None,
                )
            )
    except IntegrityError:  # another sender claimed this week first
        with store.session() as session:
            row = session.scalars(_digest_row(workspace_id, plan.week)).one()
            return DigestResult(
                week=plan.week, created=False, channels=list(row.channels), content=row.content
            )
    return None


def _hand_over(store: Store, *, workspace_id: int, plan: _Plan) -> None:
    """Queue the email and Slack messages, each under its own once-only key."""
    from frontdoor.integrations.outbound import email_payload, slack_payload
    from frontdoor.notifications.send import send_once

    subject, text = digest_text(plan.content, plan.language)
    key = f"oncall-digest:{plan.week.isoformat()}"
    if plan.emails:
        send_once(
            store,
            workspace_id=workspace_id,
            key=f"{key}:email",
            channel="email",
            target=", ".join(plan.emails),
            payload=email_payload(subject=subject, text=text),
        )
    if plan.slack_webhook:
        send_once(
            store,
            workspace_id=workspace_id,
            key=f"{key}:slack",
            channel="slack",
            target=plan.slack_webhook,
            payload=slack_payload(text[:3000]),
        )


# ---------------------------------------------------------------------- weekly sweep


def due_digests(store: Store) -> list[tuple[str, dict[str, Any]]]:
    """Workspaces whose last complete week has no digest yet and that can send one.

    The periodic sweep ``oncall_digests`` (registered by :mod:`frontdoor.bootstrap`), so
    the digest goes out soon after each week ends. A workspace opts out with
    ``settings["oncall"]["auto_digest"] = false``; one without a rotation, recipients or
    a way to send (SMTP or a Slack webhook) is skipped.
    """
    from frontdoor.integrations.outbound.email import SmtpConfig

    email_on = SmtpConfig.from_settings(store.settings) is not None
    due: list[tuple[str, dict[str, Any]]] = []
    try:
        with store.session() as session:
            for ws in session.scalars(select(Workspace).order_by(Workspace.id)):
                if not isinstance((ws.settings or {}).get("oncall"), dict):
                    continue
                try:
                    config = config_of(ws)
                except ValidationError:
                    continue
                if not config.auto_digest:
                    continue
                has_email = bool(config.email_to or config.engineers) and email_on
                if not has_email and not config.slack_webhook:
                    continue
                week = last_week(session, ws.id)
                sent = session.scalar(
                    select(OncallDigest.id).where(
                        OncallDigest.workspace_id == ws.id, OncallDigest.week_start == week
                    )
                )
                if sent is None:
                    due.append((DIGEST_TASK, {"workspace_id": ws.id}))
    except Exception:  # the sweep serves other work too; never break it
        log.exception("looking for due on-call digests failed")
        return []
    return due


def send_digest_task(store: Store, *, workspace_id: int) -> str:
    """The ``send_oncall_digest`` task: last week's digest, once (``sent`` or ``skipped``)."""
    try:
        result = send_digest(store, workspace_id=workspace_id)
    except (ValidationError, NotFound) as exc:
        log.warning("on-call digest of workspace %s not sent: %s", workspace_id, exc)
        return "skipped"
    return "sent" if result.created else "skipped"
