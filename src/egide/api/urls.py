from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from egide.api import views
from egide.cases import api as cases_api
from egide.monitoring import api as monitoring_api
from egide.outreach import views as outreach_views
from egide.policy import api as policy_api
from egide.screening import api as screening_api

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("me/", views.MeView.as_view(), name="me"),
    path("screening/evaluate", screening_api.EvaluateView.as_view(), name="screening_evaluate"),
    path("screening/catalogue", screening_api.CatalogueView.as_view(), name="screening_catalogue"),
    path("alerts/", cases_api.AlertListCreate.as_view(), name="alerts"),
    path("cases/", cases_api.CaseList.as_view(), name="cases"),
    path("cases/<int:pk>/", cases_api.CaseDetail.as_view(), name="case_detail"),
    path("referrals/", cases_api.ReferralList.as_view(), name="referrals"),
    path("referrals/<int:pk>/answer/", cases_api.ReferralAnswer.as_view(), name="referral_answer"),
    path("services/", cases_api.ServiceList.as_view(), name="services"),
    path("reach/", outreach_views.ReachApi.as_view(), name="reach"),
    path("indicators/", monitoring_api.IndicatorList.as_view(), name="indicators"),
    *policy_api.urlpatterns,
]
