"""What a web server process does once it has loaded the application.

A server process lives for hours and keeps most of what it makes: Django and the apps with their
tables and templates, and, once it has served some requests, the text engine's kept reads and the
rendered fragments. Python's cyclic garbage collector walks every object it tracks on each full
collection (about 0.1 s every few thousand requests for a warm process here). ``settle`` moves
what exists at load time out of its reach (``gc.freeze``), and does so again, after one full
collection, once the process has served ``WARM_REQUESTS`` requests. Objects frozen that later
become garbage are still freed by reference counting; only cycles among them would stay (ADR 60).
"""

from __future__ import annotations

import gc
from typing import Any

from django.core.signals import request_finished

WARM_REQUESTS = 200
_UID = "core-server-settle"
_served = [0]


def settle() -> None:
    """Called by the WSGI module once the application is loaded."""
    gc.freeze()
    _served[0] = 0
    request_finished.connect(_served_one, dispatch_uid=_UID)


def _served_one(**_: Any) -> None:
    _served[0] += 1
    if _served[0] >= WARM_REQUESTS:
        request_finished.disconnect(dispatch_uid=_UID)
        gc.collect()
        gc.freeze()
