"""Theme discovery: cluster texts the taxonomy does not cover and describe each cluster.

Vectors
-------
Two TF-IDF views, each L2-normalized, then concatenated and normalized again:

* content morphemes — nouns, verbs, adjectives, roots and foreign words from Kiwi (Korean)
  or words without English stop words — so ``쿠폰이``/``쿠폰을`` are one term;
* character n-grams (2-4, within word boundaries), which hold together spelling variants
  and compounds the tokenizer splits differently.

They are reduced with truncated SVD (LSA) when there are enough texts, so k-means works on
dense, denoised vectors; the number of clusters is the one with the best cosine
silhouette among ``k_range``.

Descriptions
------------
Key terms are ranked by class-based TF-IDF (c-TF-IDF, as in BERTopic): a term's frequency
in the cluster times ``log(1 + A / f)`` where ``A`` is the mean cluster size in tokens and
``f`` the term's frequency over all clusters, so terms frequent here and rare elsewhere
win. Verbs and adjectives are shown in dictionary form (``늦`` -> ``늦다``). The
representative texts are the members closest to the centroid.
"""

from __future__ import annotations

import contextlib
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from frontdoor.core.text.tokenize import has_hangul, morphemes, normalize_text, words

if TYPE_CHECKING:  # pragma: no cover
    from frontdoor.tagging.model.embeddings import Embedder

__all__ = ["Theme", "content_terms", "discover_themes"]

AGGLOMERATIVE_MAX = 3000
_CONTENT_TAGS = ("NNG", "NNP", "VV", "VA", "XR", "SL", "SH")
_PREDICATE_TAGS = ("VV", "VA")
# Generic predicates and nouns that say nothing about a theme.
_KO_STOP = frozenset(
    {
        "하다", "되다", "있다", "없다", "같다", "보다", "주다", "않다", "이다", "것", "수", "등", "때",
        "좀", "안", "말다",
        # Courtesy and support boilerplate: in every conversation, so no theme of its own.
        "감사", "문의", "드리다", "드림", "부탁", "확인", "답변", "기다리다", "괜찮다", "안녕",
        "요즘", "오늘", "이번", "좋다", "수고",
    }
)  # fmt: skip


def _en_stop() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | {"hi", "hello", "thanks", "thank", "please"}


def content_terms(text: str) -> list[str]:
    """Content terms of ``text`` for theme features and key terms.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    list of str
        Korean nouns, roots and foreign words as they are; verbs and adjectives in
        dictionary form (``늦다``); English words of three letters or more that are not
        stop words. Generic terms (``하다``, ``있다``, ``것``) are dropped.
    """
    text = normalize_text(text)
    stop = _en_stop()
    out: list[str] = []
    if not has_hangul(text):
        return [w for w in words(text) if len(w) >= 3 and w not in stop and not w.isdigit()]
    for item in morphemes(text, keep_function=False, with_tags=True):
        form, _, tag = item.rpartition("/")
        if not form or not tag.startswith(_CONTENT_TAGS):
            continue
        if tag in _PREDICATE_TAGS:
            form = form + "다"
        if tag == "SL" and (len(form) < 3 or form in stop):
            continue
        if form in _KO_STOP:
            continue
        out.append(form)
    return out


def _identity(terms: list[str]) -> list[str]:
    return terms


@dataclass
class Theme:
    """One discovered cluster.

    Attributes
    ----------
    members : list of int
        Indices of the member texts, closest to the centroid first.
    key_terms : list of str
        Distinctive terms (c-TF-IDF), best first.
    representatives : list of int
        Indices of the texts closest to the centroid.
    similarities : list of float
        Cosine similarity of each member (in ``members`` order) to the centroid.
    cohesion : float
        Mean similarity of the members to the centroid.
    """

    members: list[int]
    key_terms: list[str]
    representatives: list[int]
    similarities: list[float] = field(default_factory=list)
    cohesion: float = 0.0

    @property
    def size(self) -> int:
        """Number of member texts."""
        return len(self.members)


def _vectors(texts: Sequence[str], random_state: int, embedder: Embedder | None = None) -> np.ndarray:
    import scipy.sparse as sp
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    terms = [content_terms(t) for t in texts]
    blocks: list[Any] = []
    word = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=1)
    with contextlib.suppress(ValueError):  # ValueError: no content term at all
        blocks.append(word.fit_transform(terms))
    # Character n-grams of the content terms (not the raw text), so shared particles and
    # endings ("있나요", "안 돼요") do not pull unrelated questions together.
    char = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=2 if len(texts) > 50 else 1
    )
    with contextlib.suppress(ValueError):
        blocks.append(0.7 * char.fit_transform([" ".join(t) for t in terms]))
    if not blocks:
        return np.zeros((len(texts), 1))
    if embedder is not None:
        # Sentence embeddings bridge languages and paraphrases the lexical views miss.
        blocks.append(sp.csr_matrix(normalize(np.asarray(embedder.encode(list(texts)), dtype=np.float64))))
    X = normalize(sp.hstack(blocks).tocsr())
    n_comp = min(100, X.shape[0] - 1, X.shape[1] - 1)
    if X.shape[0] >= 30 and n_comp >= 10:
        dense = TruncatedSVD(n_components=n_comp, random_state=random_state).fit_transform(X)
        return np.asarray(normalize(dense))
    return np.asarray(X.toarray())


def _best_k(X: np.ndarray, k_values: Sequence[int], random_state: int) -> np.ndarray:
    from sklearn.cluster import AgglomerativeClustering, KMeans, MiniBatchKMeans
    from sklearn.metrics import silhouette_score

    best: tuple[float, np.ndarray] | None = None
    rng = np.random.default_rng(random_state)
    sample = rng.choice(X.shape[0], size=min(X.shape[0], 2000), replace=False)
    for k in k_values:
        model: Any
        if X.shape[0] <= AGGLOMERATIVE_MAX:
            # Deterministic and free of bad local optima on the sizes a team reviews.
            model = AgglomerativeClustering(n_clusters=k, metric="cosine", linkage="average")
        elif X.shape[0] <= 20000:
            model = KMeans(n_clusters=k, random_state=random_state, n_init=10)
        else:
            model = MiniBatchKMeans(n_clusters=k, random_state=random_state, n_init=3, batch_size=1024)
        labels = model.fit_predict(X)
        if len(set(labels[sample])) < 2:
            continue
        score = float(silhouette_score(X[sample], labels[sample], metric="cosine"))
        if best is None or score > best[0] + 1e-9:
            best = (score, labels)
    if best is None:
        return np.zeros(X.shape[0], dtype=int)
    return best[1]


def _key_terms(cluster_terms: list[Counter[str]], n_terms: int) -> list[list[str]]:
    """c-TF-IDF top terms per cluster."""
    total = Counter[str]()
    for c in cluster_terms:
        total.update(c)
    avg = sum(sum(c.values()) for c in cluster_terms) / max(1, len(cluster_terms))
    out: list[list[str]] = []
    for c in cluster_terms:
        size = sum(c.values()) or 1
        scored = [
            (cnt / size * math.log(1 + avg / total[t]), t) for t, cnt in c.items() if cnt >= 2 or size < 20
        ]
        scored.sort(key=lambda x: (-x[0], x[1]))
        out.append([t for _, t in scored[:n_terms]])
    return out


def discover_themes(
    texts: Sequence[str],
    *,
    k: int | None = None,
    k_range: tuple[int, int] = (2, 12),
    min_size: int = 3,
    n_terms: int = 8,
    n_representatives: int = 3,
    random_state: int = 0,
    embedder: Embedder | None = None,
) -> list[Theme]:
    """Cluster ``texts`` into themes with key terms and representative members.

    Parameters
    ----------
    texts : sequence of str
        Customer texts (e.g. of conversations no tag covers).
    k : int, optional
        Number of clusters; chosen by cosine silhouette over ``k_range`` when omitted.
    k_range : (int, int)
        Smallest and largest k to try (capped so a cluster can reach ``min_size``).
    min_size : int
        Smaller clusters are dropped (noise, one-offs).
    n_terms, n_representatives : int
        Key terms and representative texts per theme.
    random_state : int
        Seed of SVD and k-means (results are reproducible).
    embedder : Embedder, optional
        Sentence embeddings fused with the lexical views (see
        :mod:`frontdoor.tagging.model.embeddings`); lexical only when omitted.

    Returns
    -------
    list of Theme
        Largest, most cohesive themes first.
    """
    texts = [normalize_text(t or "") for t in texts]
    keep = [i for i, t in enumerate(texts) if t.strip()]
    if len(keep) < max(2 * min_size, 4):
        return []
    X = _vectors([texts[i] for i in keep], random_state, embedder)
    nonzero = np.linalg.norm(X, axis=1) > 0  # texts with no content term cannot be placed
    keep = [i for i, ok in zip(keep, nonzero, strict=True) if ok]
    X = X[nonzero]
    if len(keep) < max(2 * min_size, 4):
        return []
    sub = [texts[i] for i in keep]
    if k is not None:
        k_values = [max(1, min(k, len(sub) - 1))]
    else:
        hi = max(2, min(k_range[1], len(sub) // max(1, min_size)))
        k_values = list(range(max(2, k_range[0]), hi + 1))
    labels = _best_k(X, k_values, random_state) if k_values != [1] else np.zeros(len(sub), dtype=int)

    groups: list[list[int]] = [list(np.flatnonzero(labels == c)) for c in sorted(set(labels.tolist()))]
    groups = [g for g in groups if len(g) >= min_size]
    terms = [Counter(t for i in g for t in set(content_terms(sub[i]))) for g in groups]
    key_terms = _key_terms(terms, n_terms)
    themes: list[Theme] = []
    for g, kt in zip(groups, key_terms, strict=True):
        centroid = X[g].mean(axis=0)
        norm = float(np.linalg.norm(centroid)) or 1.0
        sims = X[g] @ (centroid / norm)
        order = np.argsort(-sims, kind="stable")
        members = [keep[g[j]] for j in order]
        themes.append(
            Theme(
                members=members,
                key_terms=kt,
                representatives=members[:n_representatives],
                similarities=[round(float(sims[j]), 4) for j in order],
                cohesion=round(float(np.mean(sims)), 4),
            )
        )
    themes.sort(key=lambda t: (-t.size * t.cohesion, t.members[0]))
    return themes
