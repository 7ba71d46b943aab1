"""Customer on-call for engineers: a weekly rotation, a reading queue, notes, a weekly digest.

Rotation (``Workspace.settings["oncall"]``)::

    {"engineers": [user ids, in order], "week_start": "monday", "anchor": "2026-11-23",
     "overrides": {"2026-12-07": user id}, "email_to": ["team@x.kr"], "slack_webhook": "https://..."}

Weeks begin at local midnight of ``week_start`` in the workspace's timezone. The week
holding ``anchor`` belongs to the first engineer, the next to the second, and so on
around the list; an override (or a swap, which is two overrides) replaces the
engineer of one week.

Queue: conversations opened in the week that carry a confirmed tag at or under the
engineer's ``product_area`` (a tag path such as ``area/dashboard``, matched as a path
prefix within the product-area dimension, key ``area`` unless ``settings["oncall"]
["dimension"]`` says otherwise). Calls (``channel=call``: transcripts) are flagged and can
be listed alone. Reading one records an :class:`~frontdoor.models.OncallRead` with a note.

Digest: per product area, the week's top quotes (confirmed quote tags; accounts with
the highest ARR first, then newest; the first customer message stands in when a
conversation has no quote), and the tags rising that week against their previous eight
weeks (:func:`frontdoor.insights.trends.compare_to_baseline`, the same test the
insights page uses). One :class:`~frontdoor.models.OncallDigest` row per week is the
claim that makes sending it twice impossible; delivery goes through
:func:`frontdoor.notifications.send.send_once` (email and/or Slack).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.core.store import Store
from frontdoor.db.base import utcnow
from frontdoor.insights.trends import compare_to_baseline, local_midnight_utc, zone
from frontdoor.models import (
    Account,
    AssignmentStatus,
    AuthorKind,
    Channel,
    Conversation,
    DigestStatus,
    Message,
    OncallDigest,
    OncallRead,
    Tag,
    TagAssignment,
    TagDimension,
    User,
    Workspace,
)
from frontdoor.workspace.permissions import Action, require

__all__ = [
    "DIGEST_BASELINE_WEEKS",
    "WEEKDAYS",
    "DigestResult",
    "OncallConfig",
    "QueueItem",
    "QueueView",
    "Shift",
    "build_digest",
    "config_of",
    "digest_text",
    "due_digests",
    "engineer_for",
    "last_week",
    "mark_read",
    "preview_digest",
    "queue",
    "save_rotation",
    "schedule",
    "send_digest",
    "send_digest_task",
    "set_override",
    "swap_weeks",
    "week_bounds",
    "week_of",
]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_NOTE = 2000
EXCERPT_CHARS = 300
#: Shorter customer messages (greetings) give way to the next one as a conversation's excerpt.
MIN_EXCERPT = 20
QUEUE_LIMIT = 300
DIGEST_QUOTES = 3
DIGEST_RISING = 10
#: The digest judges a tag's week against this many weeks before it.
DIGEST_BASELINE_WEEKS = 8
DEFAULT_ANCHOR = dt.date(2026, 1, 5)  # a Monday; any fixed day works
DIGEST_TASK = "send_oncall_digest"

log = logging.getLogger(__name__)


# ------------------------------------------------------------------------- rotation


@dataclass(frozen=True)
class OncallConfig:
    """The rotation and digest settings of a workspace, checked."""

    engineers: tuple[int, ...] = ()
    week_start: int = 0  # 0 = Monday
    anchor: dt.date = DEFAULT_ANCHOR
    overrides: dict[dt.date, int] = field(default_factory=dict)
    email_to: tuple[str, ...] = ()
    slack_webhook: str | None = None
    dimension: str = "area"
    # Send last week's digest from the workers' sweep (else only when asked).
    auto_digest: bool = True

    def to_settings(self) -> dict[str, Any]:
        """The JSON form stored in ``Workspace.settings["oncall"]``."""
        out: dict[str, Any] = {
            "engineers": list(self.engineers),
            "week_start": WEEKDAYS[self.week_start],
            "anchor": self.anchor.isoformat(),
            "overrides": {d.isoformat(): u for d, u in sorted(self.overrides.items())},
            "email_to": list(self.email_to),
            "dimension": self.dimension,
            "auto_digest": self.auto_digest,
        }
        if self.slack_webhook:
            out["slack_webhook"] = self.slack_webhook
        return out


def _date(value: Any, name: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


def config_of(workspace: Workspace) -> OncallConfig:
    """The workspace's on-call settings (defaults where unset).

    Raises
    ------
    ValidationError
        A stored value is malformed (the message names it).
    """
    raw = (workspace.settings or {}).get("oncall") or {}
    if not isinstance(raw, dict):
        raise ValidationError("oncall settings must be an object")
    day = str(raw.get("week_start", "monday")).lower()
    if day not in WEEKDAYS:
        raise ValidationError(f"oncall.week_start: must be one of {', '.join(WEEKDAYS)}")
    overrides = {_date(k, "oncall.overrides"): int(v) for k, v in (raw.get("overrides") or {}).items()}
    return OncallConfig(
        engineers=tuple(int(u) for u in raw.get("engineers") or ()),
        week_start=WEEKDAYS.index(day),
        anchor=_date(raw.get("anchor", DEFAULT_ANCHOR), "oncall.anchor"),
        overrides=overrides,
        email_to=tuple(str(e) for e in raw.get("email_to") or ()),
        slack_webhook=str(raw["slack_webhook"]) if raw.get("slack_webhook") else None,
        dimension=str(raw.get("dimension") or "area"),
        auto_digest=raw.get("auto_digest") is not False,
    )


def _start_of_week(day: dt.date, week_start: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - week_start) % 7)


def week_of(when: dt.datetime | dt.date, *, tz: ZoneInfo, week_start: int = 0) -> dt.date:
    """The local first day of the week holding ``when``.

    Parameters
    ----------
    when : datetime or date
        An aware instant (converted to ``tz``) or a local date.
    tz : ZoneInfo
        The workspace's timezone.
    week_start : int
        0 for Monday ... 6 for Sunday.

    Examples
    --------
    >>> seoul = ZoneInfo("Asia/Seoul")
    >>> week_of(dt.datetime(2026, 11, 29, 16, 0, tzinfo=dt.UTC), tz=seoul)  # Mon 01:00 in Seoul
    datetime.date(2026, 11, 30)
    """
    if isinstance(when, dt.datetime):
        if when.tzinfo is None:
            raise ValidationError("week_of needs an aware datetime")
        day = when.astimezone(tz).date()
    else:
        day = when
    return _start_of_week(day, week_start)


def week_bounds(week: dt.date, *, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """``[start, end)`` of the local week beginning on ``week``, as UTC instants (DST-aware)."""
    return local_midnight_utc(week, tz), local_midnight_utc(week + dt.timedelta(days=7), tz)


def engineer_for(config: OncallConfig, week: dt.date) -> tuple[int | None, bool]:
    """``(user id, overridden)`` on call in the week starting ``week`` (``None`` if nobody)."""
    week = _start_of_week(week, config.week_start)
    if week in config.overrides:
        return config.overrides[week], True
    if not config.engineers:
        return None, False
    index = (week - _start_of_week(config.anchor, config.week_start)).days // 7
    return config.engineers[index % len(config.engineers)], False


@dataclass(frozen=True)
class Shift:
    """One week of the rotation."""

    week: dt.date
    user_id: int | None
    user_name: str
    product_area: str | None
    overridden: bool


def _workspace(session: Session, workspace_id: int) -> Workspace:
    ws = session.get(Workspace, workspace_id)
    if ws is None:
        raise NotFound(f"workspace {workspace_id}")
    return ws


def schedule(
    session: Session, *, workspace_id: int, start: dt.date | None = None, weeks: int = 8
) -> list[Shift]:
    """The rotation for ``weeks`` weeks from the week holding ``start`` (default: today)."""
    ws = _workspace(session, workspace_id)
    config = config_of(ws)
    tz = zone(ws.timezone)
    first = week_of(start or utcnow(), tz=tz, week_start=config.week_start)
    users = {u.id: u for u in session.scalars(select(User).where(User.workspace_id == workspace_id))}
    shifts = []
    for i in range(max(0, min(weeks, 104))):
        week = first + dt.timedelta(weeks=i)
        uid, overridden = engineer_for(config, week)
        u = users.get(uid) if uid is not None else None
        shifts.append(
            Shift(
                week=week,
                user_id=uid,
                user_name=(u.name or u.email) if u else "",
                product_area=u.product_area if u else None,
                overridden=overridden,
            )
        )
    return shifts


def _members(session: Session, workspace_id: int, ids: Sequence[int]) -> None:
    known = set(
        session.scalars(
            select(User.id).where(User.workspace_id == workspace_id, User.id.in_(list(ids)), User.is_active)
        )
    )
    missing = [str(i) for i in ids if i not in known]
    if missing:
        raise ValidationError(f"engineers: no active member with id {', '.join(missing)} in this workspace")


def _save(ws: Workspace, config: OncallConfig) -> None:
    settings = dict(ws.settings or {})
    settings["oncall"] = config.to_settings()
    ws.settings = settings  # reassigned: JSON columns only notice a new value


def save_rotation(
    session: Session,
    *,
    workspace_id: int,
    user: User | None,
    engineers: Sequence[int],
    week_start: str = "monday",
    anchor: dt.date | None = None,
    email_to: Sequence[str] | None = None,
    slack_webhook: str | None = None,
    auto_digest: bool = True,
) -> OncallConfig:
    """Set the ordered rotation (admins); the week holding ``anchor`` (default: this one) is the first's.

    ``user`` is ``None`` for the operator at the command line.

    Raises
    ------
    PermissionDenied
        Not an admin.
    ValidationError
        Unknown weekday, duplicate or unknown members, bad address or webhook.
    """
    if user is not None:
        require(user, Action.ADMIN)
    ws = _workspace(session, workspace_id)
    day = week_start.strip().lower()
    if day not in WEEKDAYS:
        raise ValidationError(f"week_start: must be one of {', '.join(WEEKDAYS)}")
    ids = [int(i) for i in engineers]
    if len(set(ids)) != len(ids):
        raise ValidationError("engineers: each member may appear once in the rotation")
    _members(session, workspace_id, ids)
    addresses = tuple(a.strip() for a in (email_to or ()) if a.strip())
    for a in addresses:
        if "@" not in a or len(a) > 320 or any(c in a for c in " ,;\r\n"):
            raise ValidationError(f"email_to: {a!r} is not one email address")
    hook = (slack_webhook or "").strip() or None
    if hook is not None and not hook.startswith(("https://", "http://")):
        raise ValidationError("slack_webhook: must be an incoming-webhook URL (https://...)")
    old = config_of(ws)
    tz = zone(ws.timezone)
    config = OncallConfig(
        engineers=tuple(ids),
        week_start=WEEKDAYS.index(day),
        anchor=week_of(anchor or utcnow(), tz=tz, week_start=WEEKDAYS.index(day)),
        overrides=old.overrides,
        email_to=addresses,
        slack_webhook=hook,
        dimension=old.dimension,
        auto_digest=auto_digest,
    )
    _save(ws, config)
    session.flush()
    return config


def set_override(
    session: Session, *, workspace_id: int, user: User | None, week: dt.date, engineer_id: int | None
) -> OncallConfig:
    """Put ``engineer_id`` on call for the week holding ``week`` (``None`` removes the override).

    Raises
    ------
    PermissionDenied
        Not allowed to keep on-call notes (the rotation's own members may trade weeks).
    ValidationError
        Unknown member.
    """
    if user is not None:
        require(user, Action.ONCALL_NOTES)
    ws = _workspace(session, workspace_id)
    config = config_of(ws)
    start = _start_of_week(week, config.week_start)
    overrides = dict(config.overrides)
    if engineer_id is None:
        overrides.pop(start, None)
    else:
        _members(session, workspace_id, [engineer_id])
        overrides[start] = engineer_id
    config = replace(config, overrides=overrides)
    _save(ws, config)
    session.flush()
    return config


def swap_weeks(
    session: Session, *, workspace_id: int, user: User, week_a: dt.date, week_b: dt.date
) -> OncallConfig:
    """Swap who is on call in two weeks (recorded as an override on each).

    Raises
    ------
    ValidationError
        One of the weeks has nobody on call.
    """
    require(user, Action.ONCALL_NOTES)
    ws = _workspace(session, workspace_id)
    config = config_of(ws)
    a = _start_of_week(week_a, config.week_start)
    b = _start_of_week(week_b, config.week_start)
    who_a, _ = engineer_for(config, a)
    who_b, _ = engineer_for(config, b)
    if who_a is None or who_b is None:
        raise ValidationError("swap: both weeks need someone on call (set the rotation first)")
    overrides = {**config.overrides, a: who_b, b: who_a}
    config = replace(config, overrides=overrides)
    _save(ws, config)
    session.flush()
    return config


# ---------------------------------------------------------------------------- queue


def _area_tag_ids(session: Session, workspace_id: int, dimension: str, area: str) -> list[int]:
    """Tags at or under ``area`` (a path prefix) in the product-area dimension."""
    area = area.strip().rstrip("/")
    if not area:
        return []
    return list(
        session.scalars(
            select(Tag.id)
            .join(TagDimension, TagDimension.id == Tag.dimension_id)
            .where(
                Tag.workspace_id == workspace_id,
                TagDimension.key == dimension,
                or_(Tag.path == area, Tag.path.startswith(area + "/", autoescape=True)),
            )
        )
    )


@dataclass
class QueueItem:
    """A conversation to read on call."""

    conversation_id: int
    subject: str
    channel: str
    is_call: bool
    opened_at: dt.datetime
    account_name: str
    plan: str | None
    tag_paths: list[str]
    excerpt: str
    read_at: dt.datetime | None = None
    note: str = ""
    others: list[tuple[str, str]] = field(default_factory=list)  # (reader, note)


@dataclass
class QueueView:
    """The on-call queue of one area and week."""

    week: dt.date
    start: dt.datetime
    end: dt.datetime
    area: str | None
    items: list[QueueItem]

    @property
    def unread(self) -> int:
        """Items the viewer has not marked read."""
        return sum(1 for i in self.items if i.read_at is None)

    @property
    def calls(self) -> int:
        """Call transcripts in the queue."""
        return sum(1 for i in self.items if i.is_call)


def _first_customer_texts(session: Session, conversation_ids: Sequence[int]) -> dict[int, str]:
    """Each conversation's first customer message that says something (calls open with "hello")."""
    if not conversation_ids:
        return {}
    out: dict[int, str] = {}
    fallback: dict[int, str] = {}
    for conv_id, text in session.execute(
        select(Message.conversation_id, Message.text)
        .where(
            Message.conversation_id.in_(list(conversation_ids)),
            Message.author_kind == AuthorKind.CUSTOMER,
            Message.is_internal.is_(False),
        )
        .order_by(Message.conversation_id, Message.sent_at, Message.id)
    ):
        if conv_id in out:
            continue
        flat = " ".join((text or "").split())[:EXCERPT_CHARS]
        fallback.setdefault(conv_id, flat)
        if len(flat) >= MIN_EXCERPT:
            out[conv_id] = flat
    return {c: out.get(c, t) for c, t in fallback.items()}


def queue(
    session: Session,
    *,
    workspace_id: int,
    viewer: User,
    week: dt.date | None = None,
    area: str | None = None,
    calls_only: bool = False,
    unread_only: bool = False,
) -> QueueView:
    """The week's conversations in ``area`` (default: the viewer's product area), newest first.

    Parameters
    ----------
    viewer : User
        Whose read marks and notes are shown as "mine".
    week : date, optional
        Any day of the week (default: this week).
    area : str, optional
        A tag path prefix such as ``area/dashboard``.

    Returns
    -------
    QueueView
        At most 300 items; an empty list when no area is known.
    """
    ws = _workspace(session, workspace_id)
    config = config_of(ws)
    tz = zone(ws.timezone)
    start_day = week_of(week or utcnow(), tz=tz, week_start=config.week_start)
    start, end = week_bounds(start_day, tz=tz)
    area = (area or viewer.product_area or "").strip() or None
    view = QueueView(week=start_day, start=start, end=end, area=area, items=[])
    if area is None:
        return view
    tag_ids = _area_tag_ids(session, workspace_id, config.dimension, area)
    if not tag_ids:
        return view
    tagged = (
        select(TagAssignment.conversation_id, Tag.path)
        .join(Tag, Tag.id == TagAssignment.tag_id)
        .where(
            TagAssignment.workspace_id == workspace_id,
            TagAssignment.status == AssignmentStatus.CONFIRMED,
            TagAssignment.tag_id.in_(tag_ids),
        )
        .subquery()
    )
    query = (
        select(Conversation, Account.name, Account.plan)
        .outerjoin(Account, Account.id == Conversation.account_id)
        .where(
            Conversation.workspace_id == workspace_id,
            Conversation.opened_at >= start,
            Conversation.opened_at < end,
            Conversation.id.in_(select(tagged.c.conversation_id)),
        )
        .order_by(Conversation.opened_at.desc(), Conversation.id.desc())
        .limit(QUEUE_LIMIT)
    )
    if calls_only:
        query = query.where(Conversation.channel == Channel.CALL)
    rows = session.execute(query).all()
    ids = [c.id for c, _, _ in rows]
    paths: dict[int, set[str]] = {}
    for conv_id, path in session.execute(
        select(tagged.c.conversation_id, tagged.c.path).where(tagged.c.conversation_id.in_(ids))
    ):
        paths.setdefault(conv_id, set()).add(path)
    excerpts = _first_customer_texts(session, ids)
    reads: dict[int, OncallRead] = {}
    others: dict[int, list[tuple[str, str]]] = {}
    for read, name, email in session.execute(
        select(OncallRead, User.name, User.email)
        .join(User, User.id == OncallRead.user_id)
        .where(OncallRead.workspace_id == workspace_id, OncallRead.conversation_id.in_(ids))
        .order_by(OncallRead.read_at)
    ):
        if read.user_id == viewer.id:
            reads[read.conversation_id] = read
        else:
            others.setdefault(read.conversation_id, []).append((name or email, read.note))
    for conv, account_name, plan in rows:
        mine = reads.get(conv.id)
        if unread_only and mine is not None:
            continue
        view.items.append(
            QueueItem(
                conversation_id=conv.id,
                subject=conv.subject,
                channel=str(conv.channel),
                is_call=conv.channel == Channel.CALL,
                opened_at=conv.opened_at,
                account_name=account_name or "",
                plan=plan,
                tag_paths=sorted(paths.get(conv.id, ())),
                excerpt=excerpts.get(conv.id, ""),
                read_at=mine.read_at if mine else None,
                note=mine.note if mine else "",
                others=others.get(conv.id, []),
            )
        )
    return view


def mark_read(
    session: Session, *, workspace_id: int, user: User, conversation_id: int, note: str = ""
) -> OncallRead:
    """Record that ``user`` read a conversation, with a note; again: the note is replaced.

    Raises
    ------
    PermissionDenied
        The role may not keep on-call notes.
    NotFound
        No such conversation in this workspace.
    ValidationError
        The note is longer than 2,000 characters.
    """
    require(user, Action.ONCALL_NOTES)
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise ValidationError(f"note: at most {MAX_NOTE} characters")
    conv = session.get(Conversation, conversation_id)
    if conv is None or conv.workspace_id != workspace_id:
        raise NotFound(f"conversation {conversation_id}")
    lookup = select(OncallRead).where(
        OncallRead.conversation_id == conversation_id, OncallRead.user_id == user.id
    )
    row = session.scalars(lookup).one_or_none()
    if row is None:
        row = OncallRead(
            workspace_id=workspace_id, conversation_id=conversation_id, user_id=user.id, note=note
        )
        try:
            with session.begin_nested():  # a double click races to the same key
                session.add(row)
        except IntegrityError:
            row = session.scalars(lookup).one()
            row.note = note
    else:
        row.note = note
    session.flush()
    return row


# --------------------------------------------------------------------------- digest


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
    texts = _first_customer_texts(session, [c for c, _, _ in convs])
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
    from frontdoor.conversations.listing import ConversationFilters
    from frontdoor.insights.aggregates import tag_closure, window_counts

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
    ws = _workspace(session, workspace_id)
    config = config_of(ws)
    tz = zone(ws.timezone)
    start_day = week_of(week, tz=tz, week_start=config.week_start)
    start, end = week_bounds(start_day, tz=tz)
    uid, _ = engineer_for(config, start_day)
    engineer = session.get(User, uid) if uid is not None else None
    areas = []
    for area in _areas(session, workspace_id, config):
        tag_ids = _area_tag_ids(session, workspace_id, config.dimension, area)
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
    ws = _workspace(session, workspace_id)
    config = config_of(ws)
    return week_of(utcnow(), tz=zone(ws.timezone), week_start=config.week_start) - dt.timedelta(weeks=1)


def preview_digest(
    session: Session, *, workspace_id: int, week: dt.date | None = None
) -> tuple[dict[str, Any], str]:
    """A week's digest (default: last week) and its text in the workspace's language; sends nothing."""
    ws = _workspace(session, workspace_id)
    content = build_digest(session, workspace_id=workspace_id, week=week or last_week(session, workspace_id))
    language = ws.default_language if ws.default_language in ("ko", "en") else "en"
    return content, digest_text(content, language)[1]


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
    from frontdoor.integrations.outbound import email_payload, slack_payload
    from frontdoor.integrations.outbound.email import SmtpConfig
    from frontdoor.notifications.send import send_once

    with store.session() as session:
        ws = _workspace(session, workspace_id)
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
        existing = session.scalars(
            select(OncallDigest).where(
                OncallDigest.workspace_id == workspace_id, OncallDigest.week_start == start_day
            )
        ).one_or_none()
        claimed = existing is None
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
    if claimed:
        try:
            with store.session() as session:
                session.add(
                    OncallDigest(
                        workspace_id=workspace_id,
                        week_start=start_day,
                        status=DigestStatus.SENDING,
                        content=content,
                        channels=channels,
                        attempts=0,
                        sent_by_id=user.id if user is not None else None,
                    )
                )
        except IntegrityError:  # another sender claimed this week first
            with store.session() as session:
                row = session.scalars(
                    select(OncallDigest).where(
                        OncallDigest.workspace_id == workspace_id, OncallDigest.week_start == start_day
                    )
                ).one()
                return DigestResult(
                    week=start_day, created=False, channels=list(row.channels), content=row.content
                )
    subject, text = digest_text(content, language)
    key = f"oncall-digest:{start_day.isoformat()}"
    if emails:
        send_once(
            store,
            workspace_id=workspace_id,
            key=f"{key}:email",
            channel="email",
            target=", ".join(emails),
            payload=email_payload(subject=subject, text=text),
        )
    if config.slack_webhook:
        send_once(
            store,
            workspace_id=workspace_id,
            key=f"{key}:slack",
            channel="slack",
            target=config.slack_webhook,
            payload=slack_payload(text[:3000]),
        )
    with store.session() as session:
        row = session.scalars(
            select(OncallDigest).where(
                OncallDigest.workspace_id == workspace_id, OncallDigest.week_start == start_day
            )
        ).one()
        row.status = DigestStatus.SENT
        row.sent_at = utcnow()
        row.attempts = row.attempts + 1
    return DigestResult(week=start_day, created=claimed, channels=channels, content=content)


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
