"""OpenAPI post-processing: every operation documents the error answers it can give.

Every endpoint needs an authenticated caller (401/403), is throttled (429), refuses bad input
(400: a body, a query parameter; 415: a body in a format it does not read) and hides what the
caller may not see behind 404 (a path parameter). drf-spectacular documents only the success
answer by default; this hook adds the rest, so that clients — and the schemathesis test — know
every status code the API answers.
"""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_SCHEMA = {"type": "object", "additionalProperties": True}

DESCRIPTIONS = {
    "400": "Invalid input: the body says which field and why.",
    "401": "Not authenticated.",
    "403": "Authenticated, but this role may not use this endpoint.",
    "404": "Not found, or not visible to the caller (the two look the same).",
    "415": "Unsupported media type: send the body as JSON.",
    "429": "Too many requests: wait and try again.",
}


def _response(code: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": schema}}}


def document_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for code in ("401", "403", "429"):
                responses.setdefault(code, _response(code, ERROR_SCHEMA))
            parameters = operation.get("parameters", [])
            if "requestBody" in operation or any(p.get("in") == "query" for p in parameters):
                responses.setdefault("400", _response("400", VALIDATION_SCHEMA))
            if "requestBody" in operation:
                responses.setdefault("415", _response("415", ERROR_SCHEMA))
            if "{" in path:
                responses.setdefault("404", _response("404", ERROR_SCHEMA))
    return result
