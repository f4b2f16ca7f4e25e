"""Rules of a child referral to CPIMS+ (a Primero v2 deployment), pure Python, no Django.

Contract facts (see ``shared/research/interop.md`` §5, and the Primero sources named there):

* login ``POST /api/v2/tokens`` ``{"user": {"user_name", "password"}}`` → 200, the JWT in the
  response's ``Authorization: Bearer …`` header, valid 60 minutes; 401 on bad credentials; 429
  after 6 attempts per user name and minute (Rack::Attack) [PRI doc/api/tokens/post.md,
  config/initializers/rack_attack.rb — doc];
* create ``POST /api/v2/cases`` ``{"data": {…}}``; with a client-chosen ``data.id`` the answer is
  204, and a second POST with the same id 409 [PRI doc/api/cases/post.md — doc];
* errors ``{"errors": [{"code", "message", "resource", "detail"}]}``; a 422 names the field in
  ``detail`` (a field name, or a list of invalid properties); an expired JWT is a 401
  [PRI app/services/error_service.rb — doc, read at commit 06fa3a1c].

Field names differ between deployments: the mapping is data (``DEFAULT_FIELD_MAP``), editable by
an administrator. Defaults follow the issue and PRI db/forms/case/basic_identity.rb (doc).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

DEFAULT_PORTS = {"https": 443, "http": 80}


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of *url*, the port made explicit: the server the password is for."""
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        port = None
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), port or DEFAULT_PORTS.get(scheme)


def address_forbidden(address: str) -> bool:
    """True for an address CPIMS+ may not be reached at unless its host is allowlisted: anything
    but a global unicast address (loopback, private, link-local, shared, reserved, multicast,
    unspecified; an IPv4 address mapped into IPv6 is judged as IPv4)."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def host_allowlisted(host: str, allowed: list[str] | tuple[str, ...]) -> bool:
    """*host* (a URL's host name or address) is one of the allowlisted hosts."""
    wanted = host.strip().strip("[]").lower()
    return any(wanted == entry.strip().strip("[]").lower() for entry in allowed if entry.strip())


def host_of(url: str) -> str:
    """``host:port`` of *url* (what the audit records of a change of server)."""
    _scheme, host, port = origin(url)
    return f"{host}:{port}" if port else host


# Égide field → Primero field (empty: never sent). Order = order on the page.
DEFAULT_FIELD_MAP: dict[str, str] = {
    "first_name": "name_first",
    "last_name": "name_last",
    "sex": "sex",
    "age": "age",
    "birth_date": "date_of_birth",
    "protection_concerns": "protection_concerns",
}
EGIDE_FIELDS = tuple(DEFAULT_FIELD_MAP)
DEFAULT_MODULE_ID = "primeromodule-cp"
# Value(s) of lookup-protection-concerns meaning trafficking: deployment-specific (fetch
# /api/v2/lookups on the real server); "trafficked" is an unverified default.
DEFAULT_PROTECTION_CONCERNS = "trafficked"
# Primero's lookup-gender knows male/female (and other in recent configurations); unknown → omit.
SEX_VALUES = {"female": "female", "male": "male", "other": "other"}
ADULT_AGE = 18
TOKEN_MINUTES = 60
LOGIN_LIMIT_PER_MINUTE = 6  # Primero locks the user name beyond this


@dataclass(frozen=True)
class ChildFacts:
    """What Égide knows of a person's age."""

    child_flag: bool
    birth_year: int | None
    birth_date: str


def age_on(facts: ChildFacts, today: date) -> int | None:
    """Age in whole years from the date of birth, else from the year of birth; None unknown."""
    born = _iso_date(facts.birth_date)
    if born is not None:
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if facts.birth_year:
        return today.year - facts.birth_year
    return None


def is_child(facts: ChildFacts, today: date) -> bool:
    """A child under the Child Code (under 18): the case is marked as a child's and no known
    date or year of birth says 18 or more (a year alone: only when 18 is certain)."""
    if not facts.child_flag:
        return False
    born = _iso_date(facts.birth_date)
    if born is not None:
        return (age_on(facts, today) or 0) < ADULT_AGE
    if facts.birth_year:
        return today.year - facts.birth_year - 1 < ADULT_AGE
    return True


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text and text.strip() else None
    except ValueError:
        return None


def case_values(
    *,
    first_name: str,
    last_name: str,
    sex: str,
    facts: ChildFacts,
    protection_concerns: str,
    today: date,
) -> dict[str, Any]:
    """Égide field → the value Primero expects (None or "" when Égide has none)."""
    concerns = [v.strip() for v in protection_concerns.split(",") if v.strip()]
    return {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "sex": SEX_VALUES.get(sex, ""),
        "age": age_on(facts, today),
        "birth_date": facts.birth_date.strip(),
        "protection_concerns": concerns,
    }


# Primero fields Égide sets itself or that Primero sets (owner, status, record state): never a
# mapping's target (a mapping to ``id`` would replace Égide's id, the key of retries).
RESERVED_TARGETS = frozenset({"id", "module_id", "owned_by", "status", "record_state"})


def mapping_problems(field_map: Mapping[str, str]) -> dict[str, str]:
    """Égide field → "reserved" or "duplicate" for each mapping that may not be kept: a reserved
    target, or a target another Égide field already maps to (the second and later ones)."""
    problems: dict[str, str] = {}
    seen: set[str] = set()
    for name in EGIDE_FIELDS:
        target = (field_map.get(name) or "").strip()
        if not target:
            continue
        if target in RESERVED_TARGETS:
            problems[name] = "reserved"
        elif target in seen:
            problems[name] = "duplicate"
        seen.add(target)
    return problems


def build_case_payload(
    *,
    record_id: str,
    values: Mapping[str, Any],
    ticked: list[str],
    field_map: Mapping[str, str],
    module_id: str,
) -> dict[str, Any]:
    """The ``POST /api/v2/cases`` body: Égide's own id, the module, and only the ticked fields
    that have a value and a Primero name."""
    data: dict[str, Any] = {"id": record_id, "module_id": module_id}
    refused = mapping_problems(field_map)
    for name in EGIDE_FIELDS:
        if name not in ticked or name in refused:
            continue
        target = (field_map.get(name) or "").strip()
        value = values.get(name)
        if not target or value in (None, "", []):
            continue
        data[target] = value
    return {"data": data}


def fields_with_values(ticked: list[str], values: Mapping[str, Any]) -> list[str]:
    """The ticked Égide fields that have a value (what actually travels)."""
    return [n for n in EGIDE_FIELDS if n in ticked and values.get(n) not in (None, "", [])]


def sent_fields(payload: Mapping[str, Any]) -> list[str]:
    """The Primero field names a payload carries (what the audit records: names, not values)."""
    data = payload.get("data", {})
    return sorted(k for k in data if k not in ("id", "module_id"))


# --- reading Primero's answers ----------------------------------------------------------------

OUTCOME_CREATED = "created"
OUTCOME_ALREADY_THERE = "already_there"
OUTCOME_EXPIRED = "token_expired"
OUTCOME_FORBIDDEN = "forbidden"
OUTCOME_INVALID = "invalid"
OUTCOME_THROTTLED = "throttled"
OUTCOME_RETRY = "retry"
OUTCOME_REJECTED = "rejected"


@dataclass(frozen=True)
class Outcome:
    """What an answer to ``POST /api/v2/cases`` means for Égide."""

    kind: str
    status: int
    field: str = ""
    message: str = ""
    primero_id: str = ""
    retry_after: float | None = None

    @property
    def retriable(self) -> bool:
        return self.kind in (OUTCOME_THROTTLED, OUTCOME_RETRY)


def first_error(body: Any) -> tuple[str, str]:
    """(field, message) of the first error of a Primero error body; ("", "") when none."""
    errors = body.get("errors") if isinstance(body, Mapping) else None
    if not isinstance(errors, list) or not errors or not isinstance(errors[0], Mapping):
        return "", ""
    error = errors[0]
    detail = error.get("detail")
    if isinstance(detail, list):
        field = ", ".join(str(d) for d in detail[:5])
    else:
        field = str(detail) if isinstance(detail, str | int) else ""
    message = error.get("message")
    if isinstance(message, list):
        message = "; ".join(str(m) for m in message[:3])
    return field[:200], (str(message) if message is not None else "")[:300]


def retry_after_seconds(header: str | None) -> float | None:
    try:
        return max(0.0, float(header)) if header else None
    except ValueError:
        return None


def read_create_answer(
    status: int, body: Any, record_id: str, retry_after: str | None = None
) -> Outcome:
    """Classify the answer to a case creation."""
    field, message = first_error(body)
    if status in (200, 201, 204):
        data = body.get("data") if isinstance(body, Mapping) else None
        primero_id = str(data.get("id") or record_id) if isinstance(data, Mapping) else record_id
        return Outcome(OUTCOME_CREATED, status, primero_id=primero_id)
    if status == 409:
        return Outcome(OUTCOME_ALREADY_THERE, status, primero_id=record_id, message=message)
    if status == 401:
        return Outcome(OUTCOME_EXPIRED, status, message=message)
    if status == 403:
        return Outcome(OUTCOME_FORBIDDEN, status, message=message)
    if status == 422:
        return Outcome(OUTCOME_INVALID, status, field=field, message=message)
    if status == 429:
        return Outcome(OUTCOME_THROTTLED, status, retry_after=retry_after_seconds(retry_after))
    if status >= 500 or status == 408:
        return Outcome(OUTCOME_RETRY, status, message=message)
    return Outcome(OUTCOME_REJECTED, status, field=field, message=message)


def backoff_seconds(attempt: int, base: float, cap: float = 300.0) -> float:
    """Seconds to wait after failed *attempt* (1, 2, …): base, 2×base, 4×base…, at most *cap*."""
    return float(min(cap, base * (2 ** max(0, attempt - 1))))


def logins_allowed(recent: list[float], now: float, limit: int) -> bool:
    """Another login may go now when fewer than *limit* happened in the last 60 seconds."""
    return sum(1 for t in recent if now - t < 60) < limit
