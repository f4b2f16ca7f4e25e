"""Reading jobs: always starting from the jobs the person started."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from egide.jobs.models import Job


def jobs_for(user: Any) -> QuerySet[Job]:
    if not (user.is_authenticated and user.is_active):
        return Job.objects.none()
    return Job.objects.filter(started_by=user).defer("result_file").order_by("-created_at", "-pk")


def get_job_for_user_or_404(user: Any, pk: int, *, with_file: bool = False) -> Job:
    queryset = jobs_for(user)
    if with_file:
        queryset = queryset.defer(None)
    job = queryset.filter(pk=pk).first()
    if job is None:
        raise Http404
    return job
