"""Training the workspace's tagger on its own confirmed tags, and making it current.

:func:`train` fits :class:`~frontdoor.tagging.model.learned.LearnedTagger` on the
workspace's confirmed assignments (one decision per dimension, multi-label where the
dimension allows it) and saves it versioned (:mod:`frontdoor.tagging.saved_models`).
Model tag keys are tag ids, so renames and moves never invalidate a trained model.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.core.errors import ValidationError
from frontdoor.db.base import utcnow
from frontdoor.models import AssignmentStatus, Tag, TagAssignment, TagDimension, TagStatus
from frontdoor.tagging.saved_models import model_dir
from frontdoor.tagging.texts import conversation_texts
from frontdoor.tagging.workspace_settings import save_tagging_section, tagging_section, tagging_workspace

if TYPE_CHECKING:  # pragma: no cover
    from frontdoor.core.store import Store
    from frontdoor.tagging.model.learned import LearnedTagger

MIN_TRAIN_CONVERSATIONS = 6
KEEP_MODELS = 5


@dataclass
class TrainingData:
    """Texts and per-dimension labels (tag ids as strings) built from confirmed tags."""

    conversation_ids: list[int]
    texts: list[str]
    labels: list[dict[str, set[str]]]
    multi_label: dict[str, bool]


def training_data(session: Session, *, workspace_id: int, max_chars: int = 20000) -> TrainingData:
    """Build training rows from the workspace's decided assignments.

    For each conversation with a decision: in every dimension with confirmed tags, those
    tags (merged ones resolved to their target; retired ones left out); in a single-label
    dimension with several confirmed tags, the most recently decided one. A dimension where
    the conversation has only rejected tags becomes an abstention target (empty set): the
    people said the suggested tags do not apply.
    """
    dims = {
        d.id: d
        for d in session.scalars(select(TagDimension).where(TagDimension.workspace_id == workspace_id))
    }
    tags = {t.id: t for t in session.scalars(select(Tag).where(Tag.workspace_id == workspace_id))}

    def resolve(tag_id: int) -> Tag | None:
        t = tags.get(tag_id)
        hops = 0
        while t is not None and t.status == TagStatus.MERGED and t.merged_into_id and hops < 100:
            t = tags.get(t.merged_into_id)
            hops += 1
        if t is None or t.status != TagStatus.ACTIVE:
            return None
        return t

    rows = session.execute(
        select(
            TagAssignment.conversation_id,
            TagAssignment.tag_id,
            TagAssignment.status,
            TagAssignment.decided_at,
            TagAssignment.created_at,
        ).where(
            TagAssignment.workspace_id == workspace_id,
            TagAssignment.status.in_([AssignmentStatus.CONFIRMED, AssignmentStatus.REJECTED]),
        )
    ).all()
    confirmed: dict[int, dict[str, list[tuple[dt.datetime, str]]]] = defaultdict(lambda: defaultdict(list))
    rejected: dict[int, set[str]] = defaultdict(set)
    for cid, tag_id, status, decided_at, created_at in rows:
        t = resolve(tag_id)
        if t is None or t.dimension_id not in dims:
            continue
        dim = dims[t.dimension_id].key
        if status == AssignmentStatus.CONFIRMED:
            confirmed[cid][dim].append((decided_at or created_at, str(t.id)))
        else:
            rejected[cid].add(dim)
    multi = {d.key: bool(d.multi_label) for d in dims.values()}
    labels: dict[int, dict[str, set[str]]] = {}
    for cid in set(confirmed) | set(rejected):
        row: dict[str, set[str]] = {}
        for dim, items in confirmed.get(cid, {}).items():
            if multi.get(dim):
                row[dim] = {key for _, key in items}
            else:
                row[dim] = {max(items)[1]}
        for dim in rejected.get(cid, ()):
            row.setdefault(dim, set())
        labels[cid] = row
    ids = sorted(labels)
    texts = conversation_texts(session, workspace_id=workspace_id, conversation_ids=ids, max_chars=max_chars)
    keep = [cid for cid in ids if texts.get(cid, "").strip()]
    return TrainingData(
        conversation_ids=keep,
        texts=[texts[cid] for cid in keep],
        labels=[labels[cid] for cid in keep],
        multi_label=multi,
    )


@dataclass
class TrainResult:
    """What :func:`train` produced."""

    model_version: str
    path: Path
    n_train: int
    dimensions: list[str]
    skipped: dict[str, str]
    fit_seconds: float
    metrics: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {
            "model_version": self.model_version,
            "path": str(self.path),
            "n_train": self.n_train,
            "dimensions": self.dimensions,
            "skipped": self.skipped,
            "fit_seconds": round(self.fit_seconds, 3),
            "metrics": self.metrics,
        }


def new_tagger(multi_label: dict[str, bool], embeddings: str | None, n_train: int) -> LearnedTagger:
    """An unfitted tagger for these dimensions, with folds that suit ``n_train`` conversations."""
    from frontdoor.tagging.model.learned import LearnedTagger

    # Fewer folds on tiny workspaces so every fold still sees each tag.
    cv = 3 if n_train >= 30 else 2
    return LearnedTagger(multi_label=multi_label, embeddings=embeddings, cv=cv)


def train(store: Store, *, workspace_id: int, embeddings: str | None = None) -> TrainResult:
    """Train the workspace's tagger on its confirmed assignments and make it current.

    Parameters
    ----------
    store : Store
        The store (the model file goes under ``settings.home/models/<workspace>/``).
    embeddings : str, optional
        Embedding backend for :class:`LearnedTagger` (default: lexical only, or
        ``settings.embeddings_model`` when set).

    Raises
    ------
    ValidationError
        When there are too few confirmed conversations, or no dimension has two tags.
    """
    with store.session() as session:
        ws = tagging_workspace(session, workspace_id)
        slug = ws.slug
        data = training_data(session, workspace_id=workspace_id, max_chars=store.settings.max_text_chars)
    if len(data.texts) < MIN_TRAIN_CONVERSATIONS:
        raise ValidationError(
            f"need at least {MIN_TRAIN_CONVERSATIONS} conversations with confirmed tags to train "
            f"(have {len(data.texts)}); confirm some suggestions in the review queue first"
        )
    if embeddings is None:
        embeddings = store.settings.embeddings_model
    tagger = new_tagger(data.multi_label, embeddings, len(data.texts))
    try:
        tagger.fit(data.texts, data.labels)
    except ValueError as exc:
        raise ValidationError(f"cannot train yet: {exc}") from None
    version = str(tagger.model_version_)
    directory = model_dir(store, slug)
    path = tagger.save(directory / f"{version}.joblib")
    metrics = {
        dim: {
            "cv_accuracy": round(float(getattr(clf, "cv_accuracy_", float("nan"))), 4),
            "tags": len(clf.classes_),
        }
        for dim, clf in tagger.classifiers_.items()
    }
    result = TrainResult(
        model_version=version,
        path=path,
        n_train=len(data.texts),
        dimensions=list(tagger.classifiers_),
        skipped=dict(tagger.skipped_dimensions_),
        fit_seconds=float(tagger.fit_seconds_),
        metrics=metrics,
    )
    record = {
        "version": version,
        "file": path.name,
        "trained_at": utcnow().isoformat(),
        "n_train": result.n_train,
        "dimensions": result.dimensions,
        "skipped": result.skipped,
        "fit_seconds": round(result.fit_seconds, 3),
        "metrics": metrics,
    }
    with store.session() as session:
        ws = tagging_workspace(session, workspace_id)
        tagging = tagging_section(ws)
        history = [h for h in tagging.get("model_history", []) if h.get("version") != version]
        history = [{k: record[k] for k in ("version", "file", "trained_at", "n_train")}, *history]
        for old in history[KEEP_MODELS:]:
            (directory / str(old.get("file", ""))).unlink(missing_ok=True)
        tagging["model"] = record
        tagging["model_history"] = history[:KEEP_MODELS]
        save_tagging_section(ws, tagging)
    return result
