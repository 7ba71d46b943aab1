"""How good the tagger is on this workspace: cross-validation on its own confirmed tags.

Each fold trains on the other folds' conversations and predicts its own, judging what
:func:`frontdoor.tagging.autotag.apply` would suggest. The last report is kept in the
workspace settings so pages need not recompute it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.db.base import utcnow
from frontdoor.models import Tag
from frontdoor.tagging.autotag import MIN_ACCEPT_CONFIDENCE
from frontdoor.tagging.training import MIN_TRAIN_CONVERSATIONS, TrainingData, new_tagger, training_data
from frontdoor.tagging.workspace_settings import save_tagging_section, tagging_section, tagging_workspace

if TYPE_CHECKING:  # pragma: no cover
    from frontdoor.core.store import Store


@dataclass
class TagQuality:
    """Cross-validated quality of one tag."""

    tag_id: int
    path: str
    support: int
    precision: float
    recall: float
    f1: float


@dataclass
class QualityReport:
    """Cross-validation of the tagger on the workspace's own confirmed tags."""

    n_conversations: int
    folds: int
    dimensions: dict[str, dict[str, float]]
    tags: list[TagQuality]
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON and templates."""
        return {
            "n_conversations": self.n_conversations,
            "folds": self.folds,
            "dimensions": self.dimensions,
            "tags": [t.__dict__ for t in self.tags],
            "note": self.note,
        }


def _hash_order(ids: Sequence[int]) -> list[int]:
    """Positions of ``ids`` in a fixed pseudo-random order (stable across runs)."""
    return sorted(range(len(ids)), key=lambda i: hashlib.sha256(str(ids[i]).encode()).hexdigest())


def quality_report(
    store: Store, *, workspace_id: int, folds: int = 5, save: bool = True, max_conversations: int = 2000
) -> QualityReport:
    """Cross-validate the tagger on this workspace's confirmed tags.

    Each fold trains on the other folds' conversations and predicts its own. Per
    dimension: accuracy of accepted answers (``precision``), share of conversations the
    model answered (``coverage``) and share answered correctly (``recall``); per tag:
    precision, recall and F1 of accepted tags. Abstentions count as misses, not errors.
    With ``save`` the report is kept in the workspace settings for
    :func:`last_quality_report`. At most ``max_conversations`` (a fixed sample) are used.
    """
    with store.session() as session:
        data = training_data(session, workspace_id=workspace_id, max_chars=store.settings.max_text_chars)
        paths = dict(session.execute(select(Tag.id, Tag.path).where(Tag.workspace_id == workspace_id)).all())
    n = len(data.texts)
    if n < MIN_TRAIN_CONVERSATIONS:
        return QualityReport(
            n, 0, {}, [], note=f"need at least {MIN_TRAIN_CONVERSATIONS} confirmed conversations"
        )
    if n > max_conversations:
        # A fixed pseudo-random sample keeps the report minutes, not hours, on big workspaces.
        keep = sorted(_hash_order(data.conversation_ids)[:max_conversations])
        data = TrainingData(
            conversation_ids=[data.conversation_ids[i] for i in keep],
            texts=[data.texts[i] for i in keep],
            labels=[data.labels[i] for i in keep],
            multi_label=data.multi_label,
        )
        n = len(keep)
    k = max(2, min(folds, n // 3))
    counts = _cross_validate(data, k)
    report = QualityReport(
        n_conversations=n, folds=k, dimensions=_dimension_scores(counts), tags=_tag_scores(counts, paths)
    )
    if save:
        with store.session() as session:
            ws = tagging_workspace(session, workspace_id)
            tagging = tagging_section(ws)
            tagging["quality"] = {**report.to_dict(), "computed_at": utcnow().isoformat()}
            save_tagging_section(ws, tagging)
    return report


@dataclass
class _Counts:
    """Outcomes of the folds: per tag key true/false positives and misses; per dimension rows."""

    tp: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    fp: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    fn: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    dims: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))


def _cross_validate(data: TrainingData, k: int) -> _Counts:
    """Train on all folds but one, predict that one, ``k`` times; count the outcomes."""
    n = len(data.texts)
    fold_of = {i: pos % k for pos, i in enumerate(_hash_order(data.conversation_ids))}
    counts = _Counts()
    for f in range(k):
        train_idx = [i for i in range(n) if fold_of[i] != f]
        test_idx = [i for i in range(n) if fold_of[i] == f]
        tagger = new_tagger(data.multi_label, None, len(train_idx))
        try:
            tagger.fit([data.texts[i] for i in train_idx], [data.labels[i] for i in train_idx])
        except ValueError:
            continue
        # Judge what apply() would suggest: accepted tags at or above the confidence floor.
        predictions = [
            {
                dim: frozenset(t.tag for t in dec.tags if t.confidence >= MIN_ACCEPT_CONFIDENCE)
                for dim, dec in row.items()
            }
            for row in tagger.decide([data.texts[i] for i in test_idx])
        ]
        for i, pred in zip(test_idx, predictions, strict=True):
            for dim, gold in data.labels[i].items():
                got = set(pred.get(dim, frozenset()))
                st = counts.dims[dim]
                st["rows"] += 1
                if got:
                    st["answered"] += 1
                    st["correct"] += int(got == gold)
                for key in gold | got:
                    if key in gold and key in got:
                        counts.tp[key] += 1
                    elif key in got:
                        counts.fp[key] += 1
                    else:
                        counts.fn[key] += 1
    return counts


def _dimension_scores(counts: _Counts) -> dict[str, dict[str, float]]:
    dims: dict[str, dict[str, float]] = {}
    for dim, st in sorted(counts.dims.items()):
        rows = st["rows"] or 1
        dims[dim] = {
            "conversations": st["rows"],
            "coverage": round(st["answered"] / rows, 4),
            "precision": round(st["correct"] / st["answered"], 4) if st["answered"] else 0.0,
            "recall": round(st["correct"] / rows, 4),
        }
    return dims


def _tag_scores(counts: _Counts, paths: dict[int, str]) -> list[TagQuality]:
    tp, fp, fn = counts.tp, counts.fp, counts.fn
    tags: list[TagQuality] = []
    for key in sorted(set(tp) | set(fp) | set(fn)):
        p = tp[key] / (tp[key] + fp[key]) if tp[key] + fp[key] else 0.0
        r = tp[key] / (tp[key] + fn[key]) if tp[key] + fn[key] else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        tags.append(
            TagQuality(
                tag_id=int(key),
                path=str(paths.get(int(key), key)),
                support=tp[key] + fn[key],
                precision=round(p, 4),
                recall=round(r, 4),
                f1=round(f1, 4),
            )
        )
    tags.sort(key=lambda t: (t.f1, -t.support))
    return tags


def last_quality_report(session: Session, *, workspace_id: int) -> dict[str, Any] | None:
    """The last saved :func:`quality_report` as plain data (``computed_at`` included), or None.

    Pages should show this instead of cross-validating on every request.
    """
    ws = tagging_workspace(session, workspace_id)
    saved = tagging_section(ws).get("quality")
    return dict(saved) if saved else None
