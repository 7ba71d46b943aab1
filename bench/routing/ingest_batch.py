"""Routing time of one ingest batch: the ConversationsIngested handler over new conversations.

Imports the first ``--conversations`` conversations (five messages each, so 1,000 is one
5,000-message ingest batch) of ``bench/out/ingest-<N>.jsonl`` (written by
``bench/ingest/run.py``) without subscribers, then times routing's ingest handler over all
of them (every route is new: one event and one conversation update each), and again
(every route unchanged). SQLite and PostgreSQL (a database created and dropped here).

Usage::

    .venv/bin/python bench/ingest/run.py --messages 50000 --backends sqlite --no-reimport
    .venv/bin/python bench/routing/ingest_batch.py
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN = os.environ.get("FRONTDOOR_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _time_handler(url: str, home: Path) -> tuple[float, float, int]:
    from sqlalchemy import select

    from frontdoor.core.config import load_settings
    from frontdoor.core.events import ConversationsIngested
    from frontdoor.db.store import open_store
    from frontdoor.models import Conversation, RouteEvent, Workspace
    from frontdoor.routing import assign as routing

    env = {**os.environ, "FRONTDOOR_DATABASE_URL": url, "FRONTDOOR_HOME": str(home)}
    store = open_store(load_settings(env))
    try:
        with store.session() as s:
            ws = s.scalars(select(Workspace.id)).one()
            ids = list(s.scalars(select(Conversation.id).where(Conversation.workspace_id == ws)))
        times = []
        for _ in range(2):
            t0 = time.perf_counter()
            routing.on_conversations_ingested(store, ConversationsIngested(ws, tuple(ids)))
            times.append(time.perf_counter() - t0)
        with store.session() as s:
            events = len(s.scalars(select(RouteEvent.id)).all())
        return times[0], times[1], events
    finally:
        store.engine.dispose()


def bench(url: str, data: Path, home: Path) -> None:
    env = {
        **os.environ,
        "FRONTDOOR_DATABASE_URL": url,
        "FRONTDOOR_HOME": str(home),
        "FRONTDOOR_SECRET_KEY": "bench-secret-key-0123456789-0123456789",
        "FRONTDOOR_ADMIN_PASSWORD": "bench-password-123",
    }
    fd = str(Path(sys.executable).parent / "frontdoor")
    subprocess.run(
        [fd, "init", "--workspace", "bench", "--admin-email", "a@bench.example"],
        env=env,
        check=True,
        capture_output=True,
    )
    # Without subscribers: the import alone, so routing below sees every conversation new.
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from frontdoor.cli import cli; cli(sys.argv[1:])",
            "import",
            "jsonl",
            str(data),
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    first, again, events = _time_handler(url, home)
    print(
        f"  {events:,} conversations: new routes {first:.2f} s, re-run (unchanged) {again:.2f} s", flush=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--source", type=Path, default=ROOT / "bench" / "out" / "ingest-50000.jsonl")
    parser.add_argument("--conversations", type=int, default=1000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="fd-route-batch-"))
    data = tmp / "batch.jsonl"
    with args.source.open(encoding="utf-8") as src, data.open("w", encoding="utf-8") as out:
        for i, line in enumerate(src):
            if i >= args.conversations:
                break
            out.write(line)
    try:
        for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
            print(f"{backend}, load {os.getloadavg()[0]:.1f}:", flush=True)
            home = Path(tempfile.mkdtemp(prefix=f"{backend}-", dir=tmp))
            if backend == "sqlite":
                bench(f"sqlite:///{home / 'bench.db'}", data, home)
                continue
            from sqlalchemy import create_engine, text

            db = f"fd_route_batch_{os.getpid()}"
            admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{db}"'))
                conn.execute(text(f'CREATE DATABASE "{db}"'))
            try:
                bench(PG_ADMIN.rsplit("/", 1)[0] + f"/{db}", data, home)
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
                admin.dispose()

    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
