"""Credentials sealed with KMS: the key named by COURIER_KEY_ID, with the store and
courier as encryption context (a ciphertext copied to another account does not open)."""
from __future__ import annotations

import base64
import json
from typing import Any, Dict

from chalicelib.couriers.ports import CredentialsUnreadable
from chalicelib.errors import ServiceUnavailable


class KmsCipher:
    def __init__(self, aws: Any, key_id: str) -> None:
        self._aws, self._key_id = aws, key_id

    def seal(self, credentials: Dict[str, str], context: Dict[str, str]) -> str:
        from botocore.exceptions import BotoCoreError, ClientError
        try:
            answer = self._aws.kms.encrypt(KeyId=self._key_id, EncryptionContext=context,
                                           Plaintext=json.dumps(credentials).encode("utf-8"))
        except (ClientError, BotoCoreError) as error:
            raise ServiceUnavailable("The key service did not answer; try again.") from error
        return base64.b64encode(answer["CiphertextBlob"]).decode("ascii")

    def open(self, ciphertext: str, context: Dict[str, str]) -> Dict[str, str]:
        from botocore.exceptions import BotoCoreError, ClientError
        try:
            answer = self._aws.kms.decrypt(CiphertextBlob=base64.b64decode(ciphertext),
                                           EncryptionContext=context)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in ("InvalidCiphertextException", "NotFoundException",
                        "IncorrectKeyException", "AccessDeniedException"):
                raise CredentialsUnreadable() from error
            raise ServiceUnavailable("The key service did not answer; try again.") from error
        except BotoCoreError as error:
            raise ServiceUnavailable("The key service did not answer; try again.") from error
        return json.loads(answer["Plaintext"])
