"""The one task the queue knows: run the Job whose id it carries."""

from __future__ import annotations

from django_tasks import task


@task()
def run_job(job_id: int) -> str:
    from egide.jobs.services import job_run

    return str(job_run(job_id=job_id))
