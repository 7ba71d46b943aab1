"""The web application factory."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from frontdoor import __version__
from frontdoor.alerts.service import register_event_handlers as register_alert_handlers
from frontdoor.core.errors import AuthenticationError, Conflict, NotFound, PermissionDenied, ValidationError
from frontdoor.core.store import Store
from frontdoor.routing.assign import register_event_handlers as register_routing_handlers
from frontdoor.tagging.autotag import register_event_handlers as register_tagging_handlers
from frontdoor.web import api
from frontdoor.web.deps import CsrfFailed, LoginRequired
from frontdoor.web.lifespan import lifespan
from frontdoor.web.routes import (
    accounts,
    auth,
    conversations,
    health,
    home,
    hooks,
    invite,
    pages,
    taxonomy,
)
from frontdoor.web.routes import alerts as alerts_pages
from frontdoor.web.routes import insights as insights_pages
from frontdoor.web.routes import loop as loop_pages
from frontdoor.web.routes import oncall as oncall_pages
from frontdoor.web.routes import routing as routing_pages
from frontdoor.web.routes import settings as settings_pages
from frontdoor.web.security import RateLimiter
from frontdoor.web.templating import render

STATIC = Path(__file__).parent / "static"


def create_app(store: Store) -> FastAPI:
    """Build the app for ``store``.

    Parameters
    ----------
    store : Store
        Open store; the app does not own it and never closes it.
    """
    settings = store.settings
    app = FastAPI(
        title="frontdoor",
        version=__version__,
        # The stock Swagger and ReDoc pages load from a CDN; the schema itself is served.
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        lifespan=lifespan,
    )
    app.state.store = store
    # Webhook deliveries ingest inside this process (SQLite); tag them as they arrive.
    register_tagging_handlers()
    register_routing_handlers()  # after tagging, so routing rules see the new tags
    register_alert_handlers()  # after tagging, so spikes count the new tags
    app.state.login_limiter = RateLimiter(limit=10, window=300.0)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="frontdoor_session",
        max_age=14 * 24 * 3600,
        same_site="lax",
        https_only=settings.env == "production",
    )

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        # No third-party origins at all: pages work offline and injected markup cannot load scripts.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'",
        )
        return response

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, _exc: LoginRequired) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "authentication required"}, status_code=401)
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(PermissionDenied)
    async def _forbidden(request: Request, exc: PermissionDenied) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status_code=403)
        return render(
            request, "error.html", {"message_key": "error.forbidden", "detail": str(exc)}, status_code=403
        )

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status_code=404)
        return render(
            request, "error.html", {"message_key": "error.not_found", "detail": str(exc)}, status_code=404
        )

    @app.exception_handler(AuthenticationError)
    async def _unauthenticated(request: Request, exc: AuthenticationError) -> Response:
        if request.url.path.startswith(("/api/", "/hooks/")):
            return JSONResponse({"detail": str(exc)}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(ValidationError)
    async def _invalid(request: Request, exc: ValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status_code=422)
        return render(
            request, "error.html", {"message_key": "error.invalid", "detail": str(exc)}, status_code=400
        )

    @app.exception_handler(Conflict)
    async def _conflict(request: Request, exc: Conflict) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status_code=409)
        return render(
            request, "error.html", {"message_key": "error.conflict", "detail": str(exc)}, status_code=409
        )

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, _exc: CsrfFailed) -> Response:
        return render(request, "error.html", {"message_key": "error.csrf", "detail": ""}, status_code=400)

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for module in (health, auth, home, hooks):
        app.include_router(module.router)
    for page in (conversations, taxonomy, accounts, insights_pages, pages, settings_pages, invite):
        app.include_router(page.router)
    app.include_router(routing_pages.router)
    app.include_router(alerts_pages.router)
    app.include_router(loop_pages.router)
    app.include_router(oncall_pages.router)
    app.include_router(api.router)
    return app
