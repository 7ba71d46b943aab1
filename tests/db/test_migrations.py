"""Migrations run from empty on both backends and match the models exactly."""

from __future__ import annotations

from sqlalchemy import inspect

from frontdoor import models
from frontdoor.core.store import Store
from frontdoor.db import migrate
from frontdoor.db.base import Base


def test_schema_is_at_head_and_has_every_table(store: Store) -> None:
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    tables = set(inspect(store.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_autogenerate_finds_no_drift(store: Store) -> None:
    assert migrate.drift(store.engine, models.metadata) == []


def test_downgrade_to_base_and_up_again(store: Store) -> None:
    migrate.downgrade(store.engine, "base")
    assert migrate.current_revision(store.engine) is None
    assert "conversation" not in inspect(store.engine).get_table_names()
    migrate.upgrade(store.engine)
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    assert migrate.drift(store.engine, models.metadata) == []
