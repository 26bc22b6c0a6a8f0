"""Photos chosen on the intake form, kept between its rounds (the similar-problems page, a field
to correct) so that a resident uploads them once.

Each photo is checked and re-encoded when it arrives (outside any transaction) and kept under
``pending/`` in the shared file storage (every app server sees it; the files are never served);
the browser session lists them under the form's token, so only the browser that chose them can
file them. Filing reads them back; ``sweep`` removes what was left behind.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import asdict, dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from shangliang.files import images

DIRECTORY = "pending"
SESSION_PREFIX = "pending-photos:"
KEEP_FOR = dt.timedelta(days=1)
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{4,64}$")


@dataclass(frozen=True)
class Pending:
    key: str
    name: str  # as chosen, shown back to the resident
    width: int
    height: int

    @property
    def files(self) -> tuple[str, str]:
        return f"{DIRECTORY}/{self.key}.jpg", f"{DIRECTORY}/{self.key}-t.jpg"


def _session_key(form_token: str) -> str | None:
    return SESSION_PREFIX + form_token if _TOKEN_RE.match(form_token or "") else None


def kept(session: Any, form_token: str) -> list[Pending]:
    key = _session_key(form_token)
    return [Pending(**row) for row in session.get(key, [])] if key else []


def keep(session: Any, form_token: str, encoded: images.Encoded, name: str) -> Pending | None:
    """Keep a re-encoded photo for the form ``form_token``; None when the token is not a form's."""
    key = _session_key(form_token)
    if key is None:
        return None
    pending = Pending(
        key=secrets.token_urlsafe(18), name=name[:80], width=encoded.width, height=encoded.height
    )
    image, thumb = pending.files
    default_storage.save(image, encoded.image)
    default_storage.save(thumb, encoded.thumbnail)
    session[key] = [*session.get(key, []), asdict(pending)]
    return pending


def load(pending: Pending) -> images.Encoded | None:
    """The kept photo, re-encoded already; None when its files are gone (swept)."""
    image, thumb = pending.files
    try:
        with default_storage.open(image, "rb") as f:
            image_bytes = f.read()
        with default_storage.open(thumb, "rb") as f:
            thumb_bytes = f.read()
    except FileNotFoundError:
        return None
    return images.Encoded(
        image=ContentFile(image_bytes, name="photo.jpg"),
        thumbnail=ContentFile(thumb_bytes, name="photo-thumb.jpg"),
        width=pending.width,
        height=pending.height,
    )


def discard(session: Any, form_token: str) -> None:
    """Forget the form's kept photos and delete their files."""
    key = _session_key(form_token)
    if key is None:
        return
    for pending in kept(session, form_token):
        for name in pending.files:
            default_storage.delete(name)
    session.pop(key, None)


def sweep(now: dt.datetime | None = None) -> int:
    """Delete kept photos older than ``KEEP_FOR`` (forms never filed). Returns the files removed."""
    limit = (now or timezone.now()) - KEEP_FOR
    try:
        _, names = default_storage.listdir(DIRECTORY)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in names:
        path = f"{DIRECTORY}/{name}"
        if default_storage.get_modified_time(path) < limit:
            default_storage.delete(path)
            removed += 1
    return removed
