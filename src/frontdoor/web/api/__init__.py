"""The REST API under ``/api/v1``: one router per resource, bearer tokens with scopes.

Errors are JSON ``{"detail": ...}``: 401 for a missing or bad token, 403 for a missing
scope, 404 for ids that are not in the token's workspace, 409 for conflicts and 422 for
invalid input (FastAPI's field-level detail, or one message from the services).
"""

from __future__ import annotations

from fastapi import APIRouter

from frontdoor.web.api.accounts import router as accounts_router
from frontdoor.web.api.assignments import router as assignments_router
from frontdoor.web.api.conversations import router as conversations_router
from frontdoor.web.api.ingest import router as ingest_router
from frontdoor.web.api.insights import router as insights_router
from frontdoor.web.api.roadmap import router as roadmap_router
from frontdoor.web.api.routing import router as routing_router
from frontdoor.web.api.tags import router as tags_router

router = APIRouter(prefix="/api/v1")
for _sub in (
    conversations_router,
    ingest_router,
    tags_router,
    assignments_router,
    roadmap_router,
    insights_router,
    accounts_router,
    routing_router,
):
    router.include_router(_sub)
