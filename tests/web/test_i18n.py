"""Every UI string exists in Korean and in English."""

from __future__ import annotations

from frontdoor.core.i18n import MESSAGES, translate


def test_every_string_has_korean_and_english() -> None:
    missing = [key for key, entry in MESSAGES.items() if not entry.get("ko") or not entry.get("en")]
    assert missing == []


def test_unknown_key_falls_back_to_the_key_and_unknown_language_to_english() -> None:
    assert translate("no.such.key", "ko") == "no.such.key"
    assert translate("nav.roadmap", "fr") == MESSAGES["nav.roadmap"]["en"]
