"""Form base classes shared by every app."""

from typing import Any

from django import forms


class Form(forms.Form):
    """Labels without Django's trailing colon: screen readers read "手机号", not "手机号冒号"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
