"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("egide.core.urls")),
    path("accounts/", include("egide.accounts.urls")),
    path("audit/", include("egide.audit.urls")),
    path("screening/", include("egide.screening.urls")),
    path("api/v1/", include("egide.api.urls")),
    path("admin/", admin.site.urls),
]
