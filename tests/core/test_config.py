"""Settings are read from the environment, validated, and refuse unsafe production defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontdoor.core.config import SETTINGS, load_settings, normalize_database_url
from frontdoor.core.errors import ConfigError


def test_defaults_put_sqlite_and_a_secret_in_home(tmp_path: Path) -> None:
    settings = load_settings({"FRONTDOOR_HOME": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'frontdoor.db'}"
    assert (tmp_path / "secret_key").read_text() == settings.secret_key
    assert len(settings.secret_key) >= 32
    # The key is stable across processes: a second load reads the same file.
    assert load_settings({"FRONTDOOR_HOME": str(tmp_path)}).secret_key == settings.secret_key
    assert settings.port == 8000 and settings.host == "127.0.0.1"
    assert not settings.is_postgres


def test_postgres_url_gets_the_psycopg_driver() -> None:
    assert normalize_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_database_url("sqlite:///x.db") == "sqlite:///x.db"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"FRONTDOOR_DATABASE_URL": "mysql://x"}, "must start with sqlite:// or postgresql://"),
        ({"FRONTDOOR_PORT": "eighty"}, "FRONTDOOR_PORT must be an integer"),
        ({"FRONTDOOR_PORT": "70000"}, "FRONTDOOR_PORT must be 1..65535"),
        ({"FRONTDOOR_ENV": "staging"}, "FRONTDOOR_ENV must be development or production"),
        ({"FRONTDOOR_ENV": "production"}, "FRONTDOOR_SECRET_KEY must be set"),
        ({"FRONTDOOR_ENV": "production", "FRONTDOOR_SECRET_KEY": "short"}, "at least 32 characters"),
        ({"FRONTDOOR_MAX_TEXT_CHARS": "10"}, "at least 100"),
    ],
)
def test_bad_values_raise_one_clear_error(tmp_path: Path, env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings({"FRONTDOOR_HOME": str(tmp_path), **env})


def test_unwritable_home_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(ConfigError, match="not writable"):
        load_settings({"FRONTDOOR_HOME": str(blocker / "home")})


def test_every_setting_is_documented_in_the_readme() -> None:
    # The table row says what the declaration says: variable, default and meaning.
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    missing = [
        spec.env for spec in SETTINGS if f"| `{spec.env}` | {spec.default} | {spec.help} |" not in readme
    ]
    assert missing == []


def test_each_setting_is_read_from_its_own_variable(tmp_path: Path) -> None:
    env = {
        "FRONTDOOR_HOME": str(tmp_path / "home"),
        "FRONTDOOR_DATABASE_URL": "postgres://u@db.example/fd",
        "FRONTDOOR_SECRET_KEY": "k" * 40,
        "FRONTDOOR_ENV": "production",
        "FRONTDOOR_HOST": "10.0.0.5",
        "FRONTDOOR_PORT": "9000",
        "FRONTDOOR_SMTP_URL": "smtp://mail.example:25",
        "FRONTDOOR_MAIL_FROM": "cx@example.com",
        "FRONTDOOR_MAX_TEXT_CHARS": "500",
        "FRONTDOOR_LOG_LEVEL": "debug",
        "FRONTDOOR_EMBEDDINGS_MODEL": "/models/minilm",
    }
    assert set(env) | {"FRONTDOOR_BASE_URL"} == {spec.env for spec in SETTINGS}
    settings = load_settings(env)
    assert settings.home == tmp_path / "home"
    assert settings.database_url == "postgresql+psycopg://u@db.example/fd"
    assert (settings.secret_key, settings.env) == ("k" * 40, "production")
    assert (settings.host, settings.port, settings.base_url) == ("10.0.0.5", 9000, "http://10.0.0.5:9000")
    assert (settings.smtp_url, settings.mail_from) == ("smtp://mail.example:25", "cx@example.com")
    assert (settings.max_text_chars, settings.log_level) == (500, "DEBUG")
    assert settings.embeddings_model == "/models/minilm"
    assert load_settings({**env, "FRONTDOOR_BASE_URL": "https://cx.example"}).base_url == "https://cx.example"
    # Empty means unset: the default (or None where unset switches a feature off).
    blank = load_settings({"FRONTDOOR_HOME": str(tmp_path), "FRONTDOOR_PORT": "", "FRONTDOOR_SMTP_URL": ""})
    assert (blank.port, blank.smtp_url, blank.env, blank.log_level) == (8000, None, "development", "INFO")
