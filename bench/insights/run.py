# ruff: noqa: E501  (long SQL statements)
"""Insights benchmark: p50/p95 of tag trends, roadmap ranking and an item's quotes.

Builds on ``bench/web/run.py``'s generator (1,000,000 conversations, 3,000,000 messages,
1,333,333 tag assignments over two years in a dedicated PostgreSQL schema), then tops the
assignments up to 3,000,000 (a confirmed request type on every conversation, 10% of them
only suggested, and a second product area on two thirds), gives accounts plans, segments
and seats, and adds 20 roadmap items linked to tags. It then times the service calls the
pages and the API make, uncached (after 3 warm-up calls each), then the API and the pages
through the real app (bearer token, signed-in session, the app's 60 s stats cache), then
the three API answers again with every cached value stale (served while a background
refresh recomputes it), and prints p50/p95/max.

Usage::

    .venv/bin/python bench/insights/run.py                          # generate, measure, drop
    .venv/bin/python bench/insights/run.py --schema bench_insights --keep
    .venv/bin/python bench/insights/run.py --reuse bench_insights   # measure again

``--reuse`` migrates the kept schema to the current head first, so indexes added since
the generation are built before measuring.

Environment: ``FRONTDOOR_BENCH_PG_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from frontdoor.core.config import load_settings  # noqa: E402
from frontdoor.db import migrate  # noqa: E402
from frontdoor.db.engine import make_engine  # noqa: E402
from frontdoor.db.store import open_store  # noqa: E402

ROADMAP = [
    ("환불 처리 자동화", ["area/billing/refund"]),
    ("세금계산서 자동 발행", ["area/billing/invoice"]),
    ("정기결제 해지 셀프서비스", ["area/billing/subscription"]),
    ("배송 지연 알림", ["area/shipping/delay"]),
    ("송장 중복 출력 방지", ["area/shipping/label"]),
    ("대용량 CSV 내보내기", ["area/dashboard/export"]),
    ("대시보드 성능 개선", ["area/dashboard/performance"]),
    ("카카오 알림톡 연동 개선", ["area/integrations/kakao"]),
    ("네이버 주문 동기화", ["area/integrations/naver"]),
    ("Shopify sync v2", ["area/integrations/shopify"]),
    ("로그인 유지 개선", ["area/account/login"]),
    ("관리자 권한 관리", ["area/account/admins"]),
    ("쿠폰 엔진 재작성", ["area/coupons"]),
    ("리뷰 위젯 커스터마이징", ["area/reviews"]),
    ("재고 연동 정확도", ["area/inventory"]),
    ("Billing overhaul", ["area/billing"]),
    ("Integrations hub", ["area/integrations"]),
    ("Feature request inbox", ["type/feature-request"]),
    ("Bug bash Q3", ["type/bug", "sentiment/negative"]),
    ("Dashboard 2.0", ["area/dashboard", "type/complaint"]),
]


def _web_bench() -> ModuleType:
    """``bench/web/run.py`` as a module: its generator is reused as is."""
    spec = importlib.util.spec_from_file_location("bench_web_run", ROOT / "bench" / "web" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generate(schema: str, n: int) -> None:
    """The web bench's data, topped up to three tag assignments per conversation."""
    web = _web_bench()
    web.generate(schema, n)
    engine = make_engine(web.schema_url(schema))
    with engine.begin() as conn:
        wid = conn.execute(text("SELECT id FROM workspace WHERE slug = 'bench'")).scalar_one()
        t = time.perf_counter()
        conn.execute(
            text(
                "UPDATE account SET plan = (ARRAY['free', 'starter', 'pro', 'enterprise'])[1 + id % 4], "
                "segment = (ARRAY['smb', 'mid-market', 'enterprise'])[1 + id % 3], seats = 1 + id * 37 % 400 "
                "WHERE workspace_id = :w"
            ),
            {"w": wid},
        )
        area = conn.execute(
            text("SELECT min(id), max(id) FROM tag WHERE workspace_id = :w AND path LIKE 'area/%'"),
            {"w": wid},
        ).one()
        kinds = conn.execute(
            text("SELECT min(id), max(id) FROM tag WHERE workspace_id = :w AND path LIKE 'type/%'"),
            {"w": wid},
        ).one()
        # A request type on every conversation (10% only suggested by the model).
        conn.execute(
            text(
                """
                INSERT INTO tag_assignment (workspace_id, conversation_id, tag_id, scope, origin, confidence, status,
                    attributes, created_at, updated_at)
                SELECT c.workspace_id, c.id, :k1 + (c.id * 40503 % (:k2 - :k1 + 1)), '', 'model', 0.9,
                    CASE WHEN c.id % 10 = 0 THEN 'suggested' ELSE 'confirmed' END, '{}', now(), now()
                FROM conversation c WHERE c.workspace_id = :w
                """
            ),
            {"w": wid, "k1": kinds[0], "k2": kinds[1]},
        )
        # A second, different product area on two conversations in three.
        conn.execute(
            text(
                """
                INSERT INTO tag_assignment (workspace_id, conversation_id, tag_id, scope, origin, confidence, status,
                    attributes, created_at, updated_at)
                SELECT c.workspace_id, c.id,
                    :t1 + (floor(power((c.id * 2654435761 % 1000) / 1000.0, 2) * (:t2 - :t1 + 1))::int + 7)
                        % (:t2 - :t1 + 1),
                    '', 'human', NULL, 'confirmed', '{}', now(), now()
                FROM conversation c WHERE c.workspace_id = :w AND c.id % 3 <> 0
                """
            ),
            {"w": wid, "t1": area[0], "t2": area[1]},
        )
        print(f"extra assignments {time.perf_counter() - t:.1f}s", flush=True)
        for i, (title, paths) in enumerate(ROADMAP):
            item_id = conn.execute(
                text(
                    "INSERT INTO roadmap_item (workspace_id, title, description, status, external_url, "
                    "strategic_weight, created_at, updated_at) VALUES (:w, :t, '', :s, :u, :g, now(), now()) "
                    "RETURNING id"
                ),
                {
                    "w": wid,
                    "t": title,
                    "s": ("idea", "planned", "building", "shipped")[i % 4],
                    "u": f"https://github.com/acme/app/issues/{100 + i}",
                    "g": (0.5, 1.0, 1.5, 2.0, 3.0)[i % 5],
                },
            ).scalar_one()
            for path in paths:
                conn.execute(
                    text(
                        "INSERT INTO roadmap_item_tag (roadmap_item_id, tag_id) "
                        "SELECT :i, id FROM tag WHERE workspace_id = :w AND path = :p"
                    ),
                    {"i": item_id, "w": wid, "p": path},
                )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        t = time.perf_counter()
        conn.execute(
            text("VACUUM ANALYZE conversation, tag_assignment, account, tag, roadmap_item_tag, tag_fact")
        )
        print(f"vacuum analyze {time.perf_counter() - t:.1f}s", flush=True)
    engine.dispose()


def _time(name: str, call: Callable[[], Any], requests: int) -> list[float]:
    for _ in range(3):
        call()
    times = []
    for _ in range(requests):
        t = time.perf_counter()
        call()
        times.append((time.perf_counter() - t) * 1000)
    q = statistics.quantiles(times, n=20, method="inclusive")
    print(
        f"{name:44s} p50 {statistics.median(times):7.1f} ms  p95 {q[18]:7.1f} ms  max {max(times):7.1f} ms",
        flush=True,
    )
    return times


def measure(schema: str, requests: int, cold_requests: int) -> dict[str, list[float]]:
    """Time the insights service calls on ``schema`` (migrated to head first)."""
    from frontdoor.conversations.filters import ConversationFilters
    from frontdoor.insights.movers import movers
    from frontdoor.insights.tag_trends import dimension_trend, tag_trend
    from frontdoor.roadmap.demand import ranked_items
    from frontdoor.roadmap.quotes import item_quotes

    web = _web_bench()
    url = web.schema_url(schema)
    engine = make_engine(url)
    t = time.perf_counter()
    migrate.upgrade(engine)
    # A schema generated before migration 0005 gained its indexes: build any still missing.
    spec = importlib.util.spec_from_file_location(
        "m0005", ROOT / "src/frontdoor/db/migrations/versions/0005_insights_aggregates_and_roadmap.py"
    )
    assert spec is not None and spec.loader is not None
    m0005 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m0005)
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        for name, table, columns in m0005.INDEXES:
            conn.execute(text(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({', '.join(columns)})"))
    print(f"migrate to head {time.perf_counter() - t:.1f}s", flush=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # Only this schema's tables (a bare VACUUM would visit every schema of the database).
        conn.execute(
            text("VACUUM ANALYZE conversation, tag_assignment, account, tag, roadmap_item_tag, tag_fact")
        )
    engine.dispose()
    settings = load_settings(
        {"FRONTDOOR_DATABASE_URL": url, "FRONTDOOR_SECRET_KEY": "bench-secret-key-0123456789-abcdefghijkl"}
    )
    store = open_store(settings)
    with store.engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM conversation")).scalar_one()
        a = conn.execute(text("SELECT count(*) FROM tag_assignment")).scalar_one()
        wid = conn.execute(text("SELECT id FROM workspace WHERE slug = 'bench'")).scalar_one()
        tag_id = conn.execute(text("SELECT id FROM tag WHERE path = 'area/billing'")).scalar_one()
        leaf_id = conn.execute(text("SELECT id FROM tag WHERE path = 'area/billing/refund'")).scalar_one()
        dim_id = conn.execute(text("SELECT id FROM tag_dimension WHERE key = 'area'")).scalar_one()
        item_id = conn.execute(
            text("SELECT min(id) FROM roadmap_item WHERE workspace_id = :w"), {"w": wid}
        ).scalar_one()
    print(f"data: {n:,} conversations, {a:,} tag assignments", flush=True)
    results: dict[str, list[float]] = {}
    print(f"-- service calls, no cache ({cold_requests} calls each)", flush=True)
    cases: list[tuple[str, Callable[[Any], Any]]] = [
        (
            "tag trend, area/billing, 12 weeks",
            lambda s: tag_trend(s, workspace_id=wid, tag_id=tag_id, period="week"),
        ),
        (
            "tag trend, area/billing/refund, 12 months",
            lambda s: tag_trend(s, workspace_id=wid, tag_id=leaf_id, period="month"),
        ),
        (
            "tag trend, refund, plan=pro, ko, 12 weeks",
            lambda s: tag_trend(
                s,
                workspace_id=wid,
                tag_id=leaf_id,
                period="week",
                filters=ConversationFilters(plan="pro", language="ko"),
            ),
        ),
        (
            "dimension breakdown, area, 12 weeks",
            lambda s: dimension_trend(s, workspace_id=wid, dimension_id=dim_id, period="week"),
        ),
        ("rising and falling tags", lambda s: movers(s, workspace_id=wid)),
        ("roadmap ranking (20 items)", lambda s: ranked_items(s, workspace_id=wid)),
        ("item quotes, first page", lambda s: item_quotes(s, workspace_id=wid, item_id=item_id)),
    ]
    for name, call in cases if cold_requests else []:

        def once(call: Callable[[Any], Any] = call) -> None:
            with store.session() as s:
                call(s)

        results["service: " + name] = _time(name, once, cold_requests)
    results.update(measure_app(store, wid=wid, tag_id=tag_id, item_id=item_id, requests=requests))
    store.close()
    return results


def measure_app(store: Any, *, wid: int, tag_id: int, item_id: int, requests: int) -> dict[str, list[float]]:
    """Time the API and pages through the real app (token, session, cache, templates)."""
    import re

    from fastapi.testclient import TestClient

    from frontdoor.web.app import create_app
    from frontdoor.web.cache import StatsCache
    from frontdoor.workspace.api_tokens import create_token

    with store.session() as s:
        token = create_token(s, workspace_id=wid, user_id=None, name="bench", scopes=["read"])[1]
    headers = {"Authorization": f"Bearer {token}"}
    results: dict[str, list[float]] = {}
    app = create_app(store)
    with TestClient(app) as client:
        page = client.get("/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        signed = client.post(
            "/login",
            data={
                "email": "admin@bench.example",
                "password": _web_bench().PASSWORD,
                "csrf": csrf,
                "next": "/",
            },
            follow_redirects=False,
        )
        assert signed.status_code == 303, signed.text[:300]
        cases = [
            ("API tag trend, 12 weeks", f"/api/v1/insights/trend?tag_id={tag_id}", True),
            ("API roadmap ranking", "/api/v1/roadmap", True),
            ("API item quotes", f"/api/v1/roadmap/{item_id}/quotes", True),
            ("page /insights?tag=", f"/insights?tag={tag_id}", False),
            ("page /roadmap", "/roadmap", False),
            ("page /roadmap/ID", f"/roadmap/{item_id}", False),
        ]
        print(f"-- through the app, counts cached (after 3 warm-ups; {requests} requests each)", flush=True)
        for name, path, api in cases:

            def get(path: str = path, api: bool = api) -> None:
                response = client.get(path, headers=headers if api else None)
                assert response.status_code == 200, (path, response.status_code, response.text[:200])

            results["app: " + name] = _time(name, get, requests)
        # Every value expired (ttl 0): each request is served the last value while one
        # background refresh per value recomputes it (it competes for the same cores).
        stale = StatsCache(ttl=0.0)
        app.state.stats_cache = stale
        print(f"-- through the app, every value stale, refreshed in the background ({requests} each)")
        for name, path, api in cases[:3]:

            def get_stale(path: str = path, api: bool = api) -> None:
                response = client.get(path, headers=headers if api else None)
                assert response.status_code == 200, (path, response.status_code, response.text[:200])

            results["app stale: " + name] = _time(name + ", stale", get_stale, requests)
            stale.join(120)
    return results


def main() -> int:
    """Generate, measure, clean up."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--conversations", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50, help="requests per case through the app")
    parser.add_argument(
        "--cold-requests", type=int, default=20, help="uncached service calls per case (0: skip them)"
    )
    parser.add_argument("--schema", default=f"bench_insights_{os.getpid()}")
    parser.add_argument("--reuse", metavar="SCHEMA", help="measure an existing schema (no generation)")
    parser.add_argument("--keep", action="store_true", help="keep the schema afterwards")
    parser.add_argument("--generate-only", action="store_true", help="generate (and keep), do not measure")
    args = parser.parse_args()
    schema = args.reuse or args.schema
    keep = args.keep or args.reuse or args.generate_only
    try:
        if not args.reuse:
            t = time.perf_counter()
            generate(schema, args.conversations)
            print(f"generated in {time.perf_counter() - t:.0f}s", flush=True)
        if not args.generate_only:
            measure(schema, args.requests, args.cold_requests)
    finally:
        if not keep:
            admin = make_engine(
                os.environ.get("FRONTDOOR_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
            )
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
