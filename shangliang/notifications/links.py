"""Links residents receive: every address in an SMS (and every address printed on a page) is absolute,
built on the one configured public address (``SHANGLIANG_SITE_URL``), so a phone can open it."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.urls import reverse

# An address as it appears in a message: up to the first space or full-width punctuation.
URL_RE = re.compile(r"https?://[A-Za-z0-9._~:/?#@!$&'()*+,;=%\[\]-]+")
# A site path standing alone (not the tail of an absolute address): "/evaluations/v/…".
_BARE_PATH_RE = re.compile(r"(?<![A-Za-z0-9._~:/%-])/[a-z][a-z0-9_-]*/[A-Za-z0-9._~/?=&%-]*")


class RelativeLinkError(ValueError):
    """A message would carry a link no phone can open."""


def site_url() -> str:
    """The public address of the site (scheme and host, no trailing slash)."""
    return str(settings.SHANGLIANG_SITE_URL).rstrip("/")


def absolute(path: str) -> str:
    """``path`` on the public address; an address already absolute is kept."""
    if path.startswith(("http://", "https://")):
        return path
    return site_url() + ("" if path.startswith("/") else "/") + path


def absolute_url(viewname: str, *args: Any, **kwargs: Any) -> str:
    return absolute(reverse(viewname, args=args or None, kwargs=kwargs or None))


def urls_in(text: str) -> list[str]:
    """The absolute addresses in ``text``, in order."""
    return URL_RE.findall(text)


def bare_paths(text: str) -> list[str]:
    """Site paths in ``text`` that are not part of an absolute address."""
    return _BARE_PATH_RE.findall(URL_RE.sub(" ", text))


def check_message(body: str) -> None:
    """Refuse a message whose links a phone could not open: a bare path or another site's address."""
    base = site_url()
    foreign = [url for url in urls_in(body) if not url.startswith(base + "/") and url != base]
    if bare_paths(body) or foreign:
        raise RelativeLinkError(f"短信中的链接必须以 {base} 开头：{body[:200]}")
