"""Korean / English / mixed detection by Hangul share."""

from __future__ import annotations

import pytest

from frontdoor.core.text.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("환불 요청드립니다", "ko"),
        ("엑셀 export가 안 돼요", "ko"),
        ("로그인 error가 나요", "ko"),
        ("Please refund my order", "en"),
        ("Can you export to 엑셀?", "en"),
        ("결제 오류 error, payment failed", "mixed"),
        ("연락처 [PHONE], 메일 [EMAIL]", "ko"),
        ("12345 !!!", None),
        ("", None),
    ],
)
def test_detect(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected
