"""The workspace's trained taggers on disk: where they are, which is current, loading them.

Versions are saved under ``<home>/models/<workspace>/``; the current version and its
metrics are recorded in ``Workspace.settings["tagging"]["model"]``.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from frontdoor.core.errors import ValidationError
from frontdoor.tagging.workspace_settings import tagging_section, tagging_workspace

if TYPE_CHECKING:  # pragma: no cover
    from frontdoor.core.store import Store
    from frontdoor.tagging.model.learned import LearnedTagger

log = logging.getLogger(__name__)


def model_dir(store: Store, slug: str) -> Path:
    """Where the workspace ``slug``'s model versions are saved."""
    return Path(store.settings.home) / "models" / slug


def model_info(session: Session, *, workspace_id: int) -> dict[str, Any] | None:
    """The current model's record (version, file, metrics, trained_at), or ``None``."""
    ws = tagging_workspace(session, workspace_id)
    info = tagging_section(ws).get("model")
    return dict(info) if info else None


_model_lock = threading.Lock()
_model_cache: dict[str, tuple[float, LearnedTagger]] = {}


def load_model(path: Path) -> LearnedTagger:
    """Load a saved tagger, cached per file and modification time."""
    from frontdoor.tagging.model.learned import LearnedTagger

    key = str(path)
    mtime = path.stat().st_mtime
    with _model_lock:
        cached = _model_cache.get(key)
        if cached is not None and cached[0] == mtime:
            return cached[1]
    model = LearnedTagger.load(path)
    with _model_lock:
        _model_cache[key] = (mtime, model)
    return model


def current_model(
    store: Store, session: Session, *, workspace_id: int
) -> tuple[LearnedTagger, dict[str, Any]] | None:
    """The workspace's current tagger and its record, or ``None`` when none is trained."""
    info = model_info(session, workspace_id=workspace_id)
    if not info:
        return None
    ws = tagging_workspace(session, workspace_id)
    path = model_dir(store, ws.slug) / str(info["file"])
    if not path.exists():
        log.warning("model file %s of workspace %s is missing; retrain", path, ws.slug)
        return None
    try:
        return load_model(path), info
    except ValidationError as exc:  # IncompatibleModelError: written by another version
        log.warning("model of workspace %s cannot be used (%s); run `frontdoor tags train`", ws.slug, exc)
        return None
