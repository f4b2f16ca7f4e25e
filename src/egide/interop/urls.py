from django.urls import path

from egide.interop import views

app_name = "interop"

urlpatterns = [
    path("sms/", views.sms_channels_view, name="sms_channels"),
    path("sms/new/", views.sms_channel_create_view, name="sms_channel_create"),
    path("sms/<int:pk>/", views.sms_channel_edit_view, name="sms_channel_edit"),
    path("sms/<int:pk>/secret/", views.sms_channel_secret_view, name="sms_channel_secret"),
    path("sms/rapidpro/<uuid:channel>/", views.rapidpro_webhook, name="rapidpro_webhook"),
    path(
        "sms/africastalking/<uuid:channel>/",
        views.africastalking_webhook,
        name="africastalking_webhook",
    ),
    path("cpims/", views.cpims_connection_view, name="cpims_connection"),
    path("cases/<int:pk>/cpims/", views.cpims_refer_view, name="cpims_refer"),
]
