"""The routing model: a LearnedTagger over team keys, trained on human-confirmed routes.

One single-label dimension ``route``; its training rows are the conversations whose route
a person confirmed or corrected (customer text only, as for tagging). The model file goes
to ``<home>/models/<workspace>/routing-<version>.joblib``; the current one is recorded in
``Workspace.settings["routing"]["model"]`` and the last :data:`KEEP_MODELS` files are kept.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.core.errors import ValidationError
from frontdoor.db.base import utcnow
from frontdoor.models import Conversation
from frontdoor.routing.config import (
    RoutingConfig,
    routing_config,
    routing_settings,
    save_routing_settings,
    workspace_row,
)

if TYPE_CHECKING:  # pragma: no cover
    from frontdoor.core.store import Store
    from frontdoor.tagging.model.learned import LearnedTagger

__all__ = ["DIMENSION", "MIN_TRAIN", "TrainResult", "current_model", "retrain_task", "train"]

log = logging.getLogger(__name__)

DIMENSION = "route"
MIN_TRAIN = 6
KEEP_MODELS = 3
# The task that retrains the routing model (registered by frontdoor.bootstrap).
RETRAIN_TASK = "routing_retrain"


def _model_dir(store: Store, slug: str) -> Path:
    return Path(store.settings.home) / "models" / slug


def current_model(store: Store, cfg: RoutingConfig, slug: str) -> LearnedTagger | None:
    """The workspace's routing model, or None when none is trained or its file is unusable."""
    from frontdoor.tagging.saved_models import load_model

    if not cfg.model or not cfg.model.get("file"):
        return None
    path = _model_dir(store, slug) / str(cfg.model["file"])
    if not path.exists():
        log.warning("routing model %s of workspace %s is missing; run `frontdoor routing train`", path, slug)
        return None
    try:
        return load_model(path)
    except ValidationError as exc:
        log.warning("routing model of %s cannot be used (%s); run `frontdoor routing train`", slug, exc)
        return None


@dataclass
class TrainResult:
    """What :func:`train` produced."""

    model_version: str
    n_train: int
    teams: dict[str, int]
    cv_accuracy: float
    fit_seconds: float

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return dict(self.__dict__)


_train_locks: dict[int, threading.Lock] = defaultdict(threading.Lock)


def _training_rows(
    session: Session, *, workspace_id: int, teams: Iterable[str], max_chars: int
) -> tuple[list[str], list[str]]:
    from frontdoor.tagging.texts import conversation_texts

    rows = session.execute(
        select(Conversation.id, Conversation.route).where(
            Conversation.workspace_id == workspace_id,
            Conversation.route_confirmed.is_(True),
            Conversation.route.in_(list(teams)),
        )
    ).all()
    texts = conversation_texts(
        session, workspace_id=workspace_id, conversation_ids=[r[0] for r in rows], max_chars=max_chars
    )
    keep = [(texts[cid], str(route)) for cid, route in sorted(rows) if texts.get(cid, "").strip()]
    return [t for t, _ in keep], [r for _, r in keep]


def train(store: Store, *, workspace_id: int) -> TrainResult:
    """Train the routing model on the workspace's human-confirmed routes and make it current.

    Raises
    ------
    ValidationError
        Fewer than :data:`MIN_TRAIN` confirmed routes, or only one team among them.
    """
    from frontdoor.tagging.model.learned import LearnedTagger

    max_chars = store.settings.max_text_chars
    with _train_locks[workspace_id]:
        with store.session() as session:
            ws = workspace_row(session, workspace_id)
            slug = ws.slug
            cfg = routing_config(session, workspace_id=workspace_id)
            texts, routes = _training_rows(
                session, workspace_id=workspace_id, teams=cfg.team_keys, max_chars=max_chars
            )
        counts = Counter(routes)
        if len(texts) < MIN_TRAIN:
            raise ValidationError(
                f"need at least {MIN_TRAIN} conversations with a confirmed route to train "
                f"(have {len(texts)}); confirm or correct routes on conversation pages first"
            )
        if len(counts) < 2:
            raise ValidationError("confirmed routes all go to one team; the model needs at least two")
        tagger = LearnedTagger(multi_label={DIMENSION: False}, cv=3 if len(texts) >= 30 else 2)
        try:
            tagger.fit(texts, [{DIMENSION: {r}} for r in routes])
        except ValueError as exc:
            raise ValidationError(f"cannot train the routing model yet: {exc}") from None
        version = str(tagger.model_version_)
        directory = _model_dir(store, slug)
        path = tagger.save(directory / f"routing-{version}.joblib")
        clf = tagger.classifiers_[DIMENSION]
        result = TrainResult(
            model_version=version,
            n_train=len(texts),
            teams=dict(sorted(counts.items())),
            cv_accuracy=round(float(getattr(clf, "cv_accuracy_", 0.0)), 4),
            fit_seconds=round(float(tagger.fit_seconds_), 3),
        )
        with store.session() as session:
            ws = workspace_row(session, workspace_id)
            raw = routing_settings(ws)
            history = [h for h in raw.get("model_history", []) if h.get("file") != path.name]
            history = [{"version": version, "file": path.name}, *history]
            for old in history[KEEP_MODELS:]:
                (directory / str(old.get("file", ""))).unlink(missing_ok=True)
            raw["model_history"] = history[:KEEP_MODELS]
            raw["model"] = {
                "version": version,
                "file": path.name,
                "trained_at": utcnow().isoformat(),
                "n_train": result.n_train,
                "teams": result.teams,
                "cv_accuracy": result.cv_accuracy,
                "decisions_since": 0,
            }
            save_routing_settings(ws, raw)
        return result


def retrain_task(store: Store, *, workspace_id: int) -> None:
    """Task ``routing_retrain``: :func:`train`, logging (not raising) when it cannot train yet."""
    try:
        result = train(store, workspace_id=workspace_id)
    except ValidationError as exc:
        log.info("routing model of workspace %s not retrained: %s", workspace_id, exc)
        return
    log.info("routing model %s trained on %s routes", result.model_version, result.n_train)
