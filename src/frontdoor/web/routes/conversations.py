"""Conversation list (filters, search, keyset pages) and detail (tags, quotes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.conversations.detail import get_conversation
from frontdoor.conversations.filters import ConversationFilters
from frontdoor.conversations.listing import filter_choices, list_conversations
from frontdoor.core.errors import ValidationError
from frontdoor.models import Account, Source, TagDimension
from frontdoor.tagging.taxonomy.views import active_tags, add_assignment, decide_assignment
from frontdoor.web.cache import stats_cache, tags_changed
from frontdoor.web.deps import CsrfChecked, CurrentUser, SessionDep
from frontdoor.web.templating import render
from frontdoor.workspace.permissions import Action, can

router = APIRouter()


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise ValidationError(f"date: {str(value)[:20]!r} is not YYYY-MM-DD") from None


def filters_from(params: dict[str, str]) -> ConversationFilters:
    """Build filters from query parameters (shared by the page and its links)."""
    return ConversationFilters(
        q=params.get("q", "")[:500],
        tag_id=_int(params.get("tag")),
        dimension_id=_int(params.get("dimension")),
        account_id=_int(params.get("account")),
        source_id=_int(params.get("source")),
        since=_date(params.get("since")),
        until=_date(params.get("until")),
        language=params.get("language") or None,
        route=params.get("route") or None,
        untagged=params.get("untagged") == "1",
        include_suggested=params.get("suggested") == "1",
        segment=params.get("segment", "")[:64] or None,
        plan=params.get("plan", "")[:64] or None,
    )


@dataclass(frozen=True)
class Option:
    """A filter menu entry: plain data, safe to cache between requests."""

    id: int
    path: str = ""
    name: str = ""
    key: str = ""
    name_ko: str = ""
    name_en: str = ""


def filter_menus(session: Session, *, workspace_id: int) -> dict[str, Any]:
    """The filter menus of the list page (tags, dimensions, sources, accounts, languages, routes)."""
    ws = workspace_id
    return {
        "tags": [Option(id=t.id, path=t.path) for t in active_tags(session, workspace_id=ws)],
        "dimensions": [
            Option(id=i, key=k, name_ko=ko, name_en=en)
            for i, k, ko, en in session.execute(
                select(TagDimension.id, TagDimension.key, TagDimension.name_ko, TagDimension.name_en)
                .where(TagDimension.workspace_id == ws)
                .order_by(TagDimension.position, TagDimension.key)
            )
        ],
        "sources": [
            Option(id=i, name=n)
            for i, n in session.execute(
                select(Source.id, Source.name).where(Source.workspace_id == ws).order_by(Source.name)
            )
        ],
        "accounts": [
            Option(id=i, name=n)
            for i, n in session.execute(
                select(Account.id, Account.name)
                .where(Account.workspace_id == ws)
                .order_by(Account.name)
                .limit(300)
            )
        ],
        "choices": filter_choices(session, workspace_id=ws),
    }


@router.get("/conversations", include_in_schema=False)
def conversation_list(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """The list with filters and search."""
    params = dict(request.query_params)
    filters = filters_from(params)
    page = list_conversations(
        session,
        workspace_id=user.workspace_id,
        filters=filters,
        cursor=params.get("cursor") or None,
        limit=50,
    )
    ws = user.workspace_id
    next_params = {k: v for k, v in params.items() if k != "cursor" and v}
    ctx = {
        "page": page,
        "params": params,
        "next_params": next_params,
        **stats_cache(request).get(ws, "menus", lambda: filter_menus(session, workspace_id=ws)),
    }
    return render(request, "conversations.html", ctx, user=user)


@router.get("/conversations/{conversation_id}", include_in_schema=False)
def conversation_detail(
    request: Request, conversation_id: int, session: SessionDep, user: CurrentUser
) -> Response:
    """Messages in order with their tags, suggestions and quotes."""
    detail = get_conversation(session, workspace_id=user.workspace_id, conversation_id=conversation_id)
    from frontdoor.web.routes.routing import route_panel

    ctx = {
        "d": detail,
        "tags": active_tags(session, workspace_id=user.workspace_id),
        "can_tag": can(user, Action.TAG),
        "routing": route_panel(session, user=user, conversation_id=conversation_id),
    }
    return render(request, "conversation.html", ctx, user=user)


@router.post("/conversations/{conversation_id}/assignments/{assignment_id}", dependencies=[CsrfChecked])
def decide(
    request: Request,
    conversation_id: int,
    assignment_id: int,
    session: SessionDep,
    user: CurrentUser,
    decision: Annotated[str, Form()],
    back: Annotated[str, Form()] = "",
) -> Response:
    """Confirm or reject one assignment (one click)."""
    decide_assignment(
        session,
        workspace_id=user.workspace_id,
        assignment_id=assignment_id,
        user=user,
        confirm=decision == "confirm",
    )
    tags_changed(request, user.workspace_id, session)
    target = "/taxonomy/review" if back == "review" else f"/conversations/{conversation_id}"
    return RedirectResponse(target, status_code=303)


@router.post("/conversations/{conversation_id}/tags", dependencies=[CsrfChecked])
def add_tag(
    request: Request,
    conversation_id: int,
    session: SessionDep,
    user: CurrentUser,
    tag_id: Annotated[int, Form()],
    message_id: Annotated[str, Form()] = "",
    start: Annotated[str, Form()] = "",
    end: Annotated[str, Form()] = "",
) -> Response:
    """Add a tag to the conversation, or to a quote when a message span is given."""
    mid, s, e = _int(message_id), _int(start), _int(end)
    add_assignment(
        session,
        workspace_id=user.workspace_id,
        conversation_id=conversation_id,
        tag_id=tag_id,
        user=user,
        message_id=mid,
        span=(s, e) if mid is not None and s is not None and e is not None else None,
    )
    tags_changed(request, user.workspace_id, session)
    return RedirectResponse(f"/conversations/{conversation_id}", status_code=303)
