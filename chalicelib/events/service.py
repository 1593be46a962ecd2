"""Event use cases: publish what the table's changes mean."""
from __future__ import annotations

from typing import Any, List

from chalicelib.events.model import Change, derive_events


class EventRouter:
    def __init__(self, publisher: Any) -> None:
        self._publisher = publisher

    def publish_changes(self, changes: List[Change]) -> int:
        events = derive_events(changes)
        for event in events:
            self._publisher.publish(event)
        return len(events)
