"""Form base classes shared by every app."""

import copy
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.forms import DeclarativeFieldsMetaclass

from shangliang.core.errors import ApplicationError
from shangliang.core.prepared import PreparedModelRead

# The largest key a database column holds (a larger number is not a choice, not an overflow).
_MAX_KEY = 2**63 - 1


def _shallow(obj: Any) -> Any:
    """What ``copy.copy`` gives for a field or widget (a new object with the same attributes),
    without the pickle protocol it goes through."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


def _copy_widget(widget: forms.Widget, memo: dict[int, Any], *, choices: bool = True) -> Any:
    deep = type(widget).__deepcopy__
    if deep is forms.Widget.__deepcopy__:
        new = _shallow(widget)
    elif deep is forms.widgets.ChoiceWidget.__deepcopy__:
        new = _shallow(widget)
        if choices:  # already normalised: copied as they are, not through the setter
            given = widget._choices  # type: ignore[attr-defined]
            new._choices = given.copy() if isinstance(given, list) else copy.copy(given)
    else:
        return copy.deepcopy(widget, memo)
    new.attrs = widget.attrs.copy()
    memo[id(widget)] = new
    return new


def _copy_field_state(field: forms.Field, memo: dict[int, Any], *, choices: bool = True) -> Any:
    """``Field.__deepcopy__``: the field with its own widget, error messages and validators."""
    new = _shallow(field)
    memo[id(field)] = new
    new.widget = _copy_widget(field.widget, memo, choices=choices)
    new.error_messages = field.error_messages.copy()
    new.validators = field.validators[:]
    return new


def copy_field(field: forms.Field, memo: dict[int, Any]) -> Any:
    """A field as ``copy.deepcopy`` copies it for each form, for the field classes whose copy is
    Django's plain one (others copy themselves)."""
    deep = type(field).__deepcopy__
    if deep is forms.Field.__deepcopy__:
        return _copy_field_state(field, memo)
    if deep is forms.ChoiceField.__deepcopy__:
        new = _copy_field_state(field, memo)
        new._choices = copy.deepcopy(field._choices, memo)  # type: ignore[attr-defined]
        return new
    return copy.deepcopy(field, memo)


class _Fields(dict[str, forms.Field]):
    """A form class's fields. Each form works on its own copy of them (``copy.deepcopy`` in
    ``BaseForm.__init__``); this copy gives the same objects without going through the generic
    deep-copy machinery field by field, a measurable share of a form post."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return {name: copy_field(field, memo) for name, field in self.items()}


class _SharedFields(_Fields):
    """The fields of a form class that declares ``share_fields``: each form gets its own mapping
    of the class's field objects, not copies of them."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return dict(self)


class _FormMetaclass(DeclarativeFieldsMetaclass):
    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        new_class: Any = super().__new__(mcs, name, bases, attrs)
        kind = _SharedFields if getattr(new_class, "share_fields", False) else _Fields
        new_class.base_fields = kind(new_class.base_fields)
        return new_class


class Form(forms.Form, metaclass=_FormMetaclass):
    """Labels without Django's trailing colon: screen readers read "手机号", not "手机号冒号".

    A form class whose fields nothing changes once the class is made (no ``__init__``, view or
    template sets a field's queryset, choices, widget or attributes; adding or removing fields
    of a form is fine) may set ``share_fields = True``: its forms then use the class's field
    objects instead of copying all of them for every form, a measurable share of a busy post.
    A test of each such form checks that posting and rendering it leave its fields as they were.
    """

    share_fields = False

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

    # A form's copy shares its class field's queryset until something reads it (``queryset``):
    # Django clones it for every form, and a post that only looks a key up never reads it.
    _queryset_shared = False

    def __init__(self, queryset: QuerySet[Any], *, where: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(queryset, **kwargs)
        conditions = dict(where)
        self.model = queryset.model
        self.lookup = PreparedModelRead(self.model, lambda pk: {"pk": pk, **conditions}, pk=int)

    def _get_queryset(self) -> Any:
        if self._queryset_shared:
            self._queryset: Any = self._queryset.all()
            self._queryset_shared = False
        return self._queryset

    def _set_queryset(self, queryset: Any) -> None:
        self._queryset_shared = False
        super()._set_queryset(queryset)  # type: ignore[misc]

    queryset = property(_get_queryset, _set_queryset)

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        result = _copy_field_state(self, memo, choices=False)
        result._queryset_shared = True
        # The copy's own choices, iterated (uncached) from the shared queryset: rendering them
        # does not fill its result cache.
        choices = object.__new__(self.iterator)
        choices.field = result
        choices.queryset = self._queryset
        result.widget._choices = choices
        return result

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
