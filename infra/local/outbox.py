"""The local outbox: what the emulated SES and SNS "sent", as files you can open.

Under `make run` nothing leaves the machine: emails go to the emulated SES and
customer SMS to the emulated SNS, both in this process. This thread copies each
new message to DATA_DIR/outbox/ (an .html or .txt file per message, plus an
index.html listing them newest first) and logs one line with its path.
"""
from __future__ import annotations

import html
import logging
import re
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Tuple

from infra.local.provision import ACCOUNT_ID

logger = logging.getLogger("dzorders.outbox")
_UNSAFE = re.compile(r"[^A-Za-z0-9@.+_-]+")


class Outbox:
    def __init__(self, directory: Path, region: str, interval: float = 0.3) -> None:
        self.directory = directory
        self.region = region
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
        self._emails_seen = 0
        self._sms_seen = 0
        self._entries: List[Tuple[str, str, str, str]] = []   # when, kind, to, file name

    def start(self) -> "Outbox":
        self.directory.mkdir(parents=True, exist_ok=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.collect()
            except Exception:  # noqa: BLE001 - the outbox is a convenience; keep going
                logger.exception("outbox: could not copy messages")

    def collect(self) -> int:
        """Copy messages sent since the last call; returns how many were new."""
        from moto.ses.models import ses_backends
        from moto.sns.models import sns_backends

        copied = 0
        emails = ses_backends[ACCOUNT_ID][self.region].sent_messages
        for message in emails[self._emails_seen:]:
            to = ", ".join((getattr(message, "destinations", {}) or {}).get("ToAddresses", []))
            body = getattr(message, "body", "") or ""
            is_html = body.lstrip().lower().startswith(("<!doctype", "<html"))
            content = body if is_html else (
                f"<pre>Subject: {html.escape(message.subject or '')}\n\n{html.escape(body)}</pre>")
            self._write("email", to, message.subject or "", content, ".html")
            copied += 1
        self._emails_seen = len(emails)
        sms = list(sns_backends[ACCOUNT_ID][self.region].sms_messages.values())
        for phone, text in sms[self._sms_seen:]:
            self._write("sms", phone, text, text, ".txt")
            copied += 1
        self._sms_seen = len(sms)
        if copied:
            self._write_index()
        return copied

    def _write(self, kind: str, to: str, title: str, content: str, suffix: str) -> None:
        now = datetime.now(timezone.utc)
        stamp = now.strftime("%Y%m%dT%H%M%S%f")[:-3]
        name = f"{stamp}-{kind}-{_UNSAFE.sub('_', to)[:60]}{suffix}"
        path = self.directory / name
        path.write_text(content, encoding="utf-8")
        self._entries.append((now.strftime("%Y-%m-%d %H:%M:%S"), kind, to, name))
        logger.info("%s to %s: %s (%s)", kind, to, path, title[:80].replace("\n", " "))

    def _write_index(self) -> None:
        rows = "".join(
            f"<tr><td>{html.escape(when)}</td><td>{kind}</td><td>{html.escape(to)}</td>"
            f'<td><a href="{html.escape(name, quote=True)}">{html.escape(name)}</a></td></tr>'
            for when, kind, to, name in reversed(self._entries))
        (self.directory / "index.html").write_text(
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>dzorders outbox</title>'
            "</head><body><h1>Sent by the local run</h1><table>"
            f"<tr><th>UTC</th><th>kind</th><th>to</th><th>file</th></tr>{rows}</table>"
            "</body></html>", encoding="utf-8")
