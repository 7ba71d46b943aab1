"""The store: settings, engine, session factory and task queue that one process shares.

Opening one (connecting, checking the schema) and upgrading its schema are the
database's business: :func:`frontdoor.db.store.open_store` and
:func:`frontdoor.db.store.upgrade_store`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from frontdoor.core.config import Settings
from frontdoor.core.tasks.queue import TaskQueue

__all__ = ["Store"]


@dataclass(eq=False)
class Store:
    """Everything a process needs to reach the database, and the queue of its background tasks."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    tasks: TaskQueue = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.tasks = TaskQueue(self)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits when the block succeeds, rolls back otherwise."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def close(self) -> None:
        """Stop background work started for this store and release pooled connections."""
        self.tasks.stop_background()
        self.engine.dispose()
