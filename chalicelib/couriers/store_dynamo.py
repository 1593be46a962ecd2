"""Courier accounts on DynamoDB.

  STORE#<store> / COURIER#<code>          the account: sealed credentials, settings, callback token
  CALLBACK#<token> / CALLBACK             callback token -> store and courier (put in the same
                                          transaction as the account, so a token is never shared)
  STORE#<store> / UNMAPPED#<code>#<hash>  a courier status no map knows, counted for review
"""
from __future__ import annotations

import hashlib
import json
from typing import Dict, List, Optional

from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib import dynamo
from chalicelib.couriers.model import CourierAccountRecord
from chalicelib.dynamo import TableItem


class CourierAccountItem(TableItem, discriminator="courier_account"):
    store_id = UnicodeAttribute()
    code = UnicodeAttribute()
    ciphertext = UnicodeAttribute()
    credential_fields = UnicodeAttribute()     # JSON list of names
    settings = UnicodeAttribute()              # JSON object
    callback_token = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    last_check = MapAttribute(default=dict)

    @staticmethod
    def key(store_id: str, code: str):
        return f"STORE#{store_id}", f"COURIER#{code}"


class CallbackTokenItem(TableItem, discriminator="courier_callback"):
    store_id = UnicodeAttribute()
    code = UnicodeAttribute()

    @staticmethod
    def key(token: str):
        return f"CALLBACK#{token}", "CALLBACK"


class UnmappedStatusItem(TableItem, discriminator="unmapped_status"):
    store_id = UnicodeAttribute()
    courier = UnicodeAttribute()
    raw_status = UnicodeAttribute()
    count = NumberAttribute(default=0)
    first_seen_at = UnicodeAttribute()
    last_seen_at = UnicodeAttribute()
    example_tracking = UnicodeAttribute()

    @staticmethod
    def key(store_id: str, code: str, raw_status: str):
        digest = hashlib.sha256(raw_status.encode("utf-8")).hexdigest()[:24]
        return f"STORE#{store_id}", f"UNMAPPED#{code}#{digest}"


def _record(item: CourierAccountItem) -> CourierAccountRecord:
    check = item.last_check.as_dict() if isinstance(item.last_check, MapAttribute) \
        else dict(item.last_check or {})
    return CourierAccountRecord(
        store_id=item.store_id, code=item.code, ciphertext=item.ciphertext,
        credential_fields=tuple(json.loads(item.credential_fields)),
        settings=json.loads(item.settings), callback_token=item.callback_token,
        created_at=item.created_at, updated_at=item.updated_at, last_check=check)


class DynamoCourierAccountStore:
    def save(self, record: CourierAccountRecord) -> None:
        item = CourierAccountItem(
            *CourierAccountItem.key(record.store_id, record.code), store_id=record.store_id,
            code=record.code, ciphertext=record.ciphertext,
            credential_fields=json.dumps(list(record.credential_fields)),
            settings=json.dumps(record.settings), callback_token=record.callback_token,
            created_at=record.created_at, updated_at=record.updated_at,
            last_check=dict(record.last_check))
        try:
            with dynamo.transaction() as tx:
                tx.save(item)
                # A token names one account only: a collision fails the whole write.
                tx.save(CallbackTokenItem(*CallbackTokenItem.key(record.callback_token),
                                          store_id=record.store_id, code=record.code),
                        condition=CallbackTokenItem.pk.does_not_exist()
                        | (CallbackTokenItem.store_id == record.store_id))
        except TransactWriteError as error:
            raise dynamo.unavailable(error) from error

    def get(self, store_id: str, code: str) -> Optional[CourierAccountRecord]:
        try:
            return _record(CourierAccountItem.get(*CourierAccountItem.key(store_id, code),
                                                  consistent_read=True))
        except DoesNotExist:
            return None

    def list(self, store_id: str) -> List[CourierAccountRecord]:
        return [_record(item) for item in TableItem.query(
            f"STORE#{store_id}", TableItem.sk.startswith("COURIER#"))
            if isinstance(item, CourierAccountItem)]

    def delete(self, store_id: str, code: str) -> bool:
        record = self.get(store_id, code)
        if record is None:
            return False
        with dynamo.transaction() as tx:
            tx.delete(CourierAccountItem(*CourierAccountItem.key(store_id, code)))
            tx.delete(CallbackTokenItem(*CallbackTokenItem.key(record.callback_token)))
        return True

    def by_callback_token(self, token: str) -> Optional[CourierAccountRecord]:
        try:
            pointer = CallbackTokenItem.get(*CallbackTokenItem.key(token))
        except DoesNotExist:
            return None
        return self.get(pointer.store_id, pointer.code)

    def record_check(self, store_id: str, code: str, outcome: Dict[str, object]) -> None:
        try:
            CourierAccountItem(*CourierAccountItem.key(store_id, code)).update(
                actions=[CourierAccountItem.last_check.set(dict(outcome))],
                condition=CourierAccountItem.pk.exists())
        except Exception:  # noqa: BLE001 - the account went away meanwhile: nothing to note
            pass

    def unmapped(self, store_id: str) -> List[Dict[str, object]]:
        rows = [item for item in TableItem.query(f"STORE#{store_id}",
                                                 TableItem.sk.startswith("UNMAPPED#"))
                if isinstance(item, UnmappedStatusItem)]
        rows.sort(key=lambda item: item.last_seen_at, reverse=True)
        return [{"courier": r.courier, "raw_status": r.raw_status, "count": int(r.count),
                 "first_seen_at": r.first_seen_at, "last_seen_at": r.last_seen_at,
                 "example_tracking": r.example_tracking} for r in rows]

    def note_unmapped(self, store_id: str, code: str, raw_status: str, tracking: str,
                      at: str) -> None:
        item = UnmappedStatusItem(*UnmappedStatusItem.key(store_id, code, raw_status))
        item.update(actions=[
            UnmappedStatusItem.item_type.set(UnmappedStatusItem),
            UnmappedStatusItem.store_id.set(store_id), UnmappedStatusItem.courier.set(code),
            UnmappedStatusItem.raw_status.set(raw_status), UnmappedStatusItem.count.add(1),
            UnmappedStatusItem.first_seen_at.set(
                UnmappedStatusItem.first_seen_at | at),
            UnmappedStatusItem.last_seen_at.set(at),
            UnmappedStatusItem.example_tracking.set(tracking)])


class StopDesksItem(TableItem, discriminator="courier_stop_desks"):
    """STORE#<store> / DESKS#<code>: the courier's stop desks as last synced (JSON)."""
    desks = UnicodeAttribute()
    synced_at = UnicodeAttribute()

    @staticmethod
    def key(store_id: str, code: str):
        return f"STORE#{store_id}", f"DESKS#{code}"


class DynamoStopDesks:
    def save(self, store_id: str, code: str, desks: List[Dict[str, object]], at: str) -> None:
        StopDesksItem(*StopDesksItem.key(store_id, code), desks=json.dumps(desks, ensure_ascii=False),
                      synced_at=at).save()

    def for_store(self, store_id: str) -> Dict[str, List[Dict[str, object]]]:
        return {item.sk[len("DESKS#"):]: json.loads(item.desks)
                for item in TableItem.query(f"STORE#{store_id}", TableItem.sk.startswith("DESKS#"))
                if isinstance(item, StopDesksItem)}

    def delete(self, store_id: str, code: str) -> None:
        StopDesksItem(*StopDesksItem.key(store_id, code)).delete()
