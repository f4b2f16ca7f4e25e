from django.urls import path

from egide.training import entry_views, views

app_name = "training"

urlpatterns = [
    path("", views.session_list_view, name="list"),
    path("curriculum/", views.curriculum_view, name="curriculum"),
    path("curriculum/<slug:code>/", views.curriculum_view, name="module"),
    path("sessions/new/", views.session_create_view, name="session_create"),
    path("sessions/<int:pk>/", views.session_view, name="session"),
    path("sessions/<int:pk>/participants/", views.participant_add_view, name="participant_add"),
    path("sessions/<int:pk>/import/", views.participant_import_view, name="import"),
    path("sessions/<int:pk>/attendance/", views.attendance_view, name="attendance"),
    path("sessions/<int:pk>/tests/", views.tests_view, name="tests"),
    path(
        "sessions/<int:pk>/paper/<int:enrollment_id>/<slug:kind>/",
        views.paper_entry_view,
        name="paper",
    ),
    path("sessions/<int:pk>/grid/<slug:kind>/", entry_views.paper_grid_view, name="paper_grid"),
    path(
        "sessions/<int:pk>/scores/<slug:kind>/", entry_views.paper_scores_view, name="paper_scores"
    ),
    path(
        "sessions/<int:pk>/link/<int:enrollment_id>/",
        entry_views.participant_link_view,
        name="participant_link",
    ),
    path(
        "sessions/<int:pk>/certificate/<int:enrollment_id>/",
        views.certificate_view,
        name="certificate",
    ),
    path("sessions/<int:pk>/export/<str:what>", views.export_view, name="export"),
    path("sessions/<int:pk>/export-job/<str:what>", views.export_job_view, name="export_job"),
    path("test/<str:token>/", views.take_test_view, name="take_test"),
    path("verify/", views.verify_view, name="verify"),
    path("verify/<str:code>/", views.verify_view, name="verify_code"),
]
