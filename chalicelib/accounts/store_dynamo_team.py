"""The team half of the DynamoDB AccountStore: invitations, members, roles and
the sessions a role change or a removal reaches (items in items_dynamo.py)."""
from __future__ import annotations

import contextlib
from typing import Iterator, List, Optional

from pynamodb.exceptions import (DoesNotExist, PynamoDBException, TransactWriteError,
                                 UpdateError)

from chalicelib import dynamo
from chalicelib.accounts.items_dynamo import (AccountItem, InvitationItem, MemberItem,
                                              SessionRefItem, TokenItem, account_item,
                                              failed_conditions, member_item, member_of,
                                              member_unchanged, session_ref, token_item)
from chalicelib.accounts.model import (Account, Invitation, LastOwner, Member,
                                      TokenRecord)
from chalicelib.errors import AlreadyExists, ConcurrentChange, NotFound


class DynamoTeamStore:
    def add_member(self, account: Account, member: Member, invitation: Invitation) -> None:
        try:
            with dynamo.transaction() as tx:
                # An email logs into one account, in one store.
                tx.save(account_item(account), condition=AccountItem.pk.does_not_exist())
                tx.save(member_item(member))
                tx.save(InvitationItem(*InvitationItem.key(invitation.token_hash),
                                       store_id=invitation.store_id,
                                       member_id=invitation.member_id, email=invitation.email,
                                       expires_at=invitation.expires_at,
                                       ttl=invitation.expires_at))
        except TransactWriteError as error:
            if not dynamo.was_cancelled(error):
                raise dynamo.unavailable(error) from error
            raise AlreadyExists("Already taken.",
                                fields={"email": "already has an account"}) from error

    def invitation(self, token_hash: str) -> Optional[Invitation]:
        try:
            item = InvitationItem.get(*InvitationItem.key(token_hash), consistent_read=True)
        except DoesNotExist:
            return None
        return Invitation(token_hash=token_hash, store_id=item.store_id,
                          member_id=item.member_id, email=item.email, expires_at=item.expires_at)

    def accept_invitation(self, invitation: Invitation, account: Account,
                          session: TokenRecord) -> None:
        try:
            with dynamo.transaction() as tx:
                # Used once: a second accept finds nothing to delete.
                tx.delete(InvitationItem(*InvitationItem.key(invitation.token_hash)),
                          condition=InvitationItem.pk.exists())
                tx.save(token_item(session))
                tx.save(session_ref(session))
                # Still the invited account, with the role the session carries.
                tx.update(AccountItem(*AccountItem.key(account.email)),
                          actions=[AccountItem.password_hash.set(account.password_hash),
                                   AccountItem.status.set("active"),
                                   AccountItem.name.set(account.name)],
                          condition=(AccountItem.account_id == invitation.member_id)
                          & (AccountItem.status == "invited") & (AccountItem.role == account.role))
                # The member record is the same invitation's.
                tx.update(MemberItem(*MemberItem.key(invitation.store_id, invitation.member_id)),
                          actions=[MemberItem.status.set("active"),
                                   MemberItem.name.set(account.name),
                                   MemberItem.accepted_at.set(session.created_at),
                                   MemberItem.invite_expires_at.remove(),
                                   MemberItem.invite_hash.remove()],
                          condition=MemberItem.status == "invited")
        except TransactWriteError as error:
            if not dynamo.was_cancelled(error):
                raise dynamo.unavailable(error) from error
            # By kind: the invitation's delete comes first.
            if failed_conditions(error)[:1] == [True]:
                raise NotFound("This invitation is unknown, already used or expired.") from error
            raise ConcurrentChange() from error

    def members(self, store_id: str) -> List[Member]:
        items = MemberItem.query(f"STORE#{store_id}", MemberItem.sk.startswith("MEMBER#"),
                                 consistent_read=True)
        return [member_of(item) for item in items]

    def member(self, store_id: str, member_id: str) -> Optional[Member]:
        try:
            return member_of(MemberItem.get(*MemberItem.key(store_id, member_id),
                                            consistent_read=True))
        except DoesNotExist:
            return None

    def change_role(self, member: Member, role: str, witness: Optional[str] = None) -> None:
        with self._team_change(member, witness) as tx:
            tx.update(MemberItem(*MemberItem.key(member.store_id, member.id)),
                      actions=[MemberItem.role.set(role)], condition=member_unchanged(member))
            # The login record is this member's (its role is what a login hands out).
            tx.update(AccountItem(*AccountItem.key(member.email)),
                      actions=[AccountItem.role.set(role)],
                      condition=AccountItem.account_id == member.id)

    def remove_member(self, member: Member, witness: Optional[str] = None) -> None:
        with self._team_change(member, witness) as tx:
            tx.delete(MemberItem(*MemberItem.key(member.store_id, member.id)),
                      condition=member_unchanged(member))
            # Free the email only if it is still this member's account.
            tx.delete(AccountItem(*AccountItem.key(member.email)),
                      condition=AccountItem.account_id == member.id)
            if member.invite_hash:
                tx.delete(InvitationItem(*InvitationItem.key(member.invite_hash)))

    @contextlib.contextmanager
    def _team_change(self, member: Member, witness: Optional[str]) -> Iterator:
        """A transaction on one member, with the other owner who must remain (if any)."""
        try:
            with dynamo.transaction() as tx:
                if witness is not None:
                    # The store keeps an active owner: the witness is still one.
                    tx.condition_check(MemberItem, *MemberItem.key(member.store_id, witness),
                                       condition=(MemberItem.role == "owner")
                                       & (MemberItem.status == "active"))
                yield tx
        except TransactWriteError as error:
            if not dynamo.was_cancelled(error):
                raise dynamo.unavailable(error) from error
            failed = failed_conditions(error)
            # By kind: the witness's condition check comes first, then the member's items.
            if witness is not None and failed[:1] == [True] and not any(failed[1:]):
                raise LastOwner() from error
            raise ConcurrentChange() from error

    def _session_refs(self, account_id: str) -> List[SessionRefItem]:
        return list(SessionRefItem.query(f"ACCOUNT#{account_id}",
                                         SessionRefItem.sk.startswith("SESSION#"),
                                         consistent_read=True))

    def retag_sessions(self, account_id: str, role: str) -> None:
        for ref in self._session_refs(account_id):
            token = TokenItem(*TokenItem.key(ref.sk[len("SESSION#"):]))
            try:
                # Only a session that still exists: never recreate a logged-out one.
                token.update(actions=[TokenItem.role.set(role)], condition=TokenItem.pk.exists())
            except UpdateError as error:
                if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
                    raise dynamo.unavailable(error) from error

    def revoke_sessions(self, account_id: str) -> None:
        try:
            with TokenItem.batch_write() as batch:
                for ref in self._session_refs(account_id):
                    batch.delete(TokenItem(*TokenItem.key(ref.sk[len("SESSION#"):])))
                    batch.delete(ref)
        except PynamoDBException as error:
            raise dynamo.unavailable(error) from error
