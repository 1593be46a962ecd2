"""Resolver on the system's name resolution (used at subscription and before each push)."""
from __future__ import annotations

import socket
from typing import List

from chalicelib.push.ports import UnresolvableHost


def resolve(host: str, port: int) -> List[str]:
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnresolvableHost(host) from error
    return sorted({str(answer[4][0]) for answer in answers})
