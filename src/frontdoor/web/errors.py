"""How errors become responses: JSON under ``/api/``, the error page everywhere else.

The exception tree is :mod:`frontdoor.core.errors`; this is its one HTTP mapping.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from frontdoor.core.errors import AuthenticationError, Conflict, NotFound, PermissionDenied, ValidationError
from frontdoor.web.deps import CsrfFailed, LoginRequired
from frontdoor.web.templating import render

__all__ = ["install_error_handlers"]

Handler = Callable[[Request, Exception], Awaitable[Response]]

# error -> (API status, page status, page message key)
_MAPPED: tuple[tuple[type[Exception], int, int, str], ...] = (
    (PermissionDenied, 403, 403, "error.forbidden"),
    (NotFound, 404, 404, "error.not_found"),
    (ValidationError, 422, 400, "error.invalid"),
    (Conflict, 409, 409, "error.conflict"),
)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _api_or_page(api_status: int, page_status: int, message_key: str) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=api_status)
        ctx = {"message_key": message_key, "detail": str(exc)}
        return render(request, "error.html", ctx, status_code=page_status)

    return handle


async def _login_required(request: Request, _exc: Exception) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": "authentication required"}, status_code=401)
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


async def _unauthenticated(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith(("/api/", "/hooks/")):
        return JSONResponse({"detail": str(exc)}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
    return RedirectResponse("/login", status_code=303)


async def _csrf(request: Request, _exc: Exception) -> Response:
    return render(request, "error.html", {"message_key": "error.csrf", "detail": ""}, status_code=400)


def install_error_handlers(app: FastAPI) -> None:
    """Map frontdoor's errors (and the web layer's own two) to responses on ``app``."""
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(AuthenticationError, _unauthenticated)
    app.add_exception_handler(CsrfFailed, _csrf)
    for error, api_status, page_status, key in _MAPPED:
        app.add_exception_handler(error, _api_or_page(api_status, page_status, key))
