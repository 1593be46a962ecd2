"""RealtimeSender through API Gateway's WebSocket management API (and a memory fake).

The same code posts to the local launcher's stand-in: the endpoint is
`Settings.realtime_management_url` (`https://<api>.execute-api.<region>.amazonaws.com/<stage>`
in AWS). The client is built on first use and kept per container.
"""
from __future__ import annotations

import threading
from typing import Any, Dict, List, Optional, Set, Tuple

from chalicelib.bell.ports import ConnectionGone, RealtimeUnavailable
from chalicelib.config import Settings


class ApiGatewayRealtimeSender:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._client: Optional[Any] = None
        self._lock = threading.Lock()

    def _api(self) -> Any:
        with self._lock:
            if self._client is None:
                import boto3
                from botocore.config import Config

                from chalicelib.dynamo import LOCAL_CREDENTIALS
                # A dashboard that does not take a frame quickly is skipped, not waited on.
                kwargs: Dict[str, Any] = {
                    "region_name": self._settings.region,
                    "endpoint_url": self._settings.realtime_management_url or None,
                    "config": Config(connect_timeout=2, read_timeout=5,
                                     retries={"max_attempts": 2, "mode": "standard"})}
                if self._settings.is_local:
                    kwargs.update(LOCAL_CREDENTIALS)
                self._client = boto3.session.Session().client("apigatewaymanagementapi",
                                                              **kwargs)
            return self._client

    def post(self, connection_id: str, data: bytes) -> None:
        from botocore.exceptions import BotoCoreError, ClientError
        if not self._settings.realtime_management_url:
            raise RealtimeUnavailable("no realtime management endpoint is configured")
        api = self._api()
        try:
            api.post_to_connection(ConnectionId=connection_id, Data=data)
        except api.exceptions.GoneException as error:
            raise ConnectionGone(connection_id) from error
        except (ClientError, BotoCoreError) as error:
            raise RealtimeUnavailable(str(error)) from error


class MemoryRealtimeSender:
    """Records what was posted; `gone` connections answer like API Gateway's 410,
    `failing` ones like a throttled or unreachable endpoint."""

    def __init__(self) -> None:
        self.posted: List[Tuple[str, bytes]] = []
        self.gone: Set[str] = set()
        self.failing: Set[str] = set()

    def post(self, connection_id: str, data: bytes) -> None:
        if connection_id in self.gone:
            raise ConnectionGone(connection_id)
        if connection_id in self.failing:
            raise RealtimeUnavailable("throttled")
        self.posted.append((connection_id, data))
