"""Korean-aware tokenization shared by the learned tagger and the keyword rules.

Korean is agglutinative: ``환불해주세요`` and ``환불은`` share the content morpheme ``환불`` but
no whitespace token, so Korean text is split into morphemes with kiwipiepy. English (and any
text without Hangul) is split into lower-cased word tokens by a regular expression, which is
two orders of magnitude faster and does not need the Kiwi model at all.

The Kiwi analyzer is heavy (about a second to load its model), so one instance is created
lazily on first use and cached for the process; importing this module costs nothing.

Public functions
----------------
normalize_text
    NFC-normalize a string (every tokenizer calls it first).
has_hangul
    Whether a string contains Hangul syllables or jamo.
words
    Lower-cased word tokens (no morphology), for any language.
morphemes
    Morpheme surface forms (Korean via Kiwi, other text via :func:`words`).
analyzer_tokens
    The tokens the tagger's word-level features use: morphemes, with particles and endings
    kept or dropped on request.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - typing only
    from kiwipiepy import Kiwi

__all__ = [
    "FUNCTION_TAG_PREFIXES",
    "analyzer_tokens",
    "batch_analyzer_tokens",
    "get_kiwi",
    "has_hangul",
    "morphemes",
    "normalize_text",
    "words",
]

# Hangul syllables, jamo and compatibility jamo.
_HANGUL_RE = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
# A word is a run of letters/digits (Unicode-aware); apostrophes inside words stay so that
# "don't" is one token, as a person reads it.
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)

# Kiwi part-of-speech tags of function morphemes: particles (J*), endings (E*), affixes
# (XS*/XP*), copula (VCP/VCN) and punctuation/symbols (S* except SL/SH/SN which are
# foreign words, hanja and numbers).
FUNCTION_TAG_PREFIXES: tuple[str, ...] = (
    "J",
    "E",
    "XS",
    "XP",
    "VC",
    "SF",
    "SP",
    "SS",
    "SE",
    "SO",
    "SW",
    "SB",
    "Z",
    "UN",
    "W_",
)

_kiwi_lock = threading.Lock()
_kiwi: Kiwi | None = None


def normalize_text(text: str) -> str:
    """Return ``text`` in Unicode NFC form.

    Parameters
    ----------
    text : str
        Any string; decomposed Hangul (as macOS file names and some exports produce) is
        composed so that the same word always has the same code points.

    Returns
    -------
    str
        The NFC-normalized string.
    """
    # The check is much cheaper than normalizing, and almost all text is already NFC.
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def has_hangul(text: str) -> bool:
    """Tell whether ``text`` contains any Hangul.

    Parameters
    ----------
    text : str
        The text to inspect.

    Returns
    -------
    bool
        True when a Hangul syllable or jamo occurs in ``text``.
    """
    return _HANGUL_RE.search(text) is not None


def get_kiwi() -> Kiwi:
    """Return the process-wide Kiwi analyzer, creating it on first use.

    Returns
    -------
    kiwipiepy.Kiwi
        A shared analyzer. Creation loads the model shipped in ``kiwipiepy_model`` (no
        network) and takes about a second, so it happens once, under a lock.
    """
    global _kiwi
    if _kiwi is None:
        with _kiwi_lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                _kiwi = Kiwi()
    return _kiwi


def words(text: str) -> list[str]:
    """Split ``text`` into lower-cased word tokens.

    Parameters
    ----------
    text : str
        Any text. It is NFC-normalized first.

    Returns
    -------
    list of str
        Runs of letters and digits, lower-cased (``casefold``), in order.
    """
    return _WORD_RE.findall(normalize_text(text).casefold())


@lru_cache(maxsize=8192)
def _kiwi_morphemes(text: str) -> tuple[tuple[str, str], ...]:
    # Cached because the tagger tokenizes the same text for several feature blocks and
    # cross-validation folds; the cache is bounded so memory stays flat.
    return tuple((tok.form, tok.tag) for tok in get_kiwi().tokenize(text))


def _is_function(tag: str) -> bool:
    return tag.startswith(FUNCTION_TAG_PREFIXES)


def morphemes(text: str, *, keep_function: bool = True, with_tags: bool = False) -> list[str]:
    """Split ``text`` into morphemes.

    Text with Hangul goes through Kiwi; Latin letters inside Korean text come back as Kiwi's
    ``SL`` tokens and are lower-cased. Text without Hangul is split by :func:`words` (Kiwi
    adds nothing there and is much slower).

    Parameters
    ----------
    text : str
        Any text. It is NFC-normalized first.
    keep_function : bool, default=True
        Keep particles, endings, affixes and the copula. Keyword rules want only content
        morphemes (``False``); the classifier keeps them because endings carry speech acts.
    with_tags : bool, default=False
        Return ``"form/TAG"`` strings instead of bare forms (Korean text only; English words
        carry no tag).

    Returns
    -------
    list of str
        Morphemes in order of appearance. Punctuation is always dropped.
    """
    text = normalize_text(text)
    if not has_hangul(text):
        return words(text)
    out: list[str] = []
    for form, tag in _kiwi_morphemes(text):
        if tag.startswith("S") and tag not in ("SL", "SH", "SN"):
            continue  # punctuation and symbols
        if not keep_function and _is_function(tag):
            continue
        form = form.casefold()
        out.append(f"{form}/{tag}" if with_tags else form)
    return out


def analyzer_tokens(text: str) -> list[str]:
    """Return the word-level tokens the learned tagger builds its n-grams from.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    list of str
        Morphemes (Korean, function morphemes kept) or lower-cased words (other text). The
        function is a module-level callable so that vectorizers using it can be pickled.
    """
    return morphemes(text, keep_function=True)


def batch_analyzer_tokens(texts: Iterable[str]) -> list[list[str]]:
    """Tokenize many texts with :func:`analyzer_tokens`.

    Parameters
    ----------
    texts : iterable of str
        Texts to tokenize.

    Returns
    -------
    list of list of str
        One token list per text, in order.
    """
    return [analyzer_tokens(t) for t in texts]
