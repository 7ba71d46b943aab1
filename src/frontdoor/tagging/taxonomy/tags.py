"""Tags: look up, list, create and edit one tag's fields; retire and reactivate.

A tag is addressed by id, path or instance (:data:`TagRef`). Creating a tag creates its
missing ancestors, so a path is always a chain of existing tags. Retiring stops new
assignments; past confirmed assignments still count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.core.errors import Conflict, NotFound, ValidationError
from frontdoor.core.text.tokenize import normalize_text
from frontdoor.models import Tag, TagStatus, User
from frontdoor.tagging.rules import validate_keyword, validate_pattern
from frontdoor.tagging.taxonomy.dimensions import get_dimension
from frontdoor.tagging.taxonomy.validation import check_editor, clean_list, normalize_path, parent_path

TagRef = int | str | Tag
# The fields a user edits (the path, parent and status change through their own verbs).
TAG_FIELDS = ("name_ko", "name_en", "description", "keywords", "patterns", "examples")


def get_tag(session: Session, *, workspace_id: int, tag: TagRef) -> Tag:
    """Look a tag up by id, path or instance (checked to be in the workspace).

    Raises
    ------
    NotFound
        When no such tag exists in the workspace.
    """
    found: Tag | None
    if isinstance(tag, Tag):
        found = tag
    elif isinstance(tag, int):
        found = session.get(Tag, tag)
    else:
        found = session.scalar(
            select(Tag).where(Tag.workspace_id == workspace_id, Tag.path == normalize_text(tag).strip("/ "))
        )
    if found is None or found.workspace_id != workspace_id:
        raise NotFound(f"no tag {tag!r}")
    return found


def resolve_tag(session: Session, *, workspace_id: int, tag: TagRef) -> Tag:
    """Like :func:`get_tag`, but follows ``merged_into`` to the surviving tag."""
    found = get_tag(session, workspace_id=workspace_id, tag=tag)
    hops = 0
    while found.status == TagStatus.MERGED and found.merged_into_id is not None and hops < 100:
        found = get_tag(session, workspace_id=workspace_id, tag=found.merged_into_id)
        hops += 1
    return found


def list_tags(
    session: Session,
    *,
    workspace_id: int,
    dimension: str | None = None,
    statuses: Iterable[TagStatus] | None = None,
) -> list[Tag]:
    """Tags of the workspace ordered by path, optionally of one dimension or statuses."""
    stmt = select(Tag).where(Tag.workspace_id == workspace_id)
    if dimension is not None:
        dim = get_dimension(session, workspace_id=workspace_id, key=dimension)
        assert dim is not None
        stmt = stmt.where(Tag.dimension_id == dim.id)
    if statuses is not None:
        stmt = stmt.where(Tag.status.in_([TagStatus(s) for s in statuses]))
    return list(session.scalars(stmt.order_by(Tag.path)))


def apply_fields(tag: Tag, fields: Mapping[str, Any]) -> bool:
    """Set the editable fields present in ``fields``; return whether anything changed.

    Names and description are normalized and bounded; keywords and patterns are
    validated (see :mod:`frontdoor.tagging.rules`). A ``None`` value keeps the field.

    Raises
    ------
    ValidationError
        When a keyword, pattern or list is invalid.
    """
    changed = False
    for name in ("name_ko", "name_en"):
        if fields.get(name) is not None:
            value = normalize_text(str(fields[name])).strip()[:200]
            if getattr(tag, name) != value:
                setattr(tag, name, value)
                changed = True
    if fields.get("description") is not None:
        value = normalize_text(str(fields["description"])).strip()[:5000]
        if tag.description != value:
            tag.description = value
            changed = True
    checks = {"keywords": validate_keyword, "patterns": validate_pattern, "examples": None}
    for name, check in checks.items():
        if fields.get(name) is not None:
            cleaned = clean_list(fields[name], name, check)
            if list(getattr(tag, name) or []) != cleaned:
                setattr(tag, name, cleaned)
                changed = True
    return changed


def new_tag(
    *, workspace_id: int, path: str, parent_id: int | None, dimension_id: int, fields: Mapping[str, Any]
) -> Tag:
    """An active tag at ``path`` (not yet added to the session) with ``fields`` applied.

    ``name_en`` defaults to the last path segment. ``path`` must already be normalized.

    Raises
    ------
    ValidationError
        When a field is invalid (see :func:`apply_fields`).
    """
    tag = Tag(
        workspace_id=workspace_id,
        path=path,
        parent_id=parent_id,
        dimension_id=dimension_id,
        name_ko="",
        name_en=path.rsplit("/", 1)[1],
        description="",
        keywords=[],
        patterns=[],
        examples=[],
        status=TagStatus.ACTIVE,
    )
    apply_fields(tag, fields)
    return tag


def create_tag(
    session: Session,
    *,
    workspace_id: int,
    path: str,
    name_ko: str | None = None,
    name_en: str | None = None,
    description: str | None = None,
    keywords: Iterable[str] | None = None,
    patterns: Iterable[str] | None = None,
    examples: Iterable[str] | None = None,
    user: User | None = None,
) -> Tag:
    """Create a tag at ``path``, creating missing ancestors.

    Parameters
    ----------
    path : str
        ``<dimension>/<name>[/<name>...]``; the dimension must exist.
    name_ko, name_en : str, optional
        Display names; ``name_en`` defaults to the last path segment.
    keywords, patterns : iterable of str, optional
        Rules (see :mod:`frontdoor.tagging.rules`); validated here.

    Raises
    ------
    Conflict
        When a tag already has this path.
    NotFound
        When the dimension does not exist.
    """
    check_editor(user)
    path = normalize_path(path)
    dim = get_dimension(session, workspace_id=workspace_id, key=path.split("/", 1)[0])
    assert dim is not None
    if session.scalar(select(Tag.id).where(Tag.workspace_id == workspace_id, Tag.path == path)):
        raise Conflict(f"tag {path!r} already exists")
    parent_id: int | None = None
    up = parent_path(path)
    if up is not None:
        parent = session.scalar(select(Tag).where(Tag.workspace_id == workspace_id, Tag.path == up))
        if parent is None:
            parent = create_tag(session, workspace_id=workspace_id, path=up)
        parent_id = parent.id
    tag = new_tag(
        workspace_id=workspace_id,
        path=path,
        parent_id=parent_id,
        dimension_id=dim.id,
        fields={
            "name_ko": name_ko,
            "name_en": name_en,
            "description": description,
            "keywords": keywords,
            "patterns": patterns,
            "examples": examples,
        },
    )
    session.add(tag)
    session.flush()
    return tag


def update_tag(
    session: Session,
    *,
    workspace_id: int,
    tag: TagRef,
    name_ko: str | None = None,
    name_en: str | None = None,
    description: str | None = None,
    keywords: Iterable[str] | None = None,
    patterns: Iterable[str] | None = None,
    examples: Iterable[str] | None = None,
    user: User | None = None,
) -> Tag:
    """Change a tag's names, description, keywords, patterns or examples (``None`` keeps).

    Raises
    ------
    ValidationError
        When a keyword or pattern is invalid (nothing is changed then).
    """
    check_editor(user)
    t = get_tag(session, workspace_id=workspace_id, tag=tag)
    apply_fields(
        t,
        {
            "name_ko": name_ko,
            "name_en": name_en,
            "description": description,
            "keywords": keywords,
            "patterns": patterns,
            "examples": examples,
        },
    )
    session.flush()
    return t


def retire_tag(session: Session, *, workspace_id: int, tag: TagRef, user: User | None = None) -> Tag:
    """Retire a tag: no new assignments; its history stays and still counts.

    Raises
    ------
    ValidationError
        When the tag was merged.
    """
    check_editor(user)
    t = get_tag(session, workspace_id=workspace_id, tag=tag)
    if t.status == TagStatus.MERGED:
        raise ValidationError(f"{t.path!r} was merged; it cannot be retired")
    t.status = TagStatus.RETIRED
    session.flush()
    return t


def reactivate_tag(session: Session, *, workspace_id: int, tag: TagRef, user: User | None = None) -> Tag:
    """Undo :func:`retire_tag`.

    Raises
    ------
    ValidationError
        When the tag was merged (merges are not undone).
    """
    check_editor(user)
    t = get_tag(session, workspace_id=workspace_id, tag=tag)
    if t.status == TagStatus.MERGED:
        raise ValidationError(f"{t.path!r} was merged; merges cannot be undone")
    t.status = TagStatus.ACTIVE
    session.flush()
    return t
