"""Sign-in and sign-out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from frontdoor.core.errors import AuthenticationError
from frontdoor.web.deps import SessionDep
from frontdoor.web.security import csrf_valid
from frontdoor.web.templating import render
from frontdoor.workspace.users import authenticate

router = APIRouter()


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an absolute or protocol-relative URL would be an open redirect.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str | None = None) -> Response:
    """The sign-in form."""
    return render(request, "login.html", {"next": _safe_next(next), "error_key": None})


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1000)],
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check credentials, start a session and redirect."""
    if not csrf_valid(request.session, csrf):
        return render(
            request, "login.html", {"next": _safe_next(next), "error_key": "error.csrf"}, status_code=400
        )
    limiter = request.app.state.login_limiter
    client = request.client.host if request.client else "unknown"
    key = f"{client}|{email.strip().lower()}"
    if not limiter.hit(key):
        return render(
            request,
            "login.html",
            {"next": _safe_next(next), "error_key": "login.rate_limited"},
            status_code=429,
        )
    try:
        user = authenticate(session, email=email, password=password)
    except AuthenticationError:
        return render(
            request,
            "login.html",
            {"next": _safe_next(next), "error_key": "login.failed", "email": email},
            status_code=401,
        )
    limiter.reset(key)
    request.session.clear()  # a fresh session on sign-in prevents fixation
    request.session["user_id"] = user.id
    request.session["workspace_id"] = user.workspace_id
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", include_in_schema=False)
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    """End the session."""
    if csrf_valid(request.session, csrf):
        request.session.clear()
    return RedirectResponse("/login", status_code=303)
