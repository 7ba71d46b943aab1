"""Text normalization: NFC, whitespace, control characters, bounds."""

from __future__ import annotations

import unicodedata

from frontdoor.core.text.normalize import normalize, normalize_line


def test_nfc_joins_decomposed_hangul() -> None:
    decomposed = unicodedata.normalize("NFD", "환불해 주세요")
    assert decomposed != "환불해 주세요"
    assert normalize(decomposed).text == "환불해 주세요"


def test_whitespace_and_control_characters() -> None:
    raw = "\ufeff  안녕하세요\u200b,\u00a0\u00a0반갑습니다\x00\x07  \r\n\r\n\r\n\r\n\t둘째 줄   "
    assert normalize(raw).text == "안녕하세요, 반갑습니다\n\n둘째 줄"


def test_emoji_zwj_is_kept() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert normalize(f"좋아요 {family}").text == f"좋아요 {family}"


def test_bounded_with_flag() -> None:
    out = normalize("가나다 " * 100, max_chars=100)
    assert out.truncated and len(out.text) <= 100
    short = normalize("짧은 글", max_chars=100)
    assert not short.truncated and short.text == "짧은 글"
    huge = normalize("x" * 1_000_000, max_chars=200)
    assert huge.truncated and len(huge.text) == 200


def test_empty_and_line() -> None:
    assert normalize("").text == ""
    assert normalize_line("제목\n둘째\t줄", max_chars=100) == "제목 둘째 줄"
    assert normalize_line("긴 제목" * 50, max_chars=10) == ("긴 제목" * 50)[:10]
