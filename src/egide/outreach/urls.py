from django.urls import path

from egide.outreach import views

app_name = "outreach"

urlpatterns = [
    path("dialogues/", views.dialogue_list_view, name="dialogues"),
    path("dialogues/new/", views.dialogue_create_view, name="dialogue_create"),
    path("ambassadors/", views.ambassador_list_view, name="ambassadors"),
    path("reach/", views.reach_view, name="reach"),
]
