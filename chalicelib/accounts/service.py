"""Account use cases: signup, login, tokens, API keys, the store's settings."""
from __future__ import annotations

from datetime import timedelta
from typing import AbstractSet, Any, Dict, List, Mapping, Optional, Tuple

from chalicelib.accounts import validation
from chalicelib.accounts.model import (Account, ApiKey, Store, TokenRecord, default_checkout_limits,
                                       default_notifications)
from chalicelib.accounts.passwords import dummy_hash, hash_password, verify_password
from chalicelib.accounts.ports import AccountStore
from chalicelib.clock import Clock, iso
from chalicelib.config import Settings
from chalicelib.errors import ConcurrentChange, Forbidden, NotFound, RateLimited, Unauthorized
from chalicelib.ids import new_id, new_secret, sha256_hex

SESSION_PREFIX, API_KEY_PREFIX = "dzs_", "dzk_"
# last_used_at is written at most once a minute per key: a busy integration must
# not turn every request into a write.
TOUCH_EVERY = timedelta(minutes=1)


class AccountService:
    def __init__(self, store: AccountStore, settings: Settings, clock: Clock) -> None:
        self._store = store
        self._settings = settings
        self._clock = clock
        self._dummy_hash: Optional[str] = None

    # --- signup and sessions ---------------------------------------------------
    def signup(self, body: Mapping[str, Any]) -> Dict[str, Any]:
        fields = validation.parse_signup(body)
        now = self._clock()
        store = Store(id=new_id("st_"), slug=fields["slug"], name=fields["name"],
                      owner_email=fields["email"], created_at=now, updated_at=now)
        owner = Account(id=new_id("ac_"), email=fields["email"],
                        password_hash=hash_password(fields["password"], self._settings.scrypt_n),
                        store_id=store.id, role="owner", name=fields["email"], created_at=now)
        token, record = self.new_session(owner)
        self._store.create_store(store, owner, record)
        return {"token": token, "expires_at": iso(record.expires_at),
                "store": self.serialize_store(store)}

    def login(self, body: Mapping[str, Any], source_ip: str) -> Dict[str, Any]:
        fields = validation.parse_login(body)
        now = self._clock()
        keys = self._throttle_keys(fields["email"], source_ip, now)
        self._refuse_if_throttled(keys, now)
        account = self._store.account_by_email(fields["email"])
        if account is not None and account.status != "active":
            account = None   # an invitation not yet accepted has no password to match
        stored_hash = account.password_hash if account else self._dummy()
        if not verify_password(fields["password"], stored_hash) or account is None:
            expires = self._window_end(now) + timedelta(seconds=60)
            for key in keys.values():
                self._store.add_failure(key, expires)
            raise Unauthorized("Wrong email or password.")
        token, record = self._start_session(account)
        return {"token": token, "expires_at": iso(record.expires_at)}

    def _start_session(self, account: Account):
        """A session carrying the account's current role. The write is conditioned on
        the account being unchanged, so a role change or removal landing meanwhile is
        never outrun: read again and retry with what it is now."""
        for _ in range(3):
            token, record = self.new_session(account)
            try:
                self._store.put_session(record, account)
                return token, record
            except ConcurrentChange:
                account = self._store.account_by_email(account.email)
                if account is None or account.status != "active":
                    raise Unauthorized("Wrong email or password.")
        raise ConcurrentChange()

    def logout(self, token_hash: str, token_kind: str) -> None:
        if token_kind != "session":
            raise Forbidden("API keys are revoked with DELETE /v1/api-keys/{id}.")
        self._store.delete_token(token_hash)

    def new_session(self, account: Account) -> Tuple[str, TokenRecord]:
        """A new session token for `account` and its record (not yet saved)."""
        now = self._clock()
        token = new_secret(SESSION_PREFIX)
        record = TokenRecord(token_hash=sha256_hex(token), kind="session",
                             store_id=account.store_id, subject_id=account.id,
                             actor_name=account.name, role=account.role, created_at=now,
                             expires_at=now + timedelta(seconds=self._settings.session_ttl_seconds))
        return token, record

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = dummy_hash(self._settings.scrypt_n)
        return self._dummy_hash

    # --- login throttling (fixed windows, per email and per IP) -----------------
    def _window_end(self, now):
        window = self._settings.login_window_seconds
        start = int(now.timestamp()) // window * window
        return now.fromtimestamp(start + window, tz=now.tzinfo)

    def _throttle_keys(self, email: str, source_ip: str, now) -> Dict[str, str]:
        window = int(now.timestamp()) // self._settings.login_window_seconds
        return {"email": f"login:email:{sha256_hex(email)}:{window}",
                "ip": f"login:ip:{source_ip}:{window}"}

    def _refuse_if_throttled(self, keys: Dict[str, str], now) -> None:
        limits = {"email": self._settings.login_max_failures_per_email,
                  "ip": self._settings.login_max_failures_per_ip}
        for kind, key in keys.items():
            if self._store.failures(key) >= limits[kind]:
                retry_after = max(1, int((self._window_end(now) - now).total_seconds()))
                raise RateLimited(retry_after, "Too many failed logins; try again later.")

    # --- authentication -----------------------------------------------------------
    def authenticate(self, token: str) -> Optional[TokenRecord]:
        """The record behind a bearer token, or None when it is unknown, expired or revoked."""
        if not token or len(token) > 200:
            return None
        record = self._store.token(sha256_hex(token))
        now = self._clock()
        if record is None or not record.is_valid(now):
            return None
        if record.kind == "api_key":
            self._store.touch_api_key(record.store_id, record.subject_id, now, now - TOUCH_EVERY)
        return record

    # --- API keys -----------------------------------------------------------------
    def create_api_key(self, store_id: str, actor_id: str, body: Mapping[str, Any],
                       within: Optional[AbstractSet[str]] = None) -> Dict[str, Any]:
        """A new key. `within`: the scopes of the API key asking (a key never makes a key
        that can do more than itself); None for a member's session."""
        fields = validation.parse_api_key(body)
        name, scopes = fields["name"], fields["scopes"]
        beyond = [scope for scope in scopes if within is not None and scope not in within]
        if beyond:
            raise Forbidden("An API key cannot create a key with scopes it does not have.",
                            fields={"scopes": f"beyond this key's own: {', '.join(beyond)}"})
        now = self._clock()
        secret = new_secret(API_KEY_PREFIX)
        key = ApiKey(id=new_id("key_"), store_id=store_id, name=name, prefix=secret[:10],
                     token_hash=sha256_hex(secret), created_at=now, created_by=actor_id,
                     scopes=scopes)
        # role "admin": what a key acts as at most (never an owner); scopes decide the rest.
        record = TokenRecord(token_hash=key.token_hash, kind="api_key", store_id=store_id,
                             subject_id=key.id, actor_name=name, role="admin", created_at=now,
                             scopes=scopes)
        self._store.create_api_key(key, record)
        return dict(self.serialize_api_key(key), key=secret)

    def api_keys(self, store_id: str) -> List[Dict[str, Any]]:
        keys = sorted(self._store.api_keys(store_id), key=lambda k: k.created_at, reverse=True)
        return [self.serialize_api_key(key) for key in keys]

    def revoke_api_key(self, store_id: str, key_id: str) -> None:
        if not self._store.delete_api_key(store_id, key_id):
            raise NotFound("No such API key.")

    # --- members --------------------------------------------------------------------
    def member_name(self, store_id: str, member_id: str) -> Optional[str]:
        """The name of the store's member `member_id` (invited or active), None if the
        id is no member of this store. Orders name assignees with it."""
        member = self._store.member(store_id, member_id)
        return member.name if member is not None else None

    # --- the store ----------------------------------------------------------------
    def store_id_for_slug(self, slug: str) -> str:
        store_id = self._store.store_id_for_slug(slug) if isinstance(slug, str) else None
        if store_id is None:
            raise NotFound("No such store.")
        return store_id

    def get_store(self, store_id: str) -> Store:
        store = self._store.store(store_id)
        if store is None:
            raise NotFound("No such store.")
        return store

    def public_store(self, slug: str) -> Dict[str, Any]:
        store = self.get_store(self.store_id_for_slug(slug))
        return {"slug": store.slug, "name": store.name, "logo_url": store.logo_url,
                "phone": store.phone, "languages": list(store.languages)}

    def update_store(self, store_id: str, body: Mapping[str, Any]) -> Store:
        changes = validation.parse_store_patch(body, self._settings.allow_loopback_urls)
        previous = self.get_store(store_id)
        if not changes:
            return previous
        if "notifications" in changes:
            # A PATCH names the channels it changes; the others keep their choice.
            changes["notifications"] = {**previous.notifications, **changes["notifications"]}
        if "checkout_limits" in changes:
            # Likewise for the limits a PATCH names.
            changes["checkout_limits"] = {**previous.checkout_limits, **changes["checkout_limits"]}
        updated = previous.changed(**changes, updated_at=self._clock(),
                                   version=previous.version + 1)
        self._store.update_store(updated, previous)
        return updated

    # --- serialisation ----------------------------------------------------------------
    def serialize_store(self, store: Store) -> Dict[str, Any]:
        return {"id": store.id, "slug": store.slug, "name": store.name,
                "owner_email": store.owner_email, "phone": store.phone,
                "logo_url": store.logo_url, "languages": list(store.languages),
                "notifications": {**default_notifications(),
                                  **{k: list(v) for k, v in store.notifications.items()}},
                "restock_on_return": store.restock_on_return,
                "auto_cancel_after_attempts": store.auto_cancel_after_attempts,
                "checkout_limits": {**default_checkout_limits(), **store.checkout_limits},
                "realtime_url": self._settings.realtime_url or None,
                "storefront_url": f"{self._settings.public_api_url}/s/{store.slug}/",
                "created_at": iso(store.created_at), "updated_at": iso(store.updated_at)}

    @staticmethod
    def serialize_api_key(key: ApiKey) -> Dict[str, Any]:
        return {"id": key.id, "name": key.name, "prefix": key.prefix, "scopes": list(key.scopes),
                "created_at": iso(key.created_at), "last_used_at": iso(key.last_used_at)}
