"""The domain event an endpoint item's change means: `webhook.disabled`.

Registered in chalicelib/events/model.py's DERIVERS under the item type
`webhook_endpoint`. Only an automatic disable (consecutive dead deliveries) is an
event: a merchant who turns an endpoint off needs no telling.
"""
from __future__ import annotations

from typing import Optional

from chalicelib.events.model import Change, DomainEvent
from chalicelib.webhooks.model import DISABLED_BY_FAILURES

ITEM_TYPE = "webhook_endpoint"


def webhook_disabled(change: Change) -> Optional[DomainEvent]:
    new, old = change.new or {}, change.old or {}
    if change.kind != "MODIFY" or not old.get("enabled") or new.get("enabled") is not False:
        return None
    if new.get("disabled_reason") != DISABLED_BY_FAILURES:
        return None
    return DomainEvent(id=change.event_id, type="webhook.disabled", at=change.at,
                       store_id=new["store_id"],
                       data={"id": new.get("endpoint_id"), "url": new.get("url"),
                             "consecutive_dead": int(new.get("consecutive_dead") or 0),
                             "disabled_at": new.get("disabled_at")})
