"""Rule hits as suggestions: the keyword and pattern rules of the workspace's tags, applied.

Hits become ``rule`` suggestions, or confirmed assignments for tags set to auto-confirm
(:mod:`frontdoor.tagging.taxonomy.auto_confirm`). The matching itself is
:mod:`frontdoor.tagging.rules`.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.models import Origin, Tag, TagStatus
from frontdoor.tagging.rules import RuleSet, TagRules
from frontdoor.tagging.suggestions import Suggestion, bulk_suggest
from frontdoor.tagging.taxonomy.auto_confirm import auto_confirm_tag_ids
from frontdoor.tagging.texts import conversation_texts

_rules_lock = threading.Lock()
_rules_cache: dict[int, tuple[str, RuleSet]] = {}


def rule_set(session: Session, *, workspace_id: int) -> RuleSet:
    """The compiled rules of the workspace's active tags (cached until a rule changes)."""
    rows = session.execute(
        select(Tag.id, Tag.keywords, Tag.patterns)
        .where(Tag.workspace_id == workspace_id, Tag.status == TagStatus.ACTIVE)
        .order_by(Tag.id)
    ).all()
    rules = [
        TagRules(int(tid), tuple(kws or ()), tuple(pats or ())) for tid, kws, pats in rows if kws or pats
    ]
    key = hashlib.sha256(
        json.dumps([[r.tag_id, r.keywords, r.patterns] for r in rules], ensure_ascii=False).encode()
    ).hexdigest()
    with _rules_lock:
        cached = _rules_cache.get(workspace_id)
        if cached is not None and cached[0] == key:
            return cached[1]
    compiled = RuleSet(rules)
    with _rules_lock:
        _rules_cache[workspace_id] = (key, compiled)
    return compiled


def apply_rules(
    session: Session,
    *,
    workspace_id: int,
    conversation_ids: Iterable[int],
    texts: dict[int, str] | None = None,
    max_chars: int = 20000,
) -> int:
    """Suggest (or, for auto-confirm tags, confirm) the tags whose rules fire.

    Returns
    -------
    int
        Number of assignments created or refreshed.
    """
    rules = rule_set(session, workspace_id=workspace_id)
    if rules.empty:
        return 0
    ids = list(conversation_ids)
    if texts is None:
        texts = conversation_texts(
            session, workspace_id=workspace_id, conversation_ids=ids, max_chars=max_chars
        )
    auto = auto_confirm_tag_ids(session, workspace_id=workspace_id)
    batch: list[Suggestion] = []
    for cid, hits in zip(ids, rules.match_many([texts.get(cid, "") for cid in ids]), strict=True):
        by_tag: dict[int, list[str]] = defaultdict(list)
        for hit in hits:
            by_tag[hit.tag_id].append(hit.term)
        for tag_id, terms in by_tag.items():
            batch.append(
                Suggestion(
                    conversation_id=cid,
                    tag_id=tag_id,
                    origin=Origin.RULE,
                    confirmed=tag_id in auto,
                    attributes={"rule_terms": terms[:10]},
                )
            )
    return len(bulk_suggest(session, workspace_id=workspace_id, suggestions=batch))
