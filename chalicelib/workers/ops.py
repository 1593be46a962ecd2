"""Operational jobs: a scheduled look at the dead-letter queues."""
from __future__ import annotations

import logging
from typing import Any

from chalice.app import Blueprint

from chalicelib.bootstrap import services
from chalicelib.logs import get_logger, log

bp = Blueprint(__name__)
logger = get_logger("ops")


@bp.schedule("rate(5 minutes)", name="watch_dead_letters")
def watch_dead_letters(event: Any) -> None:
    for queue, depth in services().dead_letters.depths().items():
        if depth:
            log(logger, logging.WARNING, "messages waiting in a dead-letter queue",
                queue=queue, messages=depth)
