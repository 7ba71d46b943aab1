"""Shared fixtures. Every test that touches the store runs on SQLite and PostgreSQL.

Backends come from ``FRONTDOOR_TEST_BACKENDS`` (default ``sqlite,postgresql``); PostgreSQL
is the real server at ``FRONTDOOR_TEST_PG_URL`` (default 127.0.0.1:5432, database
``test``, user ``postgres``). Each pytest-xdist worker gets its own schema, migrated
once; tests start from empty tables (SQLite: a copy of a migrated file; PostgreSQL:
TRUNCATE after each test), so code under test may commit freely, from any thread.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from frontdoor import bootstrap
from frontdoor.core import events
from frontdoor.core.config import Settings, load_settings
from frontdoor.core.store import Store
from frontdoor.core.tasks.pg import queue_schema_name
from frontdoor.db import migrate
from frontdoor.db.base import Base
from frontdoor.db.engine import make_engine
from frontdoor.db.store import open_store
from frontdoor.models import Role, User, Workspace
from frontdoor.workspace.setup import init_workspace

BACKENDS = [
    b.strip() for b in os.environ.get("FRONTDOOR_TEST_BACKENDS", "sqlite,postgresql").split(",") if b.strip()
]
PG_URL = os.environ.get("FRONTDOOR_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ADMIN_PASSWORD = "correct-horse-battery"


def _worker() -> str:
    # The pid keeps concurrent pytest runs (several developers, xdist workers) apart.
    return f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"


def pg_schema_url(schema: str) -> str:
    """A PostgreSQL URL whose connections use ``schema`` as search_path."""
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def _pg_url() -> Iterator[str]:
    schema = f"fd_test_{_worker()}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = pg_schema_url(schema)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        # The procrastinate queue lives beside it (see frontdoor.core.tasks.pg.queue_schema_name).
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{queue_schema_name(schema)}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The store backend under test: ``sqlite`` or ``postgresql``."""
    return str(request.param)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database for this test."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("_sqlite_template")
        target = tmp_path / "frontdoor.db"
        shutil.copy(template, target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("_pg_url")
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings pointing at this test's database and a private home."""
    home = tmp_path / "home"
    return load_settings(
        {
            "FRONTDOOR_HOME": str(home),
            "FRONTDOOR_DATABASE_URL": database_url,
            "FRONTDOOR_SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        }
    )


def _truncate(store: Store) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with store.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def store(settings: Settings, backend: str) -> Iterator[Store]:
    """An open store on an empty, migrated database."""
    st = open_store(settings)
    try:
        yield st
    finally:
        if backend == "postgresql":
            _truncate(st)
        st.close()


@pytest.fixture
def session(store: Store) -> Iterator[Session]:
    """A session on the test store; tests commit when they need to."""
    sess = store.sessions()
    try:
        yield sess
    finally:
        sess.rollback()
        sess.close()


@pytest.fixture
def workspace(store: Store) -> Workspace:
    """A committed workspace ``acme`` with an admin ``admin@example.com``."""
    with store.session() as sess:
        result = init_workspace(
            sess,
            slug="acme",
            name="Acme",
            admin_email="admin@example.com",
            admin_password=ADMIN_PASSWORD,
            language="en",
        )
        return result.workspace


@pytest.fixture
def admin(store: Store, workspace: Workspace) -> User:
    """The admin user of :func:`workspace`."""
    with store.session() as sess:
        user = sess.query(User).filter_by(workspace_id=workspace.id, role=Role.ADMIN).one()
        sess.expunge(user)
        return user


@pytest.fixture
def admin_password() -> str:
    """The password of the :func:`workspace` admin."""
    return ADMIN_PASSWORD


@pytest.fixture(scope="session", autouse=True)
def _tasks_and_sweeps() -> None:
    """Register the tasks and sweeps as every frontdoor process does (:mod:`frontdoor.bootstrap`).

    They only name what a job runs; the event handlers, which change what an import does,
    stay opt-in per test.
    """
    bootstrap.register_tasks()
    bootstrap.register_sweeps()


@pytest.fixture(autouse=True)
def _isolated_event_handlers() -> Iterator[None]:
    """Each test starts with the process's event subscriptions and leaves them as it found them.

    ``create_app`` and ``cli.main`` wire tagging, routing and alerts process-wide; without
    this a test that built an app would leave them running inside later, unrelated tests.
    """
    with events.isolated_subscriptions():
        yield
