"""The weekly on-call digest: what it says (quotes per product area, rising tags) and its text.

Per product area, the week's top quotes (confirmed quote tags; accounts with the highest
ARR first, then newest; the first customer message stands in when a conversation has no
quote), and the tags rising that week against their previous eight weeks
(:func:`frontdoor.insights.trends.compare_to_baseline`, the same test the insights page
uses). Sending it once is :mod:`frontdoor.oncall.digest_delivery`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor.db.base import utcnow
from frontdoor.insights.trends import compare_to_baseline, local_midnight_utc, zone
from frontdoor.models import (
    Account,
    AssignmentStatus,
    Conversation,
    Message,
    Tag,
    TagAssignment,
    TagDimension,
    User,
)
from frontdoor.oncall.queue import EXCERPT_CHARS, area_tag_ids, first_customer_texts
from frontdoor.oncall.rotation import (
    OncallConfig,
    config_of,
    engineer_for,
    week_bounds,
    week_of,
    workspace_of,
)

DIGEST_QUOTES = 3
DIGEST_RISING = 10
#: The digest judges a tag's week against this many weeks before it.
DIGEST_BASELINE_WEEKS = 8


def _areas(session: Session, workspace_id: int, config: OncallConfig) -> list[str]:
    """Product areas of the workspace's members; else the dimension's top-level tags."""
    areas = sorted(
        {
            a.strip().rstrip("/")
            for a in session.scalars(
                select(User.product_area).where(
                    User.workspace_id == workspace_id, User.is_active, User.product_area.is_not(None)
                )
            )
            if a and a.strip()
        }
    )
    if areas:
        return areas
    return list(
        session.scalars(
            select(Tag.path)
            .join(TagDimension, TagDimension.id == Tag.dimension_id)
            .where(
                Tag.workspace_id == workspace_id,
                TagDimension.key == config.dimension,
                Tag.parent_id.is_(None),
            )
            .order_by(Tag.path)
        )
    )


def _quotes(
    session: Session, workspace_id: int, tag_ids: list[int], start: dt.datetime, end: dt.datetime, limit: int
) -> list[dict[str, Any]]:
    """Top quotes of the week: highest-ARR accounts first, then newest; excerpts fill in."""
    rows = session.execute(
        select(TagAssignment, Message, Conversation, Account.name, Account.arr)
        .join(Message, Message.id == TagAssignment.message_id)
        .join(Conversation, Conversation.id == TagAssignment.conversation_id)
        .outerjoin(Account, Account.id == Conversation.account_id)
        .where(
            TagAssignment.workspace_id == workspace_id,
            TagAssignment.status == AssignmentStatus.CONFIRMED,
            TagAssignment.tag_id.in_(tag_ids),
            TagAssignment.span_start.is_not(None),
            Conversation.opened_at >= start,
            Conversation.opened_at < end,
            Message.is_internal.is_(False),
        )
        .order_by(func.coalesce(Account.arr, 0).desc(), Message.sent_at.desc(), TagAssignment.id)
    ).all()
    out: list[dict[str, Any]] = []
    seen: set[int] = set()
    for a, msg, conv, account, arr in rows:
        if conv.id in seen:
            continue  # one quote per conversation keeps the digest varied
        text = (msg.text or "")[a.span_start : a.span_end]
        text = " ".join(text.split())[:EXCERPT_CHARS]
        if not text:
            continue
        seen.add(conv.id)
        out.append(
            {
                "conversation_id": conv.id,
                "account": account or "",
                "arr": int(arr or 0),
                "text": text,
                "kind": "quote",
            }
        )
        if len(out) >= limit:
            return out
    convs = session.execute(
        select(Conversation.id, Account.name, Account.arr)
        .outerjoin(Account, Account.id == Conversation.account_id)
        .where(
            Conversation.workspace_id == workspace_id,
            Conversation.opened_at >= start,
            Conversation.opened_at < end,
            Conversation.id.in_(
                select(TagAssignment.conversation_id).where(
                    TagAssignment.workspace_id == workspace_id,
                    TagAssignment.status == AssignmentStatus.CONFIRMED,
                    TagAssignment.tag_id.in_(tag_ids),
                )
            ),
            Conversation.id.not_in(seen) if seen else Conversation.id.is_not(None),
        )
        .order_by(func.coalesce(Account.arr, 0).desc(), Conversation.opened_at.desc(), Conversation.id.desc())
        .limit(limit - len(out))
    ).all()
    texts = first_customer_texts(session, [c for c, _, _ in convs])
    for conv_id, account, arr in convs:
        if texts.get(conv_id):
            out.append(
                {
                    "conversation_id": conv_id,
                    "account": account or "",
                    "arr": int(arr or 0),
                    "text": texts[conv_id],
                    "kind": "excerpt",
                }
            )
    return out


def _rising(session: Session, workspace_id: int, start_day: dt.date, tz: ZoneInfo) -> list[dict[str, Any]]:
    from frontdoor.conversations.filters import ConversationFilters
    from frontdoor.insights.counting import tag_closure
    from frontdoor.insights.movers import window_counts

    tags = {t.id: t for t in session.scalars(select(Tag).where(Tag.workspace_id == workspace_id))}
    if not tags:
        return []
    baseline_start = start_day - dt.timedelta(weeks=DIGEST_BASELINE_WEEKS)
    counts = window_counts(
        session,
        workspace_id=workspace_id,
        key_tags=tag_closure(workspace_id, list(tags)),
        filters=ConversationFilters(),
        start=local_midnight_utc(baseline_start, tz),
        split=local_midnight_utc(start_day, tz),
        end=local_midnight_utc(start_day + dt.timedelta(days=7), tz),
    )
    out: list[dict[str, Any]] = []
    for tag_id, (_, baseline, recent) in counts.items():
        m = compare_to_baseline(recent, baseline, recent_weeks=1, baseline_weeks=DIGEST_BASELINE_WEEKS)
        if m.direction == "rising":
            tag = tags[tag_id]
            out.append(
                {
                    "tag_id": tag_id,
                    "path": tag.path,
                    "name_ko": tag.name_ko,
                    "name_en": tag.name_en,
                    "week": recent,
                    "baseline": baseline,
                    "expected": round(m.expected, 2),
                    "z": round(m.z, 2),
                }
            )
    out.sort(key=lambda r: (-float(r["z"]), str(r["path"])))
    return out[:DIGEST_RISING]


def build_digest(session: Session, *, workspace_id: int, week: dt.date) -> dict[str, Any]:
    """The digest of the week holding ``week``: who was on call, quotes per area, rising tags.

    Returns
    -------
    dict
        JSON-ready: ``week`` (ISO date), ``engineer``, ``areas`` (``[{"area", "conversations",
        "quotes": [...]}]``) and ``rising`` (``[{"path", "week", "baseline", ...}]``).
    """
    ws = workspace_of(session, workspace_id)
    config = config_of(ws)
    tz = zone(ws.timezone)
    start_day = week_of(week, tz=tz, week_start=config.week_start)
    start, end = week_bounds(start_day, tz=tz)
    uid, _ = engineer_for(config, start_day)
    engineer = session.get(User, uid) if uid is not None else None
    areas = []
    for area in _areas(session, workspace_id, config):
        tag_ids = area_tag_ids(session, workspace_id, config.dimension, area)
        if not tag_ids:
            continue
        n = session.scalar(
            select(func.count(func.distinct(Conversation.id)))
            .join(TagAssignment, TagAssignment.conversation_id == Conversation.id)
            .where(
                Conversation.workspace_id == workspace_id,
                Conversation.opened_at >= start,
                Conversation.opened_at < end,
                TagAssignment.status == AssignmentStatus.CONFIRMED,
                TagAssignment.tag_id.in_(tag_ids),
            )
        )
        areas.append(
            {
                "area": area,
                "conversations": int(n or 0),
                "quotes": _quotes(session, workspace_id, tag_ids, start, end, DIGEST_QUOTES),
            }
        )
    return {
        "week": start_day.isoformat(),
        "workspace": ws.name,
        "engineer": (engineer.name or engineer.email) if engineer else None,
        "areas": areas,
        "rising": _rising(session, workspace_id, start_day, tz),
    }


def digest_text(content: dict[str, Any], language: str = "en") -> tuple[str, str]:
    """``(subject, plain text)`` of a digest in Korean or English."""
    ko = language == "ko"
    week = content["week"]
    subject = (
        f"[{content['workspace']}] 고객 온콜 주간 요약 {week}"
        if ko
        else f"[{content['workspace']}] Customer on-call digest, week of {week}"
    )
    lines = [subject, ""]
    if content.get("engineer"):
        lines.append(("이번 주 온콜: " if ko else "On call: ") + str(content["engineer"]))
        lines.append("")
    for area in content["areas"]:
        head = (
            f"{area['area']} — 대화 {area['conversations']}건"
            if ko
            else f"{area['area']} — {area['conversations']} conversations"
        )
        lines.append(head)
        for q in area["quotes"]:
            lines.append(f'  "{q["text"]}" — {q["account"] or "-"} (#{q["conversation_id"]})')
        if not area["quotes"]:
            lines.append("  (인용 없음)" if ko else "  (no quotes)")
        lines.append("")
    lines.append("급증한 태그" if ko else "Rising tags")
    for r in content["rising"]:
        lines.append(
            f"  {r['path']}: {r['week']} (지난 {DIGEST_BASELINE_WEEKS}주 {r['baseline']}건)"
            if ko
            else f"  {r['path']}: {r['week']} this week "
            f"({r['baseline']} in the {DIGEST_BASELINE_WEEKS} weeks before)"
        )
    if not content["rising"]:
        lines.append("  (없음)" if ko else "  (none)")
    return subject, "\n".join(lines)


def last_week(session: Session, workspace_id: int) -> dt.date:
    """The first day of the last complete week (the digest's default), in the workspace's timezone."""
    ws = workspace_of(session, workspace_id)
    config = config_of(ws)
    return week_of(utcnow(), tz=zone(ws.timezone), week_start=config.week_start) - dt.timedelta(weeks=1)


def preview_digest(
    session: Session, *, workspace_id: int, week: dt.date | None = None
) -> tuple[dict[str, Any], str]:
    """A week's digest (default: last week) and its text in the workspace's language; sends nothing."""
    ws = workspace_of(session, workspace_id)
    content = build_digest(session, workspace_id=workspace_id, week=week or last_week(session, workspace_id))
    language = ws.default_language if ws.default_language in ("ko", "en") else "en"
    return content, digest_text(content, language)[1]
