"""Ingestion benchmark: generate a JSONL export, import it with ``frontdoor import jsonl``.

Generates N messages (default 1,000,000, about five per conversation, Korean and English
text with some PII to redact, ~2,000 companies, ~40,000 people) into ``bench/out/``,
then imports the file into a fresh SQLite database and into a fresh PostgreSQL database
(created and dropped by this script), each in its own ``frontdoor`` subprocess so the
peak memory (``ru_maxrss`` of that process, from ``wait4``) is the importer's alone.
A second import of the same file measures the idempotent "everything unchanged" path.

Usage::

    .venv/bin/python bench/ingest/run.py                      # 1,000,000 messages
    .venv/bin/python bench/ingest/run.py --messages 50000     # a quick run
    .venv/bin/python bench/ingest/run.py --backends sqlite --no-reimport

Prints one line per run: messages/s and peak RSS in MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bench" / "out"
PG_ADMIN = os.environ.get("FRONTDOOR_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

KO_OPENERS = [
    "안녕하세요.",
    "문의드립니다.",
    "급하게 여쭤봅니다.",
    "담당자님 안녕하세요,",
    "수고 많으십니다.",
]
KO_ISSUES = [
    "대시보드에서 엑셀 다운로드가 안 됩니다",
    "세금계산서 발행 일정이 궁금합니다",
    "결제 페이지에서 카드 승인이 계속 실패해요",
    "팀원 초대 메일이 오지 않아요",
    "주문 {n}건이 누락되어 있습니다",
    "API 호출이 {n}초 이상 걸려요",
    "스마트스토어 연동이 끊겼습니다",
    "정기결제 해지하고 싶어요",
    "상품 일괄 등록 시 오류가 납니다",
    "알림톡 발송이 지연되고 있어요",
]
KO_CLOSERS = [
    "확인 부탁드립니다.",
    "빠른 답변 부탁드려요.",
    "감사합니다.",
    "연락처는 010-{a}-{b} 입니다.",
    "",
]
EN_ISSUES = [
    "The CSV export times out for large date ranges",
    "We were charged twice this month",
    "How do I add a new admin to our workspace?",
    "Webhook deliveries fail with a 401 since yesterday",
    "Can we get SSO with Okta on the business plan?",
    "The mobile app crashes when uploading {n} photos",
]
AGENT_KO = [
    "확인해 보겠습니다. 잠시만 기다려 주세요.",
    "불편을 드려 죄송합니다.",
    "해결되었습니다. 다시 시도해 주세요.",
]
AGENT_EN = ["Thanks, we're looking into it.", "Sorry for the trouble!", "This is fixed now, please retry."]


def generate(path: Path, messages: int, per_conv: int = 5, seed: int = 7) -> int:
    """Write ``messages`` messages as nested-conversation JSONL; return the count written."""
    rng = random.Random(seed)
    companies = max(10, messages // 500)
    people = max(20, messages // 25)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC).timestamp()
    written = 0
    conv = 0
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        while written < messages:
            conv += 1
            n = min(messages - written, rng.randint(max(1, per_conv - 3), per_conv + 3))
            person = rng.randrange(people)
            company = person % companies
            english = company % 5 == 0
            free = person % 11 == 0
            email = f"user{person}@{'gmail.com' if free else f'company{company}.co.kr'}"
            t = start + rng.random() * 300 * 86400
            msgs = []
            for i in range(n):
                customer = i % 2 == 0
                if customer:
                    if english:
                        text = rng.choice(EN_ISSUES).format(n=rng.randint(2, 99)) + ". Please help."
                    else:
                        text = " ".join(
                            [
                                rng.choice(KO_OPENERS),
                                rng.choice(KO_ISSUES).format(n=rng.randint(2, 99)) + ".",
                                rng.choice(KO_CLOSERS).format(
                                    a=rng.randint(1000, 9999), b=rng.randint(1000, 9999)
                                ),
                            ]
                        ).strip()
                else:
                    text = rng.choice(AGENT_EN if english else AGENT_KO)
                t += rng.randint(30, 3600)
                msgs.append(
                    {
                        "message_id": f"m{conv}-{i}",
                        "created_at": int(t * 1000),
                        "author_kind": "customer" if customer else "agent",
                        "author_name": f"고객{person}" if customer else "상담사",
                        "text": text,
                    }
                )
            obj = {
                "conversation_id": f"c{conv}",
                "subject": msgs[0]["text"][:40],
                "channel": "chat",
                "status": "closed" if rng.random() < 0.8 else "open",
                "email": email,
                "member_id": f"mem-{person}",
                "company": f"Company {company}" if english else f"주식회사 {company}",
                "domain": None if free else f"company{company}.co.kr",
                "messages": msgs,
            }
            f.write(json.dumps(obj, ensure_ascii=False) + "\n")
            written += n
    tmp.replace(path)
    return conv


def frontdoor_bin() -> str:
    candidate = Path(sys.executable).parent / "frontdoor"
    return str(candidate) if candidate.exists() else "frontdoor"


class ServerCPU:
    """CPU seconds of the local PostgreSQL backends serving one database (Linux ``/proc``).

    Backends show the database name in their process title; their CPU is sampled every
    0.2 s while the import runs (the last sample of each backend counts). Reads 0 when
    the server is not on this machine or not readable.
    """

    def __init__(self, database: str | None) -> None:
        self.database = database
        self.seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._tick = os.sysconf("SC_CLK_TCK")

    def _sample(self) -> None:
        assert self.database is not None
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/cmdline", "rb") as f:
                    title = f.read().decode(errors="replace")
                if not title.startswith("postgres:") or f" {self.database} " not in title:
                    continue
                with open(f"/proc/{name}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                self.seen[int(name)] = (int(fields[11]) + int(fields[12])) / self._tick
            except OSError:
                continue

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self._sample()

    def __enter__(self) -> ServerCPU:
        if self.database:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.database:
            self._stop.set()
            self._thread.join()

    @property
    def seconds(self) -> float:
        return sum(self.seen.values())


def importer(subscribers: bool) -> list[str]:
    """``frontdoor import``; without ``subscribers`` the click group is run directly, so
    nothing subscribes to the ingest event (no tagging, alerts or routing per batch)."""
    if subscribers:
        return [frontdoor_bin(), "import"]
    return [sys.executable, "-c", "import sys; from frontdoor.cli import cli; cli(sys.argv[1:])", "import"]


def run_child(
    args: list[str], env: dict[str, str], database: str | None = None
) -> tuple[float, float, float, str, float]:
    """Run a command; return (wall s, CPU s, peak RSS in MB of that process, stdout, server CPU s)."""
    t0 = time.perf_counter()
    server = ServerCPU(database)
    with server:
        proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stderr is not None
        out = proc.stdout.read().decode()
        err = proc.stderr.read().decode()
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{err[-2000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024.0, out, server.seconds  # ru_maxrss is in KiB


def bench_backend(
    name: str,
    url: str,
    data: Path,
    messages: int,
    reimport: bool,
    home: Path,
    database: str | None = None,
    subscribers: bool = True,
) -> None:
    env = {
        **os.environ,
        "FRONTDOOR_DATABASE_URL": url,
        "FRONTDOOR_HOME": str(home),
        "FRONTDOOR_SECRET_KEY": "bench-secret-key-0123456789-0123456789",
        "FRONTDOOR_ADMIN_PASSWORD": "bench-password-123",
    }
    fd = frontdoor_bin()
    subprocess.run(
        [fd, "init", "--workspace", "bench", "--admin-email", "admin@bench.example"],
        env=env,
        check=True,
        capture_output=True,
    )
    runs = [("first import", True)] + ([("re-import (unchanged)", False)] if reimport else [])
    for label, _ in runs:
        before = os.getloadavg()[0]
        seconds, cpu, rss, out, server = run_child(
            [*importer(subscribers), "jsonl", str(data), "--json"], env, database
        )
        load = os.getloadavg()[0]
        summary = json.loads(out)
        total = sum(summary["messages"].values())
        both = f", importer + server {total / (cpu + server):,.0f} per CPU-second" if server else ""
        print(
            f"{name:10s} {label:22s} {total:>9,} messages in {seconds:7.1f} s = "
            f"{total / seconds:>8,.0f} messages/s, peak RSS {rss:6.1f} MB, importer CPU {cpu:6.1f} s "
            f"({total / cpu:,.0f} messages per CPU-second), server CPU {server:.1f} s{both}, "
            f"load {before:.1f} -> {load:.1f}  "
            f"(messages {summary['messages']}, conversations new {summary['conversations']['new']:,}, "
            f"accounts {summary['accounts_created']:,}, contacts {summary['contacts_created']:,}, "
            f"quarantined {summary['quarantined']})",
            flush=True,
        )
    assert total == messages, (total, messages)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--no-reimport", dest="reimport", action="store_false")
    parser.add_argument(
        "--no-subscribers",
        dest="subscribers",
        action="store_false",
        help="Measure the ingest pipeline alone: no tagging, alerts or routing after each batch.",
    )
    parser.add_argument("--regenerate", action="store_true", help="Write the JSONL even if it exists.")
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    data = OUT / f"ingest-{args.messages}.jsonl"
    if args.regenerate or not data.exists():
        t0 = time.perf_counter()
        convs = generate(data, args.messages)
        print(
            f"generated {args.messages:,} messages in {convs:,} conversations "
            f"({data.stat().st_size / 1e6:.0f} MB) "
            f"in {time.perf_counter() - t0:.0f} s"
        )
    else:
        print(f"using {data} ({data.stat().st_size / 1e6:.0f} MB)")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")

    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        home = Path(tempfile.mkdtemp(prefix="fd-bench-", dir=OUT))
        try:
            if backend == "sqlite":
                bench_backend(
                    "sqlite",
                    f"sqlite:///{home / 'bench.db'}",
                    data,
                    args.messages,
                    args.reimport,
                    home,
                    subscribers=args.subscribers,
                )
            elif backend == "postgresql":
                from sqlalchemy import create_engine, text

                db = f"fd_bench_{os.getpid()}"
                admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{db}"'))
                    conn.execute(text(f'CREATE DATABASE "{db}"'))
                try:
                    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{db}"
                    bench_backend(
                        "postgresql",
                        url,
                        data,
                        args.messages,
                        args.reimport,
                        home,
                        db,
                        subscribers=args.subscribers,
                    )
                finally:
                    with admin.connect() as conn:
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
                    admin.dispose()
            else:
                raise SystemExit(f"unknown backend {backend!r}")
        finally:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
