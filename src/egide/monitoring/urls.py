from django.urls import path

from egide.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("objectives/<str:code>/", views.objective_view, name="objective"),
    path("regions/<str:code>/", views.region_view, name="region"),
    path("indicators/<str:code>/", views.indicator_view, name="indicator"),
    path("report/", views.report_view, name="report"),
]
