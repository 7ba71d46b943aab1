"""Webhook endpoint: ``POST /hooks/{source_id}``.

The URL a user pastes into the source's webhook settings is
``https://<frontdoor>/hooks/<source id>`` (Channel Talk: plus ``?token=<webhook secret>``,
since it signs nothing); :func:`frontdoor.ingest.webhooks.webhook_url` builds it.

The endpoint verifies the request with the source's ``webhook_secret`` through the kind's
:class:`~frontdoor.integrations.webhooks.WebhookHandler` (a bad one gets 401 and nothing is
stored), stores the delivery durably (a delivery id the source already sent gets 200 and
stores nothing new), commits, enqueues ``process_webhook_delivery`` and answers 200 at
once: parsing and ingest happen in the background, because Channel Talk blocks a webhook
after 100 failed or slow deliveries in a row. Bodies over 1 MiB get 413. Tokens,
signatures and query strings never reach the logs or the database.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.core.store import Store
from frontdoor.core.tasks import enqueue
from frontdoor.core.tasks.inprocess import foreground
from frontdoor.ingest.webhooks import (
    MAX_BODY_BYTES,
    body_digest,
    find_webhook_source,
    record_delivery,
)
from frontdoor.integrations.registry import get_webhook_handler
from frontdoor.integrations.webhooks import WebhookHandler
from frontdoor.web.deps import get_store

log = logging.getLogger(__name__)

router = APIRouter(tags=["webhooks"])


def _error(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"ok": False, "detail": detail}, status_code=status)


def _handshake(handler: WebhookHandler, body: bytes) -> dict[str, Any] | None:
    """The answer to a URL verification request (Slack), or ``None`` for a real event."""
    custom = getattr(handler, "handshake", None)
    if callable(custom):
        answer: dict[str, Any] | None = custom(body)
        return answer
    if len(body) > 65536 or b"url_verification" not in body:
        return None
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    if isinstance(payload, dict) and payload.get("type") == "url_verification":
        challenge = payload.get("challenge")
        if isinstance(challenge, str):
            return {"challenge": challenge[:1000]}
    return None


def accept_delivery(
    store: Store,
    *,
    source_id: int,
    headers: Mapping[str, str],
    query: Mapping[str, str],
    body: bytes,
) -> JSONResponse:
    """Verify, store and enqueue one delivery (runs in a worker thread).

    Parameters
    ----------
    store : Store
        The app's store.
    source_id : int
        The receiving source (from the URL).
    headers : Mapping[str, str]
        Request headers, lower-case names.
    query : Mapping[str, str]
        Query parameters (may hold the token; never stored or logged).
    body : bytes
        The raw body, at most :data:`MAX_BODY_BYTES`.
    """
    with store.session() as session:
        try:
            source = find_webhook_source(session, source_id=source_id)
            handler = get_webhook_handler(source.kind)
        except (NotFound, ValidationError):
            return _error(404, "no such webhook")
        secret = source.webhook_secret or ""
        # No secret configured means nothing can be verified: refuse rather than trust.
        try:
            verified = bool(secret) and handler.verify(
                secret=secret, headers=headers, query=query, body=body, now=time.time()
            )
        except Exception:  # malformed signature headers and the like: not verified
            verified = False
        if not verified:
            log.info("webhook for source %s refused: verification failed", source_id)
            return _error(401, "verification failed")
        answer = _handshake(handler, body)
        if answer is not None:
            return JSONResponse(answer)
        try:
            delivery_id = handler.delivery_id(headers=headers, body=body)
        except Exception:  # the id only dedupes; a body hash serves as well
            delivery_id = body_digest(body)
        row_id, created = record_delivery(
            session, source=source, delivery_id=delivery_id or body_digest(body), headers=headers, body=body
        )
    if created:
        try:
            enqueue(store, "process_webhook_delivery", delivery_id=row_id)
        except Exception:  # stored durably: a worker's sweep picks it up
            log.warning("webhook delivery %s stored but not enqueued; the sweep will take it", row_id)
    return JSONResponse({"ok": True, "delivery": row_id, "duplicate": not created})


@router.post("/hooks/{source_id}", summary="Receive a webhook delivery from a source")
async def receive_webhook(source_id: int, request: Request) -> JSONResponse:
    """Verify and store one delivery, answer at once; it is ingested in the background."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY_BYTES:
        return _error(413, f"body larger than {MAX_BODY_BYTES} bytes")
    with foreground():  # the in-process worker waits while deliveries are being acknowledged
        chunks = bytearray()
        async for chunk in request.stream():
            chunks += chunk
            if len(chunks) > MAX_BODY_BYTES:
                return _error(413, f"body larger than {MAX_BODY_BYTES} bytes")
        headers = {k.lower(): v for k, v in request.headers.items()}
        query = dict(request.query_params)
        return await run_in_threadpool(
            accept_delivery,
            get_store(request),
            source_id=source_id,
            headers=headers,
            query=query,
            body=bytes(chunks),
        )
