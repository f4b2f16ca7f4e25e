"""Model fields that keep personal data encrypted at rest."""

from __future__ import annotations

from typing import Any

from django.core import validators
from django.db import models
from django.db.models.lookups import IsNull

from egide.core import crypto
from egide.core.limits import text_limit


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text stored as a Fernet token; decrypted on load, encrypted on save.

    Only ``isnull`` lookups are allowed: the ciphertext is randomised, so equality or ``contains``
    on it would silently match nothing. Search through a blind index instead.
    """

    description = "Encrypted text"

    def contribute_to_class(
        self, cls: type[models.Model], name: str, *args: Any, **kw: Any
    ) -> None:
        """Take the field's length limit from ``egide.core.limits`` (the one place it lives):
        model validation, model forms and model serializers then all apply it."""
        super().contribute_to_class(cls, name, *args, **kw)
        limit = text_limit(f"{cls._meta.label}.{name}")
        if limit is not None and self.max_length is None:
            self.max_length = limit
            self.validators.append(validators.MaxLengthValidator(limit))

    def deconstruct(self) -> Any:
        # The limit is not a database property (the column holds ciphertext): keep it out of
        # migrations, so changing a limit needs none.
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value  # type: ignore[no-any-return]
        return crypto.decrypt_text(value)

    def to_python(self, value: Any) -> str | None:
        if value is None:
            return None
        return str(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value  # type: ignore[no-any-return]
        return crypto.encrypt_text(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            return None
        return IsNull


def encrypted_fields() -> list[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Every concrete model that has encrypted fields, with those fields."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields and not model._meta.proxy:
            found.append((model, fields))
    return found
