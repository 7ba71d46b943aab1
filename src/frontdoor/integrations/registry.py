"""The adapter registry: ``kind`` -> adapter class, imported only when used."""

from __future__ import annotations

import importlib

from frontdoor.core.errors import ValidationError
from frontdoor.integrations.base import Adapter

# kind -> "module:Class". Modules import lazily so the CLI starts fast.
ADAPTERS: dict[str, str] = {}


def register(kind: str, target: str) -> None:
    """Register ``target`` ("module:Class") under ``kind``."""
    ADAPTERS[kind] = target


def kinds() -> list[str]:
    """Registered adapter kinds, sorted."""
    return sorted(ADAPTERS)


def get_adapter(kind: str) -> Adapter:
    """Instantiate the adapter registered as ``kind``.

    Raises
    ------
    ValidationError
        When no adapter has that kind.
    """
    target = ADAPTERS.get(kind)
    if target is None:
        raise ValidationError(f"unknown source kind {kind!r}; choose one of: {', '.join(kinds())}")
    module_name, _, cls_name = target.partition(":")
    cls = getattr(importlib.import_module(module_name), cls_name)
    adapter: Adapter = cls()
    return adapter
