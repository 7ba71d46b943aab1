"""Account health, priority and depth on the demo workspace: how long each takes, and the bands.

Usage (after ``frontdoor demo --no-serve`` with the same FRONTDOOR_HOME)::

    .venv/bin/python bench/accounts/run.py [--repeat 3] [--json out.json]

Times (best of ``--repeat``): health of every account, the priority list (every account scored
and ranked), relationship depth of the 20 largest accounts, one day's snapshots. Prints the
band counts and the top five of the priority list so the figures can be read with the data.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from frontdoor.accounts.depth import relationship_depth
from frontdoor.accounts.health import health_of_accounts, take_snapshots
from frontdoor.accounts.priority import priority_list
from frontdoor.core.config import load_settings
from frontdoor.db.store import open_store
from frontdoor.models import Account, Workspace


def best(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """Fastest of ``repeat`` runs (seconds) and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", dest="json_path", default=None)
    args = parser.parse_args()
    store = open_store(load_settings())
    out: dict[str, Any] = {
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "backend": store.engine.dialect.name,
    }
    with store.session() as session:
        ws = session.scalar(select(Workspace).where(Workspace.slug == "demo"))
        assert ws is not None, "build the demo first: frontdoor demo --no-serve"
        wid = ws.id
        accounts = list(session.scalars(select(Account).where(Account.workspace_id == wid)))
        out["accounts"] = len(accounts)
        out["health_s"], healths = best(args.repeat, lambda: health_of_accounts(session, workspace_id=wid))
        out["bands"] = dict(Counter(h.band for h in healths.values()))
        out["priority_s"], rows = best(
            args.repeat, lambda: priority_list(session, workspace_id=wid, limit=50)
        )
        out["top5"] = [(r.account.name, r.priority.score, r.health.band) for r in rows[:5]]
        largest = sorted(accounts, key=lambda a: -a.arr)[:20]
        out["depth_20_s"], _ = best(
            args.repeat,
            lambda: [relationship_depth(session, workspace_id=wid, account_id=a.id) for a in largest],
        )
        out["snapshot_s"], _ = best(1, lambda: take_snapshots(session, workspace_id=wid))
        session.rollback()  # a benchmark leaves the demo as it was
    for key, value in out.items():
        print(f"{key}: {value}")
    if args.json_path:
        with open(args.json_path, "w", encoding="utf-8") as fh:
            json.dump(out, fh, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
