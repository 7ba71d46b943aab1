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
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    missing = [spec.env for spec in SETTINGS if f"`{spec.env}`" not in readme]
    assert missing == []
