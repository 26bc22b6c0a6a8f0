"""Staff decisions about pairs of records, as the pages that list similar records read them."""

from __future__ import annotations

from shangliang.text.models import Judgement


def not_same_as(kind: str, object_id: int) -> set[tuple[str, int]]:
    """The records staff said are not the same problem as this one (dismissed or split off)."""
    return {
        (other_kind, other_id)
        for other_kind, other_id in Judgement.objects.filter(
            kind=kind, object_id=object_id, label=Judgement.Label.DIFFERENT
        ).values_list("other_kind", "other_object_id")
        if other_id is not None
    }
