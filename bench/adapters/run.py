"""Adapter parse benchmark for Channel Talk, Zendesk, Intercom and Slack (no database).

Generates one synthetic input per kind into a temp dir (Korean and English text):

- channeltalk: one JSON export of N chats x 10 messages (the export holds at most 10k chats);
- zendesk: an incremental export page of N tickets with 5 side-loaded comments each;
- intercom: a conversation.list page of N conversations with 5 parts each;
- slack: an export zip of N/100 channels x 20 days x 50 messages (threads of 5).

Then runs ``adapter.read`` over it in a fresh subprocess per kind, so the peak RSS
(``VmHWM`` of the child, read in the child) is that adapter's alone, and prints messages/s and peak MB.
The input files' sizes are printed too: the JSON adapters load one document whole, the
Slack adapter streams member by member (memory follows one channel, not the zip).

Usage::

    .venv/bin/python bench/adapters/run.py            # N = 10,000
    .venv/bin/python bench/adapters/run.py --n 2000   # quick
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEXTS = [
    "세금계산서 발행 일정 문의드립니다. 이번 달 건이 아직 안 보여요.",
    "배송 조회 연동이 갑자기 안 돼요. 송장번호가 안 넘어갑니다.",
    "정산 내역 엑셀 다운로드가 안 됩니다. 크롬 최신 버전이에요.",
    "Hi, does your API support webhooks for order updates?",
    "The export button is broken since yesterday's release.",
    "도입 전에 견적 받아보고 싶습니다. 직원 12명이에요.",
]
T0 = 1_714_521_600


def gen_channeltalk(n: int, out: Path) -> Path:
    rnd = random.Random(1)
    users = [
        {
            "id": f"u{i}",
            "memberId": f"acct-{i}",
            "name": f"고객{i}",
            "profile": {"email": f"c{i}@shop{i % 500}.kr", "company": f"상점{i % 500}"},
        }
        for i in range(n // 3 + 1)
    ]
    chats, messages = [], []
    for c in range(n):
        chats.append(
            {
                "id": f"c{c}",
                "userId": f"u{c % len(users)}",
                "state": "closed",
                "createdAt": (T0 + c * 60) * 1000,
                "closedAt": (T0 + c * 60 + 900) * 1000,
            }
        )
        for m in range(10):
            person = ("user", f"u{c % len(users)}") if m % 2 == 0 else ("manager", "m1")
            text = rnd.choice(TEXTS)
            messages.append(
                {
                    "id": f"c{c}m{m}",
                    "chatId": f"c{c}",
                    "chatType": "userChat",
                    "personType": person[0],
                    "personId": person[1],
                    "createdAt": (T0 + c * 60 + m) * 1000,
                    "blocks": [{"type": "text", "value": text}],
                    "plainText": text,
                }
            )
    path = out / "channeltalk.json"
    doc = {
        "UserChat": chats,
        "User": users,
        "Manager": [{"id": "m1", "name": "상담원"}],
        "Bot": [],
        "UserChatTag": [],
        "Message": messages,
    }
    path.write_text(json.dumps(doc, ensure_ascii=False))
    return path


def gen_zendesk(n: int, out: Path) -> Path:
    rnd = random.Random(2)
    tickets = []
    for t in range(n):
        req = 10_000 + t % 3000
        comments = [
            {
                "id": t * 10 + k,
                "author_id": req if k % 2 == 0 else 7,
                "plain_body": rnd.choice(TEXTS),
                "public": k != 3,
                "created_at": f"2024-05-01T{k:02d}:00:00Z",
            }
            for k in range(5)
        ]
        tickets.append(
            {
                "id": t,
                "subject": "문의",
                "status": "solved",
                "requester_id": req,
                "organization_id": 500 + t % 500,
                "created_at": "2024-05-01T00:00:00Z",
                "updated_at": "2024-05-01T05:00:00Z",
                "comments": comments,
                "satisfaction_rating": {"id": t, "score": "good" if t % 3 else "bad"},
            }
        )
    path = out / "zendesk.json"
    path.write_text(json.dumps({"tickets": tickets, "end_of_stream": True}, ensure_ascii=False))
    return path


def gen_intercom(n: int, out: Path) -> Path:
    rnd = random.Random(3)
    convs = []
    for c in range(n):
        user = {"type": "user", "id": f"u{c % 3000}", "email": f"c{c % 3000}@shop.kr"}
        parts = [
            {
                "id": f"{c}-{k}",
                "part_type": "note" if k == 2 else "comment",
                "created_at": T0 + c + k,
                "body": f"<p>{rnd.choice(TEXTS)}</p><ul><li>하나</li><li>둘</li></ul>",
                "author": user if k % 2 else {"type": "admin", "id": "9", "name": "상담원"},
            }
            for k in range(5)
        ]
        convs.append(
            {
                "type": "conversation",
                "id": str(c),
                "created_at": T0 + c,
                "state": "closed",
                "source": {"body": f"<p>{rnd.choice(TEXTS)}</p>", "author": user},
                "contacts": {"contacts": [{"id": user["id"]}]},
                "conversation_parts": {"conversation_parts": parts},
                "conversation_rating": {"rating": 1 + c % 5, "created_at": T0 + c + 99},
            }
        )
    path = out / "intercom.json"
    path.write_text(json.dumps({"type": "conversation.list", "conversations": convs}, ensure_ascii=False))
    return path


def gen_slack(n: int, out: Path) -> Path:
    rnd = random.Random(4)
    channels = max(1, n // 100)
    path = out / "slack.zip"
    users = [
        {
            "id": f"U{i}",
            "team_id": "T1" if i < 20 else "T2",
            "is_admin": i == 0,
            "profile": {"display_name": f"사용자{i}", "email": f"u{i}@{'ourco.kr' if i < 20 else 'shop.kr'}"},
        }
        for i in range(200)
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("users.json", json.dumps(users, ensure_ascii=False))
        zf.writestr("channels.json", json.dumps([{"id": f"C{c}", "name": f"ch{c}"} for c in range(channels)]))
        for c in range(channels):
            for day in range(20):
                base = T0 + day * 86400
                msgs = []
                for m in range(50):
                    ts = f"{base + m}.{m:06d}"
                    parent = f"{base + m - m % 5}.{m - m % 5:06d}"
                    msgs.append(
                        {
                            "type": "message",
                            "user": f"U{rnd.randrange(200)}",
                            "ts": ts,
                            "thread_ts": parent,
                            "text": f"<@U{rnd.randrange(200)}> {rnd.choice(TEXTS)}",
                        }
                    )
                zf.writestr(f"ch{c}/2024-05-{day + 1:02d}.json", json.dumps(msgs, ensure_ascii=False))
    return path


CHILD = """
import sys, time
from pathlib import Path
from frontdoor.integrations.registry import get_adapter
from frontdoor.integrations.base import ConversationRecord, BadRecord
kind, path = sys.argv[1], Path(sys.argv[2])
t = time.perf_counter(); convs = msgs = bad = other = 0
for r in get_adapter(kind).read(path, options={}):
    if isinstance(r, ConversationRecord):
        convs += 1; msgs += len(r.messages)
    elif isinstance(r, BadRecord):
        bad += 1
    else:
        other += 1
dt = time.perf_counter() - t
# VmHWM belongs to this address space; ru_maxrss would carry the parent's peak over exec.
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(f"{kind}\\t{convs}\\t{msgs}\\t{other}\\t{bad}\\t{dt:.2f}\\t{hwm}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n", type=int, default=10_000, help="chats/tickets/conversations (slack: n*10 messages)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        inputs = {
            "channeltalk": gen_channeltalk(args.n, out),
            "zendesk": gen_zendesk(args.n, out),
            "intercom": gen_intercom(args.n, out),
            "slack": gen_slack(args.n, out),
        }
        print("kind\tconversations\tmessages\tsurveys\tbad\tseconds\tmsgs/s\tpeak MB\tinput MB")
        for kind, path in inputs.items():
            proc = subprocess.Popen(
                [sys.executable, "-c", CHILD, kind, str(path)], stdout=subprocess.PIPE, text=True, cwd=ROOT
            )
            assert proc.stdout is not None
            line = proc.stdout.read().strip()
            if proc.wait():
                raise SystemExit(f"{kind} failed ({proc.returncode})")
            kind_, convs, msgs, surveys, bad, secs, hwm_kb = line.split("\t")
            rate = int(msgs) / float(secs)
            size = path.stat().st_size / 1e6
            peak = int(hwm_kb) / 1024
            print(f"{kind_}\t{convs}\t{msgs}\t{surveys}\t{bad}\t{secs}\t{rate:,.0f}\t{peak:.0f}\t{size:.1f}")


if __name__ == "__main__":
    main()
