"""Signed-in views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.decorators import login_required as django_login_required
from django.http import HttpRequest, HttpResponseBase
from django.utils.functional import SimpleLazyObject, empty

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def login_required(view: View) -> View:
    """Django's ``login_required``; the view then sees the user object itself rather than the lazy
    wrapper around it (every attribute read through the wrapper costs a raised AttributeError, and
    a staff page's permission checks and template read the user a few hundred times)."""

    @wraps(view)
    def unwrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if isinstance(user, SimpleLazyObject) and user._wrapped is not empty:
            request.user = user._wrapped
        return view(request, *args, **kwargs)

    return cast(View, django_login_required(unwrapped))
