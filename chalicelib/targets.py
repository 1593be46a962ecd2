"""Where the platform may send a request on a merchant's say-so (webhook URLs, push
endpoints): never to private networks. Plain Python; one rule for every caller.

Name resolution comes in as a function `resolve(host, port) -> [addresses]`
(chalicelib/resolver_socket.py in production, a table in tests). A target is
refused if ANY address its host resolves to is not a public one; callers check
at creation and again right before each request (a name may be pointed elsewhere
later). Loopback is allowed only where the deployment says so (the local run).
"""
from __future__ import annotations

import ipaddress
from typing import Callable, List, Sequence, Tuple
from urllib.parse import urlsplit

LOOPBACK_NAMES = ("localhost", "localhost.")


class UnresolvableHost(Exception):
    """The host name has no address."""


class TargetRefused(Exception):
    """Why a URL may not be called (the message is safe to show)."""


Resolver = Callable[[str, int], Sequence[str]]


def is_public(address: ipaddress._BaseAddress) -> bool:
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return not (address.is_private or address.is_loopback or address.is_link_local
                or address.is_reserved or address.is_multicast or address.is_unspecified
                or not address.is_global)


def is_loopback_host(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def split_target(url: str, allow_loopback: bool) -> Tuple[str, int]:
    """(host, port) of an acceptable URL shape; raises TargetRefused."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise TargetRefused("is not a valid URL") from error
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise TargetRefused("must be an https URL")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("must not carry credentials")
    if parts.fragment:
        raise TargetRefused("must not have a #fragment")
    if parts.scheme == "http" and not (allow_loopback and is_loopback_host(host)):
        raise TargetRefused("must be an https URL")
    return host, port or (443 if parts.scheme == "https" else 80)


def check_target(url: str, resolve: Resolver, allow_loopback: bool) -> None:
    """Raise TargetRefused unless every address `url`'s host resolves to may be called."""
    host, port = split_target(url, allow_loopback)
    try:
        ipaddress.ip_address(host)
        addresses: List[str] = [host]
    except ValueError:
        try:
            addresses = list(resolve(host, port))
        except UnresolvableHost as error:
            raise TargetRefused("has a host name that does not resolve") from error
        if not addresses:
            raise TargetRefused("has a host name that does not resolve")
    for text in addresses:
        try:
            address = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError as error:
            raise TargetRefused("resolves to an address that is not valid") from error
        if allow_loopback and address.is_loopback:
            continue
        if not is_public(address):
            raise TargetRefused("must not point to a private, loopback or reserved address")
