"""PII redaction: personal data in customer text becomes typed placeholders.

Redaction runs in the ingest pipeline before text is stored, analysed or shown, so the
database never holds what was redacted. Each kind of personal data becomes a placeholder
naming its kind, so the text stays readable and taggable::

    "010-1234-5678로 연락 주세요"  ->  "[PHONE]로 연락 주세요"

Kinds (:data:`KINDS`), applied in this order so that a longer pattern wins:

``email``       ``[EMAIL]``       addresses
``rrn``         ``[RRN]``         주민등록번호 ``YYMMDD-NNNNNNN`` (valid month and day; without the
                                  dash only right after 주민/RRN)
``card``        ``[CARD]``        13-19 digits, optional space/dash separators, Luhn-checked
``account_no``  ``[ACCOUNT_NO]``  bank account numbers (``110-123-456789``, 10-14 digits) in the
                                  context of 계좌/입금/은행/account/bank
``phone``       ``[PHONE]``       Korean mobile (010-1234-5678, 01012345678, +82 10 ...), Korean
                                  landlines with separators (02-123-4567, 031-123-4567),
                                  international numbers written with ``+``, US ``(415) 555-0100``

Ordinary numbers (order counts, amounts, dates, order ids without context) are left alone:
every numeric pattern needs a shape specific to its kind (prefix, separators, checksum or a
context word). Workspaces switch kinds off and add their own rules (a label and a regular
expression) in ``Workspace.settings["pii"]``; see :mod:`frontdoor.ingest.pii`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from frontdoor.core.errors import ValidationError

__all__ = ["DEFAULT_REDACTOR", "KINDS", "CustomRule", "Redactor", "redact"]

KINDS: tuple[str, ...] = ("email", "rrn", "card", "account_no", "phone")
PLACEHOLDERS: dict[str, str] = {
    "email": "[EMAIL]",
    "rrn": "[RRN]",
    "card": "[CARD]",
    "account_no": "[ACCOUNT_NO]",
    "phone": "[PHONE]",
}
_LABEL = re.compile(r"^[A-Z][A-Z0-9_]{0,31}$")
MAX_RULES = 50
MAX_PATTERN_CHARS = 500

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24}")

_DATE6 = r"\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_RRN = re.compile(rf"(?<![\d\-]){_DATE6}\s?[-–]\s?[1-8]\d{{6}}(?![\d\-])")
# Without the dash only right after the words for it.
_RRN_CONTEXT = re.compile(
    rf"(?P<ctx>주민(?:등록)?(?:번호)?|(?i:RRN))\s*[:：]?\s*(?P<num>{_DATE6}[1-8]\d{{6}})(?!\d)"
)

# 13-19 digits; groups separated by one space or dash.
_CARD = re.compile(r"(?<![\d\-])\d(?:[ \-]?\d){12,18}(?![\d\-])")

# Issuer prefixes: Amex/JCB/Diners 3, Visa 4, Mastercard 5 and 2221-2720, Discover 6,
# Korean domestic 9. Ids that start with a year ("2024...") are not cards.
_CARD_PREFIX = re.compile(r"[34569]|2(?:22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)")

_ACCOUNT = re.compile(
    r"(?i:계좌|입금|송금|은행|뱅크|농협|신한|국민|우리|하나|기업|카카오|토스|account|acct|bank|deposit)"
    r"[^\d\n]{0,20}"
    r"(?P<num>(?<![\d\-])\d{2,6}(?:-\d{2,7}){1,3}(?![\d\-])|(?<!\d)\d{10,14}(?!\d))"
)

_PHONE = re.compile(
    r"(?<![\dA-Za-z\-+])(?:"
    # Korean mobile, with or without separators, domestic or +82.
    r"(?:\+82[ \-.]?(?:\(0\))?|0)1[016789][ \-.]?\d{3,4}[ \-.]?\d{4}"
    # Korean landline: area code then separators (digits-only runs are too often ids).
    r"|(?:\+82[ \-.]?(?:\(0\))?|0)(?:2|[3-6][1-5])(?:\)\s?|[ \-.])\d{3,4}[ \-.]\d{4}"
    r"|\(0(?:2|[3-6][1-5])\)\s?\d{3,4}[ \-.]\d{4}"
    # International: a + country code then 6-14 more digits in groups.
    r"|\+(?!82)[1-9]\d{0,2}(?:[ \-.]?\(?\d{1,5}\)?){2,5}"
    # North American (415) 555-0100 and 415-555-0100.
    r"|\(\d{3}\)\s?\d{3}[\-.]\d{4}|\d{3}-\d{3}-\d{4}"
    r")(?![\dA-Za-z\-])"
)
_HAS_DIGITS = re.compile(r"\d{3}")


def luhn_ok(digits: str) -> bool:
    """Whether a digit string passes the Luhn checksum (card numbers)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _card_sub(m: re.Match[str]) -> str:
    raw = m.group(0)
    digits = raw.replace(" ", "").replace("-", "")
    if not 13 <= len(digits) <= 19 or not _CARD_PREFIX.match(digits) or not luhn_ok(digits):
        return raw
    # Mixed separators ("1234-5678 9012") are rarely cards; require consistency.
    if " " in raw and "-" in raw:
        return raw
    return PLACEHOLDERS["card"]


def _rrn_context_sub(m: re.Match[str]) -> str:
    start = m.start("num") - m.start(0)
    return m.group(0)[:start] + PLACEHOLDERS["rrn"]


def _account_sub(m: re.Match[str]) -> str:
    num = m.group("num")
    digits = num.replace("-", "")
    if not 10 <= len(digits) <= 14:
        return m.group(0)
    start = m.start("num") - m.start(0)
    return m.group(0)[:start] + PLACEHOLDERS["account_no"]


def _phone_sub(m: re.Match[str]) -> str:
    raw = m.group(0)
    if raw.startswith("+"):
        n = sum(ch.isdigit() for ch in raw)
        if not 8 <= n <= 15:
            return raw
    return PLACEHOLDERS["phone"]


@dataclass(frozen=True)
class CustomRule:
    """A workspace's own redaction rule: matches of ``pattern`` become ``[LABEL]``."""

    label: str
    pattern: str
    regex: re.Pattern[str] = field(compare=False, repr=False, default=re.compile("(?!)"))

    @classmethod
    def build(cls, label: str, pattern: str) -> CustomRule:
        """Check and compile a rule.

        Raises
        ------
        ValidationError
            When the label is not UPPER_SNAKE (max 32) or the pattern does not compile.
        """
        label = (label or "").strip().upper()
        if not _LABEL.match(label):
            raise ValidationError(f"PII rule label {label!r} must be A-Z, 0-9 and _ (max 32)")
        if not pattern or len(pattern) > MAX_PATTERN_CHARS:
            raise ValidationError(f"PII rule {label}: pattern must be 1-{MAX_PATTERN_CHARS} characters")
        try:
            regex = re.compile(pattern)
        except re.error as exc:
            raise ValidationError(f"PII rule {label}: bad regular expression: {exc}") from None
        if regex.match(""):
            raise ValidationError(f"PII rule {label}: pattern must not match the empty string")
        return cls(label=label, pattern=pattern, regex=regex)


class Redactor:
    """Replace personal data in text with typed placeholders.

    Parameters
    ----------
    kinds : iterable of str, optional
        Built-in kinds to apply (default: all of :data:`KINDS`).
    rules : iterable of CustomRule, optional
        Workspace rules applied after the built-in kinds.
    """

    def __init__(self, kinds: Iterable[str] | None = None, rules: Iterable[CustomRule] = ()) -> None:
        self.kinds = tuple(KINDS if kinds is None else [k for k in KINDS if k in set(kinds)])
        self.rules = tuple(rules)
        steps: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str], bool]] = []
        table: dict[str, tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = {
            "email": (_EMAIL, PLACEHOLDERS["email"]),
            "rrn": (_RRN, PLACEHOLDERS["rrn"]),
            "rrn_context": (_RRN_CONTEXT, _rrn_context_sub),
            "card": (_CARD, _card_sub),
            "account_no": (_ACCOUNT, _account_sub),
            "phone": (_PHONE, _phone_sub),
        }
        for kind in self.kinds:
            regex, repl = table[kind]
            steps.append((regex, repl, kind != "email"))
            if kind == "rrn":
                regex, repl = table["rrn_context"]
                steps.append((regex, repl, True))
        for rule in self.rules:
            steps.append((rule.regex, f"[{rule.label}]", False))
        self._steps = tuple(steps)

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None) -> Redactor:
        """Build from a workspace's ``settings["pii"]`` mapping (see :mod:`frontdoor.ingest.pii`)."""
        if not config:
            return DEFAULT_REDACTOR
        kinds = config.get("kinds")
        rules = [CustomRule.build(r.get("label", ""), r.get("pattern", "")) for r in config.get("rules", [])]
        return cls(kinds=KINDS if kinds is None else kinds, rules=rules)

    def redact(self, text: str) -> str:
        """Return ``text`` with every enabled kind replaced by its placeholder."""
        if not text:
            return text
        has_at = "@" in text
        has_digits = _HAS_DIGITS.search(text) is not None
        for regex, repl, numeric in self._steps:
            if numeric and not has_digits:
                continue
            if regex is _EMAIL and not has_at:
                continue
            text = regex.sub(repl, text)
        return text


DEFAULT_REDACTOR = Redactor()


def redact(text: str, redactor: Redactor | None = None) -> str:
    """Redact ``text`` with ``redactor`` (default: every built-in kind)."""
    return (redactor or DEFAULT_REDACTOR).redact(text)
