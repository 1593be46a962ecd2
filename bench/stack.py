"""A whole local stack for benchmarks: in-memory DynamoDB Local, moto, the API on loopback."""
from __future__ import annotations

import logging
import os
import statistics
import time
from contextlib import contextmanager
from typing import Callable, Dict, Iterator, List

import requests

from infra.local.emulators import free_port, local_aws_environment, start_dynamodb, start_moto

REGION = "eu-west-3"


@contextmanager
def running_stack() -> Iterator[Dict[str, object]]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    dynamodb, moto = start_dynamodb(), start_moto()
    server = None
    try:
        os.environ.update(local_aws_environment(dynamodb.endpoint, moto.endpoint, REGION))
        from infra.local.provision import provision
        provisioned = provision(dynamodb.endpoint, moto.endpoint, REGION)
        os.environ.update(provisioned.environment)
        os.environ["SCRYPT_N"] = "1024"
        # Load comes from one token: keep the limiter's write on every request (its
        # cost is part of what is measured) with a ceiling the benches never reach.
        os.environ["API_RATE_LIMIT_PER_MINUTE"] = "100000000"
        from app import app
        from chalicelib import bootstrap
        from infra.local.server import serve_in_thread
        services = bootstrap.build()
        bootstrap.use(services)
        server = serve_in_thread(app, free_port())
        yield {"base_url": server.base_url, "services": services, "dynamodb": dynamodb}
    finally:
        if server is not None:
            server.stop()
        dynamodb.stop()
        moto.stop()


def timed(call: Callable[[], object], count: int) -> List[float]:
    """Milliseconds per call, `count` calls in a row."""
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: List[float]) -> Dict[str, float]:
    ordered = sorted(samples)
    return {"p50": statistics.median(ordered), "p99": ordered[int(len(ordered) * 0.99) - 1],
            "mean": statistics.fmean(ordered), "n": len(ordered)}


def merchant_session(base_url: str, slug: str) -> requests.Session:
    session = requests.Session()
    body = session.post(f"{base_url}/v1/signup", json={
        "email": f"{slug}@bench.dz", "password": "bench-password-2026",
        "store": {"name": slug, "slug": slug}}).json()
    session.headers["Authorization"] = f"Bearer {body['token']}"
    return session
