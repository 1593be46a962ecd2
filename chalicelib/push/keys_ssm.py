"""This deployment's VAPID key pair, kept in SSM Parameter Store as a SecureString.

Generated once per deployment: the first container that needs it and finds no
parameter creates it with Overwrite=False; if another container won that race,
the winner's pair is read back, so every container signs with the same key.
Cached per container after the first read.
"""
from __future__ import annotations

import threading
from typing import Any, Optional

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.config import Settings
from chalicelib.errors import ServiceUnavailable
from chalicelib.push import vapid
from chalicelib.push.model import VapidKeys


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


class SsmVapidKeys:
    def __init__(self, aws: Any, settings: Settings) -> None:
        self._aws, self._name = aws, settings.vapid_parameter_name
        self._keys: Optional[VapidKeys] = None
        self._lock = threading.Lock()

    def keys(self) -> VapidKeys:
        if self._keys is None:
            with self._lock:
                if self._keys is None:
                    self._keys = self._load_or_create()
        return self._keys

    def _load_or_create(self) -> VapidKeys:
        try:
            found = self._read()
            if found is not None:
                return found
            try:
                self._ssm.put_parameter(Name=self._name, Value=vapid.dumps(vapid.generate_keys()),
                                        Type="SecureString", Overwrite=False,
                                        Description="dzorders web push VAPID key pair")
            except ClientError as error:
                if _code(error) != "ParameterAlreadyExists":
                    raise
            # Read back rather than trust our own: the winner of a race is what counts.
            stored = self._read()
        except (ClientError, BotoCoreError) as error:
            raise ServiceUnavailable("The push keys could not be read; try again shortly.") from error
        if stored is None:
            raise ServiceUnavailable("The push keys could not be read; try again shortly.")
        return stored

    def _read(self) -> Optional[VapidKeys]:
        try:
            answer = self._ssm.get_parameter(Name=self._name, WithDecryption=True)
        except ClientError as error:
            if _code(error) == "ParameterNotFound":
                return None
            raise
        try:
            return vapid.loads(answer["Parameter"]["Value"])
        except ValueError as error:
            raise ServiceUnavailable("The stored push keys are not a VAPID key pair.") from error

    @property
    def _ssm(self) -> Any:
        return self._aws.client("ssm")


class MemoryVapidKeys:
    """One pair per instance, made on first need."""

    def __init__(self) -> None:
        self._keys: Optional[VapidKeys] = None
        self._lock = threading.Lock()
        self.created = 0

    def keys(self) -> VapidKeys:
        with self._lock:
            if self._keys is None:
                self._keys = vapid.generate_keys()
                self.created += 1
            return self._keys
