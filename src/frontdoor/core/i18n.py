"""Korean and English UI strings, chosen per user (or per browser before sign-in)."""

from __future__ import annotations

import importlib
import pkgutil
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
    "nav.surveys": {"ko": "설문", "en": "Surveys"},
    "nav.oncall": {"ko": "온콜", "en": "On-call"},
    "error.invalid": {"ko": "입력이 올바르지 않습니다.", "en": "The input is not valid."},
    "error.conflict": {"ko": "이미 존재합니다.", "en": "That already exists."},
    "conv.search": {"ko": "대화 검색 (예: 환불)", "en": "Search conversations (e.g. refund)"},
    "conv.tag": {"ko": "태그", "en": "Tag"},
    "conv.any_tag": {"ko": "모든 태그", "en": "Any tag"},
    "conv.dimension": {"ko": "차원", "en": "Dimension"},
    "conv.any_dimension": {"ko": "모든 차원", "en": "Any dimension"},
    "conv.account": {"ko": "고객사", "en": "Account"},
    "conv.any_account": {"ko": "모든 고객사", "en": "Any account"},
    "conv.source": {"ko": "소스", "en": "Source"},
    "conv.any_source": {"ko": "모든 소스", "en": "Any source"},
    "conv.language": {"ko": "언어", "en": "Language"},
    "conv.any_language": {"ko": "모든 언어", "en": "Any language"},
    "conv.route": {"ko": "담당 팀", "en": "Route"},
    "conv.any_route": {"ko": "모든 팀", "en": "Any route"},
    "conv.since": {"ko": "시작일", "en": "From"},
    "conv.until": {"ko": "종료일", "en": "To"},
    "conv.untagged": {"ko": "태그 없음만", "en": "Untagged only"},
    "conv.apply": {"ko": "적용", "en": "Apply"},
    "conv.reset": {"ko": "초기화", "en": "Reset"},
    "conv.none": {"ko": "조건에 맞는 대화가 없습니다.", "en": "No conversations match."},
    "conv.opened": {"ko": "시작", "en": "Opened"},
    "conv.subject": {"ko": "제목", "en": "Subject"},
    "conv.tags": {"ko": "태그", "en": "Tags"},
    "conv.no_subject": {"ko": "(제목 없음)", "en": "(no subject)"},
    "conv.first": {"ko": "처음", "en": "First"},
    "conv.next": {"ko": "다음", "en": "Next"},
    "conv.prev": {"ko": "이전", "en": "Previous"},
    "conv.messages": {"ko": "메시지", "en": "Messages"},
    "conv.internal_note": {"ko": "내부 메모", "en": "Internal note"},
    "conv.show_all": {"ko": "전체 보기", "en": "Show all"},
    "conv.no_messages": {"ko": "메시지가 없습니다.", "en": "No messages."},
    "conv.confirm": {"ko": "확정", "en": "Confirm"},
    "conv.reject": {"ko": "거절", "en": "Reject"},
    "conv.no_tags": {"ko": "태그가 없습니다.", "en": "No tags yet."},
    "conv.add_tag": {"ko": "태그 추가", "en": "Add tag"},
    "conv.mark_quote": {"ko": "인용 태그", "en": "Tag quote"},
    "conv.quote_hint": {
        "ko": "메시지에서 텍스트를 선택하면 인용으로 태그합니다.",
        "en": "Select text in a message to tag it as a quote.",
    },
    "author.customer": {"ko": "고객", "en": "Customer"},
    "author.agent": {"ko": "상담원", "en": "Agent"},
    "author.bot": {"ko": "봇", "en": "Bot"},
    "author.system": {"ko": "시스템", "en": "System"},
    "status.suggested": {"ko": "제안", "en": "suggested"},
    "status.confirmed": {"ko": "확정", "en": "confirmed"},
    "status.rejected": {"ko": "거절", "en": "rejected"},
    "tax.tree": {"ko": "태그 트리", "en": "Tree"},
    "tax.review": {"ko": "검토 대기", "en": "Review queue"},
    "tax.themes": {"ko": "새 주제", "en": "Themes"},
    "tax.empty": {"ko": "아직 태그 체계가 없습니다.", "en": "No taxonomy yet."},
    "tax.tag": {"ko": "태그", "en": "Tag"},
    "tax.count": {"ko": "대화 수", "en": "Conversations"},
    "tax.suggested": {"ko": "제안", "en": "Suggested"},
    "tax.trend": {"ko": "12주 추이", "en": "12-week trend"},
    "tax.edit": {"ko": "편집", "en": "Edit"},
    "tax.description": {"ko": "설명", "en": "Description"},
    "tax.move_under": {"ko": "상위 태그", "en": "Move under"},
    "tax.top_level": {"ko": "(최상위)", "en": "(top level)"},
    "tax.move": {"ko": "이동", "en": "Move"},
    "tax.merge_into": {"ko": "병합 대상", "en": "Merge into"},
    "tax.merge": {"ko": "병합", "en": "Merge"},
    "tax.save": {"ko": "저장", "en": "Save"},
    "tax.review_empty": {"ko": "검토할 제안이 없습니다.", "en": "Nothing to review."},
    "tax.themes_empty": {"ko": "아직 발견된 주제가 없습니다.", "en": "No themes found yet."},
    "acc.search": {"ko": "고객사 검색", "en": "Search accounts"},
    "acc.none": {"ko": "고객사가 없습니다.", "en": "No accounts yet."},
    "acc.name": {"ko": "이름", "en": "Name"},
    "acc.plan": {"ko": "요금제", "en": "Plan"},
    "acc.segment": {"ko": "세그먼트", "en": "Segment"},
    "acc.stage": {"ko": "단계", "en": "Stage"},
    "acc.domains": {"ko": "도메인", "en": "Domains"},
    "acc.contacts": {"ko": "담당자", "en": "Contacts"},
    "acc.decision_maker": {"ko": "의사결정자", "en": "Decision maker"},
    "acc.recent": {"ko": "최근 대화", "en": "Recent conversations"},
    "acc.all": {"ko": "전체", "en": "All"},
    "ins.empty": {"ko": "확정된 태그가 아직 없습니다.", "en": "No confirmed tags yet."},
    "ins.top_tags": {"ko": "상위 태그", "en": "Top tags"},
    "road.empty": {"ko": "로드맵 항목이 없습니다.", "en": "No roadmap items yet."},
    "road.item": {"ko": "항목", "en": "Item"},
    "road.status": {"ko": "상태", "en": "Status"},
    "sur.empty": {"ko": "설문 응답이 없습니다.", "en": "No survey responses yet."},
    "sur.kind": {"ko": "종류", "en": "Kind"},
    "sur.score": {"ko": "점수", "en": "Score"},
    "sur.comment": {"ko": "의견", "en": "Comment"},
    "oncall.empty": {"ko": "온콜 일정이 아직 없습니다.", "en": "No on-call rotation yet."},
    "invite.title": {"ko": "팀에 참여하기", "en": "Join the team"},
    "invite.name": {"ko": "이름", "en": "Name"},
    "invite.language": {"ko": "언어", "en": "Language"},
    "invite.submit": {"ko": "참여", "en": "Join"},
    "set.sources": {"ko": "소스", "en": "Sources"},
    "set.pii": {"ko": "개인정보 마스킹", "en": "PII redaction"},
    "set.users": {"ko": "사용자와 역할", "en": "Users and roles"},
    "set.invitations": {"ko": "초대", "en": "Invitations"},
    "set.tokens": {"ko": "API 토큰", "en": "API tokens"},
    "set.no_sources": {"ko": "소스가 없습니다.", "en": "No sources yet."},
    "set.name": {"ko": "이름", "en": "Name"},
    "set.kind": {"ko": "종류", "en": "Kind"},
    "set.webhook_url": {"ko": "웹훅 URL", "en": "Webhook URL"},
    "set.secret": {"ko": "시크릿", "en": "Secret"},
    "set.shown_once": {"ko": "한 번만 표시됩니다", "en": "shown once"},
    "set.full_url": {
        "ko": "이 소스에 붙여넣을 URL (토큰 포함, 한 번만 표시):",
        "en": "URL to paste into this source (carries the token, shown once):",
    },
    "set.regenerate": {"ko": "재발급", "en": "Regenerate"},
    "set.pii_unavailable": {
        "ko": "개인정보 설정을 사용할 수 없습니다.",
        "en": "PII settings are not available.",
    },
    "set.pii_kinds": {"ko": "기본 항목", "en": "Built-in kinds"},
    "set.pii_rules": {
        "ko": "사용자 규칙 (LABEL=정규식, 한 줄에 하나)",
        "en": "Own rules (LABEL=regex, one per line)",
    },
    "set.role": {"ko": "역할", "en": "Role"},
    "set.active": {"ko": "상태", "en": "Active"},
    "set.deactivate": {"ko": "비활성화", "en": "Deactivate"},
    "set.activate": {"ko": "활성화", "en": "Activate"},
    "set.invite_link": {"ko": "초대 링크 (한 번만 표시):", "en": "Invitation link (shown once):"},
    "set.invite": {"ko": "초대", "en": "Invite"},
    "set.state": {"ko": "상태", "en": "State"},
    "set.accepted": {"ko": "수락됨", "en": "accepted"},
    "set.revoked": {"ko": "취소됨", "en": "revoked"},
    "set.open_until": {"ko": "유효기간", "en": "open until"},
    "set.revoke": {"ko": "취소", "en": "Revoke"},
    "set.token_once": {
        "ko": "새 토큰 (다시 볼 수 없습니다):",
        "en": "New token (you will not see it again):",
    },
    "set.create_token": {"ko": "토큰 만들기", "en": "Create token"},
    "set.scopes": {"ko": "권한 범위", "en": "Scopes"},
    "set.last_used": {"ko": "마지막 사용", "en": "Last used"},
}


def _merge_area_messages() -> None:
    """Add the strings of every :mod:`frontdoor.core.messages` module; a duplicate key is a bug."""
    from frontdoor.core import messages

    for info in pkgutil.iter_modules(messages.__path__):
        module = importlib.import_module(f"{messages.__name__}.{info.name}")
        for key, entry in getattr(module, "MESSAGES", {}).items():
            if key in MESSAGES and MESSAGES[key] != entry:
                raise RuntimeError(f"UI string {key!r} is defined twice ({info.name})")
            MESSAGES[key] = entry


_merge_area_messages()


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
