"""Access rows of the monitoring module: coordinators, analysts, administrators, case
supervisors and trainers read the programme's figures; everyone else gets 404 (pages) or 403
(API); anonymous visitors are sent to the login page."""

from __future__ import annotations

from egide.accounts import roles
from tests.access_rows import Row

READ = frozenset(
    {roles.COORDINATOR, roles.ANALYST, roles.ADMINISTRATOR, roles.CASE_SUPERVISOR, roles.TRAINER}
)
PAGE_DENIED = (302, 404)
API_DENIED = (401, 403)

ROWS: dict[str, Row] = {
    "monitoring:dashboard": Row(READ, denied_status=PAGE_DENIED),
    "monitoring:objective": Row(READ, denied_status=PAGE_DENIED, kwargs={"code": "ii"}),
    "monitoring:region": Row(READ, denied_status=PAGE_DENIED, kwargs={"code": "GN-L"}),
    "monitoring:indicator": Row(READ, denied_status=PAGE_DENIED, kwargs={"code": "III.2"}),
    "monitoring:report": Row(READ, denied_status=PAGE_DENIED),
    "api:indicators": Row(READ, denied_status=API_DENIED),
}
