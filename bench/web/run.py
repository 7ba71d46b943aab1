# ruff: noqa: E501, S105  (long SQL statements; a throwaway password for the throwaway schema)
"""Web benchmark: p95 of the main pages with 1,000,000 conversations in PostgreSQL.

Creates a dedicated schema, migrates it, bulk-generates a realistic workspace with
``INSERT ... SELECT generate_series`` (Korean and English message text, a 60-tag taxonomy,
confirmed and suggested assignments over two years), then requests each page through the
real app (FastAPI ``TestClient``, signed in, full middleware and templates) and prints
p50/p95/max. The schema is dropped at the end unless ``--keep``.

Usage::

    .venv/bin/python bench/web/run.py                      # 1,000,000 conversations
    .venv/bin/python bench/web/run.py --conversations 100000 --requests 20
    .venv/bin/python bench/web/run.py --reuse bench_web    # measure an existing schema again

Environment: ``FRONTDOOR_BENCH_PG_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import text

from frontdoor.core.config import load_settings
from frontdoor.db import migrate
from frontdoor.db.engine import make_engine
from frontdoor.db.store import open_store
from frontdoor.workspace.setup import init_workspace

PG_URL = os.environ.get("FRONTDOOR_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "bench-password-123"

KO = [
    "지난달 결제한 금액 환불 가능할까요",
    "배송이 너무 늦어요 언제 도착하나요",
    "엑셀 내보내기가 안 돼요",
    "대시보드 로딩이 너무 느립니다",
    "쿠폰 적용이 안 됩니다",
    "정기결제 해지하고 싶어요",
    "세금계산서 발행 부탁드립니다",
    "카카오 알림톡 연동 방법 알려주세요",
    "상품 재고 연동이 안 맞아요",
    "주문 취소 후 환불이 아직 안 들어왔어요",
    "관리자 계정 추가는 어떻게 하나요",
    "네이버 스마트스토어 주문이 누락돼요",
    "요금제 변경하면 바로 적용되나요",
    "로그인이 자꾸 풀려요",
    "리뷰 위젯 디자인을 바꾸고 싶어요",
    "API 키 재발급 부탁드립니다",
]
EN = [
    "The CSV export times out for large date ranges",
    "Can we get a refund for last month",
    "Checkout page shows an error on mobile",
    "How do I add another admin to our account",
    "Shipping labels are printed twice",
    "The dashboard is very slow this morning",
    "Please cancel our subscription at the end of the term",
    "Our Shopify orders are not syncing",
]
AGENT = [
    "확인 후 안내드리겠습니다",
    "불편을 드려 죄송합니다",
    "Thanks, we are looking into it",
    "담당 부서에 전달했습니다",
]
AREAS = [
    "billing",
    "billing/refund",
    "billing/invoice",
    "billing/subscription",
    "shipping",
    "shipping/delay",
    "shipping/label",
    "dashboard",
    "dashboard/export",
    "dashboard/performance",
    "integrations",
    "integrations/kakao",
    "integrations/naver",
    "integrations/shopify",
    "account",
    "account/login",
    "account/admins",
    "coupons",
    "reviews",
    "inventory",
]


def _sql_array(items: list[str]) -> str:
    # Constant phrases written here, not user input: quoting is for the SQL literal only.
    return "ARRAY[" + ",".join("'" + s.replace("'", "''") + "'" for s in items) + "]"


def schema_url(schema: str) -> str:
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"


def generate(schema: str, n: int) -> None:
    """Create and fill ``schema`` with one workspace of ``n`` conversations."""
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    url = schema_url(schema)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    settings = load_settings(
        {"FRONTDOOR_DATABASE_URL": url, "FRONTDOOR_SECRET_KEY": "bench-secret-key-0123456789-abcdefghijkl"}
    )
    store = open_store(settings)
    with store.session() as s:
        ws = init_workspace(
            s,
            slug="bench",
            name="Bench",
            admin_email="admin@bench.example",
            admin_password=PASSWORD,
            language="ko",
        ).workspace
        wid = ws.id
    t0 = time.perf_counter()
    steps = [
        (
            "source",
            "INSERT INTO source (workspace_id, kind, name, settings, is_active, created_at) "
            "VALUES (:w, 'channeltalk', 'channel', '{}', true, now()), (:w, 'email', 'email', '{}', true, now())",
        ),
        (
            "accounts",
            "INSERT INTO account (workspace_id, name, arr, currency, stage, attributes, created_at, updated_at) "
            "SELECT :w, '고객사 ' || g, (g * 7919 % 500) * 1000000, 'KRW', 'csm', '{}', now(), now() "
            "FROM generate_series(1, 5000) g",
        ),
        (
            "dimensions",
            "INSERT INTO tag_dimension (workspace_id, key, name_ko, name_en, multi_label, position) "
            "VALUES (:w, 'area', '영역', 'Area', true, 0), (:w, 'type', '유형', 'Type', false, 1), "
            "(:w, 'sentiment', '감정', 'Sentiment', false, 2)",
        ),
    ]
    tag_rows = [(f"area/{p}", "area", p.split("/")[-1]) for p in AREAS]
    tag_rows += [
        (f"type/{t}", "type", t) for t in ("bug", "question", "feature-request", "complaint", "praise")
    ]
    tag_rows += [(f"sentiment/{t}", "sentiment", t) for t in ("negative", "neutral", "positive")]
    with store.engine.begin() as conn:
        for _name, sql in steps:
            conn.execute(text(sql), {"w": wid})
        for path, dim, name in tag_rows:
            conn.execute(
                text(
                    "INSERT INTO tag (workspace_id, path, dimension_id, name_ko, name_en, description, keywords, "
                    "patterns, examples, status, created_at, updated_at) SELECT :w, :p, d.id, :n, :n, '', '[]', "
                    "'[]', '[]', 'active', now(), now() FROM tag_dimension d WHERE d.workspace_id = :w AND d.key = :d"
                ),
                {"w": wid, "p": path, "n": name, "d": dim},
            )
        conn.execute(
            text(
                "UPDATE tag c SET parent_id = p.id FROM tag p WHERE c.workspace_id = :w AND p.workspace_id = :w "
                "AND p.path = regexp_replace(c.path, '/[^/]+$', '')"
            ),
            {"w": wid},
        )
        # Heavy indexes are built after the load: much faster than maintaining them per row.
        conn.execute(text("DROP INDEX IF EXISTS ix_message_text_trgm"))
        conn.execute(text("DROP INDEX IF EXISTS ix_conversation_subject_trgm"))
        conn.execute(text("SET LOCAL maintenance_work_mem = '1GB'"))
        src = conn.execute(
            text("SELECT min(id), max(id) FROM source WHERE workspace_id = :w"), {"w": wid}
        ).one()
        acc = conn.execute(
            text("SELECT min(id), max(id) FROM account WHERE workspace_id = :w"), {"w": wid}
        ).one()
        tags = conn.execute(
            text("SELECT min(id), max(id) FROM tag WHERE workspace_id = :w AND path LIKE 'area/%'"),
            {"w": wid},
        ).one()
        print(f"setup {time.perf_counter() - t0:.1f}s", flush=True)
        t1 = time.perf_counter()
        ko, en, agent = _sql_array(KO), _sql_array(EN), _sql_array(AGENT)
        # Conversations spread over two years, newest first; 80% Korean.
        conn.execute(
            text(
                f"""
                INSERT INTO conversation (workspace_id, source_id, external_id, account_id, channel, subject, status,
                    opened_at, closed_at, last_message_at, message_count, language, route, route_confirmed,
                    content_hash, attributes, created_at, updated_at)
                SELECT :w, CASE WHEN g % 5 = 0 THEN :s2 ELSE :s1 END, 'c' || g,
                    CASE WHEN g % 10 = 0 THEN NULL ELSE :a1 + (g * 2654435761 % (:a2 - :a1 + 1)) END,
                    CASE WHEN g % 5 = 0 THEN 'email' ELSE 'chat' END,
                    CASE WHEN g % 5 = 0 THEN 'Re: ' || ({en})[1 + g % {len(EN)}] ELSE '' END,
                    CASE WHEN g % 3 = 0 THEN 'open' ELSE 'closed' END,
                    now() - g * interval '63 seconds', NULL, now() - g * interval '63 seconds', 3,
                    CASE WHEN g % 5 = 0 THEN 'en' ELSE 'ko' END,
                    (ARRAY['support', 'sales', 'self-serve', 'partnership'])[1 + g % 4], false, '', '{{}}', now(), now()
                FROM generate_series(1, :n) g
                """
            ),
            {"w": wid, "s1": src[0], "s2": src[1], "a1": acc[0], "a2": acc[1], "n": n},
        )
        print(f"conversations {time.perf_counter() - t1:.1f}s", flush=True)
        t1 = time.perf_counter()
        # Three messages each: the customer's words (two phrases), an agent reply, a customer follow-up.
        conn.execute(
            text(
                f"""
                INSERT INTO message (workspace_id, conversation_id, source_id, external_id, author_kind, author_name,
                    is_internal, text, text_truncated, language, sent_at, content_hash, attributes, created_at,
                    updated_at)
                SELECT c.workspace_id, c.id, c.source_id, c.external_id || '-' || k,
                    CASE WHEN k = 2 THEN 'agent' ELSE 'customer' END, CASE WHEN k = 2 THEN '상담원' ELSE '' END,
                    k = 2 AND c.id % 17 = 0,
                    CASE WHEN k = 2 THEN ({agent})[1 + (c.id + k) % {len(AGENT)}] || '. 문의번호 ' || c.id
                         WHEN c.language = 'en' THEN ({en})[1 + (c.id * 31 + k) % {len(EN)}] || '. '
                              || ({en})[1 + (c.id * 7 + k * 3) % {len(EN)}] || ' (order ' || c.id || ')'
                         ELSE ({ko})[1 + (c.id * 31 + k) % {len(KO)}] || '. '
                              || ({ko})[1 + (c.id * 7 + k * 5) % {len(KO)}] || '. 주문번호 ' || c.id END,
                    false, c.language, c.opened_at + k * interval '2 minutes', '', '{{}}', now(), now()
                FROM conversation c CROSS JOIN generate_series(1, 3) k
                WHERE c.workspace_id = :w
                """
            ),
            {"w": wid},
        )
        print(f"messages {time.perf_counter() - t1:.1f}s", flush=True)
        t1 = time.perf_counter()
        # One confirmed area tag per conversation (skewed: low ids are common), a confirmed
        # sentiment on a third, and a model suggestion on 5%.
        conn.execute(
            text(
                """
                INSERT INTO tag_assignment (workspace_id, conversation_id, tag_id, scope, origin, confidence, status,
                    attributes, created_at, updated_at)
                SELECT c.workspace_id, c.id,
                    :t1 + floor(power((c.id * 2654435761 % 1000) / 1000.0, 2) * (:t2 - :t1 + 1))::int,
                    '', 'rule', 1.0, 'confirmed', '{}', now(), now()
                FROM conversation c WHERE c.workspace_id = :w
                """
            ),
            {"w": wid, "t1": tags[0], "t2": tags[1]},
        )
        conn.execute(
            text(
                """
                INSERT INTO tag_assignment (workspace_id, conversation_id, tag_id, scope, origin, confidence, status,
                    attributes, created_at, updated_at)
                SELECT c.workspace_id, c.id, t.id, '', 'model', 0.5 + (c.id % 50) / 100.0,
                    CASE WHEN c.id % 15 = 0 THEN 'suggested' ELSE 'confirmed' END, '{}', now(), now()
                FROM conversation c JOIN tag t ON t.workspace_id = c.workspace_id
                    AND t.path = (ARRAY['sentiment/negative', 'sentiment/neutral', 'sentiment/positive'])[1 + c.id % 3]
                WHERE c.workspace_id = :w AND c.id % 3 = 0
                """
            ),
            {"w": wid},
        )
        print(f"assignments {time.perf_counter() - t1:.1f}s", flush=True)
        t1 = time.perf_counter()
        opclass = conn.execute(
            text(
                "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                "WHERE e.extname = 'pg_trgm'"
            )
        ).scalar_one()
        conn.execute(
            text(f'CREATE INDEX ix_message_text_trgm ON message USING gin (text "{opclass}".gin_trgm_ops)')
        )
        conn.execute(
            text(
                f'CREATE INDEX ix_conversation_subject_trgm ON conversation USING gin (subject "{opclass}".gin_trgm_ops)'
            )
        )
        print(f"trigram indexes {time.perf_counter() - t1:.1f}s", flush=True)
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        t1 = time.perf_counter()
        conn.execute(text("VACUUM ANALYZE"))
        print(f"vacuum analyze {time.perf_counter() - t1:.1f}s", flush=True)
    store.close()


def measure(schema: str, requests: int) -> dict[str, list[float]]:
    """Time each page ``requests`` times through the app (after 3 warm-up requests)."""
    from fastapi.testclient import TestClient

    from frontdoor.web.app import create_app

    url = schema_url(schema)
    settings = load_settings(
        {"FRONTDOOR_DATABASE_URL": url, "FRONTDOOR_SECRET_KEY": "bench-secret-key-0123456789-abcdefghijkl"}
    )
    store = open_store(settings)
    with store.engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM conversation")).scalar_one()
        m = conn.execute(text("SELECT count(*) FROM message")).scalar_one()
        a = conn.execute(text("SELECT count(*) FROM tag_assignment")).scalar_one()
        tag_id = conn.execute(text("SELECT id FROM tag WHERE path = 'area/billing/refund'")).scalar_one()
    print(f"data: {n:,} conversations, {m:,} messages, {a:,} tag assignments", flush=True)
    results: dict[str, list[float]] = {}
    with TestClient(create_app(store)) as client:
        page = client.get("/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        signed = client.post(
            "/login",
            data={"email": "admin@bench.example", "password": PASSWORD, "csrf": csrf, "next": "/"},
            follow_redirects=False,
        )
        assert signed.status_code == 303, signed.text[:300]
        first = client.get("/conversations")
        cursor = re.search(r'cursor=([A-Za-z0-9_\-%]+)"', first.text)
        app = client.app
        cases = [
            ("conversation list", "/conversations", False),
            (
                "list page 2 (keyset)",
                f"/conversations?cursor={cursor.group(1)}" if cursor else "/conversations",
                False,
            ),
            ("search 환불 + tag filter", f"/conversations?q=%ED%99%98%EB%B6%88&tag={tag_id}", False),
            ("search 환불 (no filter)", "/conversations?q=%ED%99%98%EB%B6%88", False),
            (
                "search 세금계산서 + tag",
                f"/conversations?q=%EC%84%B8%EA%B8%88%EA%B3%84%EC%82%B0%EC%84%9C&tag={tag_id}",
                False,
            ),
            ("search no match (3+ chars)", "/conversations?q=%EB%B0%98%ED%92%88%EC%A0%95%EC%B1%85", False),
            ("taxonomy page", "/taxonomy", False),
            ("taxonomy page, cold cache", "/taxonomy", True),
        ]
        for name, path, cold in cases:
            for _ in range(3):
                assert client.get(path).status_code == 200
            times = []
            for _ in range(requests):
                if cold:
                    app.state.stats_cache.invalidate(1)  # type: ignore[attr-defined]
                t = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            results[name] = times
            rows = response.text.count('class="row"')
            q = statistics.quantiles(times, n=20)
            print(
                f"{name:30s} p50 {statistics.median(times):7.1f} ms  p95 {q[18]:7.1f} ms  "
                f"max {max(times):7.1f} ms  ({rows} rows)",
                flush=True,
            )
    store.close()
    return results


def main() -> int:
    """Generate, measure, clean up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--schema", default=f"bench_web_{os.getpid()}")
    parser.add_argument("--reuse", metavar="SCHEMA", help="measure an existing schema (no generation)")
    parser.add_argument("--keep", action="store_true", help="keep the schema afterwards")
    args = parser.parse_args()
    schema = args.reuse or args.schema
    try:
        if not args.reuse:
            t = time.perf_counter()
            generate(schema, args.conversations)
            print(f"generated in {time.perf_counter() - t:.0f}s", flush=True)
        measure(schema, args.requests)
    finally:
        if not (args.keep or args.reuse):
            admin = make_engine(PG_URL)
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    raise SystemExit(main())
