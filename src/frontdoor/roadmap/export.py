"""A roadmap item as Markdown: demand, score terms and the customers' words, verbatim.

Customer text is escaped (every Markdown/HTML metacharacter backslash-escaped, each line
kept inside the block quote), so a pasted design doc or issue shows exactly what the
customer wrote and nothing they typed can become a link, an image or HTML.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from frontdoor.roadmap.demand import RankedItem, ranked_items
from frontdoor.roadmap.priority import FORMULA
from frontdoor.roadmap.quotes import ItemQuotes, item_quotes

#: At most this many conversations go into one export (newest first).
EXPORT_CONVERSATIONS = 200

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")


def escape_markdown(text: str) -> str:
    """Backslash-escape Markdown and HTML metacharacters; newlines become spaces.

    Examples
    --------
    >>> escape_markdown("[x](javascript:y) *a*")
    '\\\\[x\\\\]\\\\(javascript:y\\\\) \\\\*a\\\\*'
    """
    flat = " ".join(text.replace("\r", "\n").split("\n"))
    return _SPECIAL.sub(r"\\\1", flat)


def _quote_block(text: str) -> list[str]:
    # One block-quote line per original line: the customer's line breaks survive.
    return ["> " + escape_markdown(line) if line.strip() else ">" for line in text.splitlines() or [""]]


def render_markdown(row: RankedItem, quotes: ItemQuotes, *, base_url: str = "") -> str:
    """The Markdown document of one item (pure: no database access)."""
    item = row.item
    d, p = row.demand, row.priority
    lines = [f"# {escape_markdown(item.title)}", ""]
    lines.append(f"- Status: {item.status}")
    if item.external_url:
        lines.append(f"- Issue ({row.provider or 'link'}): <{item.external_url}>")
    if item.tags:
        lines.append("- Tags: " + ", ".join(f"`{t.path}`" for t in item.tags))
    lines.append(
        f"- Demand (12 weeks): {d.conversations} conversations, {d.accounts} accounts, ARR {d.arr:,}; "
        f"trend {d.movement.direction} ({d.movement.recent} in the last 4 weeks vs "
        f"{d.movement.expected:.1f} expected)"
    )
    terms = ", ".join(f"{t.key} {t.value:g} → {t.contribution:.2f}" for t in p.terms)
    lines.append(
        f"- Priority {p.score:.2f} = strategic weight {p.strategic_weight:g} × demand {p.demand:.2f} "
        f"× trend {p.trend_factor:g} ({terms})"
    )
    lines.append(f"- Formula: {FORMULA}")
    if item.description:
        lines += ["", escape_markdown(item.description)]
    lines += ["", f"## Customers' words ({quotes.conversations} conversations, newest first)", ""]
    for group in quotes.groups:
        if group.account_id is None:
            lines.append("### (no account)")
        else:
            size = [f"plan {group.plan or '-'}", f"ARR {group.arr or 0:,} {group.currency or ''}".rstrip()]
            if group.seats is not None:
                size.append(f"{group.seats} seats")
            lines.append(f"### {escape_markdown(group.name or '')} ({', '.join(size)})")
        lines.append("")
        for q in group.quotes:
            link = f"{base_url}/conversations/{q.conversation_id}"
            lines.append(f"{q.sent_at:%Y-%m-%d %H:%M} UTC · [conversation {q.conversation_id}]({link})")
            lines.append("")
            lines += _quote_block(q.text)
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def export_markdown(session: Session, *, workspace_id: int, item_id: int, base_url: str = "") -> str:
    """The item's Markdown document (newest :data:`EXPORT_CONVERSATIONS` conversations).

    Raises
    ------
    NotFound
        Unknown item.
    """
    quotes = item_quotes(session, workspace_id=workspace_id, item_id=item_id, limit=EXPORT_CONVERSATIONS)
    board = ranked_items(session, workspace_id=workspace_id)
    row = next(r for r in board.items if r.item.id == item_id)
    return render_markdown(row, quotes, base_url=base_url)


__all__ = ["EXPORT_CONVERSATIONS", "escape_markdown", "export_markdown", "render_markdown"]
