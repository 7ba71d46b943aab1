"""UI strings of the on-call page (/oncall)."""

MESSAGES: dict[str, dict[str, str]] = {
    "oncall.no_rotation": {
        "ko": "이번 주 온콜 담당자가 없습니다. 관리자가 순번을 정하세요.",
        "en": "Nobody is on call this week. An admin sets the rotation below.",
    },
    "oncall.prev_week": {"ko": "지난주", "en": "Previous week"},
    "oncall.next_week": {"ko": "다음 주", "en": "Next week"},
    "oncall.week_of": {"ko": "주 시작일", "en": "Week of"},
    "oncall.on_call": {"ko": "온콜 담당", "en": "On call"},
    "oncall.override": {"ko": "변경됨", "en": "changed"},
    "oncall.queue": {"ko": "읽을 대화", "en": "Reading queue"},
    "oncall.area": {"ko": "제품 영역", "en": "Product area"},
    "oncall.my_area": {"ko": "내 영역", "en": "My area"},
    "oncall.calls_only": {"ko": "통화만", "en": "Calls only"},
    "oncall.unread_only": {"ko": "안 읽은 것만", "en": "Unread only"},
    "oncall.no_area": {
        "ko": "제품 영역이 정해지지 않았습니다. 위에서 영역을 고르세요.",
        "en": "No product area set for you. Choose an area above.",
    },
    "oncall.queue_empty": {
        "ko": "이번 주 이 영역에 확정 태그가 달린 대화가 없습니다.",
        "en": "No conversations confirmed in this area this week.",
    },
    "oncall.unread": {"ko": "안 읽음", "en": "unread"},
    "oncall.calls": {"ko": "통화", "en": "calls"},
    "oncall.call": {"ko": "통화", "en": "Call"},
    "oncall.read": {"ko": "읽음 / 메모", "en": "Read / note"},
    "oncall.read_at": {"ko": "읽음", "en": "Read"},
    "oncall.note": {"ko": "메모 (선택)", "en": "Note (optional)"},
    "oncall.mark_read": {"ko": "읽음으로 표시", "en": "Mark read"},
    "oncall.save_note": {"ko": "메모 저장", "en": "Save note"},
    "oncall.rotation": {"ko": "순번", "en": "Rotation"},
    "oncall.engineer": {"ko": "담당자", "en": "Engineer"},
    "oncall.change_week": {"ko": "한 주 바꾸기 / 맞바꾸기", "en": "Change or swap a week"},
    "oncall.back_to_rotation": {"ko": "(순번대로)", "en": "(back to the rotation)"},
    "oncall.set_override": {"ko": "이 주 담당 바꾸기", "en": "Set for that week"},
    "oncall.swap": {"ko": "두 주 맞바꾸기", "en": "Swap the two weeks"},
    "oncall.digest": {"ko": "주간 요약", "en": "Weekly digest"},
    "oncall.digest_hint": {
        "ko": "영역별 주요 인용과 급증한 태그를 이메일·Slack으로 보냅니다. "
        "한 주에 한 번만 보내집니다 (날짜를 비우면 지난주).",
        "en": "Top quotes per area and rising tags, by email and Slack. "
        "Sent once per week (empty date: last week).",
    },
    "oncall.send_digest": {"ko": "요약 보내기", "en": "Send digest"},
    "oncall.set_rotation": {"ko": "순번 정하기 (관리자)", "en": "Set the rotation (admins)"},
    "oncall.engineers": {
        "ko": "담당자 이메일 (순서대로, 한 줄에 하나)",
        "en": "Engineers' emails (in order, one per line)",
    },
    "oncall.engineers_hint": {
        "ko": "첫 번째 사람이 이번 주 담당입니다.",
        "en": "The first one is on call this week.",
    },
    "oncall.week_start": {"ko": "한 주의 시작 요일", "en": "Weeks start on"},
    "oncall.email_to": {
        "ko": "요약 받는 이메일 (비우면 순번의 담당자들)",
        "en": "Digest recipients (empty: the engineers in the rotation)",
    },
    "oncall.slack_webhook": {"ko": "요약용 Slack 웹훅 URL", "en": "Slack incoming webhook for the digest"},
    "oncall.auto_digest": {
        "ko": "매주 지난주 요약을 자동으로 보내기",
        "en": "Send last week's digest automatically every week",
    },
    "oncall.save_rotation": {"ko": "순번 저장", "en": "Save rotation"},
    "oncall.done.read": {"ko": "읽음으로 기록했습니다.", "en": "Recorded as read."},
    "oncall.done.rotation": {"ko": "순번을 저장했습니다.", "en": "Rotation saved."},
    "oncall.done.override": {"ko": "그 주 담당을 바꿨습니다.", "en": "That week changed."},
    "oncall.done.swap": {"ko": "두 주를 맞바꿨습니다.", "en": "Weeks swapped."},
    "oncall.done.digest": {"ko": "주간 요약을 보냈습니다.", "en": "Digest sent."},
    "oncall.done.dup": {
        "ko": "이 주의 요약은 이미 보냈습니다. 새로 보낸 것은 없습니다.",
        "en": "That week's digest was already sent; nothing new went out.",
    },
}
