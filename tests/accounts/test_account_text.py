"""The sentences behind health signals, changes and priority terms, in Korean and English."""

from __future__ import annotations

from frontdoor.accounts.health_score import Signal, SignalChange
from frontdoor.accounts.priority_score import Term
from frontdoor.accounts.text import change_text, signal_text, term_text


def test_signal_sentences_carry_the_numbers() -> None:
    sig = Signal("recency", 12.2, 0.4, {"days": 109, "last": "2026-08-11"})
    assert (
        signal_text(sig, "en")
        == "last conversation 109 days ago (2026-08-11); full score up to 30 days, 0 from 120"
    )
    assert signal_text(sig, "ko") == "마지막 대화 109일 전 (2026-08-11); 30일까지 만점, 120일이면 0점"
    few = Signal("satisfaction", 0.0, 0.0, {"n": 2, "good": 0, "middle": 0, "bad": 2, "too_few": True})
    assert signal_text(few, "en") == (
        "2 survey answers in 180 days: 0 good, 0 middle, 2 bad (fewer than 3: shown, not counted)"
    )


def test_change_sentences_name_weight_shifts_and_counting() -> None:
    shifted = SignalChange(
        "satisfaction", Signal("satisfaction", 25, 0.4615, {}), Signal("satisfaction", 20, 0.3333, {})
    )
    # lost 0.4615 x 75 = 34.6 before, 0.3333 x 80 = 26.7 after: +7.9 although the score fell.
    assert change_text(shifted, "en") == "Survey satisfaction: 25 → 20 (+7.9 points) · weight 46% → 33%"
    joined = SignalChange("sentiment", Signal("sentiment", 0, 0.0, {}), Signal("sentiment", 0, 0.2778, {}))
    assert change_text(joined, "ko") == "대화 감정: 0 → 0 (-27.8점) (이번부터 반영)"


def test_term_sentences() -> None:
    arr = Term("arr", 28.2, 30, {"arr": 29_216_000, "pct": 94})
    assert term_text(arr, "en", currency="KRW") == "ARR 29,216,000 KRW, larger than 94% of the other accounts"
    slow = Term("slow_replies", 0.0, 10, {"hours": None, "n": 0})
    assert term_text(slow, "ko") == "잴 수 있는 응답 없음"
