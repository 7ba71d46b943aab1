"""Roadmap items: editing, demand per item, the ranked board, and the customers' own words.

Demand for an item counts, over the last 12 complete weeks of the workspace's timezone,
the conversations carrying a confirmed assignment of any tag linked to the item or of
one of their descendants (the list's tag semantics, see :mod:`frontdoor.insights.counting`).
Its trend is the last 4 of those weeks against the 8 before. The priority score and its
formula are in :mod:`frontdoor.roadmap.priority`.

Quotes are customer messages (``author_kind = customer``, not internal notes) of those
conversations, verbatim; when a tag was put on a quote (a span of one message), the span
is the quote. Agent and bot text never appears.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import delete, exists, func, insert, select, tuple_
from sqlalchemy.orm import Session

from frontdoor.conversations.filters import ConversationFilters, filtered_query
from frontdoor.conversations.listing import decode_cursor, encode_cursor
from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.insights.counting import Totals, tag_closure
from frontdoor.insights.movers import window_counts
from frontdoor.insights.statements import RowCache
from frontdoor.insights.trends import Movement, compare_to_baseline, local_midnight_utc
from frontdoor.insights.windows import (
    BASELINE_WEEKS,
    RECENT_WEEKS,
    local_today,
    recent_windows,
    workspace_zone,
)
from frontdoor.models import (
    Account,
    AssignmentStatus,
    AuthorKind,
    Contact,
    Conversation,
    Message,
    RoadmapItem,
    RoadmapStatus,
    Tag,
    TagAssignment,
    User,
    roadmap_item_tag,
)
from frontdoor.roadmap.priority import PriorityScore, priority_score
from frontdoor.workspace.permissions import Action, require

MAX_TITLE = 300
MAX_DESCRIPTION = 20_000
MAX_WEIGHT = 100.0
#: A quote longer than this is cut (with "…"): the page and the export stay readable.
QUOTE_CHARS = 2000
MAX_QUOTE_CONVERSATIONS = 200

_GITHUB = re.compile(r"^/[\w.-]+/[\w.-]+/(issues|pull|discussions)/\d+/?$")
_LINEAR = re.compile(r"^/[\w-]+/issue/[A-Za-z][A-Za-z0-9]*-\d+(/[\w-]*)?/?$")
_JIRA = re.compile(r"^(/jira)?/browse/[A-Z][A-Z0-9_]+-\d+/?$")


@dataclass(frozen=True)
class ExternalLink:
    """A validated issue URL and the tracker it belongs to."""

    url: str
    provider: str  # "github", "linear" or "jira"


def parse_external_url(url: str) -> ExternalLink:
    """Check that ``url`` is an https issue link of GitHub, Linear or Jira.

    Accepted: ``https://github.com/<owner>/<repo>/issues/<n>`` (or ``pull``,
    ``discussions``), ``https://linear.app/<team>/issue/<KEY-n>[/slug]`` and
    ``https://<host>/browse/<KEY-n>`` (Jira Cloud on ``*.atlassian.net`` or self-hosted).

    Raises
    ------
    ValidationError
        Anything else (other schemes, hosts or paths, credentials in the URL).

    Examples
    --------
    >>> parse_external_url("https://linear.app/acme/issue/ENG-42/faster-export").provider
    'linear'
    """
    value = url.strip()
    if len(value) > 1000:
        raise ValidationError("external_url: at most 1000 characters")
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host or parts.username or parts.password:
        raise ValidationError("external_url: must be an https:// issue link (GitHub, Linear or Jira)")
    if host in {"github.com", "www.github.com"} and _GITHUB.match(parts.path):
        return ExternalLink(value, "github")
    if host == "linear.app" and _LINEAR.match(parts.path):
        return ExternalLink(value, "linear")
    if _JIRA.match(parts.path):
        return ExternalLink(value, "jira")
    raise ValidationError(
        "external_url: not a GitHub (github.com/owner/repo/issues/N), Linear "
        "(linear.app/team/issue/KEY-N) or Jira (…/browse/KEY-N) issue link"
    )


def provider_of(url: str | None) -> str | None:
    """The tracker of a stored URL, or ``None`` when there is none or it is not one we know."""
    if not url:
        return None
    try:
        return parse_external_url(url).provider
    except ValidationError:
        return None


@dataclass(frozen=True)
class ItemInput:
    """What an editor sets on an item."""

    title: str
    description: str = ""
    status: str = RoadmapStatus.IDEA.value
    external_url: str = ""
    strategic_weight: float = 1.0
    tag_ids: list[int] = field(default_factory=list)


def _clean(
    session: Session, workspace_id: int, data: ItemInput
) -> tuple[str, str | None, RoadmapStatus, list[Tag]]:
    title = data.title.strip()
    if not title or len(title) > MAX_TITLE:
        raise ValidationError(f"title: required, at most {MAX_TITLE} characters")
    if len(data.description) > MAX_DESCRIPTION:
        raise ValidationError(f"description: at most {MAX_DESCRIPTION} characters")
    try:
        status = RoadmapStatus(data.status)
    except ValueError:
        raise ValidationError(f"status: must be one of {', '.join(s.value for s in RoadmapStatus)}") from None
    if not 0.0 <= data.strategic_weight <= MAX_WEIGHT or data.strategic_weight != data.strategic_weight:
        raise ValidationError(f"strategic_weight: must be between 0 and {MAX_WEIGHT:g}")
    url = parse_external_url(data.external_url).url if data.external_url.strip() else None
    ids = sorted(set(data.tag_ids))
    tags = (
        list(session.scalars(select(Tag).where(Tag.workspace_id == workspace_id, Tag.id.in_(ids))))
        if ids
        else []
    )
    if len(tags) != len(ids):
        missing = sorted(set(ids) - {t.id for t in tags})
        raise NotFound(f"no tag {missing[0]}")
    return title, url, status, tags


def create_item(session: Session, *, user: User, data: ItemInput) -> RoadmapItem:
    """Create an item in the user's workspace (product and admin roles).

    Raises
    ------
    PermissionDenied
        The user's role may not edit the roadmap.
    ValidationError, NotFound
        Bad fields, or a tag id of another workspace.
    """
    require(user, Action.EDIT_ROADMAP)
    title, url, status, tags = _clean(session, user.workspace_id, data)
    item = RoadmapItem(
        workspace_id=user.workspace_id,
        title=title,
        description=data.description,
        status=status,
        external_url=url,
        strategic_weight=float(data.strategic_weight),
        shipped_at=dt.datetime.now(dt.UTC) if status == RoadmapStatus.SHIPPED else None,
    )
    item.tags = tags
    session.add(item)
    session.flush()
    _draft_loop(session, item)
    return item


def get_item(session: Session, *, workspace_id: int, item_id: int) -> RoadmapItem:
    """An item of this workspace.

    Raises
    ------
    NotFound
        No such item here (another workspace's id is not found either).
    """
    item = session.get(RoadmapItem, item_id)
    if item is None or item.workspace_id != workspace_id:
        raise NotFound(f"no roadmap item {item_id}")
    return item


def update_item(session: Session, *, user: User, item_id: int, data: ItemInput) -> RoadmapItem:
    """Replace an item's fields and linked tags (product and admin roles).

    ``shipped_at`` is set when the status becomes ``shipped`` and kept while it stays so.

    Raises
    ------
    PermissionDenied, ValidationError, NotFound
        As :func:`create_item`; also for an unknown item.
    """
    require(user, Action.EDIT_ROADMAP)
    item = get_item(session, workspace_id=user.workspace_id, item_id=item_id)
    title, url, status, tags = _clean(session, user.workspace_id, data)
    if status == RoadmapStatus.SHIPPED and item.shipped_at is None:
        item.shipped_at = dt.datetime.now(dt.UTC)
    elif status != RoadmapStatus.SHIPPED:
        item.shipped_at = None
    item.title, item.description, item.status = title, data.description, status
    item.external_url, item.strategic_weight = url, float(data.strategic_weight)
    session.execute(delete(roadmap_item_tag).where(roadmap_item_tag.c.roadmap_item_id == item.id))
    if tags:
        session.execute(
            insert(roadmap_item_tag), [{"roadmap_item_id": item.id, "tag_id": t.id} for t in tags]
        )
    session.flush()
    session.expire(item, ["tags"])
    _draft_loop(session, item)
    return item


def _draft_loop(session: Session, item: RoadmapItem) -> None:
    """Shipping drafts one close-the-loop message per contact who asked (nobody twice)."""
    if item.status == RoadmapStatus.SHIPPED:
        from frontdoor.roadmap.close_loop import draft

        draft(session, workspace_id=item.workspace_id, item_id=item.id)


@dataclass(frozen=True)
class Demand:
    """Measured demand of an item over the window, with its movement."""

    conversations: int
    accounts: int
    arr: int
    movement: Movement


@dataclass(frozen=True)
class RankedItem:
    """A row of the board."""

    item: RoadmapItem
    provider: str | None
    demand: Demand
    priority: PriorityScore


@dataclass(frozen=True)
class Board:
    """The ranked board and the window its demand was measured in."""

    items: list[RankedItem]
    start: dt.date
    recent_start: dt.date
    end: dt.date
    total_arr: int


def ranked_items(
    session: Session,
    *,
    workspace_id: int,
    filters: ConversationFilters | None = None,
    today: dt.date | None = None,
    cache: RowCache | None = None,
) -> Board:
    """Every item with its demand and priority, highest priority first (ties: title).

    Parameters
    ----------
    filters : ConversationFilters, optional
        Narrow the demand (segment, plan, source, language); dates are ignored, the
        window is the last 12 complete weeks before ``today``'s week.
    """
    tz = workspace_zone(session, workspace_id)
    today = today or local_today(tz)
    start, recent_start, end = recent_windows(tz, today)
    items = list(
        session.scalars(
            select(RoadmapItem).where(RoadmapItem.workspace_id == workspace_id).order_by(RoadmapItem.id)
        )
    )
    closure = tag_closure(workspace_id).subquery()
    key_tags = (
        select(roadmap_item_tag.c.roadmap_item_id, closure.c.tag_id)
        .join(closure, closure.c.ancestor_id == roadmap_item_tag.c.tag_id)
        .where(roadmap_item_tag.c.roadmap_item_id.in_([i.id for i in items]))
        .distinct()
    )
    counts = window_counts(
        session,
        workspace_id=workspace_id,
        key_tags=key_tags,
        filters=filters or ConversationFilters(),
        start=local_midnight_utc(start, tz),
        split=local_midnight_utc(recent_start, tz),
        end=local_midnight_utc(end, tz),
        cache=cache,
    )
    total_arr = int(
        session.scalar(
            select(func.coalesce(func.sum(Account.arr), 0)).where(Account.workspace_id == workspace_id)
        )
        or 0
    )
    ranked: list[RankedItem] = []
    for item in items:
        totals, baseline, recent = counts.get(item.id, (Totals(0, 0, 0), 0, 0))
        movement = compare_to_baseline(
            recent, baseline, recent_weeks=RECENT_WEEKS, baseline_weeks=BASELINE_WEEKS
        )
        demand = Demand(totals.conversations, totals.accounts, totals.arr, movement)
        score = priority_score(
            conversations=totals.conversations,
            accounts=totals.accounts,
            arr=totals.arr,
            total_arr=total_arr,
            direction=movement.direction,
            strategic_weight=item.strategic_weight,
        )
        ranked.append(RankedItem(item, provider_of(item.external_url), demand, score))
    ranked.sort(key=lambda r: (-r.priority.score, r.item.title, r.item.id))
    return Board(items=ranked, start=start, recent_start=recent_start, end=end, total_arr=total_arr)


@dataclass(frozen=True)
class Quote:
    """A customer's words, verbatim (cut at :data:`QUOTE_CHARS` with ``truncated`` set)."""

    conversation_id: int
    message_id: int
    sent_at: dt.datetime
    text: str
    truncated: bool
    author_name: str
    subject: str


@dataclass(frozen=True)
class AccountQuotes:
    """The quotes of one account (or of conversations without one), newest first."""

    account_id: int | None
    name: str | None
    plan: str | None
    segment: str | None
    arr: int | None
    currency: str | None
    seats: int | None
    latest: dt.datetime
    quotes: list[Quote]


@dataclass(frozen=True)
class ItemQuotes:
    """A page of an item's quotes grouped by account, and the cursor of the next page."""

    item: RoadmapItem
    groups: list[AccountQuotes]
    conversations: int
    next_cursor: str | None


def item_tag_ids(session: Session, *, workspace_id: int, item: RoadmapItem) -> list[int]:
    """The item's linked tags and all their descendants."""
    linked = [t.id for t in item.tags]
    if not linked:
        return []
    closure = tag_closure(workspace_id, linked).subquery()
    return sorted(set(session.scalars(select(closure.c.tag_id))))


def _cut(text: str) -> tuple[str, bool]:
    if len(text) > QUOTE_CHARS:
        return text[:QUOTE_CHARS] + "…", True
    return text, False


def item_quotes(
    session: Session,
    *,
    workspace_id: int,
    item_id: int,
    filters: ConversationFilters | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> ItemQuotes:
    """The customers' own words behind an item, grouped by account, newest first.

    Conversations are those the list shows for the item's tags (confirmed assignments of a
    linked tag or a descendant) and ``filters``, walked newest first by ``(opened_at, id)``
    in pages of ``limit`` (at most 200). Within a page, accounts are ordered by their
    newest conversation and quotes newest first.

    Raises
    ------
    NotFound
        Unknown item.
    ValidationError
        Bad cursor or limit.
    """
    if not 1 <= limit <= MAX_QUOTE_CONVERSATIONS:
        raise ValidationError(f"limit: must be between 1 and {MAX_QUOTE_CONVERSATIONS}")
    item = get_item(session, workspace_id=workspace_id, item_id=item_id)
    tag_ids = item_tag_ids(session, workspace_id=workspace_id, item=item)
    if not tag_ids:
        return ItemQuotes(item=item, groups=[], conversations=0, next_cursor=None)
    f = filters or ConversationFilters()
    statuses = [AssignmentStatus.CONFIRMED]
    if f.include_suggested:
        statuses.append(AssignmentStatus.SUGGESTED)
    query = (
        filtered_query(session, workspace_id=workspace_id, filters=f)
        .add_columns(Conversation.opened_at)
        .where(
            exists().where(
                TagAssignment.conversation_id == Conversation.id,
                TagAssignment.workspace_id == workspace_id,
                TagAssignment.tag_id.in_(tag_ids),
                TagAssignment.status.in_(statuses),
            )
        )
    )
    if cursor:
        opened_at, last_id = decode_cursor(cursor)
        query = query.where(tuple_(Conversation.opened_at, Conversation.id) < tuple_(opened_at, last_id))
    keys = list(
        session.execute(
            query.order_by(Conversation.opened_at.desc(), Conversation.id.desc()).limit(limit + 1)
        )
    )
    more = len(keys) > limit
    keys = keys[:limit]
    ids = [k[0] for k in keys]
    next_cursor = encode_cursor(keys[-1][1], keys[-1][0]) if more and keys else None
    if not ids:
        return ItemQuotes(item=item, groups=[], conversations=0, next_cursor=None)
    conversations = {
        c.id: (c, a)
        for c, a in session.execute(
            select(Conversation, Account)
            .outerjoin(Account, Account.id == Conversation.account_id)
            .where(Conversation.id.in_(ids))
        )
    }
    # A tag put on a quote (a span of one message) makes that span the quote.
    spans: dict[int, list[tuple[int | None, int | None, int | None]]] = defaultdict(list)
    for conversation_id, message_id, start, end in session.execute(
        select(
            TagAssignment.conversation_id,
            TagAssignment.message_id,
            TagAssignment.span_start,
            TagAssignment.span_end,
        )
        .where(
            TagAssignment.conversation_id.in_(ids),
            TagAssignment.tag_id.in_(tag_ids),
            TagAssignment.status.in_(statuses),
            TagAssignment.message_id.is_not(None),
        )
        .order_by(TagAssignment.id)
    ):
        spans[conversation_id].append((message_id, start, end))
    quotes: dict[int, list[Quote]] = defaultdict(list)
    for message, contact_name in session.execute(
        select(Message, Contact.name)
        .outerjoin(Contact, Contact.id == Message.contact_id)
        .where(
            Message.conversation_id.in_(ids),
            Message.workspace_id == workspace_id,
            Message.author_kind == AuthorKind.CUSTOMER,
            Message.is_internal.is_(False),
        )
        .order_by(Message.sent_at.desc(), Message.id.desc())
    ):
        chosen = spans.get(message.conversation_id)
        if chosen:
            pieces = [(s, e) for m, s, e in chosen if m == message.id]
            if not pieces:
                continue
            for s, e in pieces:
                text, cut = _cut(message.text[(s or 0) : e])
                quotes[message.conversation_id].append(
                    _quote(conversations[message.conversation_id][0], message, text, cut, contact_name)
                )
            continue
        text, cut = _cut(message.text)
        quotes[message.conversation_id].append(
            _quote(conversations[message.conversation_id][0], message, text, cut, contact_name)
        )
    groups: dict[int | None, AccountQuotes] = {}
    for conversation_id in ids:  # newest conversation first
        conversation, account = conversations[conversation_id]
        key = account.id if account else None
        if key not in groups:
            groups[key] = AccountQuotes(
                account_id=key,
                name=account.name if account else None,
                plan=account.plan if account else None,
                segment=account.segment if account else None,
                arr=account.arr if account else None,
                currency=account.currency if account else None,
                seats=account.seats if account else None,
                latest=conversation.opened_at,
                quotes=[],
            )
        groups[key].quotes.extend(quotes.get(conversation_id, []))
    for group in groups.values():
        group.quotes.sort(key=lambda q: (q.sent_at, q.message_id), reverse=True)
    return ItemQuotes(
        item=item, groups=list(groups.values()), conversations=len(ids), next_cursor=next_cursor
    )


def _quote(
    conversation: Conversation, message: Message, text: str, cut: bool, contact_name: str | None
) -> Quote:
    return Quote(
        conversation_id=conversation.id,
        message_id=message.id,
        sent_at=message.sent_at,
        text=text,
        truncated=cut,
        author_name=message.author_name or contact_name or "",
        subject=conversation.subject,
    )


__all__ = [
    "AccountQuotes",
    "Board",
    "Demand",
    "ExternalLink",
    "ItemInput",
    "ItemQuotes",
    "Quote",
    "RankedItem",
    "create_item",
    "get_item",
    "item_quotes",
    "item_tag_ids",
    "parse_external_url",
    "provider_of",
    "ranked_items",
    "update_item",
]
