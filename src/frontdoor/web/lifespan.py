"""What the web app starts and stops with itself: background tasks, log redaction."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from frontdoor.core.tasks import start_background, stop_background

# Query parameters that carry secrets (Channel Talk's webhook token travels in the URL).
_SECRET_QUERY = re.compile(r"(?i)([?&](?:token|secret|signature|sig|key|access_token)=)[^&\s\"]*")


def redact_query(text: str) -> str:
    """Replace secret query parameter values in ``text`` with ``***``."""
    return _SECRET_QUERY.sub(r"\1***", text)


class RedactSecretsFilter(logging.Filter):
    """Redacts secret query parameters from access-log lines (uvicorn logs full paths)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact_query(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact_query(record.msg)
        return True


def install_log_redaction() -> None:
    """Attach :class:`RedactSecretsFilter` to the access loggers (once)."""
    for name in ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecretsFilter) for f in logger.filters):
            logger.addFilter(RedactSecretsFilter())


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the in-process task worker (SQLite) with the app and stop it after."""
    install_log_redaction()
    store = app.state.store
    start_background(store)
    try:
        yield
    finally:
        await run_in_threadpool(stop_background, store)
