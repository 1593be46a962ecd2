"""Name resolution on the system's resolver: every address a host resolves to."""
from __future__ import annotations

import socket
from typing import List

from chalicelib.targets import UnresolvableHost


def resolve(host: str, port: int) -> List[str]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError) as error:
        raise UnresolvableHost(host) from error
    return sorted({str(info[4][0]) for info in infos})
