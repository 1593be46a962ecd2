"""Call-confirm: what a call to the customer does to an order, decided as data. Plain Python.

Every call appends `call_logged` (the member who called, the outcome, the note, the
attempt number) and updates the order's `call` summary. `confirmed` moves the
order like a confirm by status does (stock taken in the same write); `cancelled`,
`fake`, `wrong_number` and `duplicate` cancel it with that reason. Transitions are
planned by `states.plan_transition`, the one reader of the transitions table.

Only pending orders sit in the call queue; a postponed call brings its order back
when `next_call_at` is due.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Dict, Mapping, Optional, Tuple

from chalicelib.clock import iso, parse_iso
from chalicelib.errors import InvalidTransition, ValidationFailed
from chalicelib.orders.model import Actor, CallSummary, Order, TimelineEntry
from chalicelib.orders.states import TransitionPlan, plan_transition

OUTCOMES = ("no_answer", "busy", "unreachable", "postponed", "wrong_number", "fake",
            "duplicate", "confirmed", "cancelled")
# Calls where nobody could be asked: in a row, they count toward the store's auto-cancel.
UNANSWERED = ("no_answer", "busy", "unreachable")
# Outcome -> the status it moves the order to (and the cancel reason, if any).
MOVES: Dict[str, Tuple[str, Optional[str]]] = {
    "confirmed": ("confirmed", None), "cancelled": ("cancelled", "cancelled"),
    "fake": ("cancelled", "fake"), "wrong_number": ("cancelled", "wrong_number"),
    "duplicate": ("cancelled", "duplicate")}
TERMINAL = ("cancelled", "returned")
MAX_NOTE = 1000
# A postponed call may be set at most this far ahead.
LONGEST_POSTPONE = timedelta(days=60)
AUTO_CANCEL_REASON = "unreachable"


def summary_from(raw: Optional[Mapping[str, Any]]) -> CallSummary:
    if not raw:
        return CallSummary()
    moment = lambda name: parse_iso(raw[name]) if raw.get(name) else None  # noqa: E731
    return CallSummary(attempts=int(raw.get("attempts") or 0),
                       unanswered=int(raw.get("unanswered") or 0),
                       last_outcome=raw.get("last_outcome"), last_call_at=moment("last_call_at"),
                       next_call_at=moment("next_call_at"), assigned_to=raw.get("assigned_to"))


@dataclass(frozen=True)
class CallRequest:
    outcome: str
    note: Optional[str]
    next_call_at: Optional[datetime]


@dataclass(frozen=True)
class CallPlan:
    order_id: str
    store_id: str
    expected_version: int
    call: CallSummary
    entries: Tuple[TimelineEntry, ...]
    transitions: Tuple[TransitionPlan, ...] = ()


def parse_call(body: Mapping[str, Any], now: datetime) -> CallRequest:
    errors: Dict[str, str] = {}
    for key in body:
        if key not in ("outcome", "note", "next_call_at"):
            errors[key] = "is not a member of a call; give outcome, note and next_call_at"
    outcome = body.get("outcome")
    if outcome not in OUTCOMES:
        errors["outcome"] = "must be one of " + ", ".join(OUTCOMES)
    note = body.get("note")
    if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE):
        errors["note"] = f"must be text of at most {MAX_NOTE} characters"
    next_call_at = None
    raw_next = body.get("next_call_at")
    if raw_next is not None:
        try:
            next_call_at = parse_iso(raw_next) if isinstance(raw_next, str) else None
        except (ValueError, OverflowError):
            next_call_at = None
        if next_call_at is None:
            errors["next_call_at"] = "must be an ISO-8601 time"
        elif outcome == "postponed" and not now < next_call_at <= now + LONGEST_POSTPONE:
            errors["next_call_at"] = "must be in the future, at most 60 days ahead"
    if outcome == "postponed" and raw_next is None:
        errors["next_call_at"] = "is required when the call is postponed"
    if errors:
        raise ValidationFailed(fields=errors)
    return CallRequest(outcome, note.strip() if isinstance(note, str) and note.strip() else None,
                       next_call_at if outcome == "postponed" else None)


def plan_call(order: Order, request: CallRequest, actor: Actor, now: datetime,
              restock_on_return: bool = False) -> CallPlan:
    if order.status in TERMINAL:
        raise InvalidTransition(f"The order is {order.status}: there is nobody left to call.",
                                current=order.status, allowed=[])
    current = order.call or CallSummary()
    attempt = current.attempts + 1
    call = replace(current, attempts=attempt, last_outcome=request.outcome, last_call_at=now,
                   next_call_at=request.next_call_at,
                   # An answered call (the customer spoke, even to postpone) starts again.
                   unanswered=current.unanswered + 1 if request.outcome in UNANSWERED else 0)
    entry = TimelineEntry(at=now, seq=0, actor=actor, event="call_logged", note=request.note,
                          public=False, data={"outcome": request.outcome, "attempt": attempt,
                                              "next_call_at": iso(request.next_call_at)})
    transitions: Tuple[TransitionPlan, ...] = ()
    if request.outcome in MOVES:
        to, reason = MOVES[request.outcome]
        plan = plan_transition(order, to, actor, now, note=request.note,
                               restock_on_return=restock_on_return)
        data = dict(plan.entry.data, reason=reason) if reason else dict(plan.entry.data)
        transitions = (replace(plan, entry=replace(plan.entry, seq=1, data=data)),)
    return CallPlan(order.id, order.store_id, order.version, call, (entry,), transitions)


def plan_assign(order: Order, member_id: Optional[str], member_name: Optional[str],
                actor: Actor, now: datetime) -> CallPlan:
    if order.status in TERMINAL:
        raise InvalidTransition(f"The order is {order.status}.", current=order.status, allowed=[])
    call = replace(order.call or CallSummary(), assigned_to=member_id)
    note = f"Assigned to {member_name or member_id}" if member_id else "Unassigned"
    entry = TimelineEntry(at=now, seq=0, actor=actor, event="note_added", note=note, public=False,
                          data={"assigned_to": member_id})
    return CallPlan(order.id, order.store_id, order.version, call, (entry,))


def plan_auto_cancel(order: Order, threshold: int, now: datetime) -> Optional[CallPlan]:
    """The store's auto-cancel: a pending order that reached `threshold` unanswered calls."""
    call = order.call or CallSummary()
    if order.status != "pending" or call.unanswered < threshold:
        return None
    actor = Actor("system", None, "dzorders")
    note = f"Cancelled after {call.unanswered} unanswered calls (store setting)."
    plan = plan_transition(order, "cancelled", actor, now, note=note)
    plan = replace(plan, entry=replace(plan.entry, data=dict(plan.entry.data,
                                                             reason=AUTO_CANCEL_REASON)))
    return CallPlan(order.id, order.store_id, order.version, call, (), (plan,))


def queue_key(order: Order) -> Optional[str]:
    """Where a pending order sits in its store's call queue: scheduled callbacks by their
    time first (`0#`), then the rest oldest first (`1#`). None: not in the queue."""
    if order.status != "pending":
        return None
    call = order.call or CallSummary()
    if call.next_call_at is not None:
        return f"0#{iso(call.next_call_at)}#{order.id}"
    return f"1#{iso(order.created_at)}#{order.id}"
