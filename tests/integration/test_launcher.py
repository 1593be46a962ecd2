"""`make run`'s launcher as a user runs it: starts, answers, stops cleanly, keeps data."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from infra.local.emulators import ROOT, free_port


def port_is_free(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def start(port, data_dir):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for key in ("AWS_ENDPOINT_URL", "DYNAMODB_ENDPOINT_URL", "TABLE_NAME", "EMAILS_QUEUE_URL",
                "EVENTS_TOPIC_ARN", "DEAD_LETTER_QUEUE_URLS"):
        env.pop(key, None)
    return subprocess.Popen([sys.executable, "-m", "infra.local.run", "--port", str(port),
                             "--data-dir", str(data_dir)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_healthy(port, process, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            if requests.get(f"http://127.0.0.1:{port}/v1/health", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    raise AssertionError("the launcher did not become healthy")


def stop(process):
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    return process.returncode, output


def java_ports(data_dir: Path):
    log = (data_dir / "dynamodb.log").read_text()
    return [int(line.split()[-1]) for line in log.splitlines() if line.startswith("Port:")]


def test_start_stop_restart_keeps_data(tmp_path):
    port = free_port()
    first = start(port, tmp_path)
    wait_healthy(port, first)
    token = requests.post(f"http://127.0.0.1:{port}/v1/login", json={
        "email": "demo@dzorders.local", "password": "demo-password-2026"}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    created = requests.post(f"http://127.0.0.1:{port}/v1/products", headers=headers,
                            json={"name": "Persistant", "price": 1000}).json()
    assert requests.get(f"http://127.0.0.1:{port}/dashboard/").status_code == 200
    code, output = stop(first)
    assert code == 0, output
    assert "Demo store: demo" in output and f"http://127.0.0.1:{port}/dashboard/" in output
    assert port_is_free(port) and all(port_is_free(p) for p in java_ports(tmp_path))

    second = start(port, tmp_path)
    wait_healthy(port, second)
    try:
        # Same data: the session token and the product made before the restart.
        response = requests.get(f"http://127.0.0.1:{port}/v1/products/{created['id']}", headers=headers)
        assert response.status_code == 200 and response.json()["name"] == "Persistant"
    finally:
        code, output = stop(second)
    assert code == 0, output
    assert port_is_free(port) and all(port_is_free(p) for p in java_ports(tmp_path))
