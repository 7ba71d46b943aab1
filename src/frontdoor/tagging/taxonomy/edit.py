"""The taxonomy: dimensions and hierarchical tags, edited without losing history.

A tag is addressed by its path, whose first segment is its dimension's key
(``area/dashboard/export`` is in dimension ``area``; its parent is ``area/dashboard``).
The dimension itself is the root, so a top-level tag has no parent. Missing ancestors are
created on the way, so a path is always a chain of existing tags.

Edits keep past assignments and their counts right:

* rename and move change paths only (assignments point at tag ids); descendants follow;
* merge moves the source's assignments to the target, keeping one row where a
  conversation already had both (no double counting), and leaves the source as
  ``merged`` with ``merged_into_id`` so history and old links resolve;
* retire stops new assignments; past confirmed assignments still count.

Counts come from one grouped query, so listing 2,000+ tags is two queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.orm import Session

from frontdoor.core.errors import Conflict, NotFound, ValidationError
from frontdoor.core.text.tokenize import normalize_text
from frontdoor.models import (
    AssignmentStatus,
    Conversation,
    Tag,
    TagAssignment,
    TagDimension,
    TagStatus,
    User,
    Workspace,
    roadmap_item_tag,
)
from frontdoor.tagging.rules import prime_keywords, validate_keyword, validate_pattern
from frontdoor.workspace.permissions import Action, require

__all__ = [
    "ImportResult",
    "TagNode",
    "auto_confirm_tag_ids",
    "create_dimension",
    "create_tag",
    "export_yaml",
    "get_dimension",
    "get_tag",
    "import_yaml",
    "list_dimensions",
    "list_tags",
    "merge_tag",
    "move_tag",
    "reactivate_tag",
    "rename_tag",
    "resolve_tag",
    "retire_tag",
    "set_auto_confirm",
    "tag_counts",
    "tag_tree",
    "taxonomy_dict",
    "update_dimension",
    "update_tag",
]

MAX_PATH = 500
MAX_SEGMENT = 100
MAX_LIST_ITEMS = 200
MAX_EXAMPLE_CHARS = 2000
_STATUS_RANK = {AssignmentStatus.CONFIRMED: 2, AssignmentStatus.SUGGESTED: 1, AssignmentStatus.REJECTED: 0}

TagRef = int | str | Tag
_FIELDS = ("name_ko", "name_en", "description", "keywords", "patterns", "examples")


def _check(user: User | None, action: Action = Action.EDIT_TAXONOMY) -> None:
    if user is not None:
        require(user, action)


# --- validation ---------------------------------------------------------------------


def _clean_key(key: str) -> str:
    key = normalize_text(str(key)).strip()
    if not key or "/" in key or len(key) > 64 or any(c.isspace() for c in key):
        raise ValidationError(f"dimension key {key!r} must be 1-64 characters without '/' or spaces")
    return key


def _clean_segment(seg: str) -> str:
    seg = normalize_text(str(seg)).strip()
    if not seg:
        raise ValidationError("a tag path segment must not be empty")
    if "/" in seg or len(seg) > MAX_SEGMENT or any(not c.isprintable() for c in seg):
        raise ValidationError(
            f"tag name {seg[:40]!r} must be printable, without '/', at most {MAX_SEGMENT} characters"
        )
    return seg


def normalize_path(path: str) -> str:
    """Return ``path`` NFC-normalized, with segments trimmed and validated.

    Raises
    ------
    ValidationError
        When it has fewer than two segments (dimension and name), an empty or overlong
        segment, or is longer than 500 characters.
    """
    parts = [_clean_segment(p) for p in normalize_text(str(path)).strip().strip("/").split("/")]
    if len(parts) < 2:
        raise ValidationError(f"tag path {path!r} must be '<dimension>/<name>[/...]'")
    out = "/".join(parts)
    if len(out) > MAX_PATH:
        raise ValidationError(f"tag path is longer than {MAX_PATH} characters")
    return out


def _parent_path(path: str) -> str | None:
    head, _, _ = path.rpartition("/")
    return head if "/" in head else None


def _clean_list(values: Iterable[Any] | None, what: str, check: Any = None) -> list[str]:
    if values is None:
        return []
    items: Iterable[Any] = [values] if isinstance(values, str) else values
    out: list[str] = []
    for v in items:
        s = normalize_text(str(v)).strip()
        if not s:
            continue
        if len(s) > MAX_EXAMPLE_CHARS:
            raise ValidationError(f"{what} entry is longer than {MAX_EXAMPLE_CHARS} characters")
        if check is not None:
            s = check(s)
        if s not in out:
            out.append(s)
    if len(out) > MAX_LIST_ITEMS:
        raise ValidationError(f"at most {MAX_LIST_ITEMS} {what} per tag")
    return out


# --- dimensions ---------------------------------------------------------------------


def create_dimension(
    session: Session,
    *,
    workspace_id: int,
    key: str,
    name_ko: str = "",
    name_en: str = "",
    multi_label: bool = False,
    position: int | None = None,
    user: User | None = None,
) -> TagDimension:
    """Create a dimension (e.g. ``area``, ``type``, ``sentiment``).

    Raises
    ------
    Conflict
        When the key exists in the workspace.
    """
    _check(user)
    key = _clean_key(key)
    if get_dimension(session, workspace_id=workspace_id, key=key, missing_ok=True) is not None:
        raise Conflict(f"dimension {key!r} already exists")
    if position is None:
        position = (
            session.scalar(
                select(func.coalesce(func.max(TagDimension.position), -1)).where(
                    TagDimension.workspace_id == workspace_id
                )
            )
            or 0
        ) + 1
    dim = TagDimension(
        workspace_id=workspace_id,
        key=key,
        name_ko=normalize_text(name_ko)[:200],
        name_en=normalize_text(name_en)[:200],
        multi_label=bool(multi_label),
        position=int(position),
    )
    session.add(dim)
    session.flush()
    return dim


def get_dimension(
    session: Session, *, workspace_id: int, key: str, missing_ok: bool = False
) -> TagDimension | None:
    """The dimension with ``key`` (``None`` when missing and ``missing_ok``).

    Raises
    ------
    NotFound
        When it does not exist and ``missing_ok`` is false.
    """
    dim = session.scalar(
        select(TagDimension).where(
            TagDimension.workspace_id == workspace_id, TagDimension.key == normalize_text(key).strip()
        )
    )
    if dim is None and not missing_ok:
        raise NotFound(f"no dimension {key!r}")
    return dim


def list_dimensions(session: Session, *, workspace_id: int) -> list[TagDimension]:
    """The workspace's dimensions in display order."""
    return list(
        session.scalars(
            select(TagDimension)
            .where(TagDimension.workspace_id == workspace_id)
            .order_by(TagDimension.position, TagDimension.id)
        )
    )


def update_dimension(
    session: Session,
    *,
    workspace_id: int,
    key: str,
    name_ko: str | None = None,
    name_en: str | None = None,
    multi_label: bool | None = None,
    position: int | None = None,
    user: User | None = None,
) -> TagDimension:
    """Change a dimension's names, multi-label flag or position (the key is fixed)."""
    _check(user)
    dim = get_dimension(session, workspace_id=workspace_id, key=key)
    assert dim is not None
    if name_ko is not None:
        dim.name_ko = normalize_text(name_ko)[:200]
    if name_en is not None:
        dim.name_en = normalize_text(name_en)[:200]
    if multi_label is not None:
        dim.multi_label = bool(multi_label)
    if position is not None:
        dim.position = int(position)
    session.flush()
    return dim


# --- tags ---------------------------------------------------------------------------


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


def _apply_fields(tag: Tag, fields: Mapping[str, Any]) -> bool:
    """Set the editable fields present in ``fields``; return whether anything changed."""
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
            cleaned = _clean_list(fields[name], name, check)
            if list(getattr(tag, name) or []) != cleaned:
                setattr(tag, name, cleaned)
                changed = True
    return changed


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
    _check(user)
    path = normalize_path(path)
    dim = get_dimension(session, workspace_id=workspace_id, key=path.split("/", 1)[0])
    assert dim is not None
    if session.scalar(select(Tag.id).where(Tag.workspace_id == workspace_id, Tag.path == path)):
        raise Conflict(f"tag {path!r} already exists")
    parent_id: int | None = None
    parent_path = _parent_path(path)
    if parent_path is not None:
        parent = session.scalar(select(Tag).where(Tag.workspace_id == workspace_id, Tag.path == parent_path))
        if parent is None:
            parent = create_tag(session, workspace_id=workspace_id, path=parent_path)
        parent_id = parent.id
    tag = Tag(
        workspace_id=workspace_id,
        path=path,
        parent_id=parent_id,
        dimension_id=dim.id,
        name_ko="",
        name_en="",
        description="",
        keywords=[],
        patterns=[],
        examples=[],
        status=TagStatus.ACTIVE,
    )
    _apply_fields(
        tag,
        {
            "name_ko": name_ko,
            "name_en": name_en if name_en is not None else path.rsplit("/", 1)[1],
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
    _check(user)
    t = get_tag(session, workspace_id=workspace_id, tag=tag)
    _apply_fields(
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


def _descendants(session: Session, tag: Tag) -> list[Tag]:
    return list(
        session.scalars(
            select(Tag).where(
                Tag.workspace_id == tag.workspace_id,
                Tag.path.startswith(tag.path + "/", autoescape=True),
            )
        )
    )


def _repath(session: Session, tag: Tag, new_path: str, parent: Tag | None, dimension_id: int) -> Tag:
    """Give ``tag`` a new path (and parent); its descendants' paths follow."""
    if new_path == tag.path and parent is not None and parent.id == tag.parent_id:
        return tag
    subtree = _descendants(session, tag)
    ids = [tag.id, *(d.id for d in subtree)]
    clash = session.scalar(
        select(Tag.path).where(
            Tag.workspace_id == tag.workspace_id,
            (Tag.path == new_path) | Tag.path.startswith(new_path + "/", autoescape=True),
            Tag.id.not_in(ids),
        )
    )
    if clash is not None:
        raise Conflict(f"tag {clash!r} already exists")
    old = tag.path
    for d in subtree:
        d.path = new_path + d.path[len(old) :]
        d.dimension_id = dimension_id
        if len(d.path) > MAX_PATH:
            raise ValidationError(f"tag path {d.path[:60]!r}... would be longer than {MAX_PATH}")
    tag.path = new_path
    tag.parent_id = parent.id if parent is not None else None
    tag.dimension_id = dimension_id
    session.flush()
    return tag


def rename_tag(
    session: Session, *, workspace_id: int, tag: TagRef, name: str, user: User | None = None
) -> Tag:
    """Rename the last segment of a tag's path; descendants' paths follow.

    Parameters
    ----------
    name : str
        The new last segment (``export`` -> ``csv-export``), or a full path with the same
        parent.

    Raises
    ------
    Conflict
        When the new path is taken.
    """
    _check(user)
    t = get_tag(session, workspace_id=workspace_id, tag=tag)
    name = normalize_text(name).strip().strip("/")
    head = t.path.rpartition("/")[0]
    if "/" in name:
        new_path = normalize_path(name)
        if new_path.rpartition("/")[0] != head:
            raise ValidationError("rename keeps the parent; use move to change it")
    else:
        new_path = f"{head}/{_clean_segment(name)}"
    parent = session.get(Tag, t.parent_id) if t.parent_id else None
    if new_path == t.path:
        return t
    return _repath(session, t, new_path, parent, t.dimension_id)


def move_tag(
    session: Session,
    *,
    workspace_id: int,
    tag: TagRef,
    parent: TagRef | None,
    dimension: str | None = None,
    user: User | None = None,
) -> Tag:
    """Reparent a tag (with its subtree).

    Parameters
    ----------
    parent : int, str or Tag, or None
        The new parent; ``None`` makes it top level in ``dimension`` (default: its own).

    Raises
    ------
    ValidationError
        When the new parent is the tag itself or one of its descendants (a cycle).
    Conflict
        When the new path is taken.
    """
    _check(user)
    t = get_tag(session, workspace_id=workspace_id, tag=tag)
    seg = t.path.rsplit("/", 1)[1]
    if parent is None:
        if dimension is not None:
            dim = get_dimension(session, workspace_id=workspace_id, key=dimension)
        else:
            dim = session.get(TagDimension, t.dimension_id)
        assert dim is not None
        return _repath(session, t, f"{dim.key}/{seg}", None, dim.id)
    p = get_tag(session, workspace_id=workspace_id, tag=parent)
    if p.id == t.id or p.path.startswith(t.path + "/"):
        raise ValidationError(f"cannot move {t.path!r} under itself or its descendant {p.path!r}")
    if p.status == TagStatus.MERGED:
        raise ValidationError(f"{p.path!r} was merged; move under the tag it was merged into")
    return _repath(session, t, f"{p.path}/{seg}", p, p.dimension_id)


def merge_tag(
    session: Session,
    *,
    workspace_id: int,
    source: TagRef,
    target: TagRef,
    user: User | None = None,
) -> Tag:
    """Merge ``source`` into ``target``; return the target.

    The source's assignments move to the target. Where a conversation (same scope)
    already has the target, one row is kept: the stronger decision (confirmed over
    suggested over rejected) wins, so nothing is counted twice. The source's children
    move under the target (merged recursively into a same-named child). The source stays,
    with status ``merged`` and ``merged_into_id`` set, as does anything merged into it
    before; roadmap links move to the target.

    Raises
    ------
    ValidationError
        When merging a tag into itself or into its own descendant, or the target is merged.
    """
    _check(user)
    src = get_tag(session, workspace_id=workspace_id, tag=source)
    dst = resolve_tag(session, workspace_id=workspace_id, tag=target)
    if src.id == dst.id:
        raise ValidationError("cannot merge a tag into itself")
    if dst.path.startswith(src.path + "/"):
        raise ValidationError(f"cannot merge {src.path!r} into its own descendant {dst.path!r}")
    if src.status == TagStatus.MERGED:
        raise ValidationError(f"{src.path!r} is already merged")
    if dst.status == TagStatus.RETIRED:
        raise ValidationError(f"{dst.path!r} is retired; reactivate it before merging into it")

    # Children first: a same-named child merges, any other moves under the target.
    for child in list(session.scalars(select(Tag).where(Tag.parent_id == src.id))):
        if child.status == TagStatus.MERGED:
            continue
        seg = child.path.rsplit("/", 1)[1]
        twin = session.scalar(
            select(Tag).where(Tag.workspace_id == workspace_id, Tag.path == f"{dst.path}/{seg}")
        )
        if twin is not None and twin.status != TagStatus.MERGED:
            merge_tag(session, workspace_id=workspace_id, source=child, target=twin)
        else:
            _repath(session, child, f"{dst.path}/{seg}", dst, dst.dimension_id)

    _merge_assignments(session, workspace_id=workspace_id, src_id=src.id, dst_id=dst.id)

    # Roadmap links follow the surviving tag.
    linked = set(
        session.scalars(select(roadmap_item_tag.c.roadmap_item_id).where(roadmap_item_tag.c.tag_id == dst.id))
    )
    moving = set(
        session.scalars(select(roadmap_item_tag.c.roadmap_item_id).where(roadmap_item_tag.c.tag_id == src.id))
    )
    if moving:
        session.execute(delete(roadmap_item_tag).where(roadmap_item_tag.c.tag_id == src.id))
        new_links = [{"roadmap_item_id": rid, "tag_id": dst.id} for rid in sorted(moving - linked)]
        if new_links:
            session.execute(insert(roadmap_item_tag), new_links)

    # Rules and examples of the source now teach the target.
    dst.keywords = _merged_list(dst.keywords, src.keywords)
    dst.patterns = _merged_list(dst.patterns, src.patterns)
    dst.examples = _merged_list(dst.examples, src.examples)
    session.execute(
        update(Tag)
        .where(Tag.workspace_id == workspace_id, Tag.merged_into_id == src.id)
        .values(merged_into_id=dst.id)
    )
    src.status = TagStatus.MERGED
    src.merged_into_id = dst.id
    _drop_auto_confirm(session, workspace_id=workspace_id, tag_id=src.id)
    session.flush()
    return dst


def _merged_list(a: list[str] | None, b: list[str] | None) -> list[str]:
    out = list(a or [])
    for item in b or []:
        if item not in out:
            out.append(item)
    return out[:MAX_LIST_ITEMS]


def _merge_assignments(session: Session, *, workspace_id: int, src_id: int, dst_id: int) -> None:
    """Move assignments from tag ``src_id`` to ``dst_id``, one row per (conversation, scope)."""
    session.flush()
    dst_alias = TagAssignment.__table__.alias("dst_a")
    pairs = session.execute(
        select(TagAssignment.id, dst_alias.c.id)
        .join(
            dst_alias,
            and_(
                dst_alias.c.conversation_id == TagAssignment.conversation_id,
                dst_alias.c.scope == TagAssignment.scope,
                dst_alias.c.tag_id == dst_id,
            ),
        )
        .where(TagAssignment.workspace_id == workspace_id, TagAssignment.tag_id == src_id)
    ).all()
    drop: list[int] = []
    for src_row_id, dst_row_id in pairs:
        s = session.get(TagAssignment, src_row_id)
        d = session.get(TagAssignment, dst_row_id)
        assert s is not None and d is not None
        if _STATUS_RANK[AssignmentStatus(s.status)] > _STATUS_RANK[AssignmentStatus(d.status)]:
            # The source's decision is stronger: keep it, on the target's row.
            for name in (
                "origin",
                "confidence",
                "status",
                "model_version",
                "created_by_id",
                "decided_by_id",
                "decided_at",
            ):
                setattr(d, name, getattr(s, name))
        d.attributes = {
            **(d.attributes or {}),
            "merged_from": [*(d.attributes or {}).get("merged_from", []), src_id],
        }
        drop.append(s.id)
    if drop:
        session.execute(delete(TagAssignment).where(TagAssignment.id.in_(drop)))
        session.expire_all()
    session.execute(
        update(TagAssignment)
        .where(TagAssignment.workspace_id == workspace_id, TagAssignment.tag_id == src_id)
        .values(tag_id=dst_id)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()


def retire_tag(session: Session, *, workspace_id: int, tag: TagRef, user: User | None = None) -> Tag:
    """Retire a tag: no new assignments; its history stays and still counts.

    Raises
    ------
    ValidationError
        When the tag was merged.
    """
    _check(user)
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
    _check(user)
    t = get_tag(session, workspace_id=workspace_id, tag=tag)
    if t.status == TagStatus.MERGED:
        raise ValidationError(f"{t.path!r} was merged; merges cannot be undone")
    t.status = TagStatus.ACTIVE
    session.flush()
    return t


# --- auto-confirm (stored in workspace settings: no schema change) -----------------------


def _tagging_settings(ws: Workspace) -> dict[str, Any]:
    return dict((ws.settings or {}).get("tagging") or {})


def auto_confirm_tag_ids(session: Session, *, workspace_id: int) -> set[int]:
    """Tags whose rule hits are confirmed directly instead of suggested."""
    ws = session.get(Workspace, workspace_id)
    if ws is None:
        raise NotFound(f"no workspace {workspace_id}")
    return {int(i) for i in _tagging_settings(ws).get("auto_confirm", [])}


def set_auto_confirm(
    session: Session, *, workspace_id: int, tag: TagRef, enabled: bool, user: User | None = None
) -> None:
    """Make rule hits of ``tag`` confirmed (``enabled``) or suggested (default)."""
    _check(user)
    t = get_tag(session, workspace_id=workspace_id, tag=tag)
    ws = session.get(Workspace, workspace_id)
    assert ws is not None
    ids = auto_confirm_tag_ids(session, workspace_id=workspace_id)
    ids = ids | {t.id} if enabled else ids - {t.id}
    tagging = _tagging_settings(ws)
    tagging["auto_confirm"] = sorted(ids)
    ws.settings = {**(ws.settings or {}), "tagging": tagging}
    session.flush()


def _drop_auto_confirm(session: Session, *, workspace_id: int, tag_id: int) -> None:
    ids = auto_confirm_tag_ids(session, workspace_id=workspace_id)
    if tag_id in ids:
        ws = session.get(Workspace, workspace_id)
        assert ws is not None
        tagging = _tagging_settings(ws)
        tagging["auto_confirm"] = sorted(ids - {tag_id})
        ws.settings = {**(ws.settings or {}), "tagging": tagging}


# --- counts and tree ----------------------------------------------------------------


@dataclass
class TagNode:
    """One tag of the tree listing with its counts (confirmed assignments only)."""

    id: int
    path: str
    name: str
    name_ko: str
    name_en: str
    dimension: str
    status: str
    depth: int
    parent_id: int | None
    assignments: int = 0
    conversations: int = 0
    merged_into_id: int | None = None
    children: list[TagNode] = field(default_factory=list)

    @property
    def subtree_assignments(self) -> int:
        """Confirmed assignments of this tag and all its descendants."""
        return self.assignments + sum(c.subtree_assignments for c in self.children)


def tag_counts(
    session: Session,
    *,
    workspace_id: int,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    status: AssignmentStatus = AssignmentStatus.CONFIRMED,
) -> dict[int, tuple[int, int]]:
    """Assignments and distinct conversations per tag, in one grouped query.

    Parameters
    ----------
    since, until : datetime, optional
        Only conversations opened in ``[since, until)``. Retired tags are counted like any
        other, so past periods keep their numbers.
    status : AssignmentStatus
        Which assignments count (confirmed by default).

    Returns
    -------
    dict
        ``tag_id -> (assignments, distinct conversations)``.
    """
    stmt = (
        select(
            TagAssignment.tag_id,
            func.count(TagAssignment.id),
            func.count(func.distinct(TagAssignment.conversation_id)),
        )
        .where(TagAssignment.workspace_id == workspace_id, TagAssignment.status == status)
        .group_by(TagAssignment.tag_id)
    )
    if since is not None or until is not None:
        stmt = stmt.join(Conversation, Conversation.id == TagAssignment.conversation_id)
        if since is not None:
            stmt = stmt.where(Conversation.opened_at >= since)
        if until is not None:
            stmt = stmt.where(Conversation.opened_at < until)
    return {int(tid): (int(n), int(c)) for tid, n, c in session.execute(stmt)}


def tag_tree(
    session: Session,
    *,
    workspace_id: int,
    dimension: str | None = None,
    include_retired: bool = True,
    include_merged: bool = False,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    language: str = "en",
) -> list[TagNode]:
    """The taxonomy as a forest of :class:`TagNode` with counts (two queries in all).

    Parameters
    ----------
    dimension : str, optional
        Only this dimension.
    include_retired, include_merged : bool
        Whether to list retired (default yes) and merged (default no) tags.
    language : {"en", "ko"}
        Which name fills ``TagNode.name`` (the other is the fallback).

    Returns
    -------
    list of TagNode
        Top-level nodes by dimension position then path; children ordered by path.
    """
    dims = {d.id: d for d in list_dimensions(session, workspace_id=workspace_id)}
    counts = tag_counts(session, workspace_id=workspace_id, since=since, until=until)
    stmt = select(
        Tag.id,
        Tag.path,
        Tag.name_ko,
        Tag.name_en,
        Tag.dimension_id,
        Tag.status,
        Tag.parent_id,
        Tag.merged_into_id,
    ).where(Tag.workspace_id == workspace_id)
    if dimension is not None:
        stmt = stmt.where(Tag.dimension_id.in_([d.id for d in dims.values() if d.key == dimension]))
    nodes: dict[int, TagNode] = {}
    for tid, path, ko, en, dim_id, status, parent_id, merged_into in session.execute(stmt.order_by(Tag.path)):
        if status == TagStatus.MERGED and not include_merged:
            continue
        if status == TagStatus.RETIRED and not include_retired:
            continue
        n, c = counts.get(tid, (0, 0))
        seg = path.rsplit("/", 1)[1]
        name = (ko or en or seg) if language == "ko" else (en or ko or seg)
        nodes[tid] = TagNode(
            id=tid,
            path=path,
            name=name,
            name_ko=ko,
            name_en=en,
            dimension=dims[dim_id].key if dim_id in dims else "",
            status=str(TagStatus(status).value),
            depth=path.count("/") - 1,
            parent_id=parent_id,
            assignments=n,
            conversations=c,
            merged_into_id=merged_into,
        )
    roots: list[TagNode] = []
    for node in nodes.values():
        parent = nodes.get(node.parent_id) if node.parent_id is not None else None
        if parent is not None:
            parent.children.append(node)
        else:
            roots.append(node)
    order = {d.key: (d.position, d.id) for d in dims.values()}
    roots.sort(key=lambda n: (order.get(n.dimension, (0, 0)), n.path))
    return roots


# --- YAML import / export -------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did."""

    dimensions_created: int = 0
    dimensions_updated: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    retired: int = 0

    def to_dict(self) -> dict[str, int]:
        """Plain counts, for JSON."""
        return dict(self.__dict__)


def taxonomy_dict(session: Session, *, workspace_id: int) -> dict[str, Any]:
    """The taxonomy as plain data (the YAML document :func:`export_yaml` writes)."""
    dims = list_dimensions(session, workspace_id=workspace_id)
    tags = list_tags(session, workspace_id=workspace_id)
    by_id = {t.id: t.path for t in tags}
    auto = auto_confirm_tag_ids(session, workspace_id=workspace_id)
    out_tags: list[dict[str, Any]] = []
    for t in tags:
        item: dict[str, Any] = {"path": t.path}
        for name in ("name_ko", "name_en", "description"):
            if getattr(t, name):
                item[name] = getattr(t, name)
        for name in ("keywords", "patterns", "examples"):
            if getattr(t, name):
                item[name] = list(getattr(t, name))
        if t.status != TagStatus.ACTIVE:
            item["status"] = str(TagStatus(t.status).value)
        if t.merged_into_id is not None and t.merged_into_id in by_id:
            item["merged_into"] = by_id[t.merged_into_id]
        if t.id in auto:
            item["auto_confirm"] = True
        out_tags.append(item)
    return {
        "version": 1,
        "dimensions": [
            {
                "key": d.key,
                **({"name_ko": d.name_ko} if d.name_ko else {}),
                **({"name_en": d.name_en} if d.name_en else {}),
                "multi_label": bool(d.multi_label),
                "position": d.position,
            }
            for d in dims
        ],
        "tags": out_tags,
    }


def export_yaml(session: Session, *, workspace_id: int) -> str:
    """The taxonomy as YAML text, Korean kept readable (``allow_unicode``)."""
    import yaml

    return str(
        yaml.safe_dump(
            taxonomy_dict(session, workspace_id=workspace_id),
            allow_unicode=True,
            sort_keys=False,
            width=100,
        )
    )


def _load_yaml(source: str | Path | Mapping[str, Any]) -> Mapping[str, Any]:
    import yaml

    if isinstance(source, Mapping):
        return source
    text = Path(source).read_text(encoding="utf-8") if isinstance(source, Path) else source
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValidationError(f"taxonomy YAML is malformed: {exc}") from None
    if doc is None:
        return {}
    if not isinstance(doc, Mapping):
        raise ValidationError("taxonomy YAML must be a mapping with 'dimensions' and 'tags'")
    return doc


def import_yaml(
    session: Session,
    *,
    workspace_id: int,
    source: str | Path | Mapping[str, Any],
    user: User | None = None,
) -> ImportResult:
    """Upsert a taxonomy document by dimension key and tag path (idempotent).

    The document has ``dimensions`` (``key``, ``name_ko``, ``name_en``, ``multi_label``,
    ``position``) and ``tags`` (``path`` and optionally ``name_ko``, ``name_en``,
    ``description``, ``keywords``, ``patterns``, ``examples``, ``status``
    (active/retired/merged), ``merged_into``, ``auto_confirm``). Tags missing from the
    document are left alone; a dimension named by a tag path but not listed is created.
    Running the same import twice changes nothing the second time.

    Parameters
    ----------
    source : str, Path or mapping
        YAML text, a YAML file path, or the parsed document.

    Raises
    ------
    ValidationError
        When the document is malformed; nothing is written then (the caller rolls back).
    """
    _check(user)
    doc = _load_yaml(source)
    result = ImportResult()
    raw_dims = doc.get("dimensions") or []
    raw_tags = doc.get("tags") or []
    if not isinstance(raw_dims, list) or not isinstance(raw_tags, list):
        raise ValidationError("'dimensions' and 'tags' must be lists")

    dims = {d.key: d for d in list_dimensions(session, workspace_id=workspace_id)}
    for i, raw in enumerate(raw_dims):
        if not isinstance(raw, Mapping) or "key" not in raw:
            raise ValidationError(f"dimensions[{i}] needs a 'key'")
        key = _clean_key(raw["key"])
        dim = dims.get(key)
        if dim is None:
            dims[key] = create_dimension(
                session,
                workspace_id=workspace_id,
                key=key,
                name_ko=str(raw.get("name_ko") or ""),
                name_en=str(raw.get("name_en") or ""),
                multi_label=bool(raw.get("multi_label", False)),
                position=raw.get("position"),
            )
            result.dimensions_created += 1
            continue
        changed = False
        for name in ("name_ko", "name_en"):
            if raw.get(name) is not None and getattr(dim, name) != normalize_text(str(raw[name])):
                setattr(dim, name, normalize_text(str(raw[name]))[:200])
                changed = True
        if raw.get("multi_label") is not None and dim.multi_label != bool(raw["multi_label"]):
            dim.multi_label = bool(raw["multi_label"])
            changed = True
        if raw.get("position") is not None and dim.position != int(raw["position"]):
            dim.position = int(raw["position"])
            changed = True
        result.dimensions_updated += int(changed)

    entries: list[tuple[str, Mapping[str, Any]]] = []
    for i, raw in enumerate(raw_tags):
        if isinstance(raw, str):
            raw = {"path": raw}
        if not isinstance(raw, Mapping) or "path" not in raw:
            raise ValidationError(f"tags[{i}] needs a 'path'")
        entries.append((normalize_path(str(raw["path"])), raw))
    # One batched Kiwi call for every keyword instead of one per keyword.
    prime_keywords(
        normalize_text(str(kw))
        for _, raw in entries
        for kw in (raw.get("keywords") or [])
        if isinstance(raw.get("keywords"), list)
    )
    # Parents before children, so each level can be flushed once to get ids.
    entries.sort(key=lambda e: (e[0].count("/"), e[0]))
    existing = {t.path: t for t in list_tags(session, workspace_id=workspace_id)}
    auto = auto_confirm_tag_ids(session, workspace_id=workspace_id)
    auto_before = set(auto)
    pending_status: list[tuple[Tag, Mapping[str, Any]]] = []
    level = -1
    for path, raw in entries:
        depth = path.count("/")
        if depth != level:
            session.flush()
            level = depth
        dim_key = path.split("/", 1)[0]
        if dim_key not in dims:
            dims[dim_key] = create_dimension(session, workspace_id=workspace_id, key=dim_key)
            result.dimensions_created += 1
        fields = {
            k: raw.get(k) for k in ("name_ko", "name_en", "description", "keywords", "patterns", "examples")
        }
        tag = existing.get(path)
        if tag is None:
            parent_path = _parent_path(path)
            parent = existing.get(parent_path) if parent_path else None
            if parent_path and parent is None:
                session.flush()
                parent = create_tag(session, workspace_id=workspace_id, path=parent_path)
                existing[parent_path] = parent
                result.created += 1
            if parent is not None and parent.id is None:
                session.flush()
            tag = Tag(
                workspace_id=workspace_id,
                path=path,
                parent_id=parent.id if parent is not None else None,
                dimension_id=dims[dim_key].id,
                name_ko="",
                name_en=path.rsplit("/", 1)[1],
                description="",
                keywords=[],
                patterns=[],
                examples=[],
                status=TagStatus.ACTIVE,
            )
            _apply_fields(tag, fields)
            session.add(tag)
            existing[path] = tag
            result.created += 1
        elif _apply_fields(tag, fields):
            result.updated += 1
        else:
            result.unchanged += 1
        if raw.get("status") is not None or raw.get("merged_into") is not None:
            pending_status.append((tag, raw))
        if raw.get("auto_confirm") is not None:
            pending_status.append((tag, {"auto_confirm": raw["auto_confirm"]}))
    session.flush()

    for tag, raw in pending_status:
        if "auto_confirm" in raw and len(raw) == 1:
            auto = auto | {tag.id} if raw["auto_confirm"] else auto - {tag.id}
            continue
        status = str(raw.get("status") or ("merged" if raw.get("merged_into") else "active"))
        if status not in {s.value for s in TagStatus}:
            raise ValidationError(f"tag {tag.path!r}: status must be active, retired or merged")
        if status == TagStatus.MERGED:
            if tag.status == TagStatus.MERGED:
                continue
            into = raw.get("merged_into")
            if not into:
                raise ValidationError(f"tag {tag.path!r}: a merged tag needs 'merged_into'")
            merge_tag(session, workspace_id=workspace_id, source=tag, target=normalize_path(str(into)))
            result.merged += 1
        elif status == TagStatus.RETIRED and tag.status == TagStatus.ACTIVE:
            retire_tag(session, workspace_id=workspace_id, tag=tag)
            result.retired += 1
        elif status == TagStatus.ACTIVE and tag.status == TagStatus.RETIRED:
            reactivate_tag(session, workspace_id=workspace_id, tag=tag)
            result.updated += 1
    if auto != auto_before:
        ws = session.get(Workspace, workspace_id)
        assert ws is not None
        tagging = _tagging_settings(ws)
        tagging["auto_confirm"] = sorted(auto)
        ws.settings = {**(ws.settings or {}), "tagging": tagging}
    session.flush()
    return result


def tags_by_dimension(
    session: Session, *, workspace_id: int, active_only: bool = True
) -> dict[str, list[Tag]]:
    """Tags grouped by dimension key (active ones only by default)."""
    dims = {d.id: d.key for d in list_dimensions(session, workspace_id=workspace_id)}
    out: dict[str, list[Tag]] = defaultdict(list)
    statuses = [TagStatus.ACTIVE] if active_only else None
    for t in list_tags(session, workspace_id=workspace_id, statuses=statuses):
        out[dims.get(t.dimension_id, "")].append(t)
    return dict(out)
