from django.urls import path

from egide.fielddata import views

app_name = "fielddata"

urlpatterns = [
    path("forms/", views.forms_view, name="forms"),
    path("forms/<slug:form_id>.<slug:fmt>", views.form_download_view, name="form_download"),
    path("imports/", views.imports_view, name="imports"),
    path("imports/upload/", views.upload_view, name="upload"),
    path("imports/<int:pk>/", views.run_view, name="run"),
    path("connections/<int:pk>/pull/", views.pull_view, name="pull"),
    path("submissions/<int:pk>/", views.record_view, name="record"),
]
