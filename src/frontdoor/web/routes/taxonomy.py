"""Taxonomy: the tree with counts and sparklines, tag editing, the review queue, themes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from frontdoor.core.errors import ValidationError
from frontdoor.tagging.review import review_queue
from frontdoor.tagging.taxonomy.views import (
    active_tags,
    edit_tag,
    move_or_merge,
    sparkline_points,
    tag_stats,
    tag_tree,
)
from frontdoor.tagging.theme_discovery import list_themes
from frontdoor.web.cache import stats_cache, tags_changed
from frontdoor.web.deps import CsrfChecked, CurrentUser, SessionDep
from frontdoor.web.templating import render
from frontdoor.workspace.permissions import Action, can

router = APIRouter()


@router.get("/taxonomy", include_in_schema=False)
def taxonomy(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Every dimension's tags with counts and a 12-week trend."""
    ws = user.workspace_id
    stats = stats_cache(request).get(ws, "tag_stats", lambda: tag_stats(session, workspace_id=ws))
    trees = tag_tree(session, workspace_id=ws, stats=stats)
    can_edit = can(user, Action.EDIT_TAXONOMY)
    ctx = {
        "trees": trees,
        "spark": sparkline_points,
        "can_edit": can_edit,
        "all_tags": active_tags(session, workspace_id=user.workspace_id) if can_edit else [],
    }
    return render(request, "taxonomy.html", ctx, user=user)


@router.post("/taxonomy/tags/{tag_id}", dependencies=[CsrfChecked])
def update_tag(
    request: Request,
    tag_id: int,
    session: SessionDep,
    user: CurrentUser,
    name_ko: Annotated[str, Form(max_length=200)] = "",
    name_en: Annotated[str, Form(max_length=200)] = "",
    description: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Rename a tag or change its description."""
    edit_tag(
        session,
        workspace_id=user.workspace_id,
        tag_id=tag_id,
        user=user,
        name_ko=name_ko,
        name_en=name_en,
        description=description,
    )
    tags_changed(request, user.workspace_id, session)
    return RedirectResponse("/taxonomy", status_code=303)


@router.post("/taxonomy/move", dependencies=[CsrfChecked])
def move_tag(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    tag_id: Annotated[int, Form()],
    action: Annotated[str, Form()] = "move",
    parent_id: Annotated[str, Form()] = "",
    merge_into_id: Annotated[str, Form()] = "",
) -> Response:
    """Move a tag under another (or to the top level), or merge it into another."""
    if action == "merge" and not merge_into_id.isdigit():
        raise ValidationError("merge_into_id: choose the tag to merge into")
    move_or_merge(
        session,
        workspace_id=user.workspace_id,
        tag_id=tag_id,
        user=user,
        parent_id=int(parent_id) if parent_id.isdigit() else None,
        merge_into_id=int(merge_into_id) if action == "merge" else None,
    )
    tags_changed(request, user.workspace_id, session)
    return RedirectResponse("/taxonomy", status_code=303)


@router.get("/taxonomy/review", include_in_schema=False)
def review(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Suggestions waiting for a human decision."""
    # The same order as `frontdoor tags review`: the answers that teach the tagger most first.
    queue = review_queue(session, workspace_id=user.workspace_id, limit=50)
    ctx = {"queue": queue, "can_tag": can(user, Action.TAG)}
    return render(request, "review.html", ctx, user=user)


@router.get("/taxonomy/themes", include_in_schema=False)
def themes(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Emerging themes found in untagged conversations."""
    proposals = list_themes(session, workspace_id=user.workspace_id)
    return render(request, "themes.html", {"themes": proposals}, user=user)
