"""Text features for the learned tagger: morpheme/word n-grams, character n-grams, embeddings.

One :class:`TextFeaturizer` turns texts into one sparse matrix whose column blocks are

* word n-grams (1-3 by default) over :func:`frontdoor.core.text.tokenize.analyzer_tokens` —
  Kiwi morphemes for Korean, lower-cased words for other text — with sublinear TF-IDF;
* character n-grams inside word boundaries (``char_wb``, 2-5 by default), which catch
  spelling variants, inflections and Korean syllable overlap the tokenizer splits apart;
* optionally, sentence embeddings from an :class:`~frontdoor.tagging.model.embeddings.Embedder`,
  L2-normalized and scaled by ``embedding_weight``.

Each block is L2-normalized on its own and weighted, so one linear model sees all of them and
the weights say how much each view may contribute to a dot product ("early fusion").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from frontdoor.core.text.tokenize import analyzer_tokens, normalize_text
from frontdoor.tagging.model.embeddings import Embedder
from frontdoor.tagging.model.lexicon import MorphemeLexicon

__all__ = ["TextFeaturizer", "word_ngrams"]


def word_ngrams(text: str, max_n: int = 3) -> list[str]:
    """Return the word (or morpheme) n-grams of ``text``, from unigrams to ``max_n``-grams.

    Parameters
    ----------
    text : str
        Any text; it is tokenized with :func:`frontdoor.core.text.tokenize.analyzer_tokens`.
    max_n : int, default=3
        Longest n-gram to emit.

    Returns
    -------
    list of str
        Unigrams first, then bigrams and so on, each n-gram joined by single spaces.
    """
    return _ngrams(analyzer_tokens(text), max_n)


def _ngrams(toks: Sequence[str], max_n: int) -> list[str]:
    out = list(toks)
    for n in range(2, max_n + 1):
        out.extend(" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1))
    return out


class _WordAnalyzer:
    """Picklable callable for :class:`TfidfVectorizer` (a lambda would not pickle).

    Kept so that taggers saved before :class:`_TokenNgrams` still load and predict.
    """

    def __init__(self, max_n: int) -> None:
        self.max_n = max_n

    def __call__(self, text: str) -> list[str]:
        return word_ngrams(text, self.max_n)


class _TokenNgrams:
    """Picklable analyzer over already tokenized documents (lists of tokens)."""

    def __init__(self, max_n: int) -> None:
        self.max_n = max_n

    def __call__(self, toks: Sequence[str]) -> list[str]:
        return _ngrams(toks, self.max_n)


class TextFeaturizer(TransformerMixin, BaseEstimator):
    """Turn texts into one sparse matrix of weighted, normalized feature blocks.

    Parameters
    ----------
    word_max_n : int, default=3
        Longest word/morpheme n-gram; 0 disables the word block.
    char_ngram_range : tuple of (int, int), default=(2, 5)
        Character n-gram lengths (inside word boundaries); ``(0, 0)`` disables the block.
    word_weight : float, default=0.7
        Scale of the word block after L2 normalization.
    char_weight : float, default=1.0
        Scale of the character block after L2 normalization.
    min_df : int, default=1
        Drop n-grams seen in fewer training texts (smaller models on large data).
    embedder : Embedder or None, default=None
        Sentence-embedding backend; None means lexical features only.
    embedding_weight : float, default=1.0
        Scale of the (L2-normalized) embedding block.

    Attributes
    ----------
    word_vectorizer_ : TfidfVectorizer or None
        Fitted word/morpheme n-gram vectorizer.
    char_vectorizer_ : TfidfVectorizer or None
        Fitted character n-gram vectorizer.
    lexicon_ : MorphemeLexicon or None
        Morphemes of the training words (Korean), so prediction runs Kiwi only on words
        it has not seen; None when the word block is disabled.
    embedding_dim_ : int
        Width of the embedding block (0 without an embedder).
    n_features_out_ : int
        Total number of output columns.
    """

    def __init__(
        self,
        word_max_n: int = 3,
        char_ngram_range: tuple[int, int] = (2, 5),
        word_weight: float = 0.7,
        char_weight: float = 1.0,
        min_df: int = 1,
        embedder: Embedder | None = None,
        embedding_weight: float = 1.0,
    ) -> None:
        self.word_max_n = word_max_n
        self.char_ngram_range = char_ngram_range
        self.word_weight = word_weight
        self.char_weight = char_weight
        self.min_df = min_df
        self.embedder = embedder
        self.embedding_weight = embedding_weight

    def fit(self, texts: Sequence[str], y: Any = None) -> TextFeaturizer:
        """Learn vocabularies and IDF weights from ``texts``.

        Parameters
        ----------
        texts : sequence of str
            Training texts.
        y : ignored
            Present for scikit-learn API compatibility.

        Returns
        -------
        TextFeaturizer
            The fitted featurizer (``self``).
        """
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts: Sequence[str], y: Any = None, **_: Any) -> sp.csr_matrix:
        """Fit on ``texts`` and return their feature matrix.

        Parameters
        ----------
        texts : sequence of str
            Training texts.
        y : ignored
            Present for scikit-learn API compatibility.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_texts, n_features_out_)
            The features of ``texts``.
        """
        texts = [normalize_text(t) for t in texts]
        if not texts:
            raise ValueError("TextFeaturizer needs at least one text to fit")
        blocks: list[sp.spmatrix] = []
        self.word_vectorizer_: TfidfVectorizer | None = None
        self.char_vectorizer_: TfidfVectorizer | None = None
        self.lexicon_: MorphemeLexicon | None = None
        # min_df is relaxed on tiny data so that a vocabulary always exists.
        min_df = self.min_df if len(texts) >= 10 * self.min_df else 1
        if self.word_max_n > 0:
            self.lexicon_ = MorphemeLexicon()
            tokens = self.lexicon_.fit_tokens(texts)
            self.word_vectorizer_ = TfidfVectorizer(
                analyzer=_TokenNgrams(self.word_max_n),
                sublinear_tf=True,
                min_df=min_df,
                dtype=np.float32,
            )
            blocks.append(self._fit_block(self.word_vectorizer_, tokens) * self.word_weight)
        lo, hi = self.char_ngram_range
        if hi > 0:
            self.char_vectorizer_ = TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(lo, hi),
                sublinear_tf=True,
                lowercase=True,
                min_df=min_df,
                dtype=np.float32,
            )
            blocks.append(self._fit_block(self.char_vectorizer_, texts) * self.char_weight)
        self.embedding_dim_ = 0
        if self.embedder is not None:
            emb = self._embed(texts)
            self.embedding_dim_ = int(emb.shape[1])
            blocks.append(sp.csr_matrix(emb))
        if not blocks:
            raise ValueError("TextFeaturizer has every feature block disabled")
        out = sp.hstack(blocks, format="csr", dtype=np.float32)
        self.n_features_out_ = int(out.shape[1])
        return out

    @staticmethod
    def _fit_block(vec: TfidfVectorizer, docs: Sequence[Any]) -> sp.spmatrix:
        try:
            return vec.fit_transform(docs)
        except ValueError:
            # Empty vocabulary (e.g. only punctuation): keep a single all-zero column so
            # that shapes stay consistent; such a block simply contributes nothing.
            vec.set_params(min_df=1)
            filler = ["_"] if isinstance(vec.analyzer, _TokenNgrams) else "_"
            return vec.fit_transform([*docs, filler])[:-1]

    def _embed(self, texts: list[str]) -> np.ndarray:
        assert self.embedder is not None
        emb = np.asarray(self.embedder.encode(texts), dtype=np.float32)
        norms = np.linalg.norm(emb, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return emb / norms * np.float32(self.embedding_weight)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Return the feature matrix of ``texts``.

        Parameters
        ----------
        texts : sequence of str
            Texts to featurize.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_texts, n_features_out_)
            Features in the column layout learned by :meth:`fit`.
        """
        check_is_fitted(self, "n_features_out_")
        texts = [normalize_text(t) for t in texts]
        blocks: list[sp.spmatrix] = []
        if self.word_vectorizer_ is not None:
            lexicon = getattr(self, "lexicon_", None)  # absent in taggers saved before it
            docs: Sequence[Any] = texts if lexicon is None else lexicon.tokens(texts)
            blocks.append(self.word_vectorizer_.transform(docs) * self.word_weight)
        if self.char_vectorizer_ is not None:
            blocks.append(self.char_vectorizer_.transform(texts) * self.char_weight)
        if self.embedding_dim_:
            blocks.append(sp.csr_matrix(self._embed(texts)))
        return sp.hstack(blocks, format="csr", dtype=np.float32)
