"""Insights (tag trends, movers) and the roadmap (ranked board, item view, editing, export)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import partial
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.conversations.filters import ConversationFilters
from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.core.store import Store
from frontdoor.insights.movers import movers
from frontdoor.insights.statements import RowCache, Rows
from frontdoor.insights.tag_trends import dimension_trend, tag_trend
from frontdoor.insights.trends import PERIODS
from frontdoor.models import Account, RoadmapStatus, Source, Tag, TagDimension
from frontdoor.roadmap.demand import ranked_items
from frontdoor.roadmap.export import export_markdown
from frontdoor.roadmap.items import ItemInput, create_item, update_item
from frontdoor.roadmap.priority import FORMULA
from frontdoor.roadmap.quotes import item_quotes
from frontdoor.tagging.taxonomy.views import active_tags
from frontdoor.web.cache import stats_cache, tags_changed
from frontdoor.web.deps import CsrfChecked, CurrentUser, SessionDep, get_store
from frontdoor.web.routes.conversations import filters_from
from frontdoor.web.templating import render
from frontdoor.workspace.permissions import Action, can

router = APIRouter()

#: Query parameters of the insights page that are conversation-list filters.
LIST_PARAMS = ("since", "until", "source", "language", "segment", "plan", "suggested")


def _choices(session: Session, workspace_id: int) -> dict[str, Any]:
    def distinct(column: Any) -> list[str]:
        rows = session.scalars(
            select(column).where(Account.workspace_id == workspace_id, column.is_not(None)).distinct()
        )
        return sorted(v for v in rows if v)

    return {
        "tags": active_tags(session, workspace_id=workspace_id),
        "dimensions": list(
            session.scalars(
                select(TagDimension)
                .where(TagDimension.workspace_id == workspace_id)
                .order_by(TagDimension.position, TagDimension.key)
            )
        ),
        "sources": list(
            session.scalars(select(Source).where(Source.workspace_id == workspace_id).order_by(Source.name))
        ),
        "segments": distinct(Account.segment),
        "plans": distinct(Account.plan),
    }


def _on_own_session(store: Store, rerun: Callable[[Session], Rows]) -> Rows:
    with store.session() as own:
        return rerun(own)


def row_cache(request: Request, workspace_id: int) -> RowCache:
    """The app's per-workspace stats cache, as the aggregates take it.

    Fresh 60 s, dropped at once on this app's tag changes; a stale value is served while
    the statement is rerun on a session of its own in the background (see
    :mod:`frontdoor.web.cache` for the freshness contract).
    """
    cache = stats_cache(request)
    store = get_store(request)

    def cached(
        key: Hashable,
        compute: Callable[[], Rows],
        rerun: Callable[[Session], Rows] | None = None,
    ) -> Rows:
        refresh = None if rerun is None else partial(_on_own_session, store, rerun)
        return cache.get(workspace_id, key, compute, refresh)

    return cached


def _list_link(params: dict[str, str], **extra: Any) -> str:
    """The conversation list showing exactly what a count counted."""
    query = {k: params[k] for k in LIST_PARAMS if params.get(k)}
    query.update({k: str(v) for k, v in extra.items() if v is not None})
    return "/conversations?" + urlencode(query)


@router.get("/insights", include_in_schema=False)
def insights_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Volume of a tag, or of every tag of a dimension, over time; rising and falling tags."""
    ws = user.workspace_id
    params = {k: v[:200] for k, v in request.query_params.items()}
    period = params.get("period", "week")
    if period not in PERIODS:
        raise ValidationError(f"period: must be one of {', '.join(PERIODS)}")
    base = filters_from({k: params.get(k, "") for k in LIST_PARAMS})
    choices = _choices(session, ws)
    tag_id = int(params["tag"]) if params.get("tag", "").isdigit() else None
    dim_id = int(params["dimension"]) if params.get("dimension", "").isdigit() else None
    if dim_id is None and tag_id is None and choices["dimensions"]:
        dim_id = choices["dimensions"][0].id
    trend = dimension = None
    if tag_id is not None:
        trend = tag_trend(
            session, workspace_id=ws, tag_id=tag_id, period=period, filters=base, cache=row_cache(request, ws)
        )
    elif dim_id is not None:
        dimension = dimension_trend(
            session, workspace_id=ws, dimension_id=dim_id, period=period, filters=base
        )
    moving = movers(session, workspace_id=ws, filters=base, cache=row_cache(request, ws))
    ctx = {
        **choices,
        "params": params,
        "period": period,
        "periods": PERIODS,
        "trend": trend,
        "dimension": dimension,
        "movers": moving,
        "dim_id": dim_id,
        "tag_id": tag_id,
        "list_link": lambda **kw: _list_link(params, **kw),
    }
    return render(request, "insights.html", ctx, user=user)


def _tag_ids(raw: list[str]) -> list[int]:
    return [int(v) for v in raw if v.strip().isdigit()]


def _weight(raw: str) -> float:
    try:
        return float(raw.strip() or "1")
    except ValueError:
        raise ValidationError("strategic_weight: must be a number between 0 and 100") from None


@router.get("/roadmap", include_in_schema=False)
def roadmap_board(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Items ranked by priority, each term of the score shown."""
    ws = user.workspace_id
    params = {k: v[:200] for k, v in request.query_params.items()}
    filters = ConversationFilters(
        segment=params.get("segment") or None,
        plan=params.get("plan") or None,
        language=params.get("language") or None,
        source_id=int(params["source"]) if params.get("source", "").isdigit() else None,
    )
    board = ranked_items(session, workspace_id=ws, filters=filters, cache=row_cache(request, ws))
    can_edit = can(user, Action.EDIT_ROADMAP)
    ctx = {
        **_choices(session, ws),
        "board": board,
        "params": params,
        "formula": FORMULA,
        "can_edit": can_edit,
        "statuses": [s.value for s in RoadmapStatus],
    }
    return render(request, "roadmap.html", ctx, user=user)


@router.post("/roadmap", dependencies=[CsrfChecked])
async def create_roadmap_item(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    title: Annotated[str, Form(max_length=300)],
    description: Annotated[str, Form(max_length=20_000)] = "",
    status: Annotated[str, Form(max_length=24)] = "idea",
    external_url: Annotated[str, Form(max_length=1000)] = "",
    strategic_weight: Annotated[str, Form(max_length=20)] = "1",
) -> Response:
    """Create an item (product and admin roles)."""
    form = await request.form()
    data = ItemInput(
        title=title,
        description=description,
        status=status,
        external_url=external_url,
        strategic_weight=_weight(strategic_weight),
        tag_ids=_tag_ids([str(v) for v in form.getlist("tag_ids")]),
    )
    item = create_item(session, user=user, data=data)
    tags_changed(request, user.workspace_id, session)  # linked tags change the board's numbers
    return RedirectResponse(f"/roadmap/{item.id}", status_code=303)


@router.get("/roadmap/{item_id}", include_in_schema=False)
def roadmap_item(request: Request, item_id: int, session: SessionDep, user: CurrentUser) -> Response:
    """The engineer's view: demand, score terms, and the customers' own words by account."""
    ws = user.workspace_id
    cursor = request.query_params.get("cursor") or None
    quotes = item_quotes(session, workspace_id=ws, item_id=item_id, cursor=cursor)
    board = ranked_items(session, workspace_id=ws, cache=row_cache(request, ws))
    row = next((r for r in board.items if r.item.id == item_id), None)
    if row is None:  # deleted between the two reads (a bare next() would be a 500)
        raise NotFound(f"no roadmap item {item_id}")
    can_edit = can(user, Action.EDIT_ROADMAP)
    ctx = {
        "row": row,
        "quotes": quotes,
        "board": board,
        "formula": FORMULA,
        "can_edit": can_edit,
        "statuses": [s.value for s in RoadmapStatus],
        "tags": active_tags(session, workspace_id=ws) if can_edit else [],
        "linked": {t.id for t in row.item.tags},
    }
    return render(request, "roadmap_item.html", ctx, user=user)


@router.post("/roadmap/{item_id}", dependencies=[CsrfChecked])
async def update_roadmap_item(
    request: Request,
    item_id: int,
    session: SessionDep,
    user: CurrentUser,
    title: Annotated[str, Form(max_length=300)],
    description: Annotated[str, Form(max_length=20_000)] = "",
    status: Annotated[str, Form(max_length=24)] = "idea",
    external_url: Annotated[str, Form(max_length=1000)] = "",
    strategic_weight: Annotated[str, Form(max_length=20)] = "1",
) -> Response:
    """Edit an item and its linked tags (product and admin roles)."""
    form = await request.form()
    data = ItemInput(
        title=title,
        description=description,
        status=status,
        external_url=external_url,
        strategic_weight=_weight(strategic_weight),
        tag_ids=_tag_ids([str(v) for v in form.getlist("tag_ids")]),
    )
    update_item(session, user=user, item_id=item_id, data=data)
    tags_changed(request, user.workspace_id, session)
    return RedirectResponse(f"/roadmap/{item_id}", status_code=303)


@router.get("/roadmap/{item_id}/export.md", include_in_schema=False)
def roadmap_export(request: Request, item_id: int, session: SessionDep, user: CurrentUser) -> Response:
    """Download the item as Markdown (for a design doc or an issue)."""
    base_url = str(request.base_url).rstrip("/")
    text = export_markdown(session, workspace_id=user.workspace_id, item_id=item_id, base_url=base_url)
    return Response(
        text,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="roadmap-{item_id}.md"'},
    )


def tag_label(tag: Tag, lang: str) -> str:
    """A tag's display name with its path, for menus."""
    name = (tag.name_ko if lang == "ko" else tag.name_en) or tag.name_en or tag.name_ko
    return f"{name} ({tag.path})" if name else tag.path


__all__ = ["router", "tag_label"]
