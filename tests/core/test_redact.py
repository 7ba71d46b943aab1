"""PII redaction with Korean examples, per-workspace configuration and no false positives."""

from __future__ import annotations

import pytest

from frontdoor.core.errors import ValidationError
from frontdoor.core.store import Store
from frontdoor.core.text.redact import CustomRule, Redactor, luhn_ok, redact
from frontdoor.ingest.pii import get_pii_config, redactor_for, set_pii_config
from frontdoor.models import Workspace


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("메일은 kim.minji@example.co.kr 입니다", "메일은 [EMAIL] 입니다"),
        ("010-1234-5678로 연락 주세요", "[PHONE]로 연락 주세요"),
        ("휴대폰 01012345678 입니다", "휴대폰 [PHONE] 입니다"),
        ("+82 10-1234-5678 (해외에서)", "[PHONE] (해외에서)"),
        ("+82-10-9876-5432", "[PHONE]"),
        ("사무실 02-123-4567, 지사 031-987-6543", "사무실 [PHONE], 지사 [PHONE]"),
        ("US office +1 415 555 0100", "US office [PHONE]"),
        ("London +44 20 7946 0958", "London [PHONE]"),
        ("주민번호 900101-1234567 입니다", "주민번호 [RRN] 입니다"),
        ("주민등록번호: 9001011234567", "주민등록번호: [RRN]"),
        ("카드 4111 1111 1111 1111 결제", "카드 [CARD] 결제"),
        ("5500-0000-0000-0004로 결제", "[CARD]로 결제"),
        ("계좌 110-123-456789 로 입금해 주세요", "계좌 [ACCOUNT_NO] 로 입금해 주세요"),
        ("신한은행 110123456789", "신한은행 [ACCOUNT_NO]"),
        ("refund to account 123-456-789012 please", "refund to account [ACCOUNT_NO] please"),
    ],
)
def test_redacts(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "주문 3건, 2024-05-01에 12,000원 결제했어요",
        "총 1,234,567원 입니다",
        "주문번호 2024050112345678 확인 부탁드려요",  # 16 digits, not a card (no issuer, no Luhn)
        "카드 1234 5678 9012 3456",  # fails Luhn
        "사업자번호 123-45-67890",
        "2024.05.01 10:30 에 접속",
        "버전 2.3.14 에서 재현됩니다",
        "좌석 150석, 직원 1200명",
        "order #20240501123 shipped",
        "송장번호 6012345678901",  # 13 digits without an account context word
    ],
)
def test_leaves_ordinary_numbers(text: str) -> None:
    assert redact(text) == text


def test_luhn() -> None:
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")


def test_kinds_and_custom_rules() -> None:
    r = Redactor(kinds=["email"], rules=[CustomRule.build("order_id", r"ORD-\d{6}")])
    assert r.redact("a@b.co 010-1234-5678 ORD-123456") == "[EMAIL] 010-1234-5678 [ORDER_ID]"
    with pytest.raises(ValidationError):
        CustomRule.build("bad label!", "x")
    with pytest.raises(ValidationError):
        CustomRule.build("X", "(unclosed")
    with pytest.raises(ValidationError):
        CustomRule.build("X", "a*")  # matches the empty string


def test_workspace_config_roundtrip(store: Store, workspace: Workspace) -> None:
    with store.session() as s:
        assert get_pii_config(s, workspace_id=workspace.id)["kinds"] == [
            "email",
            "rrn",
            "card",
            "account_no",
            "phone",
        ]
        set_pii_config(
            s, workspace_id=workspace.id, kinds=["phone"], rules=[{"label": "MEMBER", "pattern": r"MB\d{5}"}]
        )
    with store.session() as s:
        config = get_pii_config(s, workspace_id=workspace.id)
        assert config == {"kinds": ["phone"], "rules": [{"label": "MEMBER", "pattern": r"MB\d{5}"}]}
        redactor = redactor_for(s, workspace_id=workspace.id)
        assert redactor.redact("x@y.kr 010-1111-2222 MB12345") == "x@y.kr [PHONE] [MEMBER]"
        with pytest.raises(ValidationError):
            set_pii_config(s, workspace_id=workspace.id, kinds=["passport"])
