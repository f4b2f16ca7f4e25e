from django.urls import path

from egide.sharing import views

app_name = "sharing"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("export", views.export_view, name="export"),
    path("tables", views.table_view, name="table"),
    path("partners/import", views.import_view, name="import"),
    path("partners/<int:pk>/", views.dataset_view, name="dataset"),
]
