"""'Mes travaux': one's background jobs, their progress, and their results."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from egide.core.paging import page_without_count
from egide.jobs.selectors import get_job_for_user_or_404, jobs_for
from egide.jobs.services import job_result_read, job_result_readable


@never_cache
@login_required
def job_list_view(request: HttpRequest) -> HttpResponse:
    page = page_without_count(jobs_for(request.user), request.GET.get("page"))
    running = any(job.active for job in page)
    return render(
        request,
        "jobs/list.html",
        {"page": page, "running": running},
    )


@never_cache
@login_required
def job_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for_user_or_404(request.user, pk)
    return render(request, "jobs/detail.html", {"job": job})


@never_cache
@login_required
def job_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for_user_or_404(request.user, pk, with_file=True)
    if not job_result_readable(user=request.user, job=job):
        raise Http404
    content = job_result_read(actor=request.user, job=job)
    response = HttpResponse(content, content_type=job.result_content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.result_filename}"'
    return response
