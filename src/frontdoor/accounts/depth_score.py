"""Relationship depth, "partner or tool": how much an account talks about its business.

Each conversation is classified once:

- ``business`` when it carries a business tag (default: every ``goal/...`` tag, renewal,
  partnership, expansion, advocacy), or, when it has neither kind of tag, when the customer's
  words contain a business keyword (매출, 재구매, 성장, revenue, retention, ...);
- ``feature`` when it carries a feature tag (feature request, question, bug), or, without tags,
  a feature keyword (기능, 버튼, 오류, feature, button, error, ...);
- ``other`` otherwise (not counted in the share).

Business tags win over feature tags: a customer who asks for an export *to report to their
board* is talking about their business. The label is ``partner`` when the business share is at
least ``partner_share`` and a decision maker took part, ``tool`` when the share is below
``tool_share``, ``between`` otherwise, and ``unknown`` under ``min_conversations`` classified.
Everything is configurable in ``Workspace.settings["health"]["depth"]``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from frontdoor.accounts.health_score import path_matches
from frontdoor.core.errors import ValidationError

DEFAULT_BUSINESS_TAGS = ("goal", "type/renewal", "type/partnership", "journey/expansion", "journey/advocacy")
DEFAULT_FEATURE_TAGS = ("type/feature-request", "type/question", "type/bug")
DEFAULT_BUSINESS_KEYWORDS = (
    "매출",
    "재구매",
    "객단가",
    "전환율",
    "광고 효율",
    "신규 고객",
    "성장",
    "목표",
    "전략",
    "수익성",
    "마진",
    "해외 진출",
    "브랜드",
    "투자자",
    "경영",
    "revenue",
    "retention",
    "repurchase",
    "growth",
    "goal",
    "strategy",
    "margin",
    "profitability",
    "conversion rate",
    "roas",
    "expansion",
    "board",
    "investors",
)
DEFAULT_FEATURE_KEYWORDS = (
    "기능",
    "버튼",
    "오류",
    "에러",
    "설정",
    "사용법",
    "어떻게",
    "안 돼요",
    "feature",
    "button",
    "error",
    "bug",
    "setting",
    "how do i",
    "how to",
    "doesn't work",
)
LABELS = ("partner", "between", "tool", "unknown")


@dataclass(frozen=True)
class DepthConfig:
    """Tags and keywords per class, and the label thresholds (see the module docstring)."""

    business_tags: tuple[str, ...] = DEFAULT_BUSINESS_TAGS
    feature_tags: tuple[str, ...] = DEFAULT_FEATURE_TAGS
    business_keywords: tuple[str, ...] = DEFAULT_BUSINESS_KEYWORDS
    feature_keywords: tuple[str, ...] = DEFAULT_FEATURE_KEYWORDS
    partner_share: float = 0.25
    tool_share: float = 0.10
    min_conversations: int = 3
    window_days: int = 365


def depth_config(raw: Mapping[str, Any] | None) -> DepthConfig:
    """Read ``Workspace.settings["health"]["depth"]``; missing keys take the defaults.

    Raises
    ------
    ValidationError
        A value of the wrong kind or out of range.
    """
    raw = raw or {}
    if not isinstance(raw, Mapping):
        raise ValidationError("depth settings: an object")

    def words(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = raw.get(key)
        if value is None:
            return default
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ValidationError(f"depth setting {key}: a list of non-empty strings")
        return tuple(v.strip() for v in value)

    def share(key: str, default: float) -> float:
        value = raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ValidationError(f"depth setting {key}: a share from 0 to 1")
        return float(value)

    partner, tool = share("partner_share", 0.25), share("tool_share", 0.10)
    if tool > partner:
        raise ValidationError("depth settings: tool_share must not be above partner_share")
    minimum = raw.get("min_conversations", 3)
    window = raw.get("window_days", 365)
    for key, value in (("min_conversations", minimum), ("window_days", window)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3650:
            raise ValidationError(f"depth setting {key}: a whole number from 1 to 3650")
    return DepthConfig(
        business_tags=tuple(p.strip("/") for p in words("business_tags", DEFAULT_BUSINESS_TAGS)),
        feature_tags=tuple(p.strip("/") for p in words("feature_tags", DEFAULT_FEATURE_TAGS)),
        business_keywords=words("business_keywords", DEFAULT_BUSINESS_KEYWORDS),
        feature_keywords=words("feature_keywords", DEFAULT_FEATURE_KEYWORDS),
        partner_share=partner,
        tool_share=tool,
        min_conversations=int(minimum),
        window_days=int(window),
    )


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def find_keyword(text: str, keywords: tuple[str, ...]) -> str | None:
    """The first keyword found in ``text``; Latin keywords must match whole words.

    Korean keywords match inside words on purpose: particles attach to the noun (매출이, 매출을).
    """
    folded = _fold(text)
    for keyword in keywords:
        k = _fold(keyword)
        if k.isascii():
            if re.search(rf"(?<![a-z0-9]){re.escape(k)}(?![a-z0-9])", folded):
                return keyword
        elif k in folded:
            return keyword
    return None


@dataclass(frozen=True)
class ConversationFacts:
    """What depth needs of one conversation."""

    conversation_id: int
    tag_paths: tuple[str, ...]
    customer_text: str
    decision_makers: tuple[int, ...] = ()


@dataclass(frozen=True)
class Classified:
    """One conversation's class and why: ``by`` is ``tag`` or ``keyword``, ``matched`` the tag or word."""

    conversation_id: int
    kind: str
    by: str | None
    matched: str | None
    decision_maker: bool


def classify(facts: ConversationFacts, config: DepthConfig) -> Classified:
    """Business, feature or other, by tags first and keywords only for untagged conversations."""
    dm = bool(facts.decision_makers)
    for path in facts.tag_paths:
        if path_matches(path, config.business_tags):
            return Classified(facts.conversation_id, "business", "tag", path, dm)
    for path in facts.tag_paths:
        if path_matches(path, config.feature_tags):
            return Classified(facts.conversation_id, "feature", "tag", path, dm)
    word = find_keyword(facts.customer_text, config.business_keywords)
    if word is not None:
        return Classified(facts.conversation_id, "business", "keyword", word, dm)
    word = find_keyword(facts.customer_text, config.feature_keywords)
    if word is not None:
        return Classified(facts.conversation_id, "feature", "keyword", word, dm)
    return Classified(facts.conversation_id, "other", None, None, dm)


@dataclass(frozen=True)
class Depth:
    """Depth of one account's relationship, with the classified conversations behind it."""

    label: str
    business: int
    feature: int
    other: int
    business_share: float | None
    decision_maker_conversations: int
    decision_makers: int
    conversations: list[Classified] = field(default_factory=list)

    @property
    def total(self) -> int:
        """All conversations looked at."""
        return self.business + self.feature + self.other


def compute_depth(facts: list[ConversationFacts], config: DepthConfig | None = None) -> Depth:
    """Classify the conversations and label the relationship.

    Returns
    -------
    Depth
        ``business_share`` is business / (business + feature), None when neither occurs.
    """
    config = config or DepthConfig()
    classified = [classify(f, config) for f in facts]
    business = sum(1 for c in classified if c.kind == "business")
    feature = sum(1 for c in classified if c.kind == "feature")
    other = len(classified) - business - feature
    counted = business + feature
    share = business / counted if counted else None
    dm_conversations = sum(1 for c in classified if c.decision_maker)
    people = {p for f in facts for p in f.decision_makers}
    if counted < config.min_conversations or share is None:
        label = "unknown"
    elif share >= config.partner_share and dm_conversations > 0:
        label = "partner"
    elif share < config.tool_share:
        label = "tool"
    else:
        label = "between"
    return Depth(
        label=label,
        business=business,
        feature=feature,
        other=other,
        business_share=None if share is None else round(share, 4),
        decision_maker_conversations=dm_conversations,
        decision_makers=len(people),
        conversations=classified,
    )
