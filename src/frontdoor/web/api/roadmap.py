"""Roadmap API: the ranked board, an item's quotes, item editing, and the plain demand list.

Every number comes from the roadmap feature, so the API and the pages agree:
``GET /roadmap`` and ``GET /roadmap/demand`` use :mod:`frontdoor.roadmap.demand` (the
12-week demand window; the board adds priority terms), ``GET /roadmap/{id}/quotes``
:mod:`frontdoor.roadmap.quotes` (the customers' words).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from frontdoor.core.errors import PermissionDenied
from frontdoor.insights.statements import RowCache
from frontdoor.models import ApiToken, RoadmapItem, User
from frontdoor.roadmap.demand import item_demand, ranked_items
from frontdoor.roadmap.items import ItemInput, create_item, list_items, update_item
from frontdoor.roadmap.links import provider_of
from frontdoor.roadmap.quotes import item_quotes
from frontdoor.web.api.deps import ReadToken, WriteToken
from frontdoor.web.api.insights import AudienceFilters
from frontdoor.web.api.schemas import RoadmapDemand
from frontdoor.web.cache import tags_changed
from frontdoor.web.deps import SessionDep
from frontdoor.web.routes.insights import row_cache

router = APIRouter(tags=["roadmap"])


def roadmap_demand(
    session: Session, *, workspace_id: int, cache: RowCache | None = None
) -> list[RoadmapDemand]:
    """Each item's demand as the roadmap board counts it (:func:`frontdoor.roadmap.demand.item_demand`)."""
    items = list_items(session, workspace_id=workspace_id)
    window = item_demand(session, workspace_id=workspace_id, items=items, cache=cache)
    return [
        RoadmapDemand(
            id=i.id,
            title=i.title,
            status=str(i.status),
            tags=[t.path for t in i.tags],
            conversations=window.by_item[i.id].conversations,
            accounts=window.by_item[i.id].accounts,
        )
        for i in items
    ]


@router.get("/roadmap/demand", response_model=list[RoadmapDemand])
def demand(request: Request, session: SessionDep, token: ReadToken) -> list[RoadmapDemand]:
    """Demand per roadmap item over the board's 12 complete weeks, most recent items last."""
    ws = token.workspace_id
    return roadmap_demand(session, workspace_id=ws, cache=row_cache(request, ws))


class TermPublic(BaseModel):
    """One term of a priority score: its input value, weight and contribution."""

    key: str
    value: float
    weight: float
    contribution: float


class RankedItemPublic(BaseModel):
    """A board row: demand in the window, movement, and the score with its terms."""

    rank: int
    id: int
    title: str
    status: str
    external_url: str | None
    provider: str | None
    tags: list[str]
    conversations: int
    accounts: int
    arr: int
    trend: str
    recent: int
    expected: float
    strategic_weight: float
    demand: float
    trend_factor: float
    terms: list[TermPublic]
    score: float


class BoardPublic(BaseModel):
    """The ranked board and the window its demand was measured in."""

    window_start: dt.date
    recent_start: dt.date
    window_end: dt.date
    formula: str
    items: list[RankedItemPublic]


class QuotePublic(BaseModel):
    """A customer's words, verbatim (``truncated`` when cut at 2,000 characters)."""

    conversation_id: int
    message_id: int
    sent_at: dt.datetime
    text: str
    truncated: bool
    author_name: str


class AccountQuotesPublic(BaseModel):
    """The quotes of one account (``account_id`` null: conversations without an account)."""

    account_id: int | None
    name: str | None
    plan: str | None
    segment: str | None
    arr: int | None
    currency: str | None
    seats: int | None
    quotes: list[QuotePublic]


class QuotesPublic(BaseModel):
    """A page of quotes grouped by account, newest first; follow ``next_cursor``."""

    item_id: int
    conversations: int
    groups: list[AccountQuotesPublic]
    next_cursor: str | None


class RoadmapItemWrite(BaseModel):
    """An item as an editor sets it."""

    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=20_000)
    status: str = Field(default="idea", max_length=24)
    external_url: str = Field(default="", max_length=1000)
    strategic_weight: float = Field(default=1.0, ge=0, le=100)
    tag_ids: list[int] = Field(default_factory=list, max_length=200)


class RoadmapItemPublic(BaseModel):
    """An item as stored."""

    id: int
    title: str
    description: str
    status: str
    external_url: str | None
    provider: str | None
    strategic_weight: float
    tag_ids: list[int]
    shipped_at: dt.datetime | None


@router.get("/roadmap", response_model=BoardPublic)
def board(
    request: Request,
    session: SessionDep,
    token: ReadToken,
    filters: AudienceFilters,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> BoardPublic:
    """Items ranked by priority (highest first), each score with its terms."""
    from frontdoor.roadmap.priority import FORMULA

    b = ranked_items(
        session,
        workspace_id=token.workspace_id,
        filters=filters,
        cache=row_cache(request, token.workspace_id),
    )
    return BoardPublic(
        window_start=b.start,
        recent_start=b.recent_start,
        window_end=b.end,
        formula=FORMULA,
        items=[
            RankedItemPublic(
                rank=rank,
                id=r.item.id,
                title=r.item.title,
                status=str(r.item.status),
                external_url=r.item.external_url,
                provider=r.provider,
                tags=[t.path for t in r.item.tags],
                conversations=r.demand.conversations,
                accounts=r.demand.accounts,
                arr=r.demand.arr,
                trend=r.demand.movement.direction,
                recent=r.demand.movement.recent,
                expected=r.demand.movement.expected,
                strategic_weight=r.priority.strategic_weight,
                demand=r.priority.demand,
                trend_factor=r.priority.trend_factor,
                terms=[
                    TermPublic(key=t.key, value=t.value, weight=t.weight, contribution=t.contribution)
                    for t in r.priority.terms
                ],
                score=r.priority.score,
            )
            for rank, r in enumerate(b.items[:limit], start=1)
        ],
    )


@router.get("/roadmap/{item_id}/quotes", response_model=QuotesPublic)
def quotes(
    item_id: int,
    session: SessionDep,
    token: ReadToken,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> QuotesPublic:
    """The customers' own words behind an item, grouped by account, newest first."""
    page = item_quotes(session, workspace_id=token.workspace_id, item_id=item_id, cursor=cursor, limit=limit)
    return QuotesPublic(
        item_id=item_id,
        conversations=page.conversations,
        next_cursor=page.next_cursor,
        groups=[
            AccountQuotesPublic(
                account_id=g.account_id,
                name=g.name,
                plan=g.plan,
                segment=g.segment,
                arr=g.arr,
                currency=g.currency,
                seats=g.seats,
                quotes=[
                    QuotePublic(
                        conversation_id=q.conversation_id,
                        message_id=q.message_id,
                        sent_at=q.sent_at,
                        text=q.text,
                        truncated=q.truncated,
                        author_name=q.author_name,
                    )
                    for q in g.quotes
                ],
            )
            for g in page.groups
        ],
    )


def _editor(session: Session, token: ApiToken) -> User:
    user = session.get(User, token.user_id) if token.user_id else None
    if user is None or user.workspace_id != token.workspace_id:
        raise PermissionDenied("roadmap edits need a token of a product or admin user")
    return user


def _public(item: RoadmapItem) -> RoadmapItemPublic:
    return RoadmapItemPublic(
        id=item.id,
        title=item.title,
        description=item.description,
        status=str(item.status),
        external_url=item.external_url,
        provider=provider_of(item.external_url),
        strategic_weight=item.strategic_weight,
        tag_ids=sorted(t.id for t in item.tags),
        shipped_at=item.shipped_at,
    )


def _input(body: RoadmapItemWrite) -> ItemInput:
    return ItemInput(
        title=body.title,
        description=body.description,
        status=body.status,
        external_url=body.external_url,
        strategic_weight=body.strategic_weight,
        tag_ids=body.tag_ids,
    )


@router.post("/roadmap", response_model=RoadmapItemPublic, status_code=201)
def create(
    request: Request, body: RoadmapItemWrite, session: SessionDep, token: WriteToken
) -> RoadmapItemPublic:
    """Create an item (the token's user must be product or admin)."""
    item = create_item(session, user=_editor(session, token), data=_input(body))
    public = _public(item)
    tags_changed(request, token.workspace_id, session)
    return public


@router.put("/roadmap/{item_id}", response_model=RoadmapItemPublic)
def replace(
    item_id: int, body: RoadmapItemWrite, session: SessionDep, token: WriteToken
) -> RoadmapItemPublic:
    """Replace an item's fields and linked tags (product or admin user)."""
    item = update_item(session, user=_editor(session, token), item_id=item_id, data=_input(body))
    session.refresh(item)
    return _public(item)
