"""Spike alert page strings."""

MESSAGES: dict[str, dict[str, str]] = {
    "nav.alerts": {"ko": "알림", "en": "Alerts"},
    "alerts.title": {"ko": "급증 알림", "en": "Spike alerts"},
    "alerts.intro": {
        "ko": "태그별로 최근 24시간의 대화 수를 지난 몇 주 같은 요일·시간대와 비교해, "
        "평소보다 크게 늘면 알립니다.",
        "en": "Each tag's conversations in the last 24 hours are compared with the same hours of the "
        "weekday in past weeks; a large rise raises an alert.",
    },
    "alerts.none": {"ko": "아직 알림이 없습니다.", "en": "No alerts yet."},
    "alerts.filter.all": {"ko": "전체", "en": "All"},
    "alerts.filter.open": {"ko": "미확인", "en": "Open"},
    "alerts.filter.acknowledged": {"ko": "확인함", "en": "Acknowledged"},
    "alerts.status.open": {"ko": "미확인", "en": "Open"},
    "alerts.status.acknowledged": {"ko": "확인함", "en": "Acknowledged"},
    "alerts.window": {"ko": "기간", "en": "Window"},
    "alerts.observed": {"ko": "건수", "en": "Observed"},
    "alerts.expected": {"ko": "평소", "en": "Expected"},
    "alerts.p_value": {"ko": "p값", "en": "p-value"},
    "alerts.quotes": {"ko": "고객의 말", "en": "In the customers' words"},
    "alerts.accounts": {"ko": "영향 받은 고객사", "en": "Accounts affected"},
    "alerts.acknowledge": {"ko": "확인", "en": "Acknowledge"},
    "alerts.acknowledged_by": {"ko": "확인한 사람", "en": "Acknowledged by"},
    "alerts.open_conversation": {"ko": "대화 보기", "en": "Open conversation"},
    "alerts.settings": {"ko": "알림 설정", "en": "Alert settings"},
    "alerts.settings_hint": {
        "ko": "Slack 수신 웹훅 URL과 받는 사람 이메일(쉼표로 구분). "
        "이메일은 FRONTDOOR_SMTP_URL이 설정되어 있어야 보냅니다.",
        "en": "Slack incoming-webhook URL and email recipients (comma-separated). Email needs "
        "FRONTDOOR_SMTP_URL to be set.",
    },
    "alerts.slack_webhook_url": {"ko": "Slack 웹훅 URL", "en": "Slack webhook URL"},
    "alerts.email": {"ko": "이메일 받는 사람", "en": "Email recipients"},
    "alerts.cooldown_hours": {"ko": "재알림 대기(시간)", "en": "Cool-down (hours)"},
    "alerts.min_count": {"ko": "최소 건수", "en": "Minimum count"},
    "alerts.enabled": {"ko": "알림 켜기", "en": "Alerts on"},
    "alerts.save": {"ko": "저장", "en": "Save"},
}
