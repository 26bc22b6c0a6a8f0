"""The default rule table (DOMAIN §4), loaded by a data migration and editable in the admin.

Items: (code, name, annual cap or None, key item). Rules: (code, item, label, unit, points,
self-reportable). The 提案 values and the 全国 level of adoption are defaults of this platform: DOMAIN
fixes 社情民意 (3 submitted; adopted +5/+8/+10 by level) and proposals follow the same scale.
"""

from __future__ import annotations

ITEMS: list[tuple[str, str, int | None, bool]] = [
    ("key_consultation", "专题协商、对口协商、界别协商", 30, True),
    ("grassroots", "基层协商议事（微协商等）", 30, False),
    ("visit", "活动小组联系村(社区)走访", 20, False),
    ("research", "调研视察", 15, False),
    ("training", "履职培训", 20, False),
    ("opinion", "社情民意信息", None, False),
    ("proposal", "提案", None, False),
    ("recommended_topic", "委员荐题办结", 20, False),
    ("absence", "无故缺席", None, False),
    ("adjustment", "申诉调整", None, False),
]

RULES: list[tuple[str, str, str, str, int, bool]] = [
    ("attend_key", "key_consultation", "出席专题/对口/界别协商", "每次", 5, False),
    ("speech_oral_key", "key_consultation", "口头发言", "每次", 3, False),
    ("speech_written_key", "key_consultation", "书面发言", "每篇", 5, False),
    ("attend_grassroots", "grassroots", "出席基层协商议事会", "每次", 3, False),
    ("convene_grassroots", "grassroots", "召集主持基层协商议事会", "每次", 2, False),
    ("visit", "visit", "活动小组走访村(社区)", "每次", 2, True),
    ("research", "research", "参加调研、视察活动", "每次", 3, True),
    ("training", "training", "参加履职培训", "每期", 2, True),
    ("opinion_submitted", "opinion", "报送社情民意信息", "每篇", 3, False),
    ("opinion_adopted_district", "opinion", "社情民意信息被区级采用", "每篇", 5, False),
    ("opinion_adopted_city", "opinion", "社情民意信息被市级采用", "每篇", 8, False),
    ("opinion_adopted_province", "opinion", "社情民意信息被省（自治区）级采用", "每篇", 10, False),
    ("opinion_adopted_national", "opinion", "社情民意信息被全国政协采用", "每篇", 10, False),
    ("proposal_submitted", "proposal", "提交提案", "每件", 3, False),
    ("proposal_adopted_district", "proposal", "提案被区级立案采用", "每件", 5, False),
    ("proposal_adopted_city", "proposal", "提案被市级立案采用", "每件", 8, False),
    ("proposal_adopted_province", "proposal", "提案被省（自治区）级立案采用", "每件", 10, False),
    ("proposal_adopted_national", "proposal", "提案被全国政协立案采用", "每件", 10, False),
    ("topic_resolved", "recommended_topic", "所荐议题办结", "每件", 5, False),
    ("absence", "absence", "无故缺席协商议事会", "每次", -5, False),
    # Its points are the ones each upheld appeal's decision sets (``Appeal.adjustment``).
    ("appeal_adjustment", "adjustment", "申诉处理调整", "每件", 0, False),
]


def load(item_model: type, rule_model: type) -> None:
    """Create what is missing; rows an administrator has changed are left as they are."""
    items = {}
    for position, (code, name, cap, key) in enumerate(ITEMS):
        items[code], _ = item_model.objects.get_or_create(  # type: ignore[attr-defined]
            code=code, defaults={"name": name, "annual_cap": cap, "is_key": key, "sort_order": position}
        )
    for position, (code, item, label, unit, points, reportable) in enumerate(RULES):
        rule_model.objects.get_or_create(  # type: ignore[attr-defined]
            code=code,
            defaults={
                "item": items[item],
                "label": label,
                "unit": unit,
                "points": points,
                "self_reportable": reportable,
                "sort_order": position,
            },
        )
