"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("egide.core.urls")),
    path("accounts/", include("egide.accounts.urls")),
    path("audit/", include("egide.audit.urls")),
    path("screening/", include("egide.screening.urls")),
    path("cases/", include("egide.cases.urls")),
    path("referrals/", include("egide.referrals.urls")),
    path("directory/", include("egide.directory.urls")),
    path("training/", include("egide.training.urls")),
    path("outreach/", include("egide.outreach.urls")),
    path("policy/", include("egide.policy.urls")),
    path("jobs/", include("egide.jobs.urls")),
    path("interop/", include("egide.interop.urls")),
    path("field/", include("egide.fielddata.urls")),
    path("monitoring/", include("egide.monitoring.urls")),
    path("dhis2/", include("egide.dhis2.urls")),
    path("sharing/", include("egide.sharing.urls")),
    path("api/v1/", include("egide.api.urls")),
    path("admin/", admin.site.urls),
]
