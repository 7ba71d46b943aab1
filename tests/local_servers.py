"""Real loopback servers for outbound-delivery tests: an HTTP endpoint and an SMTP server.

Both can be told to fail a number of times before they accept, and record what they got::

    with HttpSink(fail=[(503, {}), (429, {"Retry-After": "0"})]) as sink:
        post_slack(sink.url, {...})
        sink.requests  # [(path, parsed JSON body), ...] for every request, failed ones too

    with SmtpSink(fail_times=1) as smtp:
        send_email(smtp.config(), ...)
        smtp.messages  # email.message.EmailMessage objects accepted
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from frontdoor.integrations.outbound.email import SmtpConfig


class HttpSink:
    """A loopback HTTP server answering POSTs from a script, then ``200 ok``."""

    def __init__(self, fail: list[tuple[int, dict[str, str]]] | None = None) -> None:
        self.script = list(fail or [])
        self.requests: list[tuple[str, Any]] = []
        self.lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                try:
                    body: Any = json.loads(raw)
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                with sink.lock:
                    sink.requests.append((self.path, body))
                    status, headers = sink.script.pop(0) if sink.script else (200, {})
                text = b"ok" if status == 200 else b"invalid_payload" if status < 500 else b"oops"
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The hook URL (path shaped like Slack's)."""
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/services/T000/B000/secret"

    def bodies(self) -> list[Any]:
        """JSON bodies received, in order."""
        with self.lock:
            return [body for _, body in self.requests]

    def __enter__(self) -> HttpSink:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.sink.lock:
            self.sink.attempts += 1
            if self.sink.fail_times > 0:
                self.sink.fail_times -= 1
                return "451 4.3.0 try again later"
            if self.sink.refuse:
                return "554 5.7.1 rejected"
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            self.sink.messages.append(message)
            self.sink.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


class SmtpSink:
    """A local aiosmtpd server that fails ``fail_times`` DATA commands with 451, then accepts."""

    def __init__(self, *, fail_times: int = 0, refuse: bool = False) -> None:
        self.fail_times = fail_times
        self.refuse = refuse
        self.attempts = 0
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        """``FRONTDOOR_SMTP_URL`` for this server."""
        return f"smtp://127.0.0.1:{self.port}"

    def config(self, sender: str = "frontdoor@example.com") -> SmtpConfig:
        """A client configuration for this server."""
        return SmtpConfig.from_url(self.url, sender=sender)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def prepare_queue(store: Any) -> None:
    """PostgreSQL: apply and empty the procrastinate schema (drop it with :func:`drop_queue`)."""
    if store.dialect != "postgresql":
        return
    from frontdoor.core.tasks.pg import current_schema, ensure_queue_schema, queue_schema_name

    ensure_queue_schema(store.engine)
    schema = queue_schema_name(current_schema(store.engine))
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            f'TRUNCATE "{schema}".procrastinate_jobs, "{schema}".procrastinate_events, '
            f'"{schema}".procrastinate_periodic_defers, "{schema}".procrastinate_workers CASCADE'
        )


def drop_queue(store: Any) -> None:
    """PostgreSQL: drop the queue schema :func:`prepare_queue` made."""
    if store.dialect == "postgresql":
        from frontdoor.core.tasks.pg import drop_queue_schema

        drop_queue_schema(store.engine)


def drain(store: Any) -> None:
    """Run queued work now: a procrastinate worker until the queue is empty (PostgreSQL),
    the sweep of durable work (SQLite, where enqueue already ran tasks inline)."""
    if store.dialect == "postgresql":
        from frontdoor.core.tasks.pg import run_worker

        run_worker(store, wait=False, install_signal_handlers=False)
    else:
        from frontdoor.core.tasks.inprocess import work_loop

        work_loop(store, once=True)
