"""Reading field imports, each through the permission that bounds it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from egide.fielddata.models import Connection, ImportRun, SubmissionOutcome, SubmissionRecord
from egide.fielddata.permissions import (
    can_manage_imports,
    records_visible_to,
    runs_visible_to,
)


def runs_for(user: Any) -> QuerySet[ImportRun]:
    return runs_visible_to(user, ImportRun.objects.select_related("connection", "started_by"))


def records_for(user: Any) -> QuerySet[SubmissionRecord]:
    return records_visible_to(user, SubmissionRecord.objects.all())


def get_run_for_user_or_404(user: Any, pk: int) -> ImportRun:
    run = runs_for(user).filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


def outcomes_of(user: Any, run: ImportRun) -> QuerySet[SubmissionOutcome]:
    return run.outcomes.select_related("record").order_by("id")


def get_record_for_user_or_404(user: Any, pk: int) -> SubmissionRecord:
    record = records_for(user).filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def connections_for(user: Any) -> QuerySet[Connection]:
    if not can_manage_imports(user):
        return Connection.objects.none()
    from egide.accounts import roles
    from egide.accounts.permissions import has_role

    if has_role(user, roles.ADMINISTRATOR):
        return Connection.objects.all()
    return Connection.objects.filter(organisation_id=user.organisation_id)
