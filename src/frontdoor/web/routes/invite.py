"""Accepting an invitation: the invitee sets a name and password, then is signed in."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from frontdoor.core.errors import ValidationError
from frontdoor.web.deps import CsrfChecked, SessionDep
from frontdoor.web.templating import render
from frontdoor.workspace.invitations import accept_invitation, find_invitation

router = APIRouter()


@router.get("/invite/{token}", include_in_schema=False)
def invite_page(request: Request, token: str, session: SessionDep) -> Response:
    """The form to join (404 page when the link is invalid, used or expired)."""
    invitation = find_invitation(session, token=token)
    return render(request, "invite.html", {"invitation": invitation, "token": token, "error": None})


@router.post("/invite/{token}", dependencies=[CsrfChecked])
def accept(
    request: Request,
    token: str,
    session: SessionDep,
    name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    language: Annotated[str, Form()] = "ko",
) -> Response:
    """Create the account, use up the link and sign in."""
    invitation = find_invitation(session, token=token)
    try:
        user = accept_invitation(session, token=token, name=name, password=password, language=language)
    except ValidationError as exc:
        session.rollback()
        return render(
            request,
            "invite.html",
            {"invitation": invitation, "token": token, "error": str(exc)},
            status_code=400,
        )
    request.session.clear()
    request.session["user_id"] = user.id
    request.session["workspace_id"] = user.workspace_id
    return RedirectResponse("/", status_code=303)
