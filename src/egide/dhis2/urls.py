from django.urls import path

from egide.dhis2 import views

app_name = "dhis2"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("connection/", views.connection_view, name="connection"),
    path("mapping/<str:kind>/new/", views.mapping_edit_view, name="mapping_create"),
    path("mapping/<str:kind>/<int:pk>/", views.mapping_edit_view, name="mapping_edit"),
    path("mapping/<str:kind>/<int:pk>/delete/", views.mapping_delete_view, name="mapping_delete"),
    path("export/", views.export_view, name="export"),
    path("push/", views.push_view, name="push_start"),
    path("pushes/<int:pk>/", views.push_detail_view, name="push"),
]
