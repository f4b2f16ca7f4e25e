from django.urls import path

from egide.policy import views

app_name = "policy"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("instruments/", views.instruments_view, name="instruments"),
    path("confirm/<str:kind>/<int:pk>/", views.confirm_view, name="confirm"),
    path("reviews/new/", views.review_create_view, name="review_create"),
    path("reviews/compare/", views.compare_view, name="compare"),
    path("reviews/<int:pk>/workshop/new/", views.workshop_create_view, name="workshop_create"),
    path("reviews/<int:pk>/", views.review_view, name="review"),
    path("reviews/<int:pk>/assess/", views.assess_view, name="assess"),
    path(
        "reviews/<int:pk>/recommendations/new/",
        views.recommendation_create_view,
        name="recommendation_create",
    ),
    path(
        "reviews/<int:pk>/report.<str:fmt>",
        views.review_report_view,
        name="review_report",
    ),
    path("workshops/<int:pk>/", views.workshop_view, name="workshop"),
    path("workshops/<int:pk>/seats/", views.workshop_seat_view, name="workshop_seat"),
    path("tracker/", views.tracker_view, name="tracker"),
    path("tracker/<int:pk>/", views.item_view, name="item"),
    path("tracker/<int:pk>/<str:action>/", views.item_action_view, name="item_action"),
    path("institutions/", views.institutions_view, name="institutions"),
    path("institutions/<slug:code>/", views.institution_view, name="institution"),
    path("analyses/", views.analyses_view, name="analyses"),
    path("analyses/new/", views.analysis_create_view, name="analysis_create"),
    path("analyses/<int:pk>/", views.analysis_view, name="analysis"),
    path("analyses/<int:pk>/add/<str:what>/", views.analysis_add_view, name="analysis_add"),
    path(
        "analyses/<int:pk>/report.<str:fmt>",
        views.analysis_report_view,
        name="analysis_report",
    ),
]
