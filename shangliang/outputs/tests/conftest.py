from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shangliang.notifications import sms


@pytest.fixture(autouse=True)
def sms_outbox(settings: Any, tmp_path: Any) -> Iterator[list[dict[str, str]]]:
    settings.SHANGLIANG_SMS_LOG = tmp_path / "sms.log"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()
