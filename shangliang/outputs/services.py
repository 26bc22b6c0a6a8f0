"""Writes of outputs: a draft from a topic or concerns."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shangliang.concerns.models import Concern
from shangliang.core import audit
from shangliang.core.errors import ApplicationError
from shangliang.outputs.models import Output, OutputKind
from shangliang.places.models import Region
from shangliang.topics.models import Topic


def output_create_draft(
    *,
    kind: str,
    title: str,
    body: str,
    region: Region,
    author: Any,
    topics: Iterable[Topic] = (),
    concerns: Iterable[Concern] = (),
) -> Output:
    """A draft output linked to where it came from (call inside the caller's transaction)."""
    if kind not in OutputKind.values:
        raise ApplicationError("请选择成果类型。", field="kind")
    title = (title or "").strip()
    if not title:
        raise ApplicationError("请填写标题。", field="title")
    output = Output.objects.create(
        kind=kind,
        title=title[:120],
        body=body or "",
        author=author if getattr(author, "is_authenticated", False) else None,
        region=region,
        region_path=region.path,
    )
    output.source_topics.set(list(topics))
    output.source_concerns.set(list(concerns))
    audit.record(target=output, event_type="output.drafted", actor=author, new={"kind": kind})
    return output
