"""Tokenization: NFC, English words, Korean morphemes, lazy Kiwi."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

from frontdoor.core.text import tokenize as tk


def test_words_lowercases_and_keeps_apostrophes() -> None:
    assert tk.words("Why WON'T my card work?! 2x") == ["why", "won't", "my", "card", "work", "2x"]


def test_english_text_does_not_need_kiwi() -> None:
    assert tk.morphemes("Refund my ORDER please") == ["refund", "my", "order", "please"]
    assert tk.analyzer_tokens("top-up failed") == ["top", "up", "failed"]


def test_korean_content_morpheme_is_shared_across_inflections() -> None:
    a = tk.morphemes("환불해주세요")
    b = tk.morphemes("환불은 언제 되나요?")
    assert "환불" in a
    assert "환불" in b
    assert "?" not in b  # punctuation is dropped


def test_keep_function_false_drops_particles_and_endings() -> None:
    full = tk.morphemes("배송은 언제 오나요", with_tags=True)
    content = tk.morphemes("배송은 언제 오나요", keep_function=False, with_tags=True)
    assert any(t.endswith("/JX") for t in full)  # the topic particle 은
    assert not any(t.split("/")[1].startswith(("J", "E")) for t in content)
    assert "배송/NNG" in content


def test_latin_inside_korean_is_lowercased() -> None:
    toks = tk.morphemes("API 연동이 안 돼요")
    assert "api" in toks
    assert "연동" in toks


def test_decomposed_hangul_is_normalized() -> None:
    composed = "결제 오류"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert tk.normalize_text(decomposed) == composed
    assert tk.morphemes(decomposed) == tk.morphemes(composed)
    assert tk.has_hangul(decomposed)
    assert not tk.has_hangul("plain text")


def test_batch_matches_single() -> None:
    texts = ["배송 조회", "where is my parcel"]
    assert tk.batch_analyzer_tokens(texts) == [tk.analyzer_tokens(t) for t in texts]


def test_kiwi_is_not_created_at_import_time() -> None:
    code = (
        "import frontdoor.core.text.tokenize as t\n"
        "assert t._kiwi is None\n"
        "t.words('hello')\n"
        "assert t._kiwi is None\n"
        "t.morphemes('안녕하세요')\n"
        "assert t._kiwi is not None\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_kiwi_instance_is_shared() -> None:
    assert tk.get_kiwi() is tk.get_kiwi()
