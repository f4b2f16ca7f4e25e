from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from egide.api import views
from egide.screening import api as screening_api

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("me/", views.MeView.as_view(), name="me"),
    path("screening/evaluate", screening_api.EvaluateView.as_view(), name="screening_evaluate"),
    path("screening/catalogue", screening_api.CatalogueView.as_view(), name="screening_catalogue"),
]
