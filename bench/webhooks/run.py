"""Webhook burst benchmark: 1,000 Channel Talk deliveries at 200/s against ``frontdoor serve``.

For each backend it sets up a fresh database (SQLite: a new home directory; PostgreSQL: a
new schema, dropped afterwards) with one workspace and one Channel Talk source, starts
``frontdoor serve`` on a loopback port (and, on PostgreSQL, ``frontdoor worker``), then
sends N distinct tokened deliveries (messages spread over N/10 chats, Korean and English)
open-loop at a fixed rate from a small thread pool. Every request's acknowledge time is
recorded, and, as a baseline for the machine's state, the same number of ``GET /healthz``
at the same rate just before. After the burst it polls the database (bounded wait) until every delivery is
processed and checks that nothing was lost: every delivery acknowledged with 200, stored
once, ``done``, and every conversation and message present. It also checks that the
token never appears in the server's log. Loopback only; it stops by itself.

Usage::

    .venv/bin/python bench/webhooks/run.py                         # SQLite and PostgreSQL
    .venv/bin/python bench/webhooks/run.py --backends sqlite --count 1000 --rate 200

Prints one JSON line per backend (p50/p99/max acknowledge ms, drain time, checks).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN = os.environ.get("FRONTDOOR_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
FRONTDOOR = str(Path(sys.executable).parent / "frontdoor")
TOKEN = "bench-token-" + "".join(random.Random(7).choices("abcdef0123456789", k=24))
SECRET_KEY = "bench-secret-key-that-is-long-enough-0123456789"  # noqa: S105 (throwaway bench home)

KO = [
    "세금계산서 발행 일정 문의드립니다.",
    "대시보드에서 엑셀 다운로드가 안 됩니다.",
    "결제 페이지에서 카드 승인이 계속 실패해요.",
    "팀원 초대 메일이 오지 않아요.",
    "스마트스토어 연동이 끊겼습니다.",
]
EN = [
    "The CSV export times out on large orders.",
    "Can we get SSO with Okta on the Pro plan?",
    "Invoices show the wrong VAT number.",
    "Webhook to our ERP stopped firing yesterday.",
]


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def delivery(i: int, chats: int) -> bytes:
    """The i-th Channel Talk ``message`` webhook body (distinct message id)."""
    rng = random.Random(i)
    chat = f"benchchat{i % chats:05d}"
    user = f"benchuser{i % chats:05d}"
    text = rng.choice(KO + EN) + f" (#{i})"
    created = 1716543210123 + i * 1000
    return json.dumps(
        {
            "event": "push",
            "type": "message",
            "entity": {
                "id": f"benchmsg{i:08d}",
                "chatKey": f"userChat-{chat}",
                "chatType": "userChat",
                "chatId": chat,
                "channelId": "123456",
                "personType": "user",
                "personId": user,
                "createdAt": created,
                "state": "sent",
                "blocks": [{"type": "text", "value": text}],
                "plainText": text,
            },
            "refers": {
                "user": {
                    "id": user,
                    "memberId": f"acct-{i % chats}",
                    "type": "member",
                    "name": f"고객 {i % chats}",
                    "profile": {"email": f"user{i % chats}@example.co.kr", "company": f"회사 {i % 37}"},
                },
                "userChat": {"id": chat, "channelId": "123456", "userId": user, "state": "opened"},
            },
        },
        ensure_ascii=False,
    ).encode()


def setup_database(env: dict[str, str]) -> int:
    """Migrate, create the workspace and the Channel Talk source; return the source id."""
    subprocess.run([FRONTDOOR, "db", "upgrade"], env=env, check=True, capture_output=True)
    from frontdoor.core.config import load_settings
    from frontdoor.db.store import open_store
    from frontdoor.ingest.sources import get_or_create_source
    from frontdoor.workspace.setup import init_workspace

    store = open_store(load_settings(env))
    try:
        with store.session() as session:
            ws = init_workspace(
                session,
                slug="bench",
                name="Bench",
                admin_email="bench@example.com",
                admin_password="bench-password-123",  # noqa: S106 (throwaway bench home)
                language="ko",
            ).workspace
            source = get_or_create_source(session, workspace_id=ws.id, kind="channeltalk", name="채널톡")
            source.webhook_secret = TOKEN
            session.flush()
            return int(source.id)
    finally:
        store.close()


def database_state(env: dict[str, str]) -> dict[str, Any]:
    """Counts of deliveries per status, conversations and messages."""
    from sqlalchemy import func, select

    from frontdoor.core.config import load_settings
    from frontdoor.db.store import open_store
    from frontdoor.models import Conversation, Message, WebhookDelivery

    store = open_store(load_settings(env))
    try:
        with store.session() as session:
            statuses = dict(
                session.execute(
                    select(WebhookDelivery.status, func.count()).group_by(WebhookDelivery.status)
                ).all()
            )
            return {
                "deliveries": {str(getattr(k, "value", k)): int(v) for k, v in statuses.items()},
                "conversations": int(session.scalar(select(func.count()).select_from(Conversation)) or 0),
                "messages": int(session.scalar(select(func.count()).select_from(Message)) or 0),
            }
    finally:
        store.close()


def wait_http(url: str, timeout: float = 60.0) -> None:
    """Wait until ``url`` answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server at {url} did not come up")


def burst(
    base: str, source_id: int | None, *, count: int, rate: float, chats: int
) -> list[tuple[int, float]]:
    """Send ``count`` deliveries open-loop at ``rate``/s; return (status, ack seconds) each.

    ``source_id=None`` sends ``GET /healthz`` instead: the same load without the webhook
    work, a baseline for what the machine gives any request at that moment.
    """
    url = f"{base}/hooks/{source_id}?token={quote(TOKEN)}" if source_id is not None else f"{base}/healthz"
    bodies = [delivery(i, chats) for i in range(count)] if source_id is not None else []
    results: list[tuple[int, float]] = [(0, 0.0)] * count
    local = threading.local()

    def client() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = httpx.Client(timeout=30)
        c: httpx.Client = local.client
        return c

    start = time.perf_counter()

    def send(i: int) -> None:
        # Open loop: request i leaves at start + i/rate whatever happened to earlier ones.
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        t0 = time.perf_counter()
        try:
            if source_id is None:
                status = client().get(url).status_code
            else:
                answer = client().post(url, content=bodies[i], headers={"content-type": "application/json"})
                status = answer.status_code
        except httpx.HTTPError:
            status = -1
        results[i] = (status, time.perf_counter() - t0)

    with cf.ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(send, range(count)))
    return results


def run_backend(backend: str, *, count: int, rate: float, drain_timeout: float) -> dict[str, Any]:
    """One full run on ``backend``; returns the figures and checks."""
    home = Path(tempfile.mkdtemp(prefix=f"fd-bench-hooks-{backend}-"))
    schema = f"bench_hooks_{os.getpid()}"
    env = dict(
        os.environ, FRONTDOOR_HOME=str(home), FRONTDOOR_SECRET_KEY=SECRET_KEY, FRONTDOOR_LOG_LEVEL="INFO"
    )
    admin = None
    if backend == "sqlite":
        env["FRONTDOOR_DATABASE_URL"] = f"sqlite:///{home / 'frontdoor.db'}"
    else:
        from sqlalchemy import text

        from frontdoor.db.engine import make_engine

        admin = make_engine(PG_ADMIN)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}_queue" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in PG_ADMIN else "?"
        env["FRONTDOOR_DATABASE_URL"] = f"{PG_ADMIN}{sep}options={quote(f'-csearch_path={schema}')}"
    procs: list[subprocess.Popen[bytes]] = []
    log_path = home / "server.log"
    try:
        source_id = setup_database(env)
        port = free_port()
        log = open(log_path, "wb")  # noqa: SIM115 (closed in finally through the process list)
        procs.append(
            subprocess.Popen(
                [FRONTDOOR, "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        if backend == "postgresql":
            procs.append(
                subprocess.Popen(
                    [FRONTDOOR, "worker", "--concurrency", "2"], env=env, stdout=log, stderr=subprocess.STDOUT
                )
            )
        base = f"http://127.0.0.1:{port}"
        wait_http(f"{base}/healthz")
        chats = max(1, count // 10)
        baseline = sorted(s for _status, s in burst(base, None, count=count, rate=rate, chats=chats))
        t0 = time.perf_counter()
        results = burst(base, source_id, count=count, rate=rate, chats=chats)
        sent_s = time.perf_counter() - t0
        # Bounded wait for the background work to finish.
        deadline = time.monotonic() + drain_timeout
        state = database_state(env)
        while time.monotonic() < deadline and state["deliveries"].get("done", 0) < count:
            if state["deliveries"].get("failed", 0) and not state["deliveries"].get("pending", 0):
                break
            time.sleep(0.5)
            state = database_state(env)
        drained_s = time.perf_counter() - t0
        acks = sorted(s for _status, s in results)
        statuses: dict[str, int] = {}
        for status, _s in results:
            statuses[str(status)] = statuses.get(str(status), 0) + 1
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(30)
        log.close()
        server_log = log_path.read_text(errors="replace")
        figures = {
            "backend": backend,
            "count": count,
            "rate_per_s": rate,
            "sent_in_s": round(sent_s, 2),
            "ack_p50_ms": round(1000 * statistics.median(acks), 1),
            "ack_p99_ms": round(1000 * acks[min(len(acks) - 1, int(0.99 * len(acks)))], 1),
            "ack_max_ms": round(1000 * acks[-1], 1),
            "all_processed_after_s": round(drained_s, 1),
            "baseline_healthz_p50_ms": round(1000 * statistics.median(baseline), 1),
            "baseline_healthz_p99_ms": round(
                1000 * baseline[min(len(baseline) - 1, int(0.99 * len(baseline)))], 1
            ),
            "load_average_1m": round(os.getloadavg()[0], 1),
            "cpus": os.cpu_count(),
            "http_statuses": statuses,
            "state": state,
            "checks": {
                "all_acknowledged_200": statuses == {"200": count},
                "stored_once_and_done": state["deliveries"] == {"done": count},
                "no_message_lost": state["messages"] == count,
                "all_conversations": state["conversations"] == chats,
                "token_not_in_server_log": TOKEN not in server_log,
            },
        }
        return figures
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        if admin is not None:
            from sqlalchemy import text

            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}_queue" CASCADE'))
            admin.dispose()
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    """Parse arguments, run each backend, print one JSON line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=200.0, help="deliveries per second")
    parser.add_argument("--drain-timeout", type=float, default=600.0, help="seconds to wait for processing")
    args = parser.parse_args()
    failed = False
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        figures = run_backend(backend, count=args.count, rate=args.rate, drain_timeout=args.drain_timeout)
        print(json.dumps(figures, ensure_ascii=False), flush=True)
        failed = failed or not all(figures["checks"].values())
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
