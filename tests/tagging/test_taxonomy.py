"""Taxonomy operations keep paths and counts right, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from tagging_helpers import BASE_TIME, conversation

from frontdoor.core.errors import Conflict, PermissionDenied, ValidationError
from frontdoor.core.store import Store
from frontdoor.models import Role, Tag, TagAssignment, TagStatus, User, Workspace
from frontdoor.tagging.assignments import assign_tag
from frontdoor.tagging.suggestions import suggest_tag
from frontdoor.tagging.taxonomy.auto_confirm import set_auto_confirm
from frontdoor.tagging.taxonomy.dimensions import create_dimension
from frontdoor.tagging.taxonomy.restructure import merge_tag, move_tag, rename_tag
from frontdoor.tagging.taxonomy.tags import (
    create_tag,
    get_tag,
    list_tags,
    reactivate_tag,
    resolve_tag,
    retire_tag,
    update_tag,
)
from frontdoor.tagging.taxonomy.tree import tag_counts, tag_tree
from frontdoor.tagging.taxonomy.yaml_io import export_yaml, import_yaml
from frontdoor.workspace.users import create_user


def _setup(store: Store, ws: Workspace) -> None:
    with store.session() as s:
        create_dimension(s, workspace_id=ws.id, key="area", name_ko="영역", name_en="Area")
        create_dimension(s, workspace_id=ws.id, key="type", name_en="Type", multi_label=True)
        create_tag(s, workspace_id=ws.id, path="area/dashboard/export", name_ko="내보내기", keywords=["엑셀"])
        create_tag(s, workspace_id=ws.id, path="area/billing/refund", name_ko="환불", keywords=["환불"])
        create_tag(s, workspace_id=ws.id, path="area/billing/money-back", name_en="Money back")


def _counts(store: Store, ws: Workspace) -> dict[str, tuple[int, int]]:
    with store.session() as s:
        counts = tag_counts(s, workspace_id=ws.id)
        return {t.path: counts.get(t.id, (0, 0)) for t in list_tags(s, workspace_id=ws.id)}


def test_create_builds_ancestors_and_validates(store: Store, workspace: Workspace) -> None:
    _setup(store, workspace)
    with store.session() as s:
        paths = [t.path for t in list_tags(s, workspace_id=workspace.id)]
        assert paths == [
            "area/billing",
            "area/billing/money-back",
            "area/billing/refund",
            "area/dashboard",
            "area/dashboard/export",
        ]
        export = get_tag(s, workspace_id=workspace.id, tag="area/dashboard/export")
        parent = get_tag(s, workspace_id=workspace.id, tag="area/dashboard")
        assert export.parent_id == parent.id and parent.parent_id is None
        with pytest.raises(Conflict):
            create_tag(s, workspace_id=workspace.id, path="area/dashboard")
        with pytest.raises(ValidationError):
            create_tag(s, workspace_id=workspace.id, path="area")
        with pytest.raises(ValidationError):
            create_tag(s, workspace_id=workspace.id, path="area/x", patterns=["(a+)+"])


def test_permissions(store: Store, workspace: Workspace) -> None:
    with store.session() as s:
        eng = create_user(
            s, workspace_id=workspace.id, email="e@example.com", role=Role.ENGINEER, password=None
        )
        with pytest.raises(PermissionDenied):
            create_dimension(s, workspace_id=workspace.id, key="area", user=eng)
        pm = create_user(
            s, workspace_id=workspace.id, email="p@example.com", role=Role.PRODUCT, password=None
        )
        create_dimension(s, workspace_id=workspace.id, key="area", user=pm)


def test_rename_and_move_keep_counts(store: Store, workspace: Workspace) -> None:
    _setup(store, workspace)
    with store.session() as s:
        c1 = conversation(s, workspace.id, "엑셀 내보내기가 안돼요")
        c2 = conversation(s, workspace.id, "export broken")
        for c in (c1, c2):
            assign_tag(s, workspace_id=workspace.id, conversation_id=c.id, tag="area/dashboard/export")
    with store.session() as s:
        rename_tag(s, workspace_id=workspace.id, tag="area/dashboard", name="reports")
    counts = _counts(store, workspace)
    assert counts["area/reports/export"] == (2, 2)
    assert "area/dashboard/export" not in counts
    with store.session() as s:
        move_tag(s, workspace_id=workspace.id, tag="area/reports", parent="area/billing")
        with pytest.raises(ValidationError):  # a cycle
            move_tag(s, workspace_id=workspace.id, tag="area/billing", parent="area/billing/reports/export")
        with pytest.raises(Conflict):
            rename_tag(s, workspace_id=workspace.id, tag="area/billing/refund", name="money-back")
    counts = _counts(store, workspace)
    assert counts["area/billing/reports/export"] == (2, 2)
    with store.session() as s:
        moved = get_tag(s, workspace_id=workspace.id, tag="area/billing/reports/export")
        parent = get_tag(s, workspace_id=workspace.id, tag="area/billing/reports")
        assert moved.parent_id == parent.id
        # Back to the top of the dimension.
        move_tag(s, workspace_id=workspace.id, tag="area/billing/reports", parent=None)
        assert get_tag(s, workspace_id=workspace.id, tag="area/reports/export").id == moved.id


def test_merge_does_not_double_count(store: Store, workspace: Workspace) -> None:
    _setup(store, workspace)
    with store.session() as s:
        admin = s.scalar(select(User).where(User.workspace_id == workspace.id))
        both = conversation(s, workspace.id, "환불해 주세요, money back please")
        only_src = conversation(s, workspace.id, "I want my money back")
        only_dst = conversation(s, workspace.id, "환불 요청")
        suggested_src = conversation(s, workspace.id, "refund?")
        ws_id = workspace.id
        assign_tag(s, workspace_id=ws_id, conversation_id=both.id, tag="area/billing/refund", user=admin)
        assign_tag(s, workspace_id=ws_id, conversation_id=both.id, tag="area/billing/money-back", user=admin)
        assign_tag(s, workspace_id=ws_id, conversation_id=only_src.id, tag="area/billing/money-back")
        assign_tag(s, workspace_id=ws_id, conversation_id=only_dst.id, tag="area/billing/refund")
        # The target only suggested on this one; the source was confirmed: confirmed wins.
        suggest_tag(
            s, workspace_id=ws_id, conversation_id=suggested_src.id, tag="area/billing/refund", origin="model"
        )
        assign_tag(s, workspace_id=ws_id, conversation_id=suggested_src.id, tag="area/billing/money-back")
    assert _counts(store, workspace)["area/billing/refund"] == (2, 2)
    assert _counts(store, workspace)["area/billing/money-back"] == (3, 3)
    with store.session() as s:
        merge_tag(s, workspace_id=ws_id, source="area/billing/money-back", target="area/billing/refund")
    counts = _counts(store, workspace)
    # both, only_src, only_dst, suggested_src: four conversations, each once.
    assert counts["area/billing/refund"] == (4, 4)
    assert counts["area/billing/money-back"] == (0, 0)
    with store.session() as s:
        old = get_tag(s, workspace_id=ws_id, tag="area/billing/money-back")
        new = get_tag(s, workspace_id=ws_id, tag="area/billing/refund")
        assert old.status == TagStatus.MERGED and old.merged_into_id == new.id
        assert resolve_tag(s, workspace_id=ws_id, tag=old.id).id == new.id
        rows = s.scalars(select(TagAssignment).where(TagAssignment.tag_id == new.id)).all()
        assert len(rows) == 4
        assert {r.status for r in rows} == {"confirmed"}
        with pytest.raises(ValidationError):
            assign_tag(s, workspace_id=ws_id, conversation_id=both.id, tag=old.id)
        # The tree hides merged tags by default and shows the counts once.
        tree = tag_tree(s, workspace_id=ws_id)
        billing = next(n for n in tree if n.path == "area/billing")
        assert [c.path for c in billing.children] == ["area/billing/refund"]
        assert billing.subtree_assignments == 4


def test_merge_moves_children(store: Store, workspace: Workspace) -> None:
    _setup(store, workspace)
    with store.session() as s:
        create_tag(s, workspace_id=workspace.id, path="area/reports/export")
        create_tag(s, workspace_id=workspace.id, path="area/reports/schedule")
        c = conversation(s, workspace.id, "export")
        assign_tag(s, workspace_id=workspace.id, conversation_id=c.id, tag="area/reports/export")
        assign_tag(s, workspace_id=workspace.id, conversation_id=c.id, tag="area/dashboard/export")
        merge_tag(s, workspace_id=workspace.id, source="area/reports", target="area/dashboard")
    counts = _counts(store, workspace)
    assert counts["area/dashboard/export"] == (1, 1)  # the twin child merged, not doubled
    assert counts["area/dashboard/schedule"] == (0, 0)  # the other child moved
    assert counts["area/reports/export"] == (0, 0)


def test_retire_keeps_history_and_past_counts(store: Store, workspace: Workspace) -> None:
    _setup(store, workspace)
    jan = BASE_TIME
    with store.session() as s:
        c1 = conversation(s, workspace.id, "엑셀", opened_at=jan)
        c2 = conversation(s, workspace.id, "엑셀", opened_at=jan + dt.timedelta(days=40))
        for c in (c1, c2):
            assign_tag(s, workspace_id=workspace.id, conversation_id=c.id, tag="area/dashboard/export")
        retire_tag(s, workspace_id=workspace.id, tag="area/dashboard/export")
        c3 = conversation(s, workspace.id, "엑셀")
        with pytest.raises(ValidationError):
            assign_tag(s, workspace_id=workspace.id, conversation_id=c3.id, tag="area/dashboard/export")
        assert (
            suggest_tag(
                s,
                workspace_id=workspace.id,
                conversation_id=c3.id,
                tag="area/dashboard/export",
                origin="rule",
            )
            is None
        )
        tag = get_tag(s, workspace_id=workspace.id, tag="area/dashboard/export")
        january = tag_counts(s, workspace_id=workspace.id, since=jan, until=jan + dt.timedelta(days=31))
        assert january[tag.id] == (1, 1)
        assert tag_counts(s, workspace_id=workspace.id)[tag.id] == (2, 2)
        dashboard = next(n for n in tag_tree(s, workspace_id=workspace.id) if n.path == "area/dashboard")
        assert dashboard.children[0].status == "retired" and dashboard.children[0].assignments == 2
        active = tag_tree(s, workspace_id=workspace.id, include_retired=False)
        assert next(n for n in active if n.path == "area/dashboard").children == []
        reactivate_tag(s, workspace_id=workspace.id, tag=tag.id)
        assign_tag(s, workspace_id=workspace.id, conversation_id=c3.id, tag=tag.id)


def test_yaml_round_trip_keeps_korean(store: Store, workspace: Workspace) -> None:
    _setup(store, workspace)
    with store.session() as s:
        update_tag(
            s,
            workspace_id=workspace.id,
            tag="area/billing/refund",
            description="환불 요청",
            examples=["환불해주세요"],
            patterns=[r"환불.{0,10}(언제|어떻게)"],
        )
        set_auto_confirm(s, workspace_id=workspace.id, tag="area/billing/refund", enabled=True)
        retire_tag(s, workspace_id=workspace.id, tag="area/billing/money-back")
        text = export_yaml(s, workspace_id=workspace.id)
    assert "환불 요청" in text and "\\u" not in text
    doc = yaml.safe_load(text)
    refund = next(t for t in doc["tags"] if t["path"] == "area/billing/refund")
    assert refund["keywords"] == ["환불"] and refund["auto_confirm"] is True

    # Into a fresh workspace: same document back.
    with store.session() as s:
        other = Workspace(slug="other", name="Other", settings={})
        s.add(other)
        s.flush()
        result = import_yaml(s, workspace_id=other.id, source=text)
        assert result.created == 5 and result.dimensions_created == 2 and result.retired == 1
        assert yaml.safe_load(export_yaml(s, workspace_id=other.id)) == doc
        # Idempotent: a second import changes nothing.
        again = import_yaml(s, workspace_id=other.id, source=text)
        assert again.created == 0 and again.updated == 0 and again.unchanged == 5
        assert yaml.safe_load(export_yaml(s, workspace_id=other.id)) == doc


def test_yaml_import_upserts_and_merges(store: Store, workspace: Workspace) -> None:
    _setup(store, workspace)
    doc = {
        "tags": [
            {"path": "area/billing/refund", "name_en": "Refunds"},
            {"path": "area/billing/money-back", "status": "merged", "merged_into": "area/billing/refund"},
            {"path": "sentiment/negative", "name_ko": "부정"},
        ]
    }
    with store.session() as s:
        r = import_yaml(s, workspace_id=workspace.id, source=yaml.safe_dump(doc, allow_unicode=True))
        assert (r.created, r.updated, r.merged, r.dimensions_created) == (1, 1, 1, 1)
        assert get_tag(s, workspace_id=workspace.id, tag="area/billing/refund").name_en == "Refunds"
        r2 = import_yaml(s, workspace_id=workspace.id, source=doc)
        assert (r2.created, r2.updated, r2.merged) == (0, 0, 0)
        with pytest.raises(ValidationError):
            import_yaml(s, workspace_id=workspace.id, source="tags: [{name: x}]")


def test_two_thousand_tags(store: Store, workspace: Workspace) -> None:
    doc = {
        "dimensions": [{"key": "area"}],
        "tags": [
            {"path": f"area/영역{i // 40:02d}/기능{i:04d}", "keywords": [f"기능{i}"]} for i in range(2000)
        ],
    }
    with store.session() as s:
        result = import_yaml(s, workspace_id=workspace.id, source=doc)
        assert result.created == 2050  # 2000 leaves and 50 implied parents
    with store.session() as s:
        c = conversation(s, workspace.id, "x")
        assign_tag(s, workspace_id=workspace.id, conversation_id=c.id, tag="area/영역49/기능1999")
    with store.session() as s:
        tree = tag_tree(s, workspace_id=workspace.id, language="ko")
        assert len(tree) == 50 and sum(len(n.children) for n in tree) == 2000
        assert tree[-1].subtree_assignments == 1
        assert s.scalar(select(Tag.id).where(Tag.path == "area/영역00/기능0000")) is not None


def test_cli_import_export_list(store: Store, workspace: Workspace, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from frontdoor.cli import cli

    src = tmp_path / "taxonomy.yaml"
    src.write_text(
        "dimensions:\n  - key: area\n    name_ko: 영역\ntags:\n"
        "  - path: area/billing/refund\n    name_ko: 환불\n    keywords: [환불, refund]\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    obj = {"settings": store.settings}
    first = runner.invoke(cli, ["taxonomy", "import", str(src)], obj=dict(obj))
    assert first.exit_code == 0, first.output
    assert "tags 2 new" in first.output
    again = runner.invoke(cli, ["taxonomy", "import", str(src), "--workspace", "acme"], obj=dict(obj))
    assert "tags 0 new, 0 updated, 1 unchanged" in again.output
    out = tmp_path / "out.yaml"
    exported = runner.invoke(cli, ["taxonomy", "export", "--output", str(out)], obj=dict(obj))
    assert exported.exit_code == 0
    assert "name_ko: 환불" in out.read_text(encoding="utf-8")
    listed = runner.invoke(cli, ["taxonomy", "list", "--json"], obj=dict(obj))
    rows = yaml.safe_load(listed.output)
    assert [r["path"] for r in rows] == ["area/billing", "area/billing/refund"]
