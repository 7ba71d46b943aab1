"""Browser tests: the real app under uvicorn on a loopback port, driven in headless Chromium.

Chromium is Debian's (``apt-get install chromium``), launched by Playwright's Python API
with ``executable_path``; ``playwright install`` is never needed. Without
``/usr/bin/chromium`` every test here is skipped with that reason.
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # the shared seed helpers

from webseed import Seeded, add_user, seed

from frontdoor.core.store import Store
from frontdoor.models import Role, Workspace

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test here ``browser`` and skip them when Chromium is missing."""
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(
                    pytest.mark.skip(reason="/usr/bin/chromium is missing (apt-get install chromium)")
                )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveApp:
    """A running server and what was seeded into it."""

    def __init__(self, url: str, ids: Seeded, backend: str) -> None:
        self.url = url
        self.ids = ids
        self.backend = backend

    def shot(self, page: Any, name: str) -> None:
        """Save a full-page screenshot under test-artifacts/screenshots/."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{self.backend}-{name}.png"), full_page=True)


@pytest.fixture
def live_app(store: Store, workspace: Workspace, backend: str) -> Iterator[LiveApp]:
    """Seeded workspace (admin + engineer) served by uvicorn in a thread."""
    import uvicorn

    from frontdoor.web.app import create_app

    ids = seed(store, workspace_id=workspace.id)
    add_user(store, workspace_id=workspace.id, email="eng@example.com", role=Role.ENGINEER)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield LiveApp(f"http://127.0.0.1:{port}", ids, backend)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def page(live_app: LiveApp) -> Iterator[Any]:
    """A fresh Chromium page (own context: own cookies)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        pg.set_default_timeout(15_000)
        try:
            yield pg
        finally:
            context.close()
            browser.close()
