"""Request ids on every answer, and JSON-lines logs when LOG_FORMAT=json."""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler

# An id a proxy or client sent is kept when it is plain enough to put in a log line.
INCOMING_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
HEADER = "X-Request-ID"


def assign_request_id() -> str:
    g.request_id = request_id_from(request.headers.get(HEADER, ""))
    return g.request_id


def request_id_from(sent: str) -> str:
    """The request's id: the caller's X-Request-ID when it is sane, else a fresh one."""
    return sent if INCOMING_ID.fullmatch(sent) else uuid.uuid4().hex


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = current_request_id()
        if request_id:
            entry["request_id"] = request_id
            entry["method"], entry["path"] = request.method, request.path
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(app: Flask) -> None:
    """Send every log line through one JSON handler on stderr (once per process)."""
    if app.config["LOG_FORMAT"] != "json":
        return
    app.logger.removeHandler(default_handler)
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.handlers = [handler]
    root.setLevel(logging.INFO)
