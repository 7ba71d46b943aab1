"""Fast Korean morphemes for the tagger: a per-word lexicon of Kiwi analyses.

Kiwi analyzes about a thousand sentences a second on one core, which caps the tagger's
throughput on Korean text well below its English speed. But customer text reuses its words
(eojeol, the space-separated units): in the StyleKQC test split 78% of the words also occur
in the training split. :class:`MorphemeLexicon` therefore analyzes each *training* text
with Kiwi once, in context, and remembers the morphemes of every word; at prediction time a
known word is a dictionary lookup, and only unknown words go through Kiwi (each distinct one
once per call, in one batch).

Text without Hangul never touches Kiwi (lower-cased word tokens, as
:func:`frontdoor.core.text.tokenize.words`), exactly like :func:`~frontdoor.core.text.tokenize.morphemes`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from frontdoor.core.text.tokenize import get_kiwi, has_hangul, normalize_text, words

__all__ = ["MorphemeLexicon"]

_EOJEOL_RE = re.compile(r"\S+")
_Tokens = tuple[str, ...]


def _keep(tag: str) -> bool:
    # Punctuation and symbols are dropped; foreign words, hanja and numbers stay (as in
    # frontdoor.core.text.tokenize.morphemes).
    return not tag.startswith("S") or tag in ("SL", "SH", "SN")


class MorphemeLexicon:
    """Word -> morphemes map learned from Kiwi analyses of training texts.

    Attributes
    ----------
    entries : dict of str to tuple of str
        Morphemes (lower-cased, punctuation dropped) of each word seen in training, from
        its first in-context analysis.
    """

    def __init__(self) -> None:
        self.entries: dict[str, _Tokens] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def fit_tokens(self, texts: Sequence[str]) -> list[list[str]]:
        """Analyze ``texts`` with Kiwi in context, remember each word, return their tokens.

        Parameters
        ----------
        texts : sequence of str
            NFC-normalized training texts.

        Returns
        -------
        list of list of str
            Per text: its morphemes (Hangul texts) or lower-cased words (other texts).
        """
        out: list[list[str]] = [[] for _ in texts]
        korean = [i for i, t in enumerate(texts) if has_hangul(t)]
        for i, t in enumerate(texts):
            if not has_hangul(t):
                out[i] = words(t)
        analyses = get_kiwi().tokenize([texts[i] for i in korean])
        for i, toks in zip(korean, analyses, strict=True):
            text = texts[i]
            spans = [(m.start(), m.end()) for m in _EOJEOL_RE.finditer(text)]
            per_word: list[list[str]] = [[] for _ in spans]
            w = 0
            for tok in toks:  # tokens come in text order; attribute each to its word
                while w + 1 < len(spans) and tok.start >= spans[w][1]:
                    w += 1
                if _keep(tok.tag):
                    per_word[w].append(tok.form.casefold())
            for (s, e), forms in zip(spans, per_word, strict=True):
                self.entries.setdefault(text[s:e], tuple(forms))
            out[i] = [f for forms in per_word for f in forms]
        return out

    def tokens(self, texts: Iterable[str]) -> list[list[str]]:
        """Return the tokens of ``texts``: lexicon lookups, Kiwi only for unknown words.

        Unknown words are analyzed alone (without their sentence), each distinct word once
        per call; they are not added to the lexicon (a fitted model does not change).

        Parameters
        ----------
        texts : iterable of str
            Texts (NFC-normalized or not).

        Returns
        -------
        list of list of str
            Per text: morphemes (Hangul texts) or lower-cased words (other texts).
        """
        texts = [normalize_text(t) for t in texts]
        known = self.entries
        missing = sorted({w for t in texts if has_hangul(t) for w in t.split() if w not in known})
        extra: dict[str, _Tokens] = {}
        if missing:
            for word, toks in zip(missing, get_kiwi().tokenize(missing), strict=True):
                extra[word] = tuple(tok.form.casefold() for tok in toks if _keep(tok.tag))
        out: list[list[str]] = []
        for t in texts:
            if not has_hangul(t):
                out.append(words(t))
                continue
            out.append([m for w in t.split() for m in (known.get(w) or extra.get(w, ()))])
        return out
