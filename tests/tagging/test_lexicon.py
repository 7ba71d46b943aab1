"""Korean morphemes for the tagger's word features: the per-word lexicon of Kiwi analyses."""

from __future__ import annotations

from typing import Any

import pytest

from frontdoor.core.text.tokenize import analyzer_tokens
from frontdoor.tagging.model import lexicon as lexicon_mod
from frontdoor.tagging.model.features import TextFeaturizer
from frontdoor.tagging.model.lexicon import MorphemeLexicon

TRAIN = [
    "환불은 언제 되나요?",
    "iPhone15 배송이 늦어요!!",
    "refund please, it's late",
    "결제 취소 부탁드립니다",
]


def test_training_tokens_are_the_in_context_morphemes() -> None:
    lex = MorphemeLexicon()
    assert lex.fit_tokens(TRAIN) == [analyzer_tokens(t) for t in TRAIN]
    assert lex.fit_tokens(["환불은 언제 되나요?"])[0] == ["환불", "은", "언제", "되", "나요"]
    # Every space-separated word of a Korean text is remembered; English text is not.
    assert "환불은" in lex.entries and "되나요?" in lex.entries
    assert lex.entries["환불은"] == ("환불", "은")
    assert "refund" not in lex.entries


def test_known_words_need_no_kiwi(monkeypatch: pytest.MonkeyPatch) -> None:
    lex = MorphemeLexicon()
    lex.fit_tokens(TRAIN)

    def no_kiwi() -> Any:
        raise AssertionError("Kiwi was called for known words")

    monkeypatch.setattr(lexicon_mod, "get_kiwi", no_kiwi)
    # Known words in a new order: a lookup per word, no analysis.
    assert lex.tokens(["언제 환불은 되나요?"]) == [["언제", "환불", "은", "되", "나요"]]
    assert lex.tokens(["Refund please"]) == [["refund", "please"]]


def test_unknown_words_are_analyzed_but_not_learned() -> None:
    lex = MorphemeLexicon()
    lex.fit_tokens(TRAIN)
    size = len(lex)
    out = lex.tokens(["배송이 언제 오나요", "배송이 언제 오나요"])
    assert out[0] == out[1]
    assert out[0][:4] == ["배송", "이", "언제", "오"]
    assert len(lex) == size  # a fitted model does not change while predicting


def test_featurizer_uses_the_lexicon_and_matches_the_per_text_analysis() -> None:
    feat = TextFeaturizer(char_ngram_range=(0, 0)).fit(TRAIN)
    assert feat.lexicon_ is not None and len(feat.lexicon_) > 0
    # Training texts featurize exactly as they did while fitting.
    assert (feat.transform(TRAIN) != feat.fit_transform(TRAIN)).nnz == 0
    vocab = feat.word_vectorizer_.vocabulary_ if feat.word_vectorizer_ else {}
    assert "환불 은" in vocab and "iphone" in vocab
