from django.urls import path

from egide.directory import views

app_name = "directory"

urlpatterns = [path("", views.directory_view, name="list")]
