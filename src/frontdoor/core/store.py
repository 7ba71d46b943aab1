"""The store: settings, engine and session factory that one process shares."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from frontdoor.core.config import Settings
from frontdoor.db import migrate
from frontdoor.db.engine import check_connection, make_engine, make_session_factory, session_scope


@dataclass
class Store:
    """Everything a process needs to reach the database."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits when the block succeeds, rolls back otherwise."""
        with session_scope(self.sessions) as session:
            yield session

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def close(self) -> None:
        """Release pooled connections."""
        self.engine.dispose()


def open_store(settings: Settings, *, require_schema: bool = True) -> Store:
    """Connect to the configured database.

    Parameters
    ----------
    settings : Settings
        Resolved settings.
    require_schema : bool
        Raise :class:`~frontdoor.core.errors.MigrationRequired` unless the schema is current.

    Raises
    ------
    DatabaseUnavailable
        When the database cannot be reached or opened.
    """
    engine = make_engine(settings.database_url)
    check_connection(engine)
    if require_schema:
        migrate.require_current(engine)
    return Store(settings=settings, engine=engine, sessions=make_session_factory(engine))


def upgrade_store(settings: Settings) -> tuple[str | None, str]:
    """Migrate the configured database to the newest schema.

    On PostgreSQL this also sets up the task queue's schema when it is missing.

    Returns
    -------
    (before, after) : tuple
        The revision before and after the upgrade.
    """
    engine = make_engine(settings.database_url)
    try:
        check_connection(engine)
        before = migrate.current_revision(engine)
        migrate.upgrade(engine)
        if engine.dialect.name == "postgresql":
            # The task queue (procrastinate) keeps its tables in a schema of its own.
            from frontdoor.core.tasks.pg import ensure_queue_schema

            ensure_queue_schema(engine)
        return before, migrate.head_revision()
    finally:
        engine.dispose()
