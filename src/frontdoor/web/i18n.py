"""Korean and English UI strings, chosen per user (or per browser before sign-in)."""

from __future__ import annotations

from collections.abc import Callable

LANGUAGES = ("ko", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "app.tagline": {
        "ko": "모든 고객 대화를 한 곳에서: 태그, 라우팅, 집계, 그리고 고객의 원래 말 그대로.",
        "en": "Every customer conversation in one place: tagged, routed, counted, in their own words.",
    },
    "login.title": {"ko": "로그인", "en": "Sign in"},
    "login.email": {"ko": "이메일", "en": "Email"},
    "login.password": {"ko": "비밀번호", "en": "Password"},
    "login.submit": {"ko": "로그인", "en": "Sign in"},
    "login.failed": {"ko": "이메일 또는 비밀번호가 올바르지 않습니다.", "en": "Wrong email or password."},
    "login.rate_limited": {
        "ko": "로그인 시도가 너무 많습니다. 잠시 후 다시 시도하세요.",
        "en": "Too many sign-in attempts. Try again in a few minutes.",
    },
    "nav.home": {"ko": "홈", "en": "Home"},
    "nav.conversations": {"ko": "대화", "en": "Conversations"},
    "nav.taxonomy": {"ko": "태그 체계", "en": "Taxonomy"},
    "nav.insights": {"ko": "인사이트", "en": "Insights"},
    "nav.roadmap": {"ko": "로드맵", "en": "Roadmap"},
    "nav.accounts": {"ko": "고객사", "en": "Accounts"},
    "nav.settings": {"ko": "설정", "en": "Settings"},
    "nav.logout": {"ko": "로그아웃", "en": "Sign out"},
    "home.title": {"ko": "워크스페이스 개요", "en": "Workspace overview"},
    "home.conversations": {"ko": "대화", "en": "Conversations"},
    "home.messages": {"ko": "메시지", "en": "Messages"},
    "home.accounts": {"ko": "고객사", "en": "Accounts"},
    "home.tags": {"ko": "태그", "en": "Tags"},
    "error.csrf": {
        "ko": "보안 토큰이 만료되었습니다. 다시 시도하세요.",
        "en": "Security token expired. Please try again.",
    },
    "error.forbidden": {"ko": "이 작업을 할 권한이 없습니다.", "en": "You are not allowed to do this."},
    "error.not_found": {"ko": "찾을 수 없습니다.", "en": "Not found."},
}


def translate(key: str, language: str) -> str:
    """The UI string for ``key`` in ``language`` (English, then the key, as fallbacks)."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    return entry.get(language) or entry.get("en") or key


def translator(language: str) -> Callable[[str], str]:
    """A one-argument ``t(key)`` bound to ``language`` for templates."""
    lang = language if language in LANGUAGES else "en"
    return lambda key: translate(key, lang)


def pick_language(accept_language: str | None, default: str = "ko") -> str:
    """Choose ko or en from an Accept-Language header."""
    if not accept_language:
        return default
    for part in accept_language.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default
