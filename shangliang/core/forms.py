"""Form base classes shared by every app."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from shangliang.core.errors import ApplicationError
from shangliang.core.prepared import PreparedModelRead

# The largest key a database column holds (a larger number is not a choice, not an overflow).
_MAX_KEY = 2**63 - 1


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


class PreparedModelChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` that looks a posted key up with a prepared read (ADR 57) of the rows
    ``where`` allows, instead of compiling the queryset's query on every post. ``where`` must
    name the same rows as ``queryset``, which still gives the choices wherever the field itself
    renders them."""

    def __init__(self, queryset: QuerySet[Any], *, where: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(queryset, **kwargs)
        conditions = dict(where)
        self.model = queryset.model
        self.lookup = PreparedModelRead(self.model, lambda pk: {"pk": pk, **conditions}, pk=int)

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if isinstance(value, self.model):
            value = value.pk
        text = str(value).strip()
        found = self.lookup.first(pk=int(text)) if text.isdigit() and int(text) <= _MAX_KEY else None
        if found is None:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return found
