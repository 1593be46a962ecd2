"""The call-confirm schedule: auto-cancel orders past their store's unanswered calls. Thin."""
from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.bootstrap import services

bp = Blueprint(__name__)


@bp.schedule("rate(15 minutes)", name="auto_cancel_calls")
def auto_cancel_calls(event: Any) -> None:
    services().calls.auto_cancel()
