from django.urls import path

from egide.screening import views

app_name = "screening"

urlpatterns = [
    path("", views.assessment_list_view, name="list"),
    path("interview/", views.interview_view, name="interview"),
    path(
        "interview/<uuid:draft_id>/<slug:step>/",
        views.interview_step_view,
        name="interview_step",
    ),
    path("<int:pk>/", views.assessment_detail_view, name="detail"),
    path("<int:pk>/open-case/", views.assessment_open_case_view, name="open_case"),
]
