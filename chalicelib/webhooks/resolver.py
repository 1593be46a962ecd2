"""Name resolution for the URL rules: every address a host resolves to."""
from __future__ import annotations

import socket
from typing import List

from chalicelib.webhooks.ports import UnresolvableHost


def resolve(host: str, port: int) -> List[str]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError) as error:
        raise UnresolvableHost(host) from error
    return sorted({info[4][0] for info in infos})
