"""Reshaping the taxonomy without losing history: rename, move and merge tags.

* rename and move change paths only (assignments point at tag ids); descendants follow;
* merge moves the source's assignments to the target, keeping one row where a
  conversation already had both (no double counting), and leaves the source as
  ``merged`` with ``merged_into_id`` so history and old links resolve.
"""

from __future__ import annotations

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.orm import Session

from frontdoor.core.errors import Conflict, ValidationError
from frontdoor.core.text.tokenize import normalize_text
from frontdoor.models import (
    AssignmentStatus,
    Tag,
    TagAssignment,
    TagDimension,
    TagStatus,
    User,
    roadmap_item_tag,
)
from frontdoor.tagging.taxonomy.auto_confirm import drop_auto_confirm
from frontdoor.tagging.taxonomy.dimensions import get_dimension
from frontdoor.tagging.taxonomy.tags import TagRef, get_tag, resolve_tag
from frontdoor.tagging.taxonomy.validation import (
    MAX_LIST_ITEMS,
    MAX_PATH,
    check_editor,
    clean_segment,
    normalize_path,
)

_STATUS_RANK = {AssignmentStatus.CONFIRMED: 2, AssignmentStatus.SUGGESTED: 1, AssignmentStatus.REJECTED: 0}


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
    check_editor(user)
    t = get_tag(session, workspace_id=workspace_id, tag=tag)
    name = normalize_text(name).strip().strip("/")
    head = t.path.rpartition("/")[0]
    if "/" in name:
        new_path = normalize_path(name)
        if new_path.rpartition("/")[0] != head:
            raise ValidationError("rename keeps the parent; use move to change it")
    else:
        new_path = f"{head}/{clean_segment(name)}"
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
    check_editor(user)
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
    check_editor(user)
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
    drop_auto_confirm(session, workspace_id=workspace_id, tag_id=src.id)
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
