from rest_framework import serializers

from egide.accounts.permissions import role_codes


class MeSerializer(serializers.Serializer[object]):
    """The signed-in account: who, which organisation, which roles."""

    username = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    language = serializers.CharField()
    organisation = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()

    def get_organisation(self, user: object) -> str | None:
        org = getattr(user, "organisation", None)
        return org.name if org is not None else None

    def get_roles(self, user: object) -> list[str]:
        return sorted(role_codes(user))
