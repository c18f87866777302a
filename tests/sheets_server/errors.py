"""Errors in the shapes Google's APIs answer with.

* Sheets v4 (and this emulator's own routes): ``{"error": {"code", "message", "status"}}``; a quota error
  also carries Google's ``details`` (an ErrorInfo), and a request Google cannot even decode (bad JSON, a
  value of the wrong type, an unknown enum value: "Invalid value at ...", "Invalid JSON payload
  received. ...") a ``google.rpc.BadRequest`` with one field violation, as recorded from Google. A 400
  about what a well-formed request asks for ("Unable to parse range", "Invalid requests[0].addSheet:
  ...") has no ``details``, as recorded too.
* Drive v3 keeps its classic envelope: ``{"error": {"code", "message", "errors": [{"domain", "reason",
  "message", ...}]}}``.
* The OAuth token endpoint answers ``{"error": "invalid_grant", "error_description": ...}``.
"""

from __future__ import annotations

import json
from typing import Any

STATUS_BY_CODE = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "NOT_IMPLEMENTED",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

DEFAULT_MESSAGE = {
    400: "Request contains an invalid argument.",
    401: "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or "
         "other valid authentication credential. See "
         "https://developers.google.com/identity/sign-in/web/devconsole-project.",
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    429: "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of "
         "service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.",
    500: "Internal error encountered.",
    502: "Bad Gateway",
    503: "The service is currently unavailable.",
    504: "The request timed out. Please try again.",
}

DRIVE_REASON = {
    400: "invalid",
    401: "authError",
    403: "insufficientFilePermissions",
    404: "notFound",
    429: "rateLimitExceeded",
    500: "internalError",
    503: "backendError",
}

MISSING_CREDENTIALS = (
    "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie "
    "or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project."
)


class ApiError(Exception):
    def __init__(self, code: int, message: str | None = None, status: str | None = None, *,
                 reason: str | None = None, location: str | None = None, domain: str = "global",
                 details: list[dict] | None = None, headers: dict[str, str] | None = None):
        super().__init__(message or DEFAULT_MESSAGE.get(code, ""))
        self.code = code
        self.message = message or DEFAULT_MESSAGE.get(code, "")
        self.status = status or STATUS_BY_CODE.get(code, "UNKNOWN")
        self.reason = reason
        self.location = location
        self.domain = domain
        self.details = details
        self.headers = headers or {}

    def body(self, api: str) -> dict[str, Any]:
        if api == "drive":
            item: dict[str, Any] = {"message": self.message, "domain": self.domain,
                                    "reason": self.reason or DRIVE_REASON.get(self.code, "error")}
            if self.location:
                item["locationType"] = "parameter"
                item["location"] = self.location
            return {"error": {"code": self.code, "message": self.message, "errors": [item]}}
        if api == "oauth":
            return {"error": self.reason or "invalid_request", "error_description": self.message}
        error: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            error["details"] = self.details
        return {"error": error}


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def field_violation(message: str, field: str | None = None) -> ApiError:
    """A 400 for a request that could not be decoded, with Google's BadRequest details."""
    violation = {"field": field, "description": message} if field else {"description": message}
    details = [{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [violation]}]
    return ApiError(400, message, details=details)


def invalid_value(field: str, type_name: str, value: Any) -> ApiError:
    """Google's answer to a JSON or query value of the wrong type or an unknown enum value, e.g.
    ``Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), "X"``. Enum types
    are named by their Sheets v4 message (``"Dimension"``), others in full (``"google.protobuf.ListValue"``)."""
    full = type_name if "." in type_name else f"google.apps.sheets.v4.{type_name}"
    shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else f'"{value}"'
    return field_violation(f"Invalid value at '{field}' (type.googleapis.com/{full}), {shown}", field)


def not_found(message: str = "Requested entity was not found.") -> ApiError:
    return ApiError(404, message)


def permission_denied() -> ApiError:
    return ApiError(403, "The caller does not have permission")
