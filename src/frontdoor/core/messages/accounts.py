"""UI strings of accounts: health, relationship depth, priority, the CX pipeline and surveys.

Strings with ``{name}`` fields are filled by :mod:`frontdoor.accounts.text`.
"""

MESSAGES: dict[str, dict[str, str]] = {
    # health
    "health.title": {"ko": "건강도", "en": "Health"},
    "health.band.red": {"ko": "위험", "en": "Red"},
    "health.band.yellow": {"ko": "주의", "en": "Yellow"},
    "health.band.green": {"ko": "양호", "en": "Green"},
    "health.band.unknown": {"ko": "판단 불가", "en": "Unknown"},
    "health.score": {"ko": "점수", "en": "Score"},
    "health.signal": {"ko": "신호", "en": "Signal"},
    "health.weight": {"ko": "가중치", "en": "Weight"},
    "health.points_lost": {"ko": "깎인 점수", "en": "Points lost"},
    "health.why": {"ko": "근거", "en": "Why"},
    "health.critical": {"ko": "이 신호만으로 위험", "en": "red on its own"},
    "health.not_counted": {"ko": "반영 안 함", "en": "not counted"},
    "health.main_reason": {"ko": "가장 큰 이유", "en": "Main reason"},
    "health.history": {"ko": "건강도 기록", "en": "Health history"},
    "health.no_history": {
        "ko": "아직 스냅숏이 없습니다. `frontdoor accounts health` 로 기록하세요.",
        "en": "No snapshots yet. Record them with `frontdoor accounts health`.",
    },
    "health.since_last": {"ko": "마지막 기록 이후 변화", "en": "Changes since the last snapshot"},
    "health.changes": {"ko": "바뀐 이유", "en": "What changed"},
    "health.date": {"ko": "날짜", "en": "Date"},
    "health.no_change": {"ko": "변화 없음", "en": "No change"},
    "health.evidence": {"ko": "해당 대화", "en": "Conversations"},
    "health.sig.satisfaction": {"ko": "설문 만족도", "en": "Survey satisfaction"},
    "health.sig.sentiment": {"ko": "대화 감정", "en": "Conversation sentiment"},
    "health.sig.problems": {"ko": "문제 대화", "en": "Problem conversations"},
    "health.sig.recency": {"ko": "최근 접촉", "en": "Recency"},
    "health.sig.usage": {"ko": "제품 사용", "en": "Product usage"},
    "health.why.satisfaction": {
        "ko": "최근 {days}일 설문 응답 {n}건: 좋음 {good}, 보통 {middle}, 나쁨 {bad}",
        "en": "{n} survey answers in {days} days: {good} good, {middle} middle, {bad} bad",
    },
    "health.why.sentiment": {
        "ko": "최근 {days}일 감정 태그가 있는 대화 {n}건: 부정 {negative}, 중립 {neutral}, 긍정 {positive}",
        "en": "{n} conversations with a sentiment tag in {days} days: "
        "{negative} negative, {neutral} neutral, {positive} positive",
    },
    "health.why.too_few": {
        "ko": " (응답이 {min}건 미만이라 점수에 반영하지 않음)",
        "en": " (fewer than {min}: shown, not counted)",
    },
    "health.why.problems": {
        "ko": "문제 대화 {n}건 (건당 -{penalty}점): 미해결 문제(버그·불만 등) {open}건, "
        "최근 {days}일 이탈 위험 {churn}건",
        "en": "{n} problem conversations, -{penalty} each: {open} open with a problem tag "
        "(bug, complaint...), {churn} about churn in {days} days",
    },
    "health.why.recency": {
        "ko": "마지막 대화 {days}일 전 ({last}); {full}일까지 만점, {zero}일이면 0점",
        "en": "last conversation {days} days ago ({last}); full score up to {full} days, 0 from {zero}",
    },
    "health.why.recency_none": {"ko": "대화 기록이 없습니다", "en": "no conversation on record"},
    "health.why.usage": {
        "ko": "좌석 {seats}개 중 {active}명 사용 ({pct}%, {as_of} 기준)",
        "en": "{active} of {seats} seats active ({pct}%, as of {as_of})",
    },
    "health.change": {
        "ko": "{name}: {before} → {after} ({delta}점)",
        "en": "{name}: {before} → {after} ({delta} points)",
    },
    "health.change.weight": {"ko": " · 가중치 {before}% → {after}%", "en": " · weight {before}% → {after}%"},
    "health.change.counted": {"ko": " (이번부터 반영)", "en": " (now counted)"},
    "health.change.uncounted": {"ko": " (이번부터 반영 안 함)", "en": " (no longer counted)"},
    # relationship depth
    "depth.title": {"ko": "관계의 깊이: 파트너인가, 도구인가", "en": "Relationship depth: partner or tool"},
    "depth.label.partner": {"ko": "파트너", "en": "Partner"},
    "depth.label.between": {"ko": "중간", "en": "In between"},
    "depth.label.tool": {"ko": "도구", "en": "Tool"},
    "depth.label.unknown": {"ko": "판단하기에 대화가 적음", "en": "Too few conversations to say"},
    "depth.summary": {
        "ko": "최근 {days}일 대화 {total}건 중 비즈니스 고민 {business}건, 기능 질문 {feature}건, "
        "기타 {other}건. 비즈니스 비중 {share}. 의사결정자가 참여한 대화 {dm}건 ({people}명).",
        "en": "Of {total} conversations in {days} days: {business} about the customer's business, "
        "{feature} feature questions, {other} other. Business share {share}. "
        "Decision makers took part in {dm} ({people} people).",
    },
    "depth.kind.business": {"ko": "비즈니스", "en": "Business"},
    "depth.kind.feature": {"ko": "기능", "en": "Feature"},
    "depth.kind.other": {"ko": "기타", "en": "Other"},
    "depth.by.tag": {"ko": "태그", "en": "tag"},
    "depth.by.keyword": {"ko": "키워드", "en": "keyword"},
    "depth.dm": {"ko": "의사결정자 참여", "en": "decision maker"},
    # priority
    "prio.title": {"ko": "만나야 할 고객사", "en": "Accounts to meet"},
    "prio.intro": {
        "ko": "ARR, 만족도, 저항(불만·미해결 문제·이탈 위험·느린 응답)을 더한 점수 순입니다. "
        "각 항목의 점수를 함께 보여 줍니다.",
        "en": "Ranked by ARR, satisfaction and resistance (complaints, unresolved problems, churn risk, "
        "slow replies) added up; every term shows its points.",
    },
    "prio.rank": {"ko": "순위", "en": "Rank"},
    "prio.score": {"ko": "우선순위", "en": "Priority"},
    "prio.terms": {"ko": "구성", "en": "Terms"},
    "prio.link": {"ko": "만나야 할 고객사 순위", "en": "Accounts to meet, ranked"},
    "prio.all_stages": {"ko": "모든 단계", "en": "All stages"},
    "prio.all_owners": {"ko": "모든 담당자", "en": "All owners"},
    "prio.owner": {"ko": "담당자", "en": "Owner"},
    "prio.term.arr": {"ko": "ARR", "en": "ARR"},
    "prio.term.dissatisfaction": {"ko": "불만족", "en": "Dissatisfaction"},
    "prio.term.complaints": {"ko": "불만", "en": "Complaints"},
    "prio.term.unresolved": {"ko": "미해결 문제", "en": "Unresolved problems"},
    "prio.term.churn_risk": {"ko": "이탈 위험", "en": "Churn risk"},
    "prio.term.slow_replies": {"ko": "느린 응답", "en": "Slow replies"},
    "prio.why.arr": {
        "ko": "ARR {arr} {currency}, 다른 고객사의 {pct}%보다 큼",
        "en": "ARR {arr} {currency}, larger than {pct}% of the other accounts",
    },
    "prio.why.dissatisfaction": {
        "ko": "설문 응답 {n}건 중 좋음 비율 {good_pct}%",
        "en": "{good_pct}% good across {n} survey answers",
    },
    "prio.why.dissatisfaction_none": {
        "ko": "설문 응답 없음: 중간값으로 계산",
        "en": "no survey answers: counted as neutral",
    },
    "prio.why.complaints": {
        "ko": "최근 {days}일 불만 대화 {n}건 ({cap}건이면 만점)",
        "en": "{n} complaint conversations in {days} days (full points at {cap})",
    },
    "prio.why.unresolved": {
        "ko": "미해결 문제 대화 {n}건 ({cap}건이면 만점)",
        "en": "{n} unresolved problem conversations (full points at {cap})",
    },
    "prio.why.churn_risk": {
        "ko": "최근 {days}일 이탈 위험 대화 {n}건 ({cap}건이면 만점)",
        "en": "{n} churn-risk conversations in {days} days (full points at {cap})",
    },
    "prio.why.slow_replies": {
        "ko": "첫 응답 중앙값 {hours}시간, 대화 {n}건 (목표 {target}시간)",
        "en": "median first reply {hours} h over {n} conversations (target {target} h)",
    },
    "prio.why.slow_replies_none": {"ko": "잴 수 있는 응답 없음", "en": "no replies to measure"},
    # pipeline
    "pipe.title": {"ko": "CX 파이프라인", "en": "CX pipeline"},
    "pipe.stage.csm": {"ko": "CSM", "en": "CSM"},
    "pipe.stage.adr": {"ko": "ADR", "en": "ADR"},
    "pipe.stage.am": {"ko": "AM", "en": "AM"},
    "pipe.change": {"ko": "단계·담당자 변경", "en": "Change stage or owner"},
    "pipe.reason": {"ko": "이유", "en": "Reason"},
    "pipe.no_owner": {"ko": "담당자 없음", "en": "No owner"},
    "pipe.save": {"ko": "저장", "en": "Save"},
    "pipe.log": {"ko": "변경 기록", "en": "Change log"},
    "pipe.no_log": {"ko": "변경 기록이 없습니다.", "en": "No changes logged."},
    "pipe.by": {"ko": "변경한 사람", "en": "By"},
    "pipe.when": {"ko": "언제", "en": "When"},
    "pipe.move": {"ko": "변경", "en": "Move"},
    # surveys
    "surv.metrics": {"ko": "설문 지표", "en": "Survey metrics"},
    "surv.group_by": {"ko": "묶음 기준", "en": "Group by"},
    "surv.group.none": {"ko": "전체", "en": "All"},
    "surv.group.day": {"ko": "일", "en": "Day"},
    "surv.group.week": {"ko": "주", "en": "Week"},
    "surv.group.month": {"ko": "월", "en": "Month"},
    "surv.group.team": {"ko": "팀", "en": "Team"},
    "surv.group.agent": {"ko": "상담원", "en": "Agent"},
    "surv.group.segment": {"ko": "세그먼트", "en": "Segment"},
    "surv.group.plan": {"ko": "요금제", "en": "Plan"},
    "surv.group.account": {"ko": "고객사", "en": "Account"},
    "surv.from": {"ko": "시작일", "en": "From"},
    "surv.to": {"ko": "종료일(미포함)", "en": "To (exclusive)"},
    "surv.group": {"ko": "그룹", "en": "Group"},
    "surv.value": {"ko": "값", "en": "Value"},
    "surv.ci": {"ko": "95% 신뢰구간", "en": "95% interval"},
    "surv.n": {"ko": "응답 수", "en": "Answers"},
    "surv.breakdown": {"ko": "구성", "en": "Breakdown"},
    "surv.scale": {"ko": "척도", "en": "Scale"},
    "surv.small": {"ko": "표본 적음 (30건 미만)", "en": "small sample (under 30)"},
    "surv.nps_help": {
        "ko": "NPS = 추천(9-10) 비율 - 비추천(0-6) 비율, -100~100. 0-10 척도 응답만 셉니다.",
        "en": "NPS = % promoters (9-10) - % detractors (0-6), -100 to 100; only 0-10 answers count.",
    },
    "surv.csat_help": {
        "ko": "CSAT = 각 척도의 상위 두 점수(1-5에서 4-5) 응답 비율, Wilson 구간.",
        "en": "CSAT = % of answers in the top two points of their own scale (4-5 on 1-5), Wilson interval.",
    },
    "surv.ces_help": {
        "ko": "CES = 저장된 척도별 평균(1-5와 1-7은 섞지 않음), t 구간. '쉬움' = 상위 두 점수.",
        "en": "CES = mean on its stored scale (1-5 and 1-7 never mixed), t interval; easy = top two points.",
    },
    "surv.recent": {"ko": "최근 응답", "en": "Latest answers"},
    "surv.b.promoters": {"ko": "추천", "en": "promoters"},
    "surv.b.passives": {"ko": "중립", "en": "passives"},
    "surv.b.detractors": {"ko": "비추천", "en": "detractors"},
    "surv.b.satisfied": {"ko": "만족", "en": "satisfied"},
    "surv.b.easy": {"ko": "쉬움", "en": "easy"},
    "surv.b.total": {"ko": "전체", "en": "total"},
    "surv.bad_date": {"ko": "날짜는 YYYY-MM-DD 형식으로 입력하세요.", "en": "Dates are YYYY-MM-DD."},
}
