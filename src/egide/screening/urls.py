from django.urls import path

from egide.screening import views

app_name = "screening"

urlpatterns = [
    path("", views.assessment_list_view, name="list"),
    path("interview/", views.interview_view, name="interview"),
    path("<int:pk>/", views.assessment_detail_view, name="detail"),
]
