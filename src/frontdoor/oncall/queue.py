"""The on-call reading queue: the week's conversations in an engineer's product area.

Queue: conversations opened in the week that carry a confirmed tag at or under the
engineer's ``product_area`` (a tag path such as ``area/dashboard``, matched as a path
prefix within the product-area dimension, key ``area`` unless ``settings["oncall"]
["dimension"]`` says otherwise). Calls (``channel=call``: transcripts) are flagged and can
be listed alone. Reading one records a note (:mod:`frontdoor.oncall.notes`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Subquery, or_, select
from sqlalchemy.orm import Session

from frontdoor.db.base import utcnow
from frontdoor.insights.trends import zone
from frontdoor.models import (
    Account,
    AssignmentStatus,
    AuthorKind,
    Channel,
    Conversation,
    Message,
    OncallRead,
    Tag,
    TagAssignment,
    TagDimension,
    User,
)
from frontdoor.oncall.rotation import config_of, week_bounds, week_of, workspace_of

EXCERPT_CHARS = 300
#: Shorter customer messages (greetings) give way to the next one as a conversation's excerpt.
MIN_EXCERPT = 20
QUEUE_LIMIT = 300


def area_tag_ids(session: Session, workspace_id: int, dimension: str, area: str) -> list[int]:
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


def first_customer_texts(session: Session, conversation_ids: Sequence[int]) -> dict[int, str]:
    """Each conversation's first customer message that says something (calls open with "hello").

    Returns
    -------
    dict
        ``conversation id -> excerpt`` (whitespace folded, at most 300 characters); the
        first customer message stands in when none is 20 characters or longer.
    """
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
    ws = workspace_of(session, workspace_id)
    config = config_of(ws)
    tz = zone(ws.timezone)
    start_day = week_of(week or utcnow(), tz=tz, week_start=config.week_start)
    start, end = week_bounds(start_day, tz=tz)
    area = (area or viewer.product_area or "").strip() or None
    view = QueueView(week=start_day, start=start, end=end, area=area, items=[])
    if area is None:
        return view
    tag_ids = area_tag_ids(session, workspace_id, config.dimension, area)
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
    view.items = _items(
        session, workspace_id=workspace_id, viewer=viewer, rows=rows, tagged=tagged, unread_only=unread_only
    )
    return view


def _items(
    session: Session,
    *,
    workspace_id: int,
    viewer: User,
    rows: Sequence[Any],
    tagged: Subquery,
    unread_only: bool,
) -> list[QueueItem]:
    """The queue's rows with their area tags, excerpts, and read marks (the viewer's and others')."""
    ids = [c.id for c, _, _ in rows]
    paths: dict[int, set[str]] = {}
    for conv_id, path in session.execute(
        select(tagged.c.conversation_id, tagged.c.path).where(tagged.c.conversation_id.in_(ids))
    ):
        paths.setdefault(conv_id, set()).add(path)
    excerpts = first_customer_texts(session, ids)
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
    items: list[QueueItem] = []
    for conv, account_name, plan in rows:
        mine = reads.get(conv.id)
        if unread_only and mine is not None:
            continue
        items.append(
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
    return items
