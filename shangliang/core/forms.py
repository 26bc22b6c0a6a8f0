"""Form base classes shared by every app."""

from collections.abc import Mapping
from typing import Any

from django import forms

from shangliang.core.errors import ApplicationError


class Form(forms.Form):
    """Labels without Django's trailing colon: screen readers read "手机号", not "手机号冒号"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def add_service_error(
    form: forms.Form, error: ApplicationError, aliases: Mapping[str, str] | None = None
) -> None:
    """Show a service's refusal on the field it names (or above the form); what was typed stays.

    ``aliases`` maps a service's field name to the form's where they differ (region → community).
    """
    name = (aliases or {}).get(error.field or "", error.field)
    form.add_error(name if name in form.fields else None, error.message)
