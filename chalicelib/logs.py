"""Structured logs: one JSON object per line, with ids, never secrets."""
from __future__ import annotations

import json
import logging
import sys
from typing import Any

_configured = False


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"level": record.levelname, "logger": record.name,
                 "message": record.getMessage()}
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def get_logger(name: str) -> logging.Logger:
    global _configured
    if not _configured:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        root = logging.getLogger("dzorders")
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        root.propagate = False
        _configured = True
    return logging.getLogger(f"dzorders.{name}")


def log(logger: logging.Logger, level: int, message: str, exc_info: Any = None,
        **fields: Any) -> None:
    logger.log(level, message, exc_info=exc_info, extra={"fields": fields})
