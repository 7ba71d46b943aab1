"""Close the loop for a shipped roadmap item: /roadmap/{id}/loop (drafts, email, CSV, template)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from frontdoor.roadmap.close_loop import drafts, sending
from frontdoor.roadmap.close_loop.csv_export import export_csv
from frontdoor.roadmap.close_loop.templates import (
    MAX_BODY,
    MAX_SUBJECT,
    PLACEHOLDERS,
    loop_templates,
    set_template,
)
from frontdoor.roadmap.close_loop.view import loop_view
from frontdoor.web.deps import CsrfChecked, CurrentUser, SessionDep, get_store
from frontdoor.web.templating import render
from frontdoor.workspace.permissions import Action, can

router = APIRouter()

RESULTS = ("drafted", "sent", "exported", "template", "retried")


def _back(item_id: int, result: str, **counts: int) -> RedirectResponse:
    query = urlencode({"done": result, **{k: str(v) for k, v in counts.items()}})
    return RedirectResponse(f"/roadmap/{item_id}/loop?{query}", status_code=303)


@router.get("/roadmap/{item_id}/loop", include_in_schema=False)
def loop_page(request: Request, item_id: int, session: SessionDep, user: CurrentUser) -> Response:
    """Who asked for the item, their drafted messages, and who was told, how and when."""
    sending.sync_delivery(session, workspace_id=user.workspace_id, item_id=item_id)
    view = loop_view(session, workspace_id=user.workspace_id, item_id=item_id)
    from frontdoor.models import Workspace

    workspace = session.get(Workspace, user.workspace_id)
    assert workspace is not None
    done = request.query_params.get("done")
    counts = {k: int(v) for k, v in request.query_params.items() if k != "done" and v.isdigit()}
    return render(
        request,
        "loop.html",
        {
            "view": view,
            "templates": loop_templates(workspace),
            "placeholders": PLACEHOLDERS,
            "can_edit": can(user, Action.EDIT_ROADMAP),
            "done": done if done in RESULTS else None,
            "counts": counts,
            "sendable": sum(1 for r in view.rows if r.email and r.status == "drafted"),
        },
        user=user,
    )


@router.post("/roadmap/{item_id}/loop/ship", include_in_schema=False, dependencies=[CsrfChecked])
def ship(item_id: int, session: SessionDep, user: CurrentUser) -> Response:
    """Mark the item shipped and draft one message per contact who asked."""
    result = drafts.mark_shipped(session, workspace_id=user.workspace_id, item_id=item_id, user=user)
    return _back(item_id, "drafted", created=result.created, already=result.already)


@router.post("/roadmap/{item_id}/loop/draft", include_in_schema=False, dependencies=[CsrfChecked])
def draft(item_id: int, session: SessionDep, user: CurrentUser) -> Response:
    """Draft messages for contacts who asked since the last draft (nobody twice)."""
    from frontdoor.workspace.permissions import require

    require(user, Action.EDIT_ROADMAP)
    result = drafts.draft(session, workspace_id=user.workspace_id, item_id=item_id)
    return _back(item_id, "drafted", created=result.created, already=result.already)


@router.post("/roadmap/{item_id}/loop/send", include_in_schema=False, dependencies=[CsrfChecked])
def send(request: Request, item_id: int, user: CurrentUser) -> Response:
    """Email every drafted message not sent yet; a second click sends nothing new."""
    result = sending.send(get_store(request), workspace_id=user.workspace_id, item_id=item_id, user=user)
    return _back(
        item_id,
        "sent",
        queued=result.queued,
        already=result.already_told,
        without_email=result.without_email,
        failed=result.failed,
    )


@router.post("/roadmap/{item_id}/loop/retry", include_in_schema=False, dependencies=[CsrfChecked])
def retry(request: Request, item_id: int, user: CurrentUser) -> Response:
    """Try the failed emails once more, under the same keys (still at most one each)."""
    retried = sending.retry_failed(
        get_store(request), workspace_id=user.workspace_id, item_id=item_id, user=user
    )
    return _back(item_id, "retried", retried=retried)


@router.get("/roadmap/{item_id}/loop.csv", include_in_schema=False)
def export_plain(item_id: int, session: SessionDep, user: CurrentUser) -> Response:
    """Every drafted contact as CSV; records nothing."""
    text = export_csv(session, workspace_id=user.workspace_id, item_id=item_id)
    return _csv(item_id, text)


@router.post("/roadmap/{item_id}/loop/export", include_in_schema=False, dependencies=[CsrfChecked])
def export_marked(item_id: int, session: SessionDep, user: CurrentUser) -> Response:
    """CSV of every drafted contact; the ones not told yet are recorded as told by hand."""
    text = export_csv(session, workspace_id=user.workspace_id, item_id=item_id, mark_told=True, user=user)
    return _csv(item_id, text)


def _csv(item_id: int, text: str) -> Response:
    # A BOM so spreadsheet programs read Korean names as UTF-8.
    return Response(
        "\ufeff" + text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="roadmap-{item_id}-loop.csv"'},
    )


@router.post("/roadmap/{item_id}/loop/template", include_in_schema=False, dependencies=[CsrfChecked])
def template(
    item_id: int,
    session: SessionDep,
    user: CurrentUser,
    language: Annotated[str, Form(max_length=8)],
    subject: Annotated[str, Form(max_length=MAX_SUBJECT + 50)] = "",
    body: Annotated[str, Form(max_length=MAX_BODY + 500)] = "",
) -> Response:
    """Save the workspace's template for one language (drafts made from now on use it)."""
    set_template(
        session, workspace_id=user.workspace_id, user=user, language=language, subject=subject, body=body
    )
    return _back(item_id, "template")
