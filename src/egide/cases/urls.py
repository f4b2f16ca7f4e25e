from django.urls import path

from egide.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("<int:pk>/", views.case_detail_view, name="detail"),
    path("<int:pk>/identity/", views.case_identity_view, name="identity"),
    path("<int:pk>/refer/", views.refer_view, name="refer"),
    path("<int:pk>/do/<slug:action>/", views.case_action_view, name="action"),
    path("<int:pk>/do/<slug:action>/<int:item>/", views.case_action_view, name="item_action"),
    path("<int:pk>/files/<int:item>/", views.attachment_download_view, name="attachment"),
    path("alerts/", views.alert_list_view, name="alert_list"),
    path("alerts/new/", views.alert_create_view, name="alert_create"),
    path("alerts/<int:pk>/", views.alert_detail_view, name="alert_detail"),
]
