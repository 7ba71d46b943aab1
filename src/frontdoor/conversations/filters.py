"""What a conversation filter means: one definition shared by the list, exports and insights.

:func:`filtered_query` turns :class:`ConversationFilters` into ``SELECT conversation.id``;
the insights aggregates rewrite the same filters onto tag facts with
:func:`audience_accounts` and :func:`counted_statuses`, so "42 conversations" on a chart
is the 42 rows the list shows.

Search is a substring match on message text, case-insensitive, after Unicode NFC. Korean
has no spaces between a stem and its particles (``환불이``, ``환불을``), so word-based
full-text search misses what a user typed; a substring does not. Each whitespace-separated
term must occur in at least one message of the conversation.

- PostgreSQL: ``ILIKE '%term%'`` served by the ``pg_trgm`` GIN index on ``message.text``
  (migration 0002) for terms of three or more characters; shorter terms are checked on the
  candidate rows the other filters and the keyset walk produce.
- SQLite: the same query with ``LIKE`` (embedded scale, no index needed).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session

from frontdoor.core.errors import NotFound
from frontdoor.models import Account, AssignmentStatus, Conversation, Message, Tag, TagAssignment

MAX_TERMS = 5
MAX_TERM_CHARS = 100


@dataclass(frozen=True)
class ConversationFilters:
    """What to list. Every field is optional; empty filters list everything.

    ``tag_id`` matches the tag and its descendants (by path), confirmed assignments only
    unless ``include_suggested``; ``untagged`` means no confirmed tag at all. ``segment``
    and ``plan`` match the conversation's account (conversations without one never match).
    """

    q: str = ""
    tag_id: int | None = None
    dimension_id: int | None = None
    account_id: int | None = None
    source_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    language: str | None = None
    route: str | None = None
    channel: str | None = None
    untagged: bool = False
    include_suggested: bool = False
    segment: str | None = None
    plan: str | None = None


def search_terms(q: str) -> list[str]:
    """Split a query into at most five NFC-normalized, bounded terms.

    Examples
    --------
    >>> search_terms("  환불   export ")
    ['환불', 'export']
    """
    q = unicodedata.normalize("NFC", q or "")
    terms = [t[:MAX_TERM_CHARS] for t in q.split() if t]
    return terms[:MAX_TERMS]


def _like_pattern(term: str) -> str:
    # Escape LIKE metacharacters so customer-typed % and _ match literally.
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def day_start(day: dt.date) -> dt.datetime:
    """The UTC instant ``day`` begins: the date filters are whole UTC days."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def counted_statuses(filters: ConversationFilters) -> list[AssignmentStatus]:
    """The assignment statuses that count as "tagged": confirmed, and suggested when asked."""
    out = [AssignmentStatus.CONFIRMED]
    if filters.include_suggested:
        out.append(AssignmentStatus.SUGGESTED)
    return out


def _tag_ids_under(session: Session, *, workspace_id: int, tag_id: int) -> list[int]:
    tag = session.get(Tag, tag_id)
    if tag is None or tag.workspace_id != workspace_id:
        raise NotFound(f"no tag {tag_id}")
    prefix = _like_pattern(tag.path + "/")[1:]  # "path/%" with path's metacharacters escaped
    ids = session.scalars(
        select(Tag.id).where(
            Tag.workspace_id == workspace_id,
            or_(Tag.id == tag_id, Tag.path.like(prefix, escape="\\")),
        )
    )
    return list(ids)


def audience_accounts(*, workspace_id: int, filters: ConversationFilters) -> Select[Any] | None:
    """``SELECT account.id`` of the accounts the segment and plan filters allow (None: no such filter).

    Shared by the list and the insights aggregates so both read the filters the same way.
    """
    if not (filters.segment or filters.plan):
        return None
    accounts = select(Account.id).where(Account.workspace_id == workspace_id)
    if filters.segment:
        accounts = accounts.where(Account.segment == filters.segment)
    if filters.plan:
        accounts = accounts.where(Account.plan == filters.plan)
    return accounts


def filtered_query(session: Session, *, workspace_id: int, filters: ConversationFilters) -> Select[Any]:
    """``SELECT conversation.id`` with every filter applied (no order, no limit).

    Exposed so exports and counts reuse exactly the list's semantics.
    """
    f = filters
    query = select(Conversation.id).where(Conversation.workspace_id == workspace_id)
    if f.account_id is not None:
        query = query.where(Conversation.account_id == f.account_id)
    if f.source_id is not None:
        query = query.where(Conversation.source_id == f.source_id)
    if f.language:
        query = query.where(Conversation.language == f.language)
    if f.route:
        query = query.where(Conversation.route == f.route)
    if f.channel:
        query = query.where(Conversation.channel == f.channel)
    accounts = audience_accounts(workspace_id=workspace_id, filters=f)
    if accounts is not None:
        query = query.where(Conversation.account_id.in_(accounts))
    if f.since is not None:
        query = query.where(Conversation.opened_at >= day_start(f.since))
    if f.until is not None:
        query = query.where(Conversation.opened_at < day_start(f.until + dt.timedelta(days=1)))
    statuses = counted_statuses(f)
    if f.tag_id is not None:
        tag_ids = _tag_ids_under(session, workspace_id=workspace_id, tag_id=f.tag_id)
        query = query.where(
            exists().where(
                TagAssignment.conversation_id == Conversation.id,
                TagAssignment.workspace_id == workspace_id,
                TagAssignment.tag_id.in_(tag_ids),
                TagAssignment.status.in_(statuses),
            )
        )
    if f.dimension_id is not None:
        query = query.where(
            exists().where(
                TagAssignment.conversation_id == Conversation.id,
                TagAssignment.status.in_(statuses),
                TagAssignment.tag_id.in_(
                    select(Tag.id).where(Tag.workspace_id == workspace_id, Tag.dimension_id == f.dimension_id)
                ),
            )
        )
    if f.untagged:
        query = query.where(
            ~exists().where(
                TagAssignment.conversation_id == Conversation.id,
                TagAssignment.status == AssignmentStatus.CONFIRMED,
            )
        )
    for term in search_terms(f.q):
        query = query.where(
            exists().where(
                Message.conversation_id == Conversation.id,
                Message.text.ilike(_like_pattern(term), escape="\\"),
            )
        )
    return query
