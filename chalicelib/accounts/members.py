"""Team use cases: invite a member, accept an invitation, list, change roles, remove.

Plain Python: the account store, the email sender and the account service come in
as ports. Who may call which endpoint at all is the permission table's business
(chalicelib/api/permissions.py); the rules that depend on the member concerned live
here: only an owner makes, changes or removes an owner, and a store always keeps
one active owner (LastOwner, 409), which the store adapters guard with a condition
on another owner, so two owners demoting each other at once cannot both win.
"""
from __future__ import annotations

import contextlib
import logging
from dataclasses import replace
from datetime import timedelta
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional

from chalicelib.accounts import validation
from chalicelib.accounts.model import (INVITATION_DAYS, Account, Caller, Invitation, LastOwner,
                                      Member)
from chalicelib.accounts.passwords import hash_password
from chalicelib.accounts.ports import AccountStore
from chalicelib.clock import Clock, iso
from chalicelib.config import Settings
from chalicelib.errors import ConcurrentChange, Forbidden, NotFound
from chalicelib.ids import new_id, new_secret, sha256_hex
from chalicelib.logs import get_logger, log
from chalicelib.notifications.email import invitation_email

logger = get_logger("members")

INVITE_PREFIX = "dzi_"
# The password hash of an invited account: matches no password (not a scrypt hash),
# so an invitation cannot be used to log in before it is accepted.
NO_PASSWORD = "invited"
# A team change re-reads and decides again this many times when someone else
# changed the member, or the owner it relied on, in between.
ATTEMPTS = 3
UNUSABLE = "This invitation is unknown, already used or expired."


@contextlib.contextmanager
def _decide_again_if_the_owner_moved() -> Iterator[None]:
    """The store refused because the other owner we relied on stopped being one in
    between: that is a concurrent change (retried), not yet a last-owner refusal,
    which only _witness decides, on a fresh read."""
    try:
        yield
    except LastOwner as error:
        raise ConcurrentChange() from error


class MemberService:
    def __init__(self, store: AccountStore, accounts: Any, email_sender: Any,
                 settings: Settings, clock: Clock) -> None:
        self._store, self._accounts, self._sender = store, accounts, email_sender
        self._settings, self._clock = settings, clock

    # --- invitations --------------------------------------------------------------
    def invite(self, store_id: str, caller: Caller, body: Mapping[str, Any]) -> Dict[str, Any]:
        fields = validation.parse_invite(body)
        if fields["role"] == "owner" and not caller.is_owner:
            raise Forbidden("Only an owner can make another owner.")
        now = self._clock()
        token = new_secret(INVITE_PREFIX)
        expires = now + timedelta(days=INVITATION_DAYS)
        account = Account(id=new_id("ac_"), email=fields["email"], password_hash=NO_PASSWORD,
                          store_id=store_id, role=fields["role"], name=fields["name"],
                          created_at=now, status="invited")
        member = Member.of(account, invited_by=caller.id, invite_expires_at=expires,
                           invite_hash=sha256_hex(token))
        self._store.add_member(account, member, Invitation(
            token_hash=member.invite_hash, store_id=store_id, member_id=member.id,
            email=member.email, expires_at=expires))
        emailed = self._email_invitation(member, caller, token)
        return dict(self.serialize(member), invite_token=token, invitation_emailed=emailed)

    def _email_invitation(self, member: Member, caller: Caller, token: str) -> bool:
        """Sent from here rather than derived from the table stream (as store.created's
        welcome is): the invite token exists only in this request, the table keeps its
        hash, so no stream consumer could put the link in an email. Nothing is lost if
        the send fails: the invitation stands and the inviter has the token in the
        response (`invitation_emailed: false` tells the dashboard to show the link)."""
        url = f"{self._settings.dashboard_url.rstrip('/')}/accept-invite#token={token}"
        try:
            store = self._accounts.get_store(member.store_id)
            self._sender.send(invitation_email(member.email, store.name, caller.name,
                                               member.role, url,
                                               member.invite_expires_at.strftime("%d/%m/%Y")))
            return True
        except Exception:  # noqa: BLE001 - any sender failure; logged, and the answer says so
            log(logger, logging.WARNING, "invitation email not sent", exc_info=True,
                store_id=member.store_id, member_id=member.id)
            return False

    def accept(self, body: Mapping[str, Any]) -> Dict[str, Any]:
        """Use an invitation once: set the password, activate, start a session."""
        fields = validation.parse_accept(body)
        invitation = self._store.invitation(sha256_hex(fields["invite_token"]))
        if invitation is None or not invitation.is_valid(self._clock()):
            raise NotFound(UNUSABLE)
        invited = self._store.account_by_email(invitation.email)
        if invited is None or invited.id != invitation.member_id or invited.status != "invited":
            raise NotFound(UNUSABLE)
        account = replace(invited, status="active", name=fields["name"] or invited.name,
                          password_hash=hash_password(fields["password"], self._settings.scrypt_n))
        token, session = self._accounts.new_session(account)
        self._store.accept_invitation(invitation, account, session)
        member = self._store.member(invitation.store_id, invitation.member_id)
        return {"token": token, "expires_at": iso(session.expires_at),
                "member": self.serialize(member) if member else None}

    # --- the team -----------------------------------------------------------------
    def find(self, store_id: str, member_id: str) -> Optional[Member]:
        return self._store.member(store_id, member_id)

    def list_members(self, store_id: str) -> List[Dict[str, Any]]:
        members = sorted(self._store.members(store_id), key=lambda m: (m.created_at, m.id))
        return [self.serialize(member) for member in members]

    def change_role(self, store_id: str, caller: Caller, member_id: str,
                    body: Mapping[str, Any]) -> Dict[str, Any]:
        role = validation.parse_role_change(body)

        def attempt(member: Member) -> Member:
            self._may_touch(caller, member, role)
            if member.role != role:
                demoted_owner = member.is_active_owner and role != "owner"
                witness = self._witness(member) if demoted_owner else None
                with _decide_again_if_the_owner_moved():
                    self._store.change_role(member, role, witness)
            # Also when the role was already this one: a retried PATCH heals sessions a
            # crash between the two writes left with the old role.
            self._store.retag_sessions(member.id, role)
            return replace(member, role=role)
        return self.serialize(self._with_retries(store_id, member_id, attempt))

    def remove(self, store_id: str, caller: Caller, member_id: str) -> None:
        def attempt(member: Member) -> Member:
            self._may_touch(caller, member, None)
            witness = self._witness(member) if member.is_active_owner else None
            # Sessions go before the member (a crash in between leaves no live session
            # of a member still listed, who can be removed again) and after (any
            # session started just before the removal landed).
            self._store.revoke_sessions(member.id)
            with _decide_again_if_the_owner_moved():
                self._store.remove_member(member, witness)
            self._store.revoke_sessions(member.id)
            return member
        self._with_retries(store_id, member_id, attempt)

    def _with_retries(self, store_id: str, member_id: str,
                      attempt: Callable[[Member], Member]) -> Member:
        for remaining in reversed(range(ATTEMPTS)):
            member = self._store.member(store_id, member_id)
            if member is None:
                raise NotFound("No such member.")
            try:
                return attempt(member)
            except ConcurrentChange:
                # Someone changed the member, or the owner relied on, meanwhile:
                # decide again on what is there now.
                if not remaining:
                    raise
        raise ConcurrentChange()   # not reached: the last attempt raises or returns

    def _witness(self, member: Member) -> str:
        """Another active owner, who must still be one when `member` stops being one."""
        others = [m.id for m in self._store.members(member.store_id)
                  if m.is_active_owner and m.id != member.id]
        if not others:
            raise LastOwner()
        return others[0]

    @staticmethod
    def _may_touch(caller: Caller, member: Member, role: Optional[str]) -> None:
        if (member.role == "owner" or role == "owner") and not caller.is_owner:
            raise Forbidden("Only an owner can make, change or remove an owner.")

    # --- serialisation ----------------------------------------------------------------
    @staticmethod
    def serialize(member: Member) -> Dict[str, Any]:
        """Never a password hash, an invite token or its hash."""
        return {"id": member.id, "email": member.email, "name": member.name,
                "role": member.role, "status": member.status,
                "created_at": iso(member.created_at), "invited_by": member.invited_by,
                "invite_expires_at": iso(member.invite_expires_at),
                "accepted_at": iso(member.accepted_at)}
