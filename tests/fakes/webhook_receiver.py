"""A merchant's webhook receiver on 127.0.0.1, in a thread, with programmable answers.

Every request is kept with whether its signature verified with the secret(s)
the test gave it (the `standardwebhooks` reference implementation decides).
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, Optional

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


@dataclass
class Received:
    path: str
    headers: Dict[str, str]
    body: str
    verified: bool

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"ok"
    delay: float = 0.0


@dataclass
class WebhookReceiver:
    secret: Optional[str] = None
    answers: List[Answer] = field(default_factory=list)    # the last one repeats
    received: List[Received] = field(default_factory=list)

    def start(self) -> "WebhookReceiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.received.append(Received(self.path, headers, body, receiver.verify(body, headers)))
                answer = receiver.next_answer()
                if answer.delay:
                    time.sleep(answer.delay)
                self.send_response(answer.status)
                self.send_header("content-length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._lock = threading.Lock()
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks"

    def next_answer(self) -> Answer:
        with self._lock:
            if not self.answers:
                return Answer()
            return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

    def verify(self, body: str, headers: Dict[str, str]) -> bool:
        if not self.secret:
            return False
        try:
            Webhook(self.secret).verify(body, headers)
            return True
        except WebhookVerificationError:
            return False

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
