"""Routing model on the demo workspace: held-out accuracy, coverage, training and routing speed.

Usage::

    FRONTDOOR_HOME=/tmp/demo .venv/bin/python bench/routing/run.py [--workspace demo] [--json out.json]

Needs a store built by ``frontdoor demo --no-serve``. The demo's confirmed routes (its
generator routes by conversation type, account and plan) are split by a hash of the
conversation id: 80% train the routing model exactly as :func:`frontdoor.routing.model.train`
does, 20% are routed by :func:`frontdoor.routing.decide.decide_routes` with no rules.
Reported: accuracy of the model's own answers, coverage (answers at or above the 0.5
confidence floor), accuracy of all routes including default-team fallbacks, fit time,
routing time per 1,000 conversations (facts, texts and model decisions from the database).
Teams missing from the workspace settings are added first (the demo routes to
``account-management`` and ``product`` as well as the four default teams).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import time
from collections import Counter

from sqlalchemy import select

from frontdoor.core.config import load_settings
from frontdoor.db.store import open_store
from frontdoor.models import Conversation, User
from frontdoor.routing.config import routing_config, save_team
from frontdoor.routing.decide import decide_routes
from frontdoor.routing.facts import route_facts
from frontdoor.routing.model import DIMENSION
from frontdoor.tagging.model.learned import LearnedTagger
from frontdoor.tagging.texts import conversation_texts
from frontdoor.workspace.workspaces import default_workspace


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workspace", default=None)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    store = open_store(load_settings())
    with store.session() as s:
        ws = default_workspace(s, slug=args.workspace)
        admin = s.scalars(select(User).where(User.workspace_id == ws.id, User.role == "admin")).first()
        assert admin is not None
        routes = dict(
            s.execute(
                select(Conversation.id, Conversation.route).where(
                    Conversation.workspace_id == ws.id, Conversation.route_confirmed.is_(True)
                )
            ).all()
        )
        known = set(routing_config(s, workspace_id=ws.id).team_keys)
        for team in sorted(set(routes.values()) - known):
            save_team(s, workspace_id=ws.id, user=admin, key=team, name_en=team)
        cfg = routing_config(s, workspace_id=ws.id)
        texts = conversation_texts(s, workspace_id=ws.id, conversation_ids=list(routes))
    ids = [cid for cid in sorted(routes) if texts.get(cid, "").strip()]
    test = [cid for cid in ids if int(hashlib.sha256(str(cid).encode()).hexdigest(), 16) % 5 == 0]
    train = [cid for cid in ids if cid not in set(test)]
    start = time.perf_counter()
    model = LearnedTagger(multi_label={DIMENSION: False}, cv=3).fit(
        [texts[c] for c in train], [{DIMENSION: {routes[c]}} for c in train]
    )
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    with store.session() as s:
        facts = route_facts(s, workspace_id=ws.id, conversation_ids=test, texts=texts)
    bare = type(cfg)(teams=cfg.teams, default_team=cfg.default_team, rules=())
    decisions = decide_routes(bare, facts, model=model, model_version="bench")
    route_s = time.perf_counter() - start
    answered = [c for c in test if decisions[c].method.value == "model"]
    right = sum(decisions[c].route == routes[c] for c in answered)
    overall = sum(decisions[c].route == routes[c] for c in test)
    out = {
        "workspace": ws.slug,
        "train": len(train),
        "test": len(test),
        "teams_test": dict(Counter(routes[c] for c in test)),
        "model_accuracy": round(right / len(answered), 4) if answered else None,
        "coverage": round(len(answered) / len(test), 4),
        "overall_accuracy": round(overall / len(test), 4),
        "majority_baseline": round(Counter(routes[c] for c in test).most_common(1)[0][1] / len(test), 4),
        "fit_seconds": round(fit_s, 1),
        "route_ms_per_1000": round(route_s * 1000 / len(test) * 1000, 1),
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "load": os.getloadavg(),
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(out, fh, ensure_ascii=False, indent=2)


if __name__ == "__main__":
    main()
