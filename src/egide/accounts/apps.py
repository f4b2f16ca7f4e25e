from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "egide.accounts"
    label = "accounts"
    verbose_name = _("Organisations and accounts")

    def ready(self) -> None:
        # Registers the OpenAPI description of the token scheme with drf-spectacular.
        from egide.accounts import api_auth  # noqa: F401
