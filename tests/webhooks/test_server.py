"""The webhook endpoint behind a real uvicorn server on a loopback port."""

from __future__ import annotations

import logging
import threading

import httpx
import pytest
import uvicorn
from sqlalchemy import select

from frontdoor.core.store import Store
from frontdoor.models import DeliveryStatus, Source, WebhookDelivery
from frontdoor.web.app import create_app

from .conftest import TOKEN, counts, wait_for


def test_deliveries_over_real_http_are_acknowledged_and_ingested_without_logging_the_token(
    store: Store,
    channeltalk_source: Source,
    message_body: bytes,
    worker: None,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.INFO, logger="uvicorn.access")
    # Another test may have run uvicorn's own logging config (no propagation): undo it here.
    for name in ("uvicorn", "uvicorn.access", "uvicorn.error"):
        monkeypatch.setattr(logging.getLogger(name), "propagate", True)
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)
    # log_config=None: uvicorn's loggers propagate to the root, where caplog listens.
    config = uvicorn.Config(
        create_app(store), host="127.0.0.1", port=0, log_config=None, access_log=True, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: server.started, what="uvicorn to start")
        port = server.servers[0].sockets[0].getsockname()[1]
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            url = f"/hooks/{channeltalk_source.id}?token={TOKEN}"
            answers = [client.post(url, content=message_body) for _ in range(3)]
            forged = client.post(f"/hooks/{channeltalk_source.id}?token=forged-{TOKEN}", content=message_body)
        assert [a.status_code for a in answers] == [200, 200, 200]
        assert forged.status_code == 401

        def done() -> bool:
            with store.session() as session:
                return session.scalars(select(WebhookDelivery.status)).all() == [DeliveryStatus.DONE]

        wait_for(done, what="the delivery to be processed")
    finally:
        server.should_exit = True
        thread.join(30)
    assert counts(store) == (1, 1, 1)
    access = [r.getMessage() for r in caplog.records if r.name == "uvicorn.access"]
    assert any("/hooks/" in line for line in access)
    # The server's lines (access log, app) never carry the token; the test's own client may.
    server_lines = [r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    assert server_lines and not any(TOKEN in line for line in server_lines)
