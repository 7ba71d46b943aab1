"""Engine and session factories; nothing is created at import time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from frontdoor.core.errors import ConfigError, DatabaseUnavailable


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets the web app read while an import or webhook worker writes.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for ``url`` with the settings frontdoor relies on.

    Parameters
    ----------
    url : str
        SQLAlchemy database URL (``sqlite:///...`` or ``postgresql+psycopg://...``).
    echo : bool
        Log SQL statements.

    Raises
    ------
    ConfigError
        When the URL cannot be parsed or names an unknown driver.
    """
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            engine = create_engine(
                parsed, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}
            )
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(parsed, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=10)
    except (ArgumentError, ValueError) as exc:
        raise ConfigError(f"bad database URL: {exc}") from None
    except ModuleNotFoundError as exc:
        raise ConfigError(
            f"database driver {exc.name!r} is not installed: pip install 'frontdoor[postgres]'"
        ) from None
    return engine


def check_connection(engine: Engine) -> None:
    """Open one connection, or raise :class:`DatabaseUnavailable` with one clear line."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(
            f"cannot open database {engine.url.render_as_string(hide_password=True)}: {reason}"
        ) from None


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory bound to ``engine`` (objects stay usable after commit)."""
    return sessionmaker(engine, expire_on_commit=False)
