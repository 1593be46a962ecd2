"""`make run`: the whole system on one machine, on the embedded AWS.

Starts DynamoDB Local (data under DATA_DIR) and moto, creates the template's
resources, serves the API and runs the event pump, seeds the demo store once,
then waits. SIGINT/SIGTERM stop everything, the JVM included.
"""
from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from infra.local.emulators import local_aws_environment, start_dynamodb, start_moto

REGION = "eu-west-3"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run dzorders locally on the embedded AWS.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--data-dir", default=os.environ.get("DATA_DIR", ".data"))
    # Locally, schedules run 20 times as often: polled couriers report within 30 s.
    parser.add_argument("--schedule-scale", type=float,
                        default=float(os.environ.get("SCHEDULE_SCALE", "0.05")),
                        help="multiply schedule periods (default 0.05; 1 for AWS's pace)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for noisy in ("werkzeug", "botocore", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    data_dir = Path(args.data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)

    stopping = threading.Event()

    def request_stop(signum, frame):
        stopping.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    started = []
    try:
        dynamodb = start_dynamodb(db_path=data_dir / "dynamodb", log_path=data_dir / "dynamodb.log")
        started.append(dynamodb)
        moto = start_moto()
        started.append(moto)
        base_url = f"http://127.0.0.1:{args.port}"
        os.environ.update(local_aws_environment(dynamodb.endpoint, moto.endpoint, REGION))

        from infra.local.provision import provision
        provisioned = provision(dynamodb.endpoint, moto.endpoint, REGION)
        os.environ.update(provisioned.environment)
        # The local run's deployment settings, over the template's.
        os.environ.update({"ALLOW_LOOPBACK_URLS": "true", "PUBLIC_API_URL": base_url,
                           "DASHBOARD_URL": f"{base_url}/dashboard/", "STAGE": "local"})

        from app import app
        from chalicelib import bootstrap
        from chalicelib.demo import seed_demo_store
        from infra.local.pump import EventPump
        from infra.local.realtime import LocalRealtimeGateway
        from infra.local.server import serve_in_thread

        realtime = LocalRealtimeGateway(app).start()
        started.append(realtime)
        os.environ.update(realtime.environment)
        services = bootstrap.build()
        bootstrap.use(services)
        demo = seed_demo_store(services)
        server = serve_in_thread(app, args.port)
        started.append(server)
        pump = EventPump(app, provisioned, REGION, moto.endpoint, dynamodb.endpoint,
                         data_dir=data_dir, schedule_scale=args.schedule_scale).start()
        started.append(pump)
        from infra.local.outbox import Outbox
        outbox = Outbox(data_dir / "outbox", REGION).start()
        started.append(outbox)
        from infra.local.sandbox import SandboxCouriers
        sandbox = SandboxCouriers().start(services, services.accounts.store_id_for_slug(demo.slug),
                                          args.port)
        started.append(sandbox)
        couriers = "\n".join("    " + line for line in sandbox.lines())
        print(f"\ndzorders is running\n"
              f"  API:        {base_url}   (try {base_url}/v1/health)\n"
              f"  Dashboard:  {base_url}/dashboard/\n"
              f"  Storefront: {base_url}/s/demo/\n"
              f"  API docs:   {base_url}/v1/openapi.json\n"
              f"  Realtime:   {realtime.url}   (the dashboard bell's websocket)\n"
              f"  Demo store: {demo.slug}   login {demo.email} / {demo.password}\n"
              f"  Data:       {data_dir}\n"
              f"  Outbox:     {outbox.directory}/index.html   (emails and SMS sent locally)\n"
              f"  Sandbox couriers (the demo store ships with them):\n{couriers}\n"
              f"Press Ctrl-C to stop.\n", flush=True)
        stopping.wait()
    except Exception as error:  # noqa: BLE001 - report and still stop what started
        print(f"dzorders could not start: {error}", file=sys.stderr, flush=True)
        return_code = 1
    else:
        return_code = 0
    finally:
        for part in reversed(started):
            try:
                part.stop()
            except Exception:  # noqa: BLE001 - keep stopping the rest
                logging.getLogger("dzorders.run").exception("while stopping %s", part)
    print("dzorders stopped.", flush=True)
    return return_code


if __name__ == "__main__":
    sys.exit(main())
