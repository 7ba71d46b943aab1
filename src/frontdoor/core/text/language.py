"""Fast language detection for Korean and English customer text (no model).

The share of Hangul among letters decides: Korean, English, or mixed. One Hangul
syllable carries about as much as two to three Latin letters, so syllables are weighted
(:data:`HANGUL_WEIGHT`) before the share is taken; otherwise a Korean sentence with a few
English product words ("엑셀 export가 안 돼요") would read as mixed.
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["HANGUL_WEIGHT", "Language", "detect_language", "letter_counts"]

Language = Literal["ko", "en", "mixed"]

HANGUL_WEIGHT = 3.0
# Weighted Hangul share at or above which text is Korean; at or below 1 - this, English.
_THRESHOLD = 0.7

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]+")
_LATIN = re.compile(r"[A-Za-z]+")
# Redaction placeholders ([EMAIL], [PHONE] ...) are not the customer's language.
_PLACEHOLDER = re.compile(r"\[[A-Z][A-Z0-9_]*\]")


def letter_counts(text: str) -> tuple[int, int]:
    """Return (Hangul letters, Latin letters) in ``text`` (redaction placeholders ignored)."""
    if "[" in text:
        text = _PLACEHOLDER.sub(" ", text)
    hangul = sum(map(len, _HANGUL.findall(text))) if not text.isascii() else 0
    latin = sum(map(len, _LATIN.findall(text)))
    return hangul, latin


def language_from_counts(hangul: int, latin: int) -> Language | None:
    """Decide the language from letter counts (see :func:`detect_language`)."""
    if hangul == 0 and latin == 0:
        return None
    weighted = hangul * HANGUL_WEIGHT
    share = weighted / (weighted + latin)
    if share >= _THRESHOLD:
        return "ko"
    if share <= 1 - _THRESHOLD:
        return "en"
    return "mixed"


def detect_language(text: str) -> Language | None:
    """Detect whether ``text`` is Korean, English or mixed.

    Parameters
    ----------
    text : str
        Any text; digits, punctuation and other scripts are ignored.

    Returns
    -------
    {"ko", "en", "mixed"} or None
        None when the text has no Hangul or Latin letters at all.

    Examples
    --------
    >>> detect_language("환불 요청드립니다")
    'ko'
    >>> detect_language("Please refund my order")
    'en'
    >>> detect_language("결제 오류 error, payment failed")
    'mixed'
    """
    return language_from_counts(*letter_counts(text))
