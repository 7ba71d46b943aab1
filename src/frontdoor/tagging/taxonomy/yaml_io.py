"""The taxonomy as a YAML document: export it, and import one idempotently.

Import upserts by dimension key and tag path; running the same import twice changes
nothing the second time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from frontdoor.core.errors import ValidationError
from frontdoor.core.text.tokenize import normalize_text
from frontdoor.models import Tag, TagDimension, TagStatus, User
from frontdoor.tagging.rules import prime_keywords
from frontdoor.tagging.taxonomy.auto_confirm import auto_confirm_tag_ids, save_auto_confirm_ids
from frontdoor.tagging.taxonomy.dimensions import create_dimension, list_dimensions
from frontdoor.tagging.taxonomy.restructure import merge_tag
from frontdoor.tagging.taxonomy.tags import (
    TAG_FIELDS,
    apply_fields,
    create_tag,
    list_tags,
    new_tag,
    reactivate_tag,
    retire_tag,
)
from frontdoor.tagging.taxonomy.validation import (
    check_editor,
    clean_dimension_key,
    normalize_path,
    parent_path,
)


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
    check_editor(user)
    doc = _load_yaml(source)
    result = ImportResult()
    raw_dims = doc.get("dimensions") or []
    raw_tags = doc.get("tags") or []
    if not isinstance(raw_dims, list) or not isinstance(raw_tags, list):
        raise ValidationError("'dimensions' and 'tags' must be lists")
    dims = _import_dimensions(session, workspace_id=workspace_id, raw_dims=raw_dims, result=result)
    entries = _tag_entries(raw_tags)
    pending = _upsert_tags(session, workspace_id=workspace_id, entries=entries, dims=dims, result=result)
    _apply_statuses(session, workspace_id=workspace_id, pending=pending, result=result)
    session.flush()
    return result


def _import_dimensions(
    session: Session, *, workspace_id: int, raw_dims: list[Any], result: ImportResult
) -> dict[str, TagDimension]:
    """Create or update the listed dimensions; return every dimension by key."""
    dims = {d.key: d for d in list_dimensions(session, workspace_id=workspace_id)}
    for i, raw in enumerate(raw_dims):
        if not isinstance(raw, Mapping) or "key" not in raw:
            raise ValidationError(f"dimensions[{i}] needs a 'key'")
        key = clean_dimension_key(raw["key"])
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
    return dims


def _tag_entries(raw_tags: list[Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """``(normalized path, entry)`` per tag entry, parents before children."""
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
    return entries


def _upsert_tags(
    session: Session,
    *,
    workspace_id: int,
    entries: list[tuple[str, Mapping[str, Any]]],
    dims: dict[str, TagDimension],
    result: ImportResult,
) -> list[tuple[Tag, Mapping[str, Any]]]:
    """Create or update each entry's tag; return the status and auto-confirm changes to apply after."""
    existing = {t.path: t for t in list_tags(session, workspace_id=workspace_id)}
    pending: list[tuple[Tag, Mapping[str, Any]]] = []
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
        fields = {k: raw.get(k) for k in TAG_FIELDS}
        tag = existing.get(path)
        if tag is None:
            up = parent_path(path)
            parent = existing.get(up) if up else None
            if up and parent is None:
                session.flush()
                parent = create_tag(session, workspace_id=workspace_id, path=up)
                existing[up] = parent
                result.created += 1
            if parent is not None and parent.id is None:
                session.flush()
            tag = new_tag(
                workspace_id=workspace_id,
                path=path,
                parent_id=parent.id if parent is not None else None,
                dimension_id=dims[dim_key].id,
                fields=fields,
            )
            session.add(tag)
            existing[path] = tag
            result.created += 1
        elif apply_fields(tag, fields):
            result.updated += 1
        else:
            result.unchanged += 1
        if raw.get("status") is not None or raw.get("merged_into") is not None:
            pending.append((tag, raw))
        if raw.get("auto_confirm") is not None:
            pending.append((tag, {"auto_confirm": raw["auto_confirm"]}))
    session.flush()
    return pending


def _apply_statuses(
    session: Session, *, workspace_id: int, pending: list[tuple[Tag, Mapping[str, Any]]], result: ImportResult
) -> None:
    """Merge, retire or reactivate tags and set auto-confirm, once every tag exists."""
    auto = auto_confirm_tag_ids(session, workspace_id=workspace_id)
    auto_before = set(auto)
    for tag, raw in pending:
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
        save_auto_confirm_ids(session, workspace_id=workspace_id, tag_ids=auto)
