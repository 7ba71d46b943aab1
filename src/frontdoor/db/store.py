"""Open a :class:`~frontdoor.core.store.Store` on the configured database, or upgrade its schema."""

from __future__ import annotations

from frontdoor.core.config import Settings
from frontdoor.core.store import Store
from frontdoor.db import migrate
from frontdoor.db.engine import check_connection, make_engine, make_session_factory

__all__ = ["open_store", "upgrade_store"]


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
            # The task queue (procrastinate, the optional [postgres] extra) keeps its
            # tables in a schema of its own.
            from frontdoor.core.tasks.pg import ensure_queue_schema

            ensure_queue_schema(engine)
        return before, migrate.head_revision()
    finally:
        engine.dispose()
