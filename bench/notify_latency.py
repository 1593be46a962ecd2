"""How fast a new order reaches the merchant, under `make run`.

Starts the launcher exactly as `make run` does (its own port and a throwaway
data dir), signs up a merchant, opens a dashboard's realtime connection, and
registers a webhook to a receiver on loopback. Then it places orders one after
another and measures, for each, the time from the checkout's response to

  - the bell notification arriving over the websocket, and
  - the signed `order.created` webhook arriving at the receiver.

Prints p50/p99 over BENCH_NOTIFY_ORDERS orders (default 200); asserts nothing.
Targets: bell ≤ 1 s p99, webhook ≤ 2 s p99.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict

import requests
from standardwebhooks import Webhook
from websockets.sync.client import connect

from bench.stack import summary
from infra.local.emulators import LOOPBACK, ROOT, free_port

ORDERS = int(os.environ.get("BENCH_NOTIFY_ORDERS", "200"))
WAIT_EACH = 10.0


class Arrivals:
    """When each order's notification arrived, by order id."""

    def __init__(self) -> None:
        self.at: Dict[str, float] = {}
        self.changed = threading.Condition()

    def add(self, order_id: str) -> None:
        with self.changed:
            self.at.setdefault(order_id, time.perf_counter())
            self.changed.notify_all()

    def wait(self, order_id: str, timeout: float) -> float:
        deadline = time.monotonic() + timeout
        with self.changed:
            while order_id not in self.at and time.monotonic() < deadline:
                self.changed.wait(deadline - time.monotonic())
            return self.at.get(order_id, float("nan"))


def receiver(arrivals: Arrivals, secret_box: Dict[str, str]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            try:
                event = Webhook(secret_box["secret"]).verify(body, dict(self.headers))
                status = 204
            except Exception:  # noqa: BLE001 - a bad signature is a 400 to the sender
                event, status = None, 400
            self.send_response(status)
            self.end_headers()
            if event and event.get("type") == "order.created":
                arrivals.add(event["data"]["id"])

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer((LOOPBACK, free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def start_launcher(port: int, data_dir: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local.run", "--port", str(port), "--data-dir", str(data_dir)],
        cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://{LOOPBACK}:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the launcher exited: {process.stdout.read()}")
        try:
            if requests.get(f"{base}/v1/health", timeout=2).status_code == 200:
                # Drain its output so it never blocks on a full pipe.
                threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
                return process
        except requests.RequestException:
            pass
        time.sleep(0.5)
    process.terminate()
    raise RuntimeError("the launcher did not become healthy in 120 s")


def main() -> None:
    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        process = start_launcher(port, Path(data_dir))
        try:
            run(f"http://{LOOPBACK}:{port}")
        finally:
            process.terminate()
            process.wait(timeout=30)


def run(base: str) -> None:
    slug = f"notify-{uuid.uuid4().hex[:8]}"
    session = requests.Session()
    signed = session.post(f"{base}/v1/signup", json={
        "email": f"{slug}@bench.dz", "password": "bench-password-2026",
        "store": {"name": slug, "slug": slug}}).json()
    token = signed["token"]
    session.headers["Authorization"] = f"Bearer {token}"
    product = session.post(f"{base}/v1/products", json={"name": "Bench", "price": 1000,
                                                       "stock": 100000}).json()
    bell, hooks = Arrivals(), Arrivals()
    secret_box: Dict[str, str] = {}
    hook_server = receiver(hooks, secret_box)
    created = session.post(f"{base}/v1/webhooks", json={
        "url": f"http://{LOOPBACK}:{hook_server.server_address[1]}/hook",
        "events": ["order.created"]}).json()
    secret_box["secret"] = created["secret"]
    realtime_url = session.get(f"{base}/v1/store").json()["realtime_url"]
    socket = connect(f"{realtime_url}?token={token}")

    def listen() -> None:
        for raw in socket:
            message = json.loads(raw)
            item = message.get("item", message)
            if item.get("type") == "order.created" and item.get("order_id"):
                bell.add(item["order_id"])

    threading.Thread(target=listen, daemon=True).start()
    body = {"customer": {"name": "Client Bench", "phone": "0555123456"},
            "shipping": {"wilaya": 16, "commune": "1605", "address": "Rue", "delivery_type": "home"},
            "items": [{"product_id": product["id"], "variant_id": product["variants"][0]["id"],
                       "quantity": 1}]}
    to_bell, to_hook, missed_bell, missed_hook = [], [], 0, 0
    for _ in range(ORDERS):
        response = session.post(f"{base}/v1/stores/{slug}/orders", json=body)
        answered = time.perf_counter()
        order_id = response.json()["id"]
        bell_at = bell.wait(order_id, WAIT_EACH)
        hook_at = hooks.wait(order_id, WAIT_EACH)
        if bell_at == bell_at:   # not NaN
            to_bell.append((bell_at - answered) * 1000)
        else:
            missed_bell += 1
        if hook_at == hook_at:
            to_hook.append((hook_at - answered) * 1000)
        else:
            missed_hook += 1
    socket.close()
    hook_server.shutdown()
    for name, samples, missed, target in (("checkout -> bell (websocket)", to_bell, missed_bell, 1000),
                                          ("checkout -> webhook receipt", to_hook, missed_hook, 2000)):
        if not samples:
            print(f"{name}: nothing arrived ({missed} missed)")
            continue
        figures = summary(samples)
        verdict = "met" if figures["p99"] <= target and not missed else "NOT met"
        print(f"{name}: p50 {figures['p50']:.0f} ms, p99 {figures['p99']:.0f} ms over "
              f"{figures['n']} orders, {missed} missed (target p99 <= {target} ms: {verdict})")


if __name__ == "__main__":
    main()
