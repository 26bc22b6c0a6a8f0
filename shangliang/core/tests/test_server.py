"""A server process moves what it has loaded, and again what it kept once warm, out of the
garbage collector's reach."""

from __future__ import annotations

import gc

import pytest
from django.core.signals import request_finished

from shangliang.core import server


@pytest.mark.django_db  # the signal's other receivers close old database connections
def test_loaded_objects_are_frozen_and_again_once_the_process_is_warm(monkeypatch):
    monkeypatch.setattr(server, "WARM_REQUESTS", 3)
    gc.unfreeze()
    try:
        # when: the application is loaded
        server.settle()
        loaded = gc.get_freeze_count()
        kept = [[n] for n in range(1000)]  # what the first requests keep
        for _ in range(2):
            request_finished.send(sender=None)
        before_warm = gc.get_freeze_count()
        request_finished.send(sender=None)
        warm = gc.get_freeze_count()
        request_finished.send(sender=None)
        # then
        assert loaded > 0
        assert before_warm < loaded + len(kept)  # not yet: what the requests kept is not frozen
        assert warm >= loaded + len(kept)
        assert server._served[0] == 3  # no longer counting once warm
    finally:
        request_finished.disconnect(dispatch_uid=server._UID)
        gc.unfreeze()
