"""Keyword and pattern rules per tag, Korean-aware and safe on untrusted text.

Keywords
--------
A keyword matches when its content morphemes occur, contiguous and in order, among the
content morphemes of the text (:func:`frontdoor.core.text.tokenize.morphemes` with function
morphemes dropped). So ``환불`` matches ``환불해주세요`` and ``환불을`` (the particle and the
ending are separate morphemes), while ``차`` does not match inside ``차단`` (one noun) and
``결제 오류`` matches ``결제오류가 났어요``. Latin words are lower-cased and lightly stemmed
on both sides, so ``refund`` matches ``Refunded`` and ``refunds``.

Patterns
--------
Patterns are Python regular expressions matched case-insensitively on NFC text, line by
line. Customer text is untrusted and Python's ``re`` has no timeout, so a pattern must
belong to a *safe subset* (checked once, when it is saved and when it is compiled), which
bounds the backtracking work per start position instead of relying on a timer:

* at most :data:`MAX_PATTERN_CHARS` characters;
* no back-references, look-arounds or conditional groups (the features that make a regex
  non-regular, as RE2 also refuses);
* a quantifier may repeat only a single character or character class, or a group that
  itself holds no variable quantifier and no alternation (no ``(a+)+`` or ``(a|ab)*``,
  the classic catastrophic shapes; ``(,\\d{3})*`` is fine);
* the product of the quantifiers' ranges (an unbounded one counts as
  :data:`LINE_WINDOW`) times the alternation widths stays under :data:`MAX_COST`. One
  ``.*`` or ``\\d+`` is fine; two unbounded quantifiers in a row are refused with a hint
  to bound one (``\\d{1,20}``).

Text is matched in windows of at most :data:`LINE_WINDOW` characters (lines, long lines
cut with an overlap), so the worst case of any accepted pattern is a fixed number of
steps per window: linear in the text length. This was chosen over a timeout (``re``
cannot be interrupted; a watchdog process per match is too heavy) and over RE2 (an extra
native dependency) because the subset covers what keyword-style rules need.
"""

from __future__ import annotations

import re
import re._constants as sre_c
import re._parser as sre_parse
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from frontdoor.core.errors import ValidationError
from frontdoor.core.text.tokenize import (
    FUNCTION_TAG_PREFIXES,
    get_kiwi,
    has_hangul,
    morphemes,
    normalize_text,
    words,
)

__all__ = [
    "LINE_WINDOW",
    "MAX_COST",
    "MAX_PATTERN_CHARS",
    "RuleHit",
    "RuleSet",
    "TagRules",
    "compile_pattern",
    "keyword_tokens",
    "prime_keywords",
    "text_tokens",
    "text_tokens_many",
    "validate_keyword",
    "validate_pattern",
]

MAX_PATTERN_CHARS = 300
MAX_KEYWORD_CHARS = 100
LINE_WINDOW = 500
_WINDOW_OVERLAP = 100
MAX_COST = 10_000

_ASCII_WORD = re.compile(r"^[a-z][a-z']*$")


def _stem(word: str) -> str:
    """A tiny English suffix stripper, applied the same way to keywords and text."""
    if not _ASCII_WORD.match(word) or len(word) <= 3:
        return word
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith("ss"):
                break
            word = word[: len(word) - len(suffix)] + repl
            break
    # "charge"/"charged"/"charging" all end as "charg".
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def text_tokens(text: str) -> list[str]:
    """Content morphemes (Korean) or stemmed words (English) of ``text``.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    list of str
        Tokens in order; particles, endings and punctuation dropped.
    """
    return [_stem(t) for t in morphemes(text, keep_function=False)]


def text_tokens_many(texts: Sequence[str]) -> list[list[str]]:
    """:func:`text_tokens` of many texts, with one batched Kiwi call for the Korean ones.

    Kiwi analyzes a list on its worker threads; on short texts this is one to two orders
    of magnitude faster than one call per text. Filtering matches :func:`morphemes`.
    """
    texts = [normalize_text(t) for t in texts]
    out: list[list[str]] = [[] for _ in texts]
    korean: list[int] = []
    for i, t in enumerate(texts):
        if has_hangul(t):
            korean.append(i)
        else:
            out[i] = [_stem(w) for w in words(t)]
    if korean:
        analyzed = get_kiwi().tokenize([texts[i] for i in korean])
        for i, toks in zip(korean, analyzed, strict=True):
            kept: list[str] = []
            for tok in toks:
                tag = str(tok.tag)
                if tag.startswith("S") and tag not in ("SL", "SH", "SN"):
                    continue
                if tag.startswith(FUNCTION_TAG_PREFIXES):
                    continue
                kept.append(_stem(tok.form.casefold()))
            out[i] = kept
    return out


_kw_lock = threading.Lock()
_kw_cache: dict[str, tuple[str, ...]] = {}
_KW_CACHE_MAX = 100_000


def prime_keywords(keywords: Iterable[str]) -> None:
    """Tokenize the keywords not seen yet in one batch (see :func:`text_tokens_many`)."""
    todo = sorted({k.strip() for k in keywords if k and k.strip()} - set(_kw_cache))
    if not todo:
        return
    tokens = text_tokens_many(todo)
    with _kw_lock:
        if len(_kw_cache) + len(todo) > _KW_CACHE_MAX:
            _kw_cache.clear()  # bounded memory; entries are cheap to recompute in batches
        for kw, toks in zip(todo, tokens, strict=True):
            _kw_cache[kw] = tuple(toks)


def keyword_tokens(keyword: str) -> tuple[str, ...]:
    """The token sequence a keyword matches (cached per process).

    Parameters
    ----------
    keyword : str
        A keyword or short phrase, Korean or English.

    Returns
    -------
    tuple of str
        Its content tokens; empty when it has none (e.g. only a particle).
    """
    key = keyword.strip()
    cached = _kw_cache.get(key)
    if cached is None:
        prime_keywords([key])
        cached = _kw_cache.get(key, ())
    return cached


def validate_keyword(keyword: str) -> str:
    """Check a keyword and return it stripped and NFC-normalized.

    Raises
    ------
    ValidationError
        When it is empty, too long or has no content morpheme.
    """
    kw = normalize_text(str(keyword)).strip()
    if not kw:
        raise ValidationError("keyword must not be empty")
    if len(kw) > MAX_KEYWORD_CHARS:
        raise ValidationError(f"keyword {kw[:20]!r}... is longer than {MAX_KEYWORD_CHARS} characters")
    if not keyword_tokens(kw):
        raise ValidationError(f"keyword {kw!r} has no content word to match")
    return kw


# --- patterns -----------------------------------------------------------------------

_FORBIDDEN = {
    sre_c.GROUPREF: "back-references",
    sre_c.GROUPREF_EXISTS: "conditional groups",
    sre_c.ASSERT: "look-ahead/look-behind",
    sre_c.ASSERT_NOT: "look-ahead/look-behind",
}
_REPEATS = {sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", sre_c.MAX_REPEAT)}


def _subpatterns(op: Any, av: Any) -> list[Any]:
    """Child sequences of one parsed regex node."""
    if op == sre_c.SUBPATTERN:
        return [av[-1]]
    if op == sre_c.BRANCH:
        return list(av[1])
    if op in _REPEATS:
        return [av[2]]
    if op == getattr(sre_c, "ATOMIC_GROUP", None):
        return [av]
    return []


def _ambiguous(seq: Any) -> bool:
    """Whether ``seq`` can match the same text in several ways (a variable repeat or an
    alternation); fixed repeats such as ``\\d{3}`` add no choice."""
    for op, av in seq:
        if op == sre_c.BRANCH or (op in _REPEATS and av[0] != av[1]):
            return True
        if any(_ambiguous(child) for child in _subpatterns(op, av)):
            return True
    return False


def _cost(seq: Any, pattern: str) -> int:
    """Upper bound of backtracking choices per start position (see module docstring)."""
    cost = 1
    for op, av in seq:
        if op in _FORBIDDEN:
            raise ValidationError(f"pattern {pattern!r}: {_FORBIDDEN[op]} are not allowed")
        if op in _REPEATS:
            lo, hi, body = av
            if hi != sre_c.MAXREPEAT and hi > 1000:
                raise ValidationError(f"pattern {pattern!r}: repeat bound {hi} is over 1000")
            if _ambiguous(body):
                raise ValidationError(
                    f"pattern {pattern!r}: a quantifier may not repeat a group that holds another "
                    "quantifier or an alternation (catastrophic backtracking)"
                )
            width = LINE_WINDOW if hi == sre_c.MAXREPEAT else hi - lo + 1
            cost *= max(1, width)
        elif op == sre_c.BRANCH:
            cost *= sum(_cost(alt, pattern) for alt in av[1])
        else:
            for child in _subpatterns(op, av):
                cost *= _cost(child, pattern)
        if cost > MAX_COST:
            raise ValidationError(
                f"pattern {pattern!r} may backtrack too much: use at most one unbounded quantifier "
                "(*, +) and bound the others, e.g. \\d{1,20}"
            )
    return cost


def validate_pattern(pattern: str) -> str:
    """Check that ``pattern`` is in the safe subset; return it NFC-normalized.

    Raises
    ------
    ValidationError
        When it does not compile or falls outside the safe subset (the message says why).
    """
    pat = normalize_text(str(pattern))
    if not pat.strip():
        raise ValidationError("pattern must not be empty")
    if len(pat) > MAX_PATTERN_CHARS:
        raise ValidationError(f"pattern is longer than {MAX_PATTERN_CHARS} characters")
    try:
        parsed = sre_parse.parse(pat, re.IGNORECASE)
    except re.error as exc:
        raise ValidationError(f"pattern {pat!r} is not a valid regular expression: {exc}") from None
    _cost(list(parsed), pat)
    if re.compile(pat, re.IGNORECASE).search("") is not None:
        raise ValidationError(f"pattern {pat!r} matches empty text; it would tag everything")
    return pat


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Validate and compile a pattern once (cached per process).

    Raises
    ------
    ValidationError
        As :func:`validate_pattern`.
    """
    return re.compile(validate_pattern(pattern), re.IGNORECASE)


def _windows(text: str) -> Iterable[tuple[int, str]]:
    """Lines of ``text`` cut into bounded windows, with their offsets."""
    offset = 0
    for line in text.split("\n"):
        if len(line) <= LINE_WINDOW:
            if line:
                yield offset, line
        else:
            step = LINE_WINDOW - _WINDOW_OVERLAP
            for i in range(0, len(line) - _WINDOW_OVERLAP, step):
                yield offset + i, line[i : i + LINE_WINDOW]
        offset += len(line) + 1


# --- rule sets ----------------------------------------------------------------------


@dataclass(frozen=True)
class TagRules:
    """The rules of one tag, as plain data (no ORM objects)."""

    tag_id: int
    keywords: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleHit:
    """One rule that fired: which tag, which keyword or pattern, and where."""

    tag_id: int
    kind: str  # "keyword" or "pattern"
    term: str
    start: int | None = None
    end: int | None = None


def _contains(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    n = len(needle)
    if n == 0 or n > len(haystack):
        return False
    first = needle[0]
    return any(
        haystack[i] == first and tuple(haystack[i : i + n]) == tuple(needle)
        for i in range(len(haystack) - n + 1)
    )


class RuleSet:
    """Compiled keyword and pattern rules of many tags.

    Parameters
    ----------
    rules : iterable of TagRules
        Rules per tag. Invalid keywords or patterns are skipped and listed in
        ``errors_`` (they are refused when saved, so this only guards old data).
    """

    def __init__(self, rules: Iterable[TagRules]) -> None:
        self.rules = tuple(rules)
        self.errors_: list[str] = []
        # Index keywords by their first token so matching costs one dict lookup per token.
        self._by_first: dict[str, list[tuple[int, str, tuple[str, ...]]]] = {}
        self._patterns: list[tuple[int, str, re.Pattern[str]]] = []
        prime_keywords(normalize_text(kw) for rule in self.rules for kw in rule.keywords)
        for rule in self.rules:
            for kw in rule.keywords:
                toks = keyword_tokens(normalize_text(kw))
                if not toks:
                    self.errors_.append(f"tag {rule.tag_id}: keyword {kw!r} has no content word")
                    continue
                self._by_first.setdefault(toks[0], []).append((rule.tag_id, kw, toks))
            for pat in rule.patterns:
                try:
                    self._patterns.append((rule.tag_id, pat, compile_pattern(pat)))
                except ValidationError as exc:
                    self.errors_.append(f"tag {rule.tag_id}: {exc}")

    def __len__(self) -> int:
        return len(self.rules)

    @property
    def empty(self) -> bool:
        """Whether no keyword or pattern can fire."""
        return not self._by_first and not self._patterns

    def match(self, text: str) -> list[RuleHit]:
        """Every rule that fires on ``text`` (at most one hit per tag, keyword and pattern).

        Parameters
        ----------
        text : str
            Customer text; NFC-normalized here.

        Returns
        -------
        list of RuleHit
            Keyword hits first, then pattern hits with their character span in the
            normalized text.
        """
        return self.match_many([text])[0]

    def match_many(self, texts: Sequence[str]) -> list[list[RuleHit]]:
        """:meth:`match` for many texts, tokenizing them in one batch."""
        texts = [normalize_text(t or "") for t in texts]
        if self.empty:
            return [[] for _ in texts]
        token_lists = text_tokens_many(texts) if self._by_first else [[] for _ in texts]
        return [self._match_one(t, toks) for t, toks in zip(texts, token_lists, strict=True)]

    def _match_one(self, text: str, tokens: list[str]) -> list[RuleHit]:
        if not text:
            return []
        hits: list[RuleHit] = []
        seen: set[tuple[int, str, str]] = set()
        token_set = set(tokens)
        for tok in token_set:
            for tag_id, kw, toks in self._by_first.get(tok, ()):
                key = (tag_id, "keyword", kw)
                if key in seen:
                    continue
                if (len(toks) == 1 or all(t in token_set for t in toks)) and _contains(tokens, toks):
                    seen.add(key)
                    hits.append(RuleHit(tag_id=tag_id, kind="keyword", term=kw))
        for tag_id, pat, rx in self._patterns:
            for offset, window in _windows(text):
                m = rx.search(window)
                if m is not None:
                    hits.append(
                        RuleHit(
                            tag_id=tag_id,
                            kind="pattern",
                            term=pat,
                            start=offset + m.start(),
                            end=offset + m.end(),
                        )
                    )
                    break
        return hits

    def tags(self, text: str) -> set[int]:
        """The ids of the tags whose rules fire on ``text``."""
        return {h.tag_id for h in self.match(text)}
