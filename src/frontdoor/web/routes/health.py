"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from frontdoor import __version__
from frontdoor.web.deps import get_store

router = APIRouter()


@router.get("/healthz", include_in_schema=False)
def healthz(request: Request) -> JSONResponse:
    """200 with the version when the database answers, 503 otherwise."""
    store = get_store(request)
    try:
        with store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means "not ready"; the reason is reported
        return JSONResponse({"status": "error", "database": str(exc).splitlines()[0]}, status_code=503)
    return JSONResponse({"status": "ok", "version": __version__, "database": store.dialect})
