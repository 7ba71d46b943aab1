"""bootstrap.wire is the one place that registers handlers, tasks and sweeps; imports register nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

# Imports every frontdoor module, reports what is registered, wires, reports again.
PROBE = """
import importlib, json, pkgutil
import frontdoor
from frontdoor.core import events, tasks

def registered():
    return {
        "handlers": {
            kind.__name__: [f"{h.__module__}.{h.__name__}" for h in hs]
            for kind, hs in events._HANDLERS.items() if hs
        },
        "tasks": sorted(tasks.TASKS),
        "sweeps": list(tasks.SWEEPS),
    }

for info in pkgutil.walk_packages(frontdoor.__path__, "frontdoor."):
    if info.name != "frontdoor.__main__":  # that one runs the CLI
        importlib.import_module(info.name)
before = registered()
from frontdoor import bootstrap
bootstrap.wire()
bootstrap.wire()  # idempotent
print(json.dumps({"before": before, "after": registered()}))
"""


def test_imports_register_nothing_and_wire_registers_everything_in_order() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"},
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["before"] == {"handlers": {}, "tasks": [], "sweeps": []}
    after = found["after"]
    # Tagging first, routing next (rules on tags see the new tags), alerts last (count them).
    assert after["handlers"] == {
        "ConversationsIngested": [
            "frontdoor.tagging.autotag.on_conversations_ingested",
            "frontdoor.routing.assign.on_conversations_ingested",
            "frontdoor.alerts.service.on_conversations_ingested",
        ],
        "RoadmapItemShipped": ["frontdoor.roadmap.close_loop.drafts.on_roadmap_item_shipped"],
    }
    assert after["tasks"] == [
        "deliver_notification",
        "process_webhook_delivery",
        "routing_assign_channeltalk",
        "routing_retrain",
        "send_oncall_digest",
        "snapshot_account_health",
    ]
    assert after["sweeps"] == ["webhook_deliveries", "notifications", "oncall_digests", "account_health"]
