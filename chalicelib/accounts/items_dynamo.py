"""The DynamoDB items of accounts, sessions and the team, and their conversions.

Shared by the account store (store_dynamo.py) and its team half (store_dynamo_team.py):
  EMAIL#<email> / ACCOUNT          the account; its existence is the email's uniqueness
  TOKEN#<sha256> / TOKEN           what a session or API key stands for (TTL for sessions)
  ACCOUNT#<id> / SESSION#<sha256>  one session of the account (TTL as the session), so a
                                   role change or a removal reaches all of them by Query
  STORE#<id> / MEMBER#<account>    the store's view of a member (Query on the prefix lists
                                   the team); role and status move with the account's
  INVITE#<sha256> / INVITE         what an invite token stands for (TTL); deleted when used
"""
from __future__ import annotations

from typing import List

from pynamodb.attributes import ListAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import TransactWriteError

from chalicelib import dynamo
from chalicelib.accounts.model import Account, Member, TokenRecord
from chalicelib.dynamo import TableItem


class AccountItem(TableItem, discriminator="account"):
    account_id = UnicodeAttribute()
    email = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    store_id = UnicodeAttribute()
    role = UnicodeAttribute()
    name = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    status = UnicodeAttribute(null=True)    # absent on accounts made before invitations: active

    @staticmethod
    def key(email: str):
        return f"EMAIL#{email}", "ACCOUNT"


def account_is_active():
    return AccountItem.status.does_not_exist() | (AccountItem.status == "active")


class TokenItem(TableItem, discriminator="token"):
    kind = UnicodeAttribute()
    store_id = UnicodeAttribute()
    subject_id = UnicodeAttribute()
    actor_name = UnicodeAttribute()
    role = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    expires_at = UTCDateTimeAttribute(null=True)
    scopes = ListAttribute(of=UnicodeAttribute, null=True)

    @staticmethod
    def key(token_hash: str):
        return f"TOKEN#{token_hash}", "TOKEN"


class SessionRefItem(TableItem, discriminator="session_ref"):
    """One session of an account, so its sessions can be found without a Scan."""

    @staticmethod
    def key(account_id: str, token_hash: str):
        return f"ACCOUNT#{account_id}", f"SESSION#{token_hash}"


class MemberItem(TableItem, discriminator="member"):
    account_id = UnicodeAttribute()
    store_id = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    role = UnicodeAttribute()
    status = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    invited_by = UnicodeAttribute(null=True)
    invite_expires_at = UTCDateTimeAttribute(null=True)
    accepted_at = UTCDateTimeAttribute(null=True)
    invite_hash = UnicodeAttribute(null=True)

    @staticmethod
    def key(store_id: str, account_id: str):
        return f"STORE#{store_id}", f"MEMBER#{account_id}"


class InvitationItem(TableItem, discriminator="invitation"):
    store_id = UnicodeAttribute()
    member_id = UnicodeAttribute()
    email = UnicodeAttribute()
    expires_at = UTCDateTimeAttribute()

    @staticmethod
    def key(token_hash: str):
        return f"INVITE#{token_hash}", "INVITE"


def token_item(record: TokenRecord) -> TokenItem:
    pk, sk = TokenItem.key(record.token_hash)
    return TokenItem(pk, sk, kind=record.kind, store_id=record.store_id,
                     subject_id=record.subject_id, actor_name=record.actor_name, role=record.role,
                     created_at=record.created_at, expires_at=record.expires_at,
                     scopes=list(record.scopes) if record.scopes is not None else None,
                     ttl=record.expires_at)


def session_ref(record: TokenRecord) -> SessionRefItem:
    return SessionRefItem(*SessionRefItem.key(record.subject_id, record.token_hash),
                          ttl=record.expires_at)


def account_item(account: Account) -> AccountItem:
    return AccountItem(*AccountItem.key(account.email), account_id=account.id,
                       email=account.email, password_hash=account.password_hash,
                       store_id=account.store_id, role=account.role, name=account.name,
                       created_at=account.created_at, status=account.status)


def member_item(member: Member) -> MemberItem:
    return MemberItem(*MemberItem.key(member.store_id, member.id), account_id=member.id,
                      store_id=member.store_id, email=member.email, name=member.name,
                      role=member.role, status=member.status, created_at=member.created_at,
                      invited_by=member.invited_by, invite_expires_at=member.invite_expires_at,
                      accepted_at=member.accepted_at, invite_hash=member.invite_hash)


def member_of(item: MemberItem) -> Member:
    return Member(id=item.account_id, store_id=item.store_id, email=item.email, name=item.name,
                  role=item.role, status=item.status, created_at=item.created_at,
                  invited_by=item.invited_by, invite_expires_at=item.invite_expires_at,
                  accepted_at=item.accepted_at, invite_hash=item.invite_hash)


def member_unchanged(member: Member):
    return (MemberItem.role == member.role) & (MemberItem.status == member.status)


def failed_conditions(error: TransactWriteError) -> List[bool]:
    return [code == "ConditionalCheckFailed" for code in dynamo.cancellation_codes(error)]
