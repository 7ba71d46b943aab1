"""Theme discovery over the conversations the taxonomy does not cover yet.

A conversation is *uncovered* in a dimension (``area`` by default) when it has no
confirmed tag there and no suggestion except the model's "needs a human" guesses (the
model abstained). :func:`discover` clusters their customer text
(:func:`frontdoor.tagging.themes.discover_themes`), proposes a name from the key terms,
and keeps the last run in ``Workspace.settings["tagging"]["themes"]`` so a person can
look at it and promote a theme later. :func:`promote_theme` turns a theme into a tag with
its key terms as keywords and its representative quotes as examples, and suggests it on
the theme's conversations.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.db.base import utcnow
from frontdoor.models import (
    AssignmentStatus,
    Conversation,
    Origin,
    Tag,
    TagAssignment,
    User,
    Workspace,
)
from frontdoor.tagging.assignments import assign_tag
from frontdoor.tagging.rules import validate_keyword
from frontdoor.tagging.taxonomy.dimensions import get_dimension
from frontdoor.tagging.taxonomy.tags import create_tag
from frontdoor.tagging.texts import conversation_texts
from frontdoor.workspace.permissions import Action, require

if TYPE_CHECKING:  # pragma: no cover
    from frontdoor.core.store import Store

__all__ = [
    "PromoteResult",
    "ThemeProposal",
    "discover",
    "last_themes",
    "list_themes",
    "promote_theme",
    "uncovered_conversations",
]

MAX_CONVERSATIONS = 5000
MAX_STORED_IDS = 2000
QUOTE_CHARS = 240


@dataclass
class ThemeProposal:
    """A discovered theme: a candidate tag with its evidence."""

    index: int
    size: int
    key_terms: list[str]
    suggested_name: str
    cohesion: float
    conversation_ids: list[int]
    quotes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def label(self) -> str:
        """A short label for lists: the top key terms."""
        return ", ".join(self.key_terms[:4]) or self.suggested_name

    def to_dict(self) -> dict[str, Any]:
        """Plain data (stored in the workspace settings and printed as JSON)."""
        return dict(self.__dict__)


def uncovered_conversations(
    session: Session,
    *,
    workspace_id: int,
    dimension: str = "area",
    since: dt.datetime | None = None,
    limit: int = MAX_CONVERSATIONS,
) -> list[int]:
    """Conversations with no confirmed tag and no real suggestion in ``dimension``.

    Suggestions the model made while abstaining (``needs_human``) do not count as
    coverage. The newest ``limit`` conversations are considered.
    """
    dim = get_dimension(session, workspace_id=workspace_id, key=dimension, missing_ok=True)
    stmt = select(Conversation.id).where(Conversation.workspace_id == workspace_id)
    if since is not None:
        stmt = stmt.where(Conversation.opened_at >= since)
    if dim is not None:
        covered = (
            select(TagAssignment.id, TagAssignment.attributes)
            .join(Tag, Tag.id == TagAssignment.tag_id)
            .where(
                TagAssignment.conversation_id == Conversation.id,
                Tag.dimension_id == dim.id,
                TagAssignment.status.in_([AssignmentStatus.CONFIRMED, AssignmentStatus.SUGGESTED]),
            )
        )
        # The needs_human flag lives in JSON; checking it in Python keeps both backends alike.
        candidates = list(
            session.scalars(
                stmt.where(exists(covered)).order_by(Conversation.opened_at.desc()).limit(limit * 2)
            )
        )
        still_open: set[int] = set()
        if candidates:
            rows = session.execute(
                select(TagAssignment.conversation_id, TagAssignment.status, TagAssignment.attributes)
                .join(Tag, Tag.id == TagAssignment.tag_id)
                .where(
                    TagAssignment.conversation_id.in_(candidates),
                    Tag.dimension_id == dim.id,
                    TagAssignment.status.in_([AssignmentStatus.CONFIRMED, AssignmentStatus.SUGGESTED]),
                )
            ).all()
            real: set[int] = set()
            for cid, status, attrs in rows:
                if status == AssignmentStatus.CONFIRMED or not (attrs or {}).get("needs_human"):
                    real.add(cid)
            still_open = set(candidates) - real
        bare = list(
            session.scalars(stmt.where(~exists(covered)).order_by(Conversation.opened_at.desc()).limit(limit))
        )
        ids = sorted(set(bare) | still_open, reverse=True)[:limit]
    else:
        ids = list(session.scalars(stmt.order_by(Conversation.opened_at.desc()).limit(limit)))
    return sorted(ids)


def _name_from_terms(terms: Sequence[str]) -> str:
    """A path segment from the top key terms (``쿠폰-적용``)."""
    parts = [re.sub(r"[^\w가-힣]+", "", t) for t in terms[:2]]
    name = "-".join(p for p in parts if p)
    return name[:60] or "theme"


def discover(
    store: Store,
    *,
    workspace_id: int,
    dimension: str = "area",
    since: dt.datetime | None = None,
    k: int | None = None,
    min_size: int = 3,
    embeddings: str | None = None,
) -> list[ThemeProposal]:
    """Cluster the uncovered conversations into themes and remember the result.

    Parameters
    ----------
    dimension : str
        The dimension whose coverage is checked (default ``area``).
    since : datetime, optional
        Only conversations opened since then.
    k : int, optional
        Number of clusters (silhouette-chosen when omitted).
    embeddings : str, optional
        Embedding backend spec (see :func:`frontdoor.tagging.model.embeddings.resolve_embedder`);
        lexical features only when omitted.

    Returns
    -------
    list of ThemeProposal
        Largest, most cohesive themes first.
    """
    from frontdoor.tagging.themes import discover_themes

    max_chars = store.settings.max_text_chars
    with store.session() as session:
        if session.get(Workspace, workspace_id) is None:
            raise NotFound(f"no workspace {workspace_id}")
        ids = uncovered_conversations(session, workspace_id=workspace_id, dimension=dimension, since=since)
        texts_by_id = conversation_texts(
            session, workspace_id=workspace_id, conversation_ids=ids, max_chars=min(max_chars, 4000)
        )
    ids = [cid for cid in ids if texts_by_id.get(cid, "").strip()]
    texts = [texts_by_id[cid] for cid in ids]
    embedder = None
    if embeddings:
        from frontdoor.tagging.model.embeddings import resolve_embedder

        embedder = resolve_embedder(embeddings)
    themes = discover_themes(texts, k=k, min_size=min_size, embedder=embedder)
    proposals: list[ThemeProposal] = []
    for i, theme in enumerate(themes):
        proposals.append(
            ThemeProposal(
                index=i,
                size=theme.size,
                key_terms=theme.key_terms,
                suggested_name=_name_from_terms(theme.key_terms),
                cohesion=theme.cohesion,
                conversation_ids=[ids[m] for m in theme.members],
                quotes=[
                    {"conversation_id": ids[m], "text": texts[m][:QUOTE_CHARS]} for m in theme.representatives
                ],
            )
        )
    with store.session() as session:
        ws = session.get(Workspace, workspace_id)
        assert ws is not None
        tagging = dict((ws.settings or {}).get("tagging") or {})
        tagging["themes"] = {
            "generated_at": utcnow().isoformat(),
            "dimension": dimension,
            "uncovered": len(ids),
            "themes": [
                {**p.to_dict(), "conversation_ids": p.conversation_ids[:MAX_STORED_IDS]} for p in proposals
            ],
        }
        ws.settings = {**(ws.settings or {}), "tagging": tagging}
    return proposals


def last_themes(session: Session, *, workspace_id: int) -> tuple[dict[str, Any], list[ThemeProposal]]:
    """The last :func:`discover` run: its header (time, dimension) and proposals."""
    ws = session.get(Workspace, workspace_id)
    if ws is None:
        raise NotFound(f"no workspace {workspace_id}")
    run = dict(((ws.settings or {}).get("tagging") or {}).get("themes") or {})
    proposals = [ThemeProposal(**t) for t in run.pop("themes", [])]
    return run, proposals


def list_themes(session: Session, *, workspace_id: int) -> list[ThemeProposal]:
    """The proposals of the last :func:`discover` run (for pages and the API)."""
    return last_themes(session, workspace_id=workspace_id)[1]


@dataclass
class PromoteResult:
    """What :func:`promote_theme` created."""

    tag: Tag
    suggested: int


def promote_theme(
    session: Session,
    *,
    workspace_id: int,
    theme: ThemeProposal | int,
    path: str | None = None,
    name_ko: str | None = None,
    name_en: str | None = None,
    keywords: Sequence[str] | None = None,
    examples: Sequence[str] | None = None,
    user: User | None = None,
) -> PromoteResult:
    """Turn a theme into a tag and suggest it on the theme's conversations.

    Parameters
    ----------
    theme : ThemeProposal or int
        A proposal, or its index in the last :func:`discover` run.
    path : str, optional
        The new tag's path (default ``<dimension>/<suggested name>``).
    keywords, examples : sequence of str, optional
        Default: the theme's key terms (those valid as keyword rules) and its
        representative quotes.
    user : User, optional
        Checked for the ``edit_taxonomy`` permission and recorded on the suggestions.

    Raises
    ------
    NotFound
        When the theme index is not in the last run.
    Conflict
        When the path is taken.
    """
    if user is not None:
        require(user, Action.EDIT_TAXONOMY)
    dimension = "area"
    if isinstance(theme, int):
        run, proposals = last_themes(session, workspace_id=workspace_id)
        found = next((p for p in proposals if p.index == theme), None)
        if found is None:
            raise NotFound(f"no theme {theme} in the last discovery run; run `frontdoor themes` again")
        theme = found
        dimension = str(run.get("dimension") or "area")
    if path is None:
        dim = get_dimension(session, workspace_id=workspace_id, key=dimension, missing_ok=True)
        if dim is None:
            raise ValidationError(f"no dimension {dimension!r}; give the tag path explicitly")
        path = f"{dim.key}/{theme.suggested_name}"
    if keywords is None:
        keywords = []
        for term in theme.key_terms[:5]:
            try:
                keywords.append(validate_keyword(term))
            except ValidationError:
                continue
    if examples is None:
        examples = [q["text"] for q in theme.quotes]
    tag = create_tag(
        session,
        workspace_id=workspace_id,
        path=path,
        name_ko=name_ko,
        name_en=name_en,
        keywords=keywords,
        examples=examples,
        description="theme: " + ", ".join(theme.key_terms[:8]),
    )
    suggested = _suggest_on_theme(session, workspace_id=workspace_id, tag=tag, theme=theme, user=user)
    return PromoteResult(tag=tag, suggested=suggested)


def _suggest_on_theme(
    session: Session, *, workspace_id: int, tag: Tag, theme: ThemeProposal, user: User | None
) -> int:
    """Suggest ``tag`` on the theme's conversations that still exist; return how many."""
    suggested = 0
    existing = set(
        session.scalars(
            select(Conversation.id).where(
                and_(Conversation.workspace_id == workspace_id, Conversation.id.in_(theme.conversation_ids))
            )
        )
    )
    for cid in theme.conversation_ids:
        if cid not in existing:
            continue  # deleted since discovery
        assign_tag(
            session,
            workspace_id=workspace_id,
            conversation_id=cid,
            tag=tag,
            origin=Origin.HUMAN,
            status=AssignmentStatus.SUGGESTED,
            user=user,
            attributes={"theme": theme.key_terms[:3]},
        )
        suggested += 1
    return suggested
