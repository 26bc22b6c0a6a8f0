"""A model field whose value is personal data stored encrypted (``privacy.personal``): the code reads
and writes the clear value, the database holds a Fernet token. A token no configured key opens
reads as "无法解密" and is written back unchanged, never lost."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from shangliang.privacy import personal


class EncryptedTextField(models.TextField):
    def __init__(self, *args: Any, clear_max_length: int = 20, **kwargs: Any) -> None:
        self.clear_max_length = clear_max_length
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.clear_max_length != 20:
            kwargs["clear_max_length"] = self.clear_max_length
        return name, path, args, kwargs

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str:
        return personal.decrypt_or_unreadable(value or "")

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return personal.encrypt(value) if value else ""

    def formfield(self, **kwargs: Any) -> Any:
        return forms.CharField(
            label=kwargs.get("label", self.verbose_name),
            required=not self.blank,
            max_length=self.clear_max_length,
            help_text=self.help_text,
        )
