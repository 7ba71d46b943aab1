"""The web application factory."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from frontdoor import __version__, bootstrap
from frontdoor.core.store import Store
from frontdoor.web import api
from frontdoor.web.errors import install_error_handlers
from frontdoor.web.lifespan import lifespan
from frontdoor.web.routes import (
    accounts,
    alerts,
    auth,
    conversations,
    health,
    home,
    hooks,
    insights,
    invite,
    loop,
    oncall,
    pages,
    routing,
    settings,
    taxonomy,
)
from frontdoor.web.security import RateLimiter, security_headers

STATIC = Path(__file__).parent / "static"

# In this order: health and the webhook endpoints first, the API last.
ROUTERS = (
    *(health, auth, home, hooks),
    *(conversations, taxonomy, accounts, insights, pages, settings, invite),
    *(routing, alerts, loop, oncall),
    api,
)


def create_app(store: Store) -> FastAPI:
    """Build the app for ``store`` (and wire the running system: :func:`frontdoor.bootstrap.wire`).

    Parameters
    ----------
    store : Store
        Open store; the app does not own it and never closes it.
    """
    # Webhook deliveries ingest inside this process (SQLite): they are tagged, routed and
    # counted as they arrive, and the worker thread needs the tasks and sweeps.
    bootstrap.wire()
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
    app.state.login_limiter = RateLimiter(limit=10, window=300.0)
    app.add_middleware(
        SessionMiddleware,
        secret_key=store.settings.secret_key,
        session_cookie="frontdoor_session",
        max_age=14 * 24 * 3600,
        same_site="lax",
        https_only=store.settings.env == "production",
    )
    app.middleware("http")(security_headers)
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for module in ROUTERS:
        app.include_router(module.router)
    return app
