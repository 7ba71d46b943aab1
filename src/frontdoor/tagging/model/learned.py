"""The learned auto-tagger: one calibrated, abstaining linear model per taxonomy dimension.

Shape of the model
------------------
:class:`LearnedTagger` is trained on ``(text, {dimension: set of tag keys})`` pairs. It turns
texts into features once (:class:`~frontdoor.tagging.model.features.TextFeaturizer`) and fits one
:class:`DimensionClassifier` per dimension:

* a **single-label** dimension (e.g. ``type``: one request type per conversation) makes one
  decision: its best tag, or nothing;
* a **multi-label** dimension (e.g. ``area``: a conversation may touch billing and export)
  accepts every tag that clears its own threshold.

A row whose mapping has a dimension with an *empty* set is an abstention target for that
dimension ("none of these tags applies": out-of-scope examples); a row without the dimension
key is simply not used for it (nobody tagged that dimension yet).

Scores, confidence and abstention
---------------------------------
Each dimension is a one-vs-rest linear SVM (liblinear) over the fused features; abstention
targets are negatives for every tag. Raw SVM scores are not probabilities, so the training
data is split into ``cv`` folds and every training row is scored by a model that did not see
it. On these out-of-fold scores a small logistic model (Platt scaling with Platt's prior
correction, on the tag's score and its margin over the best other tag) maps scores to
**calibrated confidence** = the probability that the tag is right. Then, per tag, the lowest
confidence threshold whose out-of-fold **precision** reaches ``target_precision`` is chosen;
a tag with few examples borrows strength from the pooled precision curve of all tags
(``prior_strength`` pseudo-examples), so its threshold is not set by three lucky rows.
Every threshold is at least ``min_confidence`` (0.5: accept only what is more likely
right than wrong, Chow's reject rule). A prediction below its tag's threshold is withheld:
the tagger abstains ("needs a human"), and that is how out-of-scope text is detected.
Nothing here looks at test data.

With embeddings, two embedding-only scorers (a logistic regression and the cosine to each
tag's prototype) are stacked with the SVM: the calibration model above takes the score and
margin of all three, so it learns on out-of-fold data how much to trust each.
"""

from __future__ import annotations

import datetime as _dt
import inspect
import uuid
import warnings
from collections.abc import Collection, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import sklearn
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from frontdoor.core.errors import ValidationError
from frontdoor.tagging.model.embeddings import (
    Embedder,
    FinetunedEmbedder,
    SentenceTransformerEmbedder,
    resolve_embedder,
)
from frontdoor.tagging.model.features import TextFeaturizer

__all__ = [
    "FORMAT_VERSION",
    "DimensionClassifier",
    "DimensionDecision",
    "IncompatibleModelError",
    "LearnedTagger",
    "TagScore",
]

#: Version of the saved-model layout; bump when a saved tagger can no longer be read.
FORMAT_VERSION = 1
_FORMAT_NAME = "frontdoor.learned-tagger"
_GRID = np.linspace(0.0, 1.0, 201)
# (SVM coef, SVM intercept, embedding LR coef, its intercept, tag prototypes)
_Params = tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None, np.ndarray | None]


def _frontdoor_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("frontdoor")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


class IncompatibleModelError(ValidationError):
    """A saved tagger cannot be loaded by this version of frontdoor or scikit-learn."""


@dataclass(frozen=True)
class TagScore:
    """One tag with its calibrated confidence (probability of being right)."""

    tag: str
    confidence: float


@dataclass(frozen=True)
class DimensionDecision:
    """What the tagger decided for one text in one dimension.

    Attributes
    ----------
    dimension : str
        The taxonomy dimension.
    tags : tuple of TagScore
        Accepted tags (confidence at or above each tag's threshold); empty when abstaining.
    candidates : tuple of TagScore
        The best-scoring tags, most confident first, accepted or not (suggestions).
    """

    dimension: str
    tags: tuple[TagScore, ...]
    candidates: tuple[TagScore, ...] = field(default=())

    @property
    def abstained(self) -> bool:
        """True when no tag was confident enough: a human should decide."""
        return not self.tags

    @property
    def tag_keys(self) -> frozenset[str]:
        """The accepted tag keys."""
        return frozenset(t.tag for t in self.tags)


# --------------------------------------------------------------------------- linear models


def _one_blas_thread(n_jobs: int) -> AbstractContextManager[Any]:
    """Limit BLAS to one thread while our own threads run in parallel.

    Threads that each call multi-threaded BLAS (the lbfgs solver) oversubscribe the cores
    and run several times slower than either kind of parallelism alone.
    """
    if n_jobs == 1:
        return nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def _linear_svc(C: float, class_weight: str | None, random_state: int) -> LinearSVC:
    return LinearSVC(C=C, class_weight=class_weight, max_iter=3000, random_state=random_state)


def _fit_single(
    X: sp.csr_matrix,
    y: np.ndarray,
    n_classes: int,
    C: float,
    class_weight: str | None,
    random_state: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Fit one-vs-rest on class indices ``y`` (``n_classes`` = abstention target).

    Returns coefficients and intercepts for classes ``0..n_classes-1`` only; a class absent
    from ``y`` (possible inside a cross-validation fold) gets a score that never wins.
    """
    d = X.shape[1]
    coef = np.zeros((n_classes, d), dtype=np.float32)
    intercept = np.full(n_classes, -10.0)
    present = np.unique(y)
    if len(present) == 1:
        if present[0] < n_classes:
            intercept[present[0]] = 1.0
        return coef, intercept
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = _linear_svc(C, class_weight, random_state).fit(X, y)
    w = model.coef_
    b = model.intercept_
    if len(present) == 2:  # liblinear returns one hyperplane for two classes
        w = np.vstack([-w[0], w[0]])
        b = np.array([-b[0], b[0]])
    for row, cls in enumerate(model.classes_):
        if cls < n_classes:
            coef[cls] = w[row]
            intercept[cls] = b[row]
    return coef, intercept


def _fit_binary_column(
    X: sp.csr_matrix, y: np.ndarray, C: float, class_weight: str | None, random_state: int
) -> tuple[np.ndarray, float]:
    if y.min() == y.max():
        return np.zeros(X.shape[1], dtype=np.float32), (1.0 if y[0] else -1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = _linear_svc(C, class_weight, random_state).fit(X, y)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def _fit_multi(
    X: sp.csr_matrix,
    Y: np.ndarray,
    C: float,
    class_weight: str | None,
    random_state: int,
    n_jobs: int,
) -> tuple[np.ndarray, np.ndarray]:
    # liblinear releases the GIL, so threads use several cores without copying X.
    with _one_blas_thread(n_jobs):
        results = Parallel(n_jobs=n_jobs, prefer="threads")(
            delayed(_fit_binary_column)(X, Y[:, k].astype(np.int8), C, class_weight, random_state)
            for k in range(Y.shape[1])
        )
    coef = np.vstack([w for w, _ in results]).astype(np.float32)
    intercept = np.array([b for _, b in results])
    return coef, intercept


# ------------------------------------------------------------------- embedding-only model


def _fit_embedding_lr(
    E: np.ndarray, Y: np.ndarray, multi_label: bool, C: float, random_state: int
) -> tuple[np.ndarray, np.ndarray]:
    """Logistic regression on the embedding block alone.

    Single-label: one multinomial model whose last row is the abstention target ("none",
    always present so that its logit takes part in the normalization). Multi-label: one
    binary model per tag. Returns ``(coef, intercept)`` with K(+1) rows.
    """
    k = Y.shape[1]
    dim = E.shape[1]
    if multi_label:
        coef = np.zeros((k, dim))
        intercept = np.zeros(k)
        for j in range(k):
            y = Y[:, j]
            if y.min() == y.max():
                intercept[j] = 10.0 if y[0] else -10.0
                continue
            lr = LogisticRegression(C=C, max_iter=1000, random_state=random_state).fit(E, y)
            coef[j], intercept[j] = lr.coef_[0], lr.intercept_[0]
        return coef, intercept
    y = np.where(Y.any(axis=1), Y.argmax(axis=1), k)
    coef = np.zeros((k + 1, dim))
    intercept = np.full(k + 1, -30.0)  # classes absent from a fold never win
    present = np.unique(y)
    if len(present) == 1:
        intercept[present[0]] = 0.0
        return coef, intercept
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        lr = LogisticRegression(C=C, max_iter=1000, random_state=random_state).fit(E, y)
    w, b = lr.coef_, lr.intercept_
    if len(present) == 2:  # binary LR: one logit, i.e. class 1 vs class 0
        w = np.vstack([np.zeros_like(w[0]), w[0]])
        b = np.array([0.0, b[0]])
    for row, cls in enumerate(lr.classes_):
        coef[cls] = w[row]
        intercept[cls] = b[row]
    return coef, intercept


def _embedding_scores(E: np.ndarray, coef: np.ndarray, intercept: np.ndarray, k: int) -> np.ndarray:
    logits = E @ coef.T + intercept
    if logits.shape[1] == k:  # multi-label: per-tag logits
        return logits
    # single-label: log-probabilities of the real tags (the "none" row normalizes only)
    logits = logits - logits.max(axis=1, keepdims=True)
    log_z = np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return (logits - log_z)[:, :k]


def _centroids(E: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Unit-length mean embedding per tag (zero for a tag without rows)."""
    counts = Y.sum(axis=0).astype(np.float64)
    C = (Y.T.astype(np.float64) @ E) / np.maximum(counts, 1.0)[:, None]
    norms = np.linalg.norm(C, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return C / norms


# ----------------------------------------------------------------------------- calibration


def _margins(scores: np.ndarray) -> np.ndarray:
    """Each tag's score minus the best score among the other tags (0 with one tag)."""
    n, k = scores.shape
    if k == 1:
        return scores.copy()
    order = np.argsort(-scores, axis=1)
    best = scores[np.arange(n), order[:, 0]]
    second = scores[np.arange(n), order[:, 1]]
    best_other = np.where(scores >= best[:, None], second[:, None], best[:, None])
    return scores - best_other


def _calibration_features(scores: np.ndarray) -> np.ndarray:
    """Per (row, tag) and per base model: the tag's score and its margin.

    ``scores`` has shape (n, K, m) for m base models; the result has shape (n, K, 2m).
    """
    parts = []
    for j in range(scores.shape[2]):
        s = scores[:, :, j]
        parts += [s, _margins(s)]
    return np.stack(parts, axis=2)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _top_candidates(scores: np.ndarray, m: int) -> np.ndarray:
    """Indices of the ``m`` best tags per row, best first."""
    m = min(m, scores.shape[1])
    idx = np.argpartition(-scores, m - 1, axis=1)[:, :m]
    part = np.take_along_axis(scores, idx, axis=1)
    return np.take_along_axis(idx, np.argsort(-part, axis=1), axis=1)


# ------------------------------------------------------------------------------ estimator


class DimensionClassifier(BaseEstimator):
    """Calibrated, abstaining one-vs-rest linear classifier for one taxonomy dimension.

    Works on feature matrices (see :class:`~frontdoor.tagging.model.features.TextFeaturizer`);
    :class:`LearnedTagger` wraps it for raw text. With ``embedding_dim > 0`` the last
    columns of ``X`` are sentence embeddings, and two embedding-only scorers are stacked
    with the SVM: a logistic regression and the cosine to each tag's prototype (mean
    embedding). The calibration model weighs the three on out-of-fold scores (the
    embedding-only models are data-efficient when a tag has a handful of examples, the
    SVM over all features wins with more, and prototype distance flags out-of-scope text).

    Parameters
    ----------
    multi_label : bool, default=False
        Accept every tag above its threshold (True) or at most the best one (False).
    C : float, default=1.0
        Inverse regularization strength of the linear SVMs.
    class_weight : {"balanced"} or None, default=None
        Re-weight tags inversely to their frequency in the SVMs.
    target_precision : float, default=0.9
        Precision each tag's threshold must reach on out-of-fold predictions.
    cv : int, default=3
        Number of cross-validation folds used for calibration and thresholds.
    prior_strength : float, default=10.0
        Pseudo-predictions that pull a rare tag's precision curve toward the pooled one.
    max_candidates : int, default=3
        Suggestions returned per decision (and candidates per row used for calibration).
    embedding_dim : int, default=0
        Number of trailing embedding columns in ``X`` (0: lexical features only).
    embedding_C : float, default=10.0
        Inverse regularization strength of the embedding-only logistic regression.
    min_confidence : float, default=0.5
        Floor of every threshold: a tag is never accepted unless it is more likely right
        than wrong (Chow's reject rule with equal costs). Precision thresholds alone can be
        0 for a tag that is never confused in training, yet out-of-scope text lands on it.
    n_jobs : int, default=1
        Threads for the cross-validation folds and per-tag fits.
    random_state : int, default=0
        Seed for the fold assignment and the solvers.

    Attributes
    ----------
    classes_ : ndarray of str
        Tag keys, sorted.
    coef_ : ndarray of shape (n_tags, n_features), float32
        SVM weights per tag.
    intercept_ : ndarray of shape (n_tags,)
        SVM bias per tag.
    embedding_coef_ : ndarray or None
        Weights of the embedding-only logistic regression (with a last "none" row for a
        single-label dimension); None without embeddings.
    embedding_intercept_ : ndarray or None
        Its biases.
    centroids_ : ndarray of shape (n_tags, embedding_dim) or None
        Unit-length mean embedding (prototype) of each tag; None without embeddings.
    calibration_coef_ : ndarray of shape (2 * n_models,)
        Weights of (score, margin) per base model in the confidence model.
    calibration_intercept_ : float
        Bias of the confidence model.
    thresholds_ : ndarray of shape (n_tags,)
        Confidence needed to accept each tag: the precision threshold, at least
        ``min_confidence``.
    global_threshold_ : float
        Threshold from the pooled precision curve (used for tags never predicted).
    cv_accuracy_ : float
        Out-of-fold top-1 accuracy on rows with exactly one tag (a training diagnostic).
    n_features_in_ : int
        Width of the feature matrix seen in :meth:`fit`.
    """

    def __init__(
        self,
        multi_label: bool = False,
        C: float = 1.0,
        class_weight: str | None = None,
        target_precision: float = 0.9,
        cv: int = 3,
        prior_strength: float = 10.0,
        max_candidates: int = 3,
        embedding_dim: int = 0,
        embedding_C: float = 10.0,
        min_confidence: float = 0.5,
        n_jobs: int = 1,
        random_state: int = 0,
    ) -> None:
        self.multi_label = multi_label
        self.C = C
        self.class_weight = class_weight
        self.target_precision = target_precision
        self.cv = cv
        self.prior_strength = prior_strength
        self.max_candidates = max_candidates
        self.embedding_dim = embedding_dim
        self.embedding_C = embedding_C
        self.min_confidence = min_confidence
        self.n_jobs = n_jobs
        self.random_state = random_state

    # -- fitting -----------------------------------------------------------------------

    def fit(self, X: sp.spmatrix | np.ndarray, y: Sequence[Collection[str]]) -> DimensionClassifier:
        """Fit the linear models, their calibration and the per-tag thresholds.

        Parameters
        ----------
        X : sparse matrix or ndarray of shape (n_samples, n_features)
            Features of the training texts.
        y : sequence of collections of str
            Tag keys of each row; an empty collection marks an abstention target.

        Returns
        -------
        DimensionClassifier
            The fitted classifier (``self``).

        Raises
        ------
        ValueError
            Shapes disagree, a single-label row has several tags, or fewer than two
            outcomes (tags plus "none") occur.
        """
        X = sp.csr_matrix(X, dtype=np.float32)
        sets = [frozenset(str(t) for t in s) for s in y]
        if X.shape[0] != len(sets):
            raise ValueError(f"X has {X.shape[0]} rows but y has {len(sets)}")
        classes = sorted(set().union(*sets)) if sets else []
        if not self.multi_label and any(len(s) > 1 for s in sets):
            raise ValueError("a single-label dimension got a row with several tags")
        has_none = any(not s for s in sets)
        if len(classes) + int(has_none) < 2:
            raise ValueError("need at least two outcomes (two tags, or a tag and 'none')")
        if not 0 <= self.embedding_dim < X.shape[1]:
            raise ValueError(f"embedding_dim={self.embedding_dim} does not fit {X.shape[1]} columns")
        self.classes_ = np.array(classes, dtype=object)
        self.n_features_in_ = int(X.shape[1])
        index = {c: i for i, c in enumerate(classes)}
        Y = np.zeros((len(sets), len(classes)), dtype=bool)
        for r, s in enumerate(sets):
            for t in s:
                Y[r, index[t]] = True

        oof = self._out_of_fold_scores(X, Y)
        self._fit_calibration(oof, Y)
        conf = self._confidence_from_scores(oof)
        single = Y.sum(axis=1) == 1
        top1 = conf.argmax(axis=1)
        self.cv_accuracy_ = float(Y[single, top1[single]].mean()) if single.any() else 0.0
        self._fit_thresholds(conf, Y)
        params = self._fit_models(X, Y, self.n_jobs)
        self.coef_, self.intercept_ = params[0], params[1]
        self.embedding_coef_, self.embedding_intercept_ = params[2], params[3]
        self.centroids_ = params[4]
        return self

    def _embeddings(self, X: sp.csr_matrix) -> np.ndarray:
        E = X[:, X.shape[1] - self.embedding_dim :].toarray().astype(np.float64)
        norms = np.linalg.norm(E, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return E / norms

    def _fit_models(self, X: sp.csr_matrix, Y: np.ndarray, n_jobs: int) -> _Params:
        if self.multi_label:
            coef, intercept = _fit_multi(X, Y, self.C, self.class_weight, self.random_state, n_jobs)
        else:
            k = Y.shape[1]
            y = np.where(Y.any(axis=1), Y.argmax(axis=1), k)
            coef, intercept = _fit_single(X, y, k, self.C, self.class_weight, self.random_state)
        if not self.embedding_dim:
            return coef, intercept, None, None, None
        E = self._embeddings(X)
        e_coef, e_intercept = _fit_embedding_lr(E, Y, self.multi_label, self.embedding_C, self.random_state)
        return coef, intercept, e_coef, e_intercept, _centroids(E, Y)

    def _scores(self, X: sp.csr_matrix, params: _Params) -> np.ndarray:
        coef, intercept, e_coef, e_intercept, centroids = params
        svm = np.asarray(X @ coef.T, dtype=np.float64) + intercept
        if e_coef is None or e_intercept is None or centroids is None:
            return svm[:, :, None]
        E = self._embeddings(X)
        emb = _embedding_scores(E, e_coef, e_intercept, coef.shape[0])
        # Cosine to each tag's prototype: absolute closeness, which neither the SVM nor the
        # normalized LR probabilities express; far from every prototype = out of scope.
        proto = E @ centroids.T
        return np.stack([svm, emb, proto], axis=2)

    def _folds(self, Y: np.ndarray) -> np.ndarray:
        """Fold id per row: each outcome's rows are dealt round-robin after a shuffle, so
        every fold sees every tag that has at least ``cv`` examples (stratification without
        scikit-learn's minimum-count warning on few-shot data)."""
        n = Y.shape[0]
        n_folds = max(2, min(self.cv, n))
        rng = np.random.default_rng(self.random_state)
        # Group by the tag (or none); multi-label rows use their rarest tag.
        counts = Y.sum(axis=0)
        key = np.where(
            Y.any(axis=1),
            np.argmin(np.where(Y, counts[None, :], np.inf), axis=1),
            Y.shape[1],
        )
        fold = np.empty(n, dtype=np.int64)
        offset = 0
        for g in np.unique(key):
            rows = np.flatnonzero(key == g)
            rng.shuffle(rows)
            fold[rows] = (np.arange(len(rows)) + offset) % n_folds
            offset += len(rows)  # rotate the start so small groups spread over folds
        return fold

    def _out_of_fold_scores(self, X: sp.csr_matrix, Y: np.ndarray) -> np.ndarray:
        fold = self._folds(Y)
        n_folds = int(fold.max()) + 1

        def one(f: int) -> tuple[np.ndarray, np.ndarray]:
            train = fold != f
            test = np.flatnonzero(~train)
            params = self._fit_models(X[train], Y[train], 1)
            return test, self._scores(X[test], params)

        n_models = 3 if self.embedding_dim else 1
        scores = np.zeros((*Y.shape, n_models), dtype=np.float64)
        with _one_blas_thread(self.n_jobs):
            for test, s in Parallel(n_jobs=self.n_jobs, prefer="threads")(
                delayed(one)(f) for f in range(n_folds)
            ):
                scores[test] = s
        return scores

    def _candidate_mask(self, conf: np.ndarray, Y: np.ndarray | None) -> np.ndarray:
        m = self.max_candidates if self.multi_label else min(2, self.max_candidates)
        mask = np.zeros(conf.shape, dtype=bool)
        np.put_along_axis(mask, _top_candidates(conf, max(1, m)), True, axis=1)
        if Y is not None:
            mask |= Y
        return mask

    def _fit_calibration(self, scores: np.ndarray, Y: np.ndarray) -> None:
        feats = _calibration_features(scores)
        # Candidates: each row's best tags by the first (SVM) score, plus its true tags.
        mask = self._candidate_mask(scores[:, :, 0], Y)
        F = feats[mask]
        z = Y[mask]
        # Platt's prior correction: soft targets (N+ + 1)/(N+ + 2) and 1/(N- + 2), encoded
        # as each row counted once as positive and once as negative with those weights.
        # It avoids overconfident 0/1 targets and works when every row is right (or wrong).
        n_pos, n_neg = int(z.sum()), int((~z).sum())
        t = np.where(z, (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n_neg + 2.0))
        Xc = np.vstack([F, F])
        yc = np.r_[np.ones(len(F)), np.zeros(len(F))]
        wc = np.r_[t, 1.0 - t]
        lr = LogisticRegression(C=100.0, max_iter=1000).fit(Xc, yc, sample_weight=wc)
        self.calibration_coef_ = lr.coef_[0].astype(np.float64)
        self.calibration_intercept_ = float(lr.intercept_[0])

    def _confidence_from_scores(self, scores: np.ndarray) -> np.ndarray:
        feats = _calibration_features(scores)
        return _sigmoid(feats @ self.calibration_coef_ + self.calibration_intercept_)

    def _fit_thresholds(self, conf: np.ndarray, Y: np.ndarray) -> None:
        if self.multi_label:
            pred = self._candidate_mask(conf, None)
        else:
            pred = np.zeros(conf.shape, dtype=bool)
            pred[np.arange(len(conf)), conf.argmax(axis=1)] = True
        k = conf.shape[1]
        # counts[t, g]: predictions of tag t with confidence >= grid[g], and how many right.
        n_at = np.zeros((k, len(_GRID)))
        tp_at = np.zeros((k, len(_GRID)))
        rows, tags = np.nonzero(pred)
        c = conf[rows, tags]
        ok = Y[rows, tags]
        bins = np.searchsorted(_GRID, c, side="right") - 1  # last grid value <= c
        np.add.at(n_at, (tags, bins), 1.0)
        np.add.at(tp_at, (tags, bins), ok.astype(float))
        n_at = np.cumsum(n_at[:, ::-1], axis=1)[:, ::-1]
        tp_at = np.cumsum(tp_at[:, ::-1], axis=1)[:, ::-1]
        n_all, tp_all = n_at.sum(axis=0), tp_at.sum(axis=0)
        pooled = np.where(n_all > 0, tp_all / np.maximum(n_all, 1), 1.0)
        target = self.target_precision
        ok_global = np.flatnonzero(pooled >= target)
        self.global_threshold_ = float(_GRID[ok_global[0]]) if len(ok_global) else 1.0
        m = self.prior_strength
        smoothed = (tp_at + m * pooled[None, :]) / (n_at + m)
        reach = smoothed >= target
        first = np.where(reach.any(axis=1), reach.argmax(axis=1), len(_GRID) - 1)
        thresholds = _GRID[first]
        # Tags never predicted out of fold have no curve of their own: use the pooled one.
        thresholds[n_at[:, 0] == 0] = self.global_threshold_
        self.thresholds_ = np.maximum(thresholds, self.min_confidence).astype(np.float64)

    # -- prediction --------------------------------------------------------------------

    def _check_X(self, X: sp.spmatrix | np.ndarray) -> sp.csr_matrix:
        check_is_fitted(self, "coef_")
        X = sp.csr_matrix(X, dtype=np.float32)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, expected {self.n_features_in_}")
        return X

    def _fitted_params(self) -> _Params:
        return (
            self.coef_,
            self.intercept_,
            self.embedding_coef_,
            self.embedding_intercept_,
            self.centroids_,
        )

    def decision_function(self, X: sp.spmatrix | np.ndarray) -> np.ndarray:
        """Raw linear SVM scores per tag.

        Parameters
        ----------
        X : sparse matrix or ndarray of shape (n_samples, n_features)
            Features.

        Returns
        -------
        ndarray of shape (n_samples, n_tags)
            One-vs-rest SVM scores (higher is more likely).
        """
        X = self._check_X(X)
        return np.asarray(X @ self.coef_.T, dtype=np.float64) + self.intercept_

    def predict_confidence(self, X: sp.spmatrix | np.ndarray) -> np.ndarray:
        """Calibrated confidence per tag: the estimated probability the tag is right.

        Parameters
        ----------
        X : sparse matrix or ndarray of shape (n_samples, n_features)
            Features.

        Returns
        -------
        ndarray of shape (n_samples, n_tags)
            Confidences in [0, 1] (for a single-label dimension, of each tag being *the*
            tag; they need not sum to one because "none of them" is possible).
        """
        X = self._check_X(X)
        return self._confidence_from_scores(self._scores(X, self._fitted_params()))

    def predict_top(self, X: sp.spmatrix | np.ndarray) -> np.ndarray:
        """Most confident tag per row, never abstaining.

        Parameters
        ----------
        X : sparse matrix or ndarray of shape (n_samples, n_features)
            Features.

        Returns
        -------
        ndarray of str, shape (n_samples,)
            The most confident tag of each row.
        """
        return np.asarray(self.classes_[self.predict_confidence(X).argmax(axis=1)])

    def decide(self, X: sp.spmatrix | np.ndarray, dimension: str = "") -> list[DimensionDecision]:
        """Accepted tags (or abstention) and suggestions for each row.

        Parameters
        ----------
        X : sparse matrix or ndarray of shape (n_samples, n_features)
            Features.
        dimension : str, default=""
            Name stored in each decision.

        Returns
        -------
        list of DimensionDecision
            One decision per row.
        """
        conf = self.predict_confidence(X)
        top = _top_candidates(conf, max(1, self.max_candidates))
        accept = conf >= self.thresholds_
        names = [str(c) for c in self.classes_]
        out: list[DimensionDecision] = []
        for r in range(conf.shape[0]):
            row = conf[r]
            cands = tuple(TagScore(names[k], float(row[k])) for k in top[r])
            if self.multi_label:
                acc = sorted(np.flatnonzero(accept[r]), key=lambda k: -row[k])
                tags = tuple(TagScore(names[k], float(row[k])) for k in acc)
            else:
                tags = cands[:1] if accept[r, top[r, 0]] else ()
            out.append(DimensionDecision(dimension, tags, cands))
        return out

    def predict(self, X: sp.spmatrix | np.ndarray) -> list[frozenset[str]]:
        """Accepted tag keys per row; an empty set means the classifier abstains.

        Parameters
        ----------
        X : sparse matrix or ndarray of shape (n_samples, n_features)
            Features.

        Returns
        -------
        list of frozenset of str
            Accepted tags of each row.
        """
        return [d.tag_keys for d in self.decide(X)]


class LearnedTagger(BaseEstimator):
    """Auto-tagger for texts over several taxonomy dimensions; the public entry point.

    Parameters
    ----------
    multi_label : mapping of str to bool or None, default=None
        Which dimensions accept several tags. A dimension not listed is multi-label when a
        training row carries more than one of its tags.
    embeddings : str, Embedder or None, default=None
        Sentence-embedding backend fused with the lexical features: ``None``/``"none"``,
        ``"auto"`` (use it when the extra is installed), ``"package"``, a model directory,
        or an :class:`~frontdoor.tagging.model.embeddings.Embedder` object.
    word_max_n, char_ngram_range, word_weight, char_weight, min_df, embedding_weight
        Passed to :class:`~frontdoor.tagging.model.features.TextFeaturizer`.
    C, class_weight, target_precision, cv, prior_strength
        Passed to each :class:`DimensionClassifier`.
    max_candidates, embedding_C, min_confidence
        Passed to each :class:`DimensionClassifier`.
    finetune : bool, default=False
        With a sentence-transformers embedder, fine-tune the encoder on the training texts
        and their tags before the heads use its embeddings
        (:func:`frontdoor.tagging.model.finetune.finetune_encoder`); ignored without embeddings.
        Runs on CPU and costs minutes for thousands of texts.
    finetune_epochs, finetune_lr, finetune_batch_size
        Epochs, peak encoder learning rate and batch size of the fine-tuning. The defaults
        (8, 1e-4, 32) were chosen on the few-shot BANKING77 ``valid`` split, where they
        gained 0.7-1.2 points; on the test split they lost 0.9-1.3, so ``finetune`` is off by
        default (see docs/benchmarks.md). A fine-tune costs ``epochs * n_texts / 40`` to
        ``/ 10`` seconds on two CPU cores, so it suits hundreds to a few thousand texts.
    n_jobs : int, default=1
        Threads for model fitting.
    random_state : int, default=0
        Seed for cross-validation folds and for the fine-tuning (``torch.manual_seed``).
    model_version : str or None, default=None
        Version recorded with the model (and on each tag assignment); generated when None.

    Attributes
    ----------
    featurizer_ : TextFeaturizer
        The fitted featurizer.
    classifiers_ : dict of str to DimensionClassifier
        One fitted classifier per trainable dimension.
    skipped_dimensions_ : dict of str to str
        Dimensions that could not be trained, with the reason (e.g. a single tag and no
        negatives); the tagger abstains on them.
    model_version_ : str
        The version string of this fit.
    n_train_ : int
        Number of training texts.
    fit_seconds_ : float
        Wall-clock training time, featurization (and embedding) included.
    finetune_seconds_ : float
        Time spent fine-tuning the encoder (0.0 when it was not fine-tuned).

    Examples
    --------
    >>> tagger = LearnedTagger().fit(texts, [{"area": {"billing"}}, ...])  # doctest: +SKIP
    >>> tagger.decide(["환불은 언제 되나요?"])[0]["area"].tags              # doctest: +SKIP
    """

    def __init__(
        self,
        multi_label: Mapping[str, bool] | None = None,
        embeddings: str | Embedder | None = None,
        word_max_n: int = 3,
        char_ngram_range: tuple[int, int] = (2, 5),
        word_weight: float = 0.7,
        char_weight: float = 1.0,
        min_df: int = 1,
        embedding_weight: float = 2.0,
        C: float = 1.0,
        class_weight: str | None = None,
        target_precision: float = 0.9,
        cv: int = 3,
        prior_strength: float = 10.0,
        max_candidates: int = 3,
        embedding_C: float = 10.0,
        min_confidence: float = 0.5,
        finetune: bool = False,
        finetune_epochs: int = 8,
        finetune_lr: float = 1e-4,
        finetune_batch_size: int = 32,
        n_jobs: int = 1,
        random_state: int = 0,
        model_version: str | None = None,
    ) -> None:
        self.multi_label = multi_label
        self.embeddings = embeddings
        self.word_max_n = word_max_n
        self.char_ngram_range = char_ngram_range
        self.word_weight = word_weight
        self.char_weight = char_weight
        self.min_df = min_df
        self.embedding_weight = embedding_weight
        self.C = C
        self.class_weight = class_weight
        self.target_precision = target_precision
        self.cv = cv
        self.prior_strength = prior_strength
        self.max_candidates = max_candidates
        self.embedding_C = embedding_C
        self.min_confidence = min_confidence
        self.finetune = finetune
        self.finetune_epochs = finetune_epochs
        self.finetune_lr = finetune_lr
        self.finetune_batch_size = finetune_batch_size
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.model_version = model_version

    def __setstate__(self, state: dict[str, Any]) -> None:
        # A tagger saved before a parameter existed (e.g. ``finetune``) gets its default, so
        # get_params, clone and repr keep working on it; it was fitted without that feature.
        for name, param in inspect.signature(type(self).__init__).parameters.items():
            if param.default is not inspect.Parameter.empty:
                state.setdefault(name, param.default)
        if "fit_seconds_" in state:
            state.setdefault("finetune_seconds_", 0.0)
        super().__setstate__(state)

    def _embedder(self) -> Embedder | None:
        if self.embeddings is None or isinstance(self.embeddings, str):
            return resolve_embedder(self.embeddings)
        return self.embeddings

    def _finetuned(
        self,
        embedder: Embedder,
        texts: list[str],
        labels: list[Mapping[str, Collection[str]]],
        dims: dict[str, list[int]],
    ) -> FinetunedEmbedder:
        """A copy of ``embedder`` fine-tuned on the training texts of every dimension."""
        from frontdoor.tagging.model.finetune import FinetuneTask

        if not isinstance(embedder, SentenceTransformerEmbedder):
            raise ValueError(f"finetune=True needs a sentence-transformers embedder, not {embedder!r}")
        declared = dict(self.multi_label or {})
        tasks = []
        for dim, rows in sorted(dims.items()):
            tags = sorted({str(t) for i in rows for t in labels[i][dim]})
            if not tags:
                continue
            index = {t: k for k, t in enumerate(tags)}
            Y = np.zeros((len(rows), len(tags)), dtype=np.float32)
            for r, i in enumerate(rows):
                for t in labels[i][dim]:
                    Y[r, index[str(t)]] = 1.0
            multi = declared.get(dim, bool((Y.sum(axis=1) > 1).any()))
            tasks.append(FinetuneTask(rows=np.asarray(rows), Y=Y, multi_label=multi))
        return FinetunedEmbedder(embedder.spec, embedder.batch_size).fit(
            texts,
            tasks,
            epochs=self.finetune_epochs,
            lr=self.finetune_lr,
            batch_size=self.finetune_batch_size,
            random_state=self.random_state,
        )

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[Mapping[str, Collection[str]]],
        *,
        tag_texts: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
    ) -> LearnedTagger:
        """Train on texts and their tags per dimension.

        Parameters
        ----------
        texts : sequence of str
            Training texts (conversation text, already redacted).
        labels : sequence of mappings from dimension to a collection of tag keys
            ``labels[i][dim]`` is the set of tags of ``texts[i]`` in ``dim``; an empty set
            means "no tag of this dimension applies" (an abstention target); a missing
            dimension means the row is not used for that dimension.
        tag_texts : mapping of dimension to mapping of tag to list of str, optional
            Texts that describe a tag — its names (Korean and English), description,
            keywords — added as one extra training example each. Tag names carry meaning
            the model cannot learn from five examples, which helps rare tags most.

        Returns
        -------
        LearnedTagger
            The fitted tagger (``self``).

        Raises
        ------
        ValueError
            ``texts`` and ``labels`` differ in length, or no dimension can be trained.
        """
        import time

        start = time.perf_counter()
        texts = list(texts)
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} label rows")
        if not texts:
            raise ValueError("no training texts")
        n_train = len(texts)
        labels = list(labels)
        for dim, per_tag in (tag_texts or {}).items():
            for tag, extra in per_tag.items():
                for t in extra:
                    if t and t.strip():
                        texts.append(t)
                        labels.append({dim: {tag}})
        dims: dict[str, list[int]] = {}
        for i, row in enumerate(labels):
            for dim in row:
                dims.setdefault(str(dim), []).append(i)
        embedder = self._embedder()
        self.finetune_seconds_ = 0.0
        if self.finetune and embedder is not None:
            tuned = self._finetuned(embedder, texts, labels, dims)
            self.finetune_seconds_ = float(tuned.info_["seconds"])
            embedder = tuned
        self.featurizer_ = TextFeaturizer(
            word_max_n=self.word_max_n,
            char_ngram_range=self.char_ngram_range,
            word_weight=self.word_weight,
            char_weight=self.char_weight,
            min_df=self.min_df,
            embedder=embedder,
            embedding_weight=self.embedding_weight,
        )
        X = self.featurizer_.fit_transform(texts)
        self.classifiers_: dict[str, DimensionClassifier] = {}
        self.skipped_dimensions_: dict[str, str] = {}
        declared = dict(self.multi_label or {})
        for dim, rows in sorted(dims.items()):
            ys = [frozenset(labels[i][dim]) for i in rows]
            multi = declared.get(dim, any(len(s) > 1 for s in ys))
            clf = DimensionClassifier(
                multi_label=multi,
                C=self.C,
                class_weight=self.class_weight,
                target_precision=self.target_precision,
                cv=self.cv,
                prior_strength=self.prior_strength,
                max_candidates=self.max_candidates,
                embedding_dim=self.featurizer_.embedding_dim_,
                embedding_C=self.embedding_C,
                min_confidence=self.min_confidence,
                n_jobs=self.n_jobs,
                random_state=self.random_state,
            )
            try:
                self.classifiers_[dim] = clf.fit(X[rows], ys)
            except ValueError as exc:
                self.skipped_dimensions_[dim] = str(exc)
        if not self.classifiers_:
            reasons = "; ".join(f"{d}: {r}" for d, r in self.skipped_dimensions_.items())
            raise ValueError(f"no dimension could be trained ({reasons or 'no labels'})")
        self.n_train_ = n_train
        self.model_version_ = self.model_version or (
            _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]
        )
        self.fit_seconds_ = time.perf_counter() - start
        return self

    @property
    def dimensions(self) -> list[str]:
        """Names of the trained dimensions."""
        check_is_fitted(self, "classifiers_")
        return list(self.classifiers_)

    def transform(self, texts: Iterable[str]) -> sp.csr_matrix:
        """Featurize texts with the fitted featurizer.

        Parameters
        ----------
        texts : iterable of str
            Texts.

        Returns
        -------
        scipy.sparse.csr_matrix
            Their feature matrix (shared by every dimension).
        """
        check_is_fitted(self, "featurizer_")
        return self.featurizer_.transform(list(texts))

    def decide(
        self, texts: Iterable[str], dimensions: Iterable[str] | None = None
    ) -> list[dict[str, DimensionDecision]]:
        """Decide tags for each text in each dimension, abstaining when unsure.

        Parameters
        ----------
        texts : iterable of str
            Texts to tag.
        dimensions : iterable of str or None, default=None
            Dimensions to decide; all trained ones when None. Untrained (skipped) dimensions
            yield an abstaining decision with no candidates.

        Returns
        -------
        list of dict of str to DimensionDecision
            Per text, the decision of each dimension.
        """
        check_is_fitted(self, "classifiers_")
        X = self.transform(texts)
        dims = list(self.classifiers_) if dimensions is None else list(dimensions)
        per_dim: dict[str, list[DimensionDecision]] = {}
        for dim in dims:
            clf = self.classifiers_.get(dim)
            if clf is None:
                per_dim[dim] = [DimensionDecision(dim, ()) for _ in range(X.shape[0])]
            else:
                per_dim[dim] = clf.decide(X, dim)
        return [{dim: per_dim[dim][i] for dim in dims} for i in range(X.shape[0])]

    def predict(self, texts: Iterable[str]) -> list[dict[str, frozenset[str]]]:
        """Accepted tag keys per text and dimension (empty set = abstained).

        Parameters
        ----------
        texts : iterable of str
            Texts to tag.

        Returns
        -------
        list of dict of str to frozenset of str
            Per text, the accepted tags of each trained dimension.
        """
        return [{d: dec.tag_keys for d, dec in row.items()} for row in self.decide(texts)]

    # -- persistence -------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write the fitted tagger to ``path`` with its versions.

        Parameters
        ----------
        path : str or Path
            Destination file (conventionally ``*.joblib``).

        Returns
        -------
        Path
            The written path.

        Notes
        -----
        The file is a pickle (joblib): load only files frontdoor wrote itself.
        """
        import joblib

        check_is_fitted(self, "classifiers_")
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "format": _FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "frontdoor_version": _frontdoor_version(),
            "sklearn_version": sklearn.__version__,
            "model_version": self.model_version_,
            "saved_at": _dt.datetime.now(_dt.UTC).isoformat(),
            "model": self,
        }
        tmp = path.with_suffix(path.suffix + ".tmp")
        joblib.dump(payload, tmp, compress=3)
        tmp.replace(path)  # atomic: a crash never leaves a half-written model behind
        return path

    @classmethod
    def load(cls, path: str | Path) -> LearnedTagger:
        """Read a tagger written by :meth:`save`, refusing incompatible files.

        Parameters
        ----------
        path : str or Path
            A file written by :meth:`save` (trusted: it is unpickled).

        Returns
        -------
        LearnedTagger
            The fitted tagger.

        Raises
        ------
        IncompatibleModelError
            The file is not a frontdoor tagger, has a newer or older format version, or was
            written with another scikit-learn minor version.
        """
        import joblib

        path = Path(path)
        try:
            payload = joblib.load(path)
        except Exception as exc:  # a truncated or foreign file: one clear line
            raise IncompatibleModelError(f"{path}: not a readable frontdoor model ({exc})") from exc
        if not isinstance(payload, dict) or payload.get("format") != _FORMAT_NAME:
            raise IncompatibleModelError(f"{path}: not a frontdoor learned-tagger file")
        version = payload.get("format_version")
        if version != FORMAT_VERSION:
            raise IncompatibleModelError(
                f"{path}: model format {version} cannot be read by this frontdoor "
                f"(format {FORMAT_VERSION}); retrain the tagger"
            )
        saved_sk = str(payload.get("sklearn_version", ""))
        if saved_sk.split(".")[:2] != sklearn.__version__.split(".")[:2]:
            raise IncompatibleModelError(
                f"{path}: saved with scikit-learn {saved_sk}, running {sklearn.__version__}; "
                "retrain the tagger"
            )
        model = payload.get("model")
        if not isinstance(model, cls):
            raise IncompatibleModelError(f"{path}: does not hold a {cls.__name__}")
        return model


def describe_saved_model(path: str | Path) -> dict[str, Any]:
    """Return the version header of a saved tagger without checking compatibility.

    Parameters
    ----------
    path : str or Path
        A file written by :meth:`LearnedTagger.save`.

    Returns
    -------
    dict
        ``format``, ``format_version``, ``frontdoor_version``, ``sklearn_version``,
        ``model_version`` and ``saved_at``.
    """
    import joblib

    payload = joblib.load(Path(path))
    if not isinstance(payload, dict):
        raise IncompatibleModelError(f"{path}: not a frontdoor learned-tagger file")
    return {k: v for k, v in payload.items() if k != "model"}
