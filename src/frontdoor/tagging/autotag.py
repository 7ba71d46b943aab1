"""Tagging a workspace's conversations: rules, the learned tagger, training and quality.

* :func:`apply_rules` turns keyword/pattern hits into ``rule`` suggestions (or confirmed
  assignments for tags set to auto-confirm).
* :func:`train` fits :class:`~frontdoor.tagging.model.learned.LearnedTagger` on the workspace's
  confirmed assignments (one decision per dimension, multi-label where the dimension
  allows it) and saves it versioned under ``<home>/models/<workspace>/``; the current
  version and its metrics are recorded in ``Workspace.settings["tagging"]["model"]``.
* :func:`apply` suggests tags with the current model. Accepted tags become ``model``
  suggestions with their calibrated confidence; where the model abstains, its best
  candidate is stored as a suggestion marked ``needs_human`` so the review queue can ask.
  Decided rows (confirmed or rejected) are never touched.
* :func:`tag_new_conversations` runs rules and the model on conversations as they arrive;
  it is subscribed to :data:`frontdoor.core.events.CONVERSATIONS_INGESTED`.
* :func:`quality_report` cross-validates the tagger on the workspace's own confirmed tags.

Only customer messages count as the conversation's text (agents, bots, system messages
and internal notes are excluded); the text is bounded by ``settings.max_text_chars``.
Model tag keys are tag ids, so renames and moves never invalidate a trained model.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.db.base import utcnow
from frontdoor.models import (
    AssignmentStatus,
    AuthorKind,
    Conversation,
    Message,
    Origin,
    Tag,
    TagAssignment,
    TagDimension,
    TagStatus,
    Workspace,
)
from frontdoor.tagging.assignments import Suggestion, bulk_suggest
from frontdoor.tagging.rules import RuleSet, TagRules
from frontdoor.tagging.taxonomy.auto_confirm import auto_confirm_tag_ids

if TYPE_CHECKING:  # pragma: no cover
    from frontdoor.core.store import Store
    from frontdoor.tagging.model.learned import LearnedTagger

__all__ = [
    "ApplyResult",
    "QualityReport",
    "TrainResult",
    "apply",
    "apply_rules",
    "conversation_texts",
    "current_model",
    "last_quality_report",
    "load_model",
    "model_info",
    "quality_report",
    "register_event_handlers",
    "rule_set",
    "tag_new_conversations",
    "train",
    "training_data",
]

log = logging.getLogger(__name__)

MIN_TRAIN_CONVERSATIONS = 6
MIN_ACCEPT_CONFIDENCE = 0.5
KEEP_MODELS = 5
BATCH = 200


# --- text -----------------------------------------------------------------------------


def conversation_texts(
    session: Session,
    *,
    workspace_id: int,
    conversation_ids: Iterable[int],
    max_chars: int = 20000,
) -> dict[int, str]:
    """The customer's words per conversation: subject and customer messages, in order.

    Agent, bot and system messages and internal notes are left out; a subject that only
    repeats the start of the first message is dropped; each text is cut at
    ``max_chars``. Conversations without customer text map to ``""``.
    """
    ids = sorted(set(conversation_ids))
    out: dict[int, list[str]] = {cid: [] for cid in ids}
    subjects: dict[int, str] = {}
    sizes: dict[int, int] = defaultdict(int)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for cid, subject in session.execute(
            select(Conversation.id, Conversation.subject).where(
                Conversation.workspace_id == workspace_id, Conversation.id.in_(chunk)
            )
        ):
            if subject and subject.strip():
                subjects[cid] = subject.strip()
        rows = session.execute(
            select(Message.conversation_id, Message.text)
            .where(
                Message.workspace_id == workspace_id,
                Message.conversation_id.in_(chunk),
                Message.author_kind == AuthorKind.CUSTOMER,
                Message.is_internal.is_(False),
            )
            .order_by(Message.conversation_id, Message.sent_at, Message.id)
        )
        for cid, text in rows:
            if text and sizes[cid] < max_chars:
                out[cid].append(text)
                sizes[cid] += len(text) + 1
    for cid, subject in subjects.items():
        # Chat sources often use the first message (cut, with "...") as the subject.
        head = subject.rstrip("…. ")
        if not (out[cid] and head and out[cid][0].startswith(head)):
            out[cid].insert(0, subject)
    return {cid: "\n".join(parts)[:max_chars] for cid, parts in out.items()}


def _max_chars(store: Store) -> int:
    return int(getattr(store.settings, "max_text_chars", 20000) or 20000)


# --- rules ----------------------------------------------------------------------------

_rules_lock = threading.Lock()
_rules_cache: dict[int, tuple[str, RuleSet]] = {}


def rule_set(session: Session, *, workspace_id: int) -> RuleSet:
    """The compiled rules of the workspace's active tags (cached until a rule changes)."""
    rows = session.execute(
        select(Tag.id, Tag.keywords, Tag.patterns)
        .where(Tag.workspace_id == workspace_id, Tag.status == TagStatus.ACTIVE)
        .order_by(Tag.id)
    ).all()
    rules = [
        TagRules(int(tid), tuple(kws or ()), tuple(pats or ())) for tid, kws, pats in rows if kws or pats
    ]
    key = hashlib.sha256(
        json.dumps([[r.tag_id, r.keywords, r.patterns] for r in rules], ensure_ascii=False).encode()
    ).hexdigest()
    with _rules_lock:
        cached = _rules_cache.get(workspace_id)
        if cached is not None and cached[0] == key:
            return cached[1]
    compiled = RuleSet(rules)
    with _rules_lock:
        _rules_cache[workspace_id] = (key, compiled)
    return compiled


def apply_rules(
    session: Session,
    *,
    workspace_id: int,
    conversation_ids: Iterable[int],
    texts: dict[int, str] | None = None,
    max_chars: int = 20000,
) -> int:
    """Suggest (or, for auto-confirm tags, confirm) the tags whose rules fire.

    Returns
    -------
    int
        Number of assignments created or refreshed.
    """
    rules = rule_set(session, workspace_id=workspace_id)
    if rules.empty:
        return 0
    ids = list(conversation_ids)
    if texts is None:
        texts = conversation_texts(
            session, workspace_id=workspace_id, conversation_ids=ids, max_chars=max_chars
        )
    auto = auto_confirm_tag_ids(session, workspace_id=workspace_id)
    batch: list[Suggestion] = []
    for cid, hits in zip(ids, rules.match_many([texts.get(cid, "") for cid in ids]), strict=True):
        by_tag: dict[int, list[str]] = defaultdict(list)
        for hit in hits:
            by_tag[hit.tag_id].append(hit.term)
        for tag_id, terms in by_tag.items():
            batch.append(
                Suggestion(
                    conversation_id=cid,
                    tag_id=tag_id,
                    origin=Origin.RULE,
                    confirmed=tag_id in auto,
                    attributes={"rule_terms": terms[:10]},
                )
            )
    return len(bulk_suggest(session, workspace_id=workspace_id, suggestions=batch))


# --- model storage --------------------------------------------------------------------


def _workspace(session: Session, workspace_id: int) -> Workspace:
    ws = session.get(Workspace, workspace_id)
    if ws is None:
        raise NotFound(f"no workspace {workspace_id}")
    return ws


def _model_dir(store: Store, slug: str) -> Path:
    return Path(store.settings.home) / "models" / slug


def model_info(session: Session, *, workspace_id: int) -> dict[str, Any] | None:
    """The current model's record (version, file, metrics, trained_at), or ``None``."""
    ws = _workspace(session, workspace_id)
    info = ((ws.settings or {}).get("tagging") or {}).get("model")
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
    ws = _workspace(session, workspace_id)
    path = _model_dir(store, ws.slug) / str(info["file"])
    if not path.exists():
        log.warning("model file %s of workspace %s is missing; retrain", path, ws.slug)
        return None
    try:
        return load_model(path), info
    except ValidationError as exc:  # IncompatibleModelError: written by another version
        log.warning("model of workspace %s cannot be used (%s); run `frontdoor tags train`", ws.slug, exc)
        return None


# --- training -------------------------------------------------------------------------


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


def _new_tagger(multi_label: dict[str, bool], embeddings: str | None, n_train: int) -> LearnedTagger:
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
        ws = _workspace(session, workspace_id)
        slug = ws.slug
        data = training_data(session, workspace_id=workspace_id, max_chars=_max_chars(store))
    if len(data.texts) < MIN_TRAIN_CONVERSATIONS:
        raise ValidationError(
            f"need at least {MIN_TRAIN_CONVERSATIONS} conversations with confirmed tags to train "
            f"(have {len(data.texts)}); confirm some suggestions in the review queue first"
        )
    if embeddings is None:
        embeddings = getattr(store.settings, "embeddings_model", None) or None
    tagger = _new_tagger(data.multi_label, embeddings, len(data.texts))
    try:
        tagger.fit(data.texts, data.labels)
    except ValueError as exc:
        raise ValidationError(f"cannot train yet: {exc}") from None
    version = str(tagger.model_version_)
    directory = _model_dir(store, slug)
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
        ws = _workspace(session, workspace_id)
        tagging = dict((ws.settings or {}).get("tagging") or {})
        history = [h for h in tagging.get("model_history", []) if h.get("version") != version]
        history = [{k: record[k] for k in ("version", "file", "trained_at", "n_train")}, *history]
        for old in history[KEEP_MODELS:]:
            (directory / str(old.get("file", ""))).unlink(missing_ok=True)
        tagging["model"] = record
        tagging["model_history"] = history[:KEEP_MODELS]
        ws.settings = {**(ws.settings or {}), "tagging": tagging}
    return result


# --- applying -------------------------------------------------------------------------


@dataclass
class ApplyResult:
    """What :func:`apply` or :func:`tag_new_conversations` did."""

    conversations: int = 0
    rule_assignments: int = 0
    model_suggestions: int = 0
    needs_human: int = 0
    model_version: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return dict(self.__dict__)


def _decided_dims(session: Session, conversation_ids: Sequence[int]) -> dict[int, set[str]]:
    """Single-label dimensions a person already settled, per conversation."""
    rows = session.execute(
        select(TagAssignment.conversation_id, TagDimension.key)
        .join(Tag, Tag.id == TagAssignment.tag_id)
        .join(TagDimension, TagDimension.id == Tag.dimension_id)
        .where(
            TagAssignment.conversation_id.in_(conversation_ids),
            TagAssignment.status == AssignmentStatus.CONFIRMED,
            TagAssignment.scope == "",
            TagDimension.multi_label.is_(False),
        )
    )
    out: dict[int, set[str]] = defaultdict(set)
    for cid, key in rows:
        out[cid].add(key)
    return out


def _apply_model(
    session: Session,
    *,
    workspace_id: int,
    tagger: LearnedTagger,
    version: str,
    texts: dict[int, str],
) -> tuple[int, int]:
    """Store the model's decisions for ``texts``; return (suggestions, needs_human)."""
    ids = [cid for cid, text in texts.items() if text.strip()]
    if not ids:
        return 0, 0
    active = {
        int(tid)
        for tid in session.scalars(
            select(Tag.id).where(Tag.workspace_id == workspace_id, Tag.status == TagStatus.ACTIVE)
        )
    }
    thresholds: dict[str, dict[str, float]] = {}
    for dim, clf in tagger.classifiers_.items():
        thresholds[dim] = {str(k): float(t) for k, t in zip(clf.classes_, clf.thresholds_, strict=True)}
    settled = _decided_dims(session, ids)
    decisions = tagger.decide([texts[cid] for cid in ids])
    batch: list[Suggestion] = []
    needs = 0
    for cid, per_dim in zip(ids, decisions, strict=True):
        for dim, decision in per_dim.items():
            if dim in settled.get(cid, set()):
                continue
            # A calibrated confidence under one half means the tag is more likely wrong than
            # right, whatever threshold the model learned: never suggest it as accepted.
            picks = [(sc, False) for sc in decision.tags if sc.confidence >= MIN_ACCEPT_CONFIDENCE]
            if not picks and decision.candidates:
                picks = [(decision.candidates[0], True)]
                needs += 1
            for score, needs_human in picks:
                tag_id = int(score.tag)
                if tag_id not in active:
                    continue
                batch.append(
                    Suggestion(
                        conversation_id=cid,
                        tag_id=tag_id,
                        origin=Origin.MODEL,
                        confidence=score.confidence,
                        model_version=version,
                        attributes={
                            "threshold": round(thresholds.get(dim, {}).get(score.tag, 0.5), 6),
                            "needs_human": needs_human,
                            "dimension": dim,
                        },
                    )
                )
    stored = bulk_suggest(session, workspace_id=workspace_id, suggestions=batch)
    suggested = sum(1 for row in stored if not (row.attributes or {}).get("needs_human"))
    # Suggestions of an older model that this one no longer makes go away.
    keep = {(sug.conversation_id, sug.tag_id) for sug in batch}
    stale = [
        rid
        for rid, cid, tid in session.execute(
            select(TagAssignment.id, TagAssignment.conversation_id, TagAssignment.tag_id).where(
                TagAssignment.workspace_id == workspace_id,
                TagAssignment.conversation_id.in_(ids),
                TagAssignment.origin == Origin.MODEL,
                TagAssignment.status == AssignmentStatus.SUGGESTED,
                TagAssignment.scope == "",
            )
        )
        if (cid, tid) not in keep
    ]
    if stale:
        session.execute(
            delete(TagAssignment)
            .where(TagAssignment.id.in_(stale))
            .execution_options(synchronize_session=False)
        )
    session.flush()
    return suggested, needs


def _run(
    store: Store,
    *,
    workspace_id: int,
    conversation_ids: Sequence[int],
    rules: bool,
    model: bool,
) -> ApplyResult:
    result = ApplyResult()
    loaded = None
    with store.session() as session:
        if model:
            loaded = current_model(store, session, workspace_id=workspace_id)
        if rules and rule_set(session, workspace_id=workspace_id).empty:
            rules = False
    if loaded is not None:
        result.model_version = str(loaded[1]["version"])
    if not rules and loaded is None:
        return result  # nothing to tag with yet: skip reading the texts
    for start in range(0, len(conversation_ids), BATCH):
        chunk = list(conversation_ids[start : start + BATCH])
        with store.session() as session:
            texts = conversation_texts(
                session, workspace_id=workspace_id, conversation_ids=chunk, max_chars=_max_chars(store)
            )
            if rules:
                result.rule_assignments += apply_rules(
                    session, workspace_id=workspace_id, conversation_ids=chunk, texts=texts
                )
            if loaded is not None:
                s, n = _apply_model(
                    session,
                    workspace_id=workspace_id,
                    tagger=loaded[0],
                    version=str(loaded[1]["version"]),
                    texts=texts,
                )
                result.model_suggestions += s
                result.needs_human += n
        result.conversations += len(chunk)
    return result


def apply(
    store: Store,
    *,
    workspace_id: int,
    since: dt.datetime | None = None,
    rules: bool = True,
    model: bool = True,
) -> ApplyResult:
    """Suggest tags for the workspace's conversations (those opened since ``since``).

    Runs the rules and the current model (when one is trained), committing every 200
    conversations. Human decisions are never overwritten.
    """
    with store.session() as session:
        _workspace(session, workspace_id)
        stmt = select(Conversation.id).where(Conversation.workspace_id == workspace_id)
        if since is not None:
            stmt = stmt.where(Conversation.opened_at >= since)
        ids = list(session.scalars(stmt.order_by(Conversation.id)))
    return _run(store, workspace_id=workspace_id, conversation_ids=ids, rules=rules, model=model)


def tag_new_conversations(store: Store, workspace_id: int, conversation_ids: Sequence[int]) -> ApplyResult:
    """Tag conversations as they arrive: rules, then the model if one is trained."""
    return _run(
        store, workspace_id=workspace_id, conversation_ids=list(conversation_ids), rules=True, model=True
    )


def _on_ingested(store: Store, *, workspace_id: int, conversation_ids: Sequence[int], **_: Any) -> None:
    tag_new_conversations(store, workspace_id, conversation_ids)


def register_event_handlers() -> None:
    """Subscribe :func:`tag_new_conversations` to the ingest event (idempotent)."""
    from frontdoor.core import events

    events.subscribe(events.CONVERSATIONS_INGESTED, _on_ingested)


# --- quality --------------------------------------------------------------------------


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
        data = training_data(session, workspace_id=workspace_id, max_chars=_max_chars(store))
        paths = dict(session.execute(select(Tag.id, Tag.path).where(Tag.workspace_id == workspace_id)).all())
    n = len(data.texts)
    if n < MIN_TRAIN_CONVERSATIONS:
        return QualityReport(
            n, 0, {}, [], note=f"need at least {MIN_TRAIN_CONVERSATIONS} confirmed conversations"
        )
    order = _hash_order(data.conversation_ids)
    if n > max_conversations:
        # A fixed pseudo-random sample keeps the report minutes, not hours, on big workspaces.
        keep = sorted(order[:max_conversations])
        data = TrainingData(
            conversation_ids=[data.conversation_ids[i] for i in keep],
            texts=[data.texts[i] for i in keep],
            labels=[data.labels[i] for i in keep],
            multi_label=data.multi_label,
        )
        n = len(keep)
        order = _hash_order(data.conversation_ids)
    k = max(2, min(folds, n // 3))
    fold_of = {i: pos % k for pos, i in enumerate(order)}
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    fn: dict[str, int] = defaultdict(int)
    dim_stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for f in range(k):
        train_idx = [i for i in range(n) if fold_of[i] != f]
        test_idx = [i for i in range(n) if fold_of[i] == f]
        tagger = _new_tagger(data.multi_label, None, len(train_idx))
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
                st = dim_stats[dim]
                st["rows"] += 1
                if got:
                    st["answered"] += 1
                    st["correct"] += int(got == gold)
                for key in gold | got:
                    if key in gold and key in got:
                        tp[key] += 1
                    elif key in got:
                        fp[key] += 1
                    else:
                        fn[key] += 1
    dims: dict[str, dict[str, float]] = {}
    for dim, st in sorted(dim_stats.items()):
        rows = st["rows"] or 1
        dims[dim] = {
            "conversations": st["rows"],
            "coverage": round(st["answered"] / rows, 4),
            "precision": round(st["correct"] / st["answered"], 4) if st["answered"] else 0.0,
            "recall": round(st["correct"] / rows, 4),
        }
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
    report = QualityReport(n_conversations=n, folds=k, dimensions=dims, tags=tags)
    if save:
        with store.session() as session:
            ws = _workspace(session, workspace_id)
            tagging = dict((ws.settings or {}).get("tagging") or {})
            tagging["quality"] = {**report.to_dict(), "computed_at": utcnow().isoformat()}
            ws.settings = {**(ws.settings or {}), "tagging": tagging}
    return report


def last_quality_report(session: Session, *, workspace_id: int) -> dict[str, Any] | None:
    """The last saved :func:`quality_report` as plain data (``computed_at`` included), or None.

    Pages should show this instead of cross-validating on every request.
    """
    ws = _workspace(session, workspace_id)
    saved = ((ws.settings or {}).get("tagging") or {}).get("quality")
    return dict(saved) if saved else None
