"""Shared pieces for command modules: settings, store and the workspace option."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from frontdoor.core.config import Settings, load_settings
from frontdoor.core.store import Store
from frontdoor.db.store import open_store

F = TypeVar("F", bound=Callable[..., Any])


def settings_from(ctx: click.Context) -> Settings:
    """Settings for this invocation, loaded once per process."""
    root = ctx.find_root()
    root.ensure_object(dict)
    if "settings" not in root.obj:
        root.obj["settings"] = load_settings()
    settings: Settings = root.obj["settings"]
    return settings


def store_from(ctx: click.Context, *, require_schema: bool = True) -> Store:
    """The store for this invocation, opened once and closed when the command ends."""
    root = ctx.find_root()
    root.ensure_object(dict)
    if "store" not in root.obj:
        store = open_store(settings_from(ctx), require_schema=require_schema)
        root.obj["store"] = store
        root.call_on_close(store.close)
    result: Store = root.obj["store"]
    return result


def workspace_option(func: F) -> F:
    """Add ``--workspace SLUG`` (default: the only workspace)."""
    return click.option(
        "--workspace",
        "-w",
        "workspace",
        default=None,
        envvar="FRONTDOOR_WORKSPACE",
        help="Workspace slug (default: the only one).",
    )(func)
