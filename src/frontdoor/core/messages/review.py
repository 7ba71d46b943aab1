"""Review queue strings."""

MESSAGES: dict[str, dict[str, str]] = {
    "review.excerpt": {"ko": "고객 메시지", "en": "Customer message"},
    "review.why": {"ko": "먼저 묻는 이유", "en": "Why ask"},
    "review.similar": {"ko": "건의 비슷한 제안 생략", "en": "similar suggestions folded"},
    "review.reason.near-threshold": {"ko": "경계값 근처", "en": "near the threshold"},
    "review.reason.rare-tag": {"ko": "예시가 적은 태그", "en": "few examples"},
    "review.reason.unscored": {"ko": "점수 없음", "en": "unscored"},
    "review.reason.needs-human": {"ko": "사람 확인 필요", "en": "needs a person"},
}
