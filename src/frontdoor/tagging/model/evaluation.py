"""Evaluate the learned tagger on a labeled train/test pair (``frontdoor eval``).

Input files are CSV with the header ``text,label``; a row with several tags joins them with
``|`` (which makes the task multi-label). Other columns are ignored.

Metrics
-------
Single-label, no out-of-scope label
    ``accuracy`` and ``macro_f1`` score the tagger's best guess (top-1) on every row; the
    abstention behaviour is reported separately as ``coverage`` (share of rows it would
    tag on its own) and ``selective_accuracy`` (accuracy on those rows).
Single-label with ``oos_label``
    Training rows with that label are abstention targets (negatives for every tag, never a
    class). On test rows an abstention counts as predicting ``oos_label``: ``accuracy`` is
    over all rows, ``in_scope_accuracy`` over rows whose truth is a real tag (abstaining
    there is an error), ``oos_recall`` is the share of out-of-scope rows it abstained on.
Multi-label
    ``accuracy`` is exact set match of the accepted tags, ``macro_f1`` averages per-tag F1
    of the accepted tags.

``worst_tags`` lists the tags with the lowest F1, ``train_seconds`` the wall-clock training
time (featurization and embedding included), ``predictions_per_second`` the test throughput
of :meth:`~frontdoor.tagging.model.learned.LearnedTagger.decide`.
"""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from frontdoor.core.errors import ValidationError
from frontdoor.core.text.tokenize import normalize_text
from frontdoor.tagging.model.embeddings import Embedder, FinetunedEmbedder
from frontdoor.tagging.model.learned import LearnedTagger

__all__ = [
    "DIMENSION",
    "EvalReport",
    "TagScoreRow",
    "evaluate",
    "evaluate_files",
    "format_report",
    "read_labeled_csv",
]

#: Dimension name used for the single task of an evaluation file pair.
DIMENSION = "label"
_LABEL_SEP = "|"
_MAX_TEXT = 100_000  # characters; customer text is untrusted, a runaway cell is an error


@dataclass(frozen=True)
class TagScoreRow:
    """Per-tag figures in a report."""

    tag: str
    f1: float
    precision: float
    recall: float
    support: int


@dataclass
class EvalReport:
    """Result of one evaluation run (see the module docstring for the metrics).

    All rates are fractions in [0, 1]; :func:`format_report` prints them as percentages.
    """

    train_path: str
    test_path: str
    n_train: int
    n_test: int
    n_tags: int
    multi_label: bool
    oos_label: str | None
    embeddings: str
    accuracy: float
    macro_f1: float
    coverage: float
    selective_accuracy: float
    in_scope_accuracy: float | None
    oos_recall: float | None
    train_seconds: float
    predictions_per_second: float
    cv_accuracy: float
    model_version: str
    worst_tags: list[TagScoreRow] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain JSON-serializable data.

        Returns
        -------
        dict
            Every field; ``worst_tags`` as a list of dicts.
        """
        return asdict(self)


def read_labeled_csv(path: str | Path) -> tuple[list[str], list[frozenset[str]]]:
    """Read a ``text,label`` CSV file.

    Parameters
    ----------
    path : str or Path
        CSV file with a header naming ``text`` and ``label`` columns (UTF-8, optional BOM).

    Returns
    -------
    texts : list of str
        NFC-normalized texts.
    labels : list of frozenset of str
        Tags per row (split on ``|``, blanks stripped).

    Raises
    ------
    frontdoor.core.errors.ValidationError
        One line naming the file and line: missing file or columns, undecodable bytes,
        an empty text or label, a text over 100,000 characters, or no rows at all.
    """
    path = Path(path)
    texts: list[str] = []
    labels: list[frozenset[str]] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            try:
                header = next(reader)
            except StopIteration:
                raise ValidationError(f"{path}: line 1: empty file, expected header 'text,label'") from None
            cols = [h.strip().lower() for h in header]
            if "text" not in cols or "label" not in cols:
                got = ",".join(header)[:80]
                raise ValidationError(
                    f"{path}: line 1: header must name 'text' and 'label' columns, got {got!r}"
                )
            ti, li = cols.index("text"), cols.index("label")
            width = max(ti, li) + 1
            for row in reader:
                line = reader.line_num
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue  # blank line
                if len(row) < width:
                    raise ValidationError(
                        f"{path}: line {line}: expected {len(header)} fields, got {len(row)}"
                    )
                text = normalize_text(row[ti]).strip()
                if not text:
                    raise ValidationError(f"{path}: line {line}: empty text")
                if len(text) > _MAX_TEXT:
                    raise ValidationError(f"{path}: line {line}: text longer than {_MAX_TEXT} characters")
                tags = frozenset(t.strip() for t in normalize_text(row[li]).split(_LABEL_SEP) if t.strip())
                if not tags:
                    raise ValidationError(f"{path}: line {line}: empty label")
                texts.append(text)
                labels.append(tags)
    except FileNotFoundError:
        raise ValidationError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise ValidationError(f"{path}: line {reader.line_num}: malformed CSV ({exc})") from None
    if not texts:
        raise ValidationError(f"{path}: no data rows")
    return texts, labels


def _humanize(tag: str) -> str:
    """``card_arrival`` -> ``card arrival``; empty when the name has no letters."""
    text = re.sub(r"[_\-/.:]+", " ", tag).strip()
    return text if any(ch.isalpha() for ch in text) else ""


def _f1_rows(
    truth: Sequence[frozenset[str]], pred: Sequence[frozenset[str]], tags: Sequence[str]
) -> list[TagScoreRow]:
    index = {t: i for i, t in enumerate(tags)}
    tp = np.zeros(len(tags))
    fp = np.zeros(len(tags))
    fn = np.zeros(len(tags))
    for t_set, p_set in zip(truth, pred, strict=True):
        for t in t_set & p_set:
            if t in index:
                tp[index[t]] += 1
        for t in p_set - t_set:
            if t in index:
                fp[index[t]] += 1
        for t in t_set - p_set:
            if t in index:
                fn[index[t]] += 1
    prec = np.divide(tp, tp + fp, out=np.zeros_like(tp), where=(tp + fp) > 0)
    rec = np.divide(tp, tp + fn, out=np.zeros_like(tp), where=(tp + fn) > 0)
    f1 = np.divide(2 * prec * rec, prec + rec, out=np.zeros_like(tp), where=(prec + rec) > 0)
    return [
        TagScoreRow(t, float(f1[i]), float(prec[i]), float(rec[i]), int(tp[i] + fn[i]))
        for i, t in enumerate(tags)
    ]


def evaluate(
    train_texts: Sequence[str],
    train_labels: Sequence[frozenset[str]],
    test_texts: Sequence[str],
    test_labels: Sequence[frozenset[str]],
    *,
    oos_label: str | None = None,
    embeddings: str | Embedder | None = "auto",
    tagger_params: Mapping[str, Any] | None = None,
    train_path: str = "",
    test_path: str = "",
    n_worst: int = 5,
    tag_names_as_examples: bool = True,
) -> EvalReport:
    """Train a :class:`LearnedTagger` on one set and measure it on another.

    Parameters
    ----------
    train_texts, test_texts : sequence of str
        Texts.
    train_labels, test_labels : sequence of frozenset of str
        Tags per text.
    oos_label : str or None, default=None
        Label meaning "out of scope": an abstention target in training, the expected
        answer (abstain) in testing.
    embeddings : str, Embedder or None, default="auto"
        Embedding backend (see :func:`frontdoor.tagging.model.embeddings.resolve_embedder`).
    tagger_params : mapping or None, default=None
        Extra keyword arguments for :class:`LearnedTagger`.
    train_path, test_path : str, default=""
        Names recorded in the report.
    n_worst : int, default=5
        Number of worst tags to list.
    tag_names_as_examples : bool, default=True
        Give each tag's name (``card_arrival`` -> ``card arrival``) to the tagger as a
        description, as the taxonomy's tag names are in production
        (``LearnedTagger.fit(tag_texts=...)``).

    Returns
    -------
    EvalReport
        The measured figures.
    """

    def to_row(tags: frozenset[str]) -> dict[str, frozenset[str]]:
        return {DIMENSION: frozenset() if oos_label is not None and oos_label in tags else tags}

    train_rows = [to_row(s) for s in train_labels]
    multi = any(len(s) > 1 for s in train_labels)
    params = dict(tagger_params or {})
    params.setdefault("multi_label", {DIMENSION: multi})
    tagger = LearnedTagger(embeddings=embeddings, **params)
    tag_texts: dict[str, dict[str, list[str]]] | None = None
    if tag_names_as_examples:
        names = {t for row in train_rows for t in row[DIMENSION]}
        tag_texts = {DIMENSION: {t: [_humanize(t)] for t in sorted(names) if _humanize(t)}}
    start = time.perf_counter()
    tagger.fit(list(train_texts), train_rows, tag_texts=tag_texts)
    train_seconds = time.perf_counter() - start
    start = time.perf_counter()
    decisions = [row[DIMENSION] for row in tagger.decide(list(test_texts), [DIMENSION])]
    predict_seconds = time.perf_counter() - start
    clf = tagger.classifiers_.get(DIMENSION)
    if clf is None:
        raise ValidationError(
            f"cannot train on {train_path or 'the training set'}: "
            f"{tagger.skipped_dimensions_.get(DIMENSION, 'no usable labels')}"
        )
    tags = [str(t) for t in clf.classes_]

    truth = [frozenset(s) for s in test_labels]
    accepted = [d.tag_keys for d in decisions]
    covered = np.array([not d.abstained for d in decisions])
    in_scope_accuracy: float | None = None
    oos_recall: float | None = None
    if multi:
        pred = accepted
        correct = np.array([p == t for p, t in zip(pred, truth, strict=True)])
        accuracy = float(correct.mean())
    else:
        top = [frozenset({d.candidates[0].tag}) if d.candidates else frozenset() for d in decisions]
        # With an out-of-scope label, abstaining is the prediction "out of scope".
        pred = top if oos_label is None else [a or frozenset({oos_label}) for a in accepted]
        correct = np.array([p == t for p, t in zip(pred, truth, strict=True)])
        accuracy = float(correct.mean())
        if oos_label is not None:
            is_oos = np.array([oos_label in t for t in truth])
            if (~is_oos).any():
                in_scope_accuracy = float(correct[~is_oos].mean())
            if is_oos.any():
                oos_recall = float((~covered[is_oos]).mean())
    right_when_covered = np.array([a == t for a, t in zip(accepted, truth, strict=True)])
    coverage = float(covered.mean())
    selective = float(right_when_covered[covered].mean()) if covered.any() else 0.0
    eval_tags = sorted(set(tags) | {t for s in truth for t in s} - {oos_label or ""} - {""})
    rows = _f1_rows(truth, pred, eval_tags)
    scored = [r for r in rows if r.support > 0]
    macro_f1 = float(np.mean([r.f1 for r in scored])) if scored else 0.0
    worst = sorted(scored, key=lambda r: (r.f1, -r.support, r.tag))[:n_worst]
    embedder = tagger.featurizer_.embedder
    return EvalReport(
        train_path=train_path,
        test_path=test_path,
        n_train=len(train_texts),
        n_test=len(test_texts),
        n_tags=len(tags),
        multi_label=multi,
        oos_label=oos_label,
        embeddings=(
            "none"
            if embedder is None
            else getattr(embedder, "spec", "custom")
            + (" (fine-tuned)" if isinstance(embedder, FinetunedEmbedder) else "")
        ),
        accuracy=accuracy,
        macro_f1=macro_f1,
        coverage=coverage,
        selective_accuracy=selective,
        in_scope_accuracy=in_scope_accuracy,
        oos_recall=oos_recall,
        train_seconds=train_seconds,
        predictions_per_second=len(test_texts) / predict_seconds if predict_seconds > 0 else 0.0,
        cv_accuracy=clf.cv_accuracy_,
        model_version=tagger.model_version_,
        worst_tags=worst,
    )


def evaluate_files(
    train_path: str | Path,
    test_path: str | Path,
    *,
    oos_label: str | None = None,
    embeddings: str | Embedder | None = "auto",
    tagger_params: Mapping[str, Any] | None = None,
) -> EvalReport:
    """Evaluate the tagger on two ``text,label`` CSV files (what ``frontdoor eval`` runs).

    Parameters
    ----------
    train_path, test_path : str or Path
        CSV files with a ``text,label`` header; several tags are joined by ``|``.
    oos_label : str or None, default=None
        Label the tagger should abstain on (out of scope); see :func:`evaluate`.
    embeddings : str, Embedder or None, default="auto"
        ``"auto"`` (use embeddings when the extra is installed), ``"none"``, or a path to
        a local sentence-transformers model.
    tagger_params : mapping or None, default=None
        Extra keyword arguments for :class:`LearnedTagger`.

    Returns
    -------
    EvalReport
        The measured figures.

    Raises
    ------
    frontdoor.core.errors.ValidationError
        A file is malformed (the message names file and line) or cannot train a model.
    frontdoor.core.errors.MissingExtra
        Embeddings were requested by path but the extra is not installed.
    """
    train_texts, train_labels = read_labeled_csv(train_path)
    test_texts, test_labels = read_labeled_csv(test_path)
    return evaluate(
        train_texts,
        train_labels,
        test_texts,
        test_labels,
        oos_label=oos_label,
        embeddings=embeddings,
        tagger_params=tagger_params,
        train_path=str(train_path),
        test_path=str(test_path),
    )


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.2f}%"


def format_report(report: EvalReport) -> str:
    """Render a report for the terminal.

    Parameters
    ----------
    report : EvalReport
        A report from :func:`evaluate_files`.

    Returns
    -------
    str
        A few aligned lines (no trailing newline).
    """
    kind = "multi-label" if report.multi_label else "single-label"
    lines = [
        f"train  {report.train_path}  ({report.n_train} rows, {report.n_tags} tags, {kind})",
        f"test   {report.test_path}  ({report.n_test} rows)",
        f"embeddings          {report.embeddings}",
        f"accuracy            {_pct(report.accuracy)}",
        f"macro-F1            {_pct(report.macro_f1)}",
    ]
    if report.oos_label is not None:
        lines += [
            f"in-scope accuracy   {_pct(report.in_scope_accuracy)}",
            f"out-of-scope recall {_pct(report.oos_recall)}  (abstained on '{report.oos_label}')",
        ]
    lines += [
        f"coverage            {_pct(report.coverage)}  (tagged without a human)",
        f"selective accuracy  {_pct(report.selective_accuracy)}  (on those)",
        f"cv accuracy (train) {_pct(report.cv_accuracy)}",
        f"training            {report.train_seconds:.1f} s",
        f"predictions         {report.predictions_per_second:,.0f} /s",
        f"model version       {report.model_version}",
    ]
    if report.worst_tags:
        lines.append("worst tags by F1:")
        width = max(len(r.tag) for r in report.worst_tags)
        for r in report.worst_tags:
            lines.append(
                f"  {r.tag:<{width}}  F1 {_pct(r.f1):>7}  P {_pct(r.precision):>7}  "
                f"R {_pct(r.recall):>7}  n={r.support}"
            )
    return "\n".join(lines)
