from django.urls import path

from egide.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list_view, name="list"),
    path("<int:pk>/", views.referral_detail_view, name="detail"),
    path("<int:pk>/<slug:action>/", views.referral_action_view, name="action"),
]
