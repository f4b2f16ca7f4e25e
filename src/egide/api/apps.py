from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "egide.api"
    label = "api"
    verbose_name = "API"
