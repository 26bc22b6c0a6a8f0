"""Demo concerns in every state of the intake: residents' own reports (some with photos, some
supported by neighbours, one held for review), assisted entries by phone, door to door, on paper and
from the 12345 hotline, follow-ups, and a resident who deleted their contact data.

Each concern goes through the real services (audit events, search index, SMS outbox) with a fixed
``client_token``, so a second run finds it and changes nothing. After creation its dates are moved
into the past so the lists look like weeks of work.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from shangliang.accounts.models import User
from shangliang.concerns import selectors, services
from shangliang.concerns.models import Concern, ConcernSupport, EntryChannel, SensitiveWord
from shangliang.concerns.services import ConcernInput
from shangliang.core.models import AuditEvent
from shangliang.places.models import Region, RegionLevel

SENSITIVE_WORDS = ["集体上访", "群体性事件", "堵路"]


@dataclass(frozen=True)
class DemoConcern:
    key: str
    community: str
    text: str
    days_ago: int
    place: str = ""
    phone: str = ""
    name: str = ""
    channel: str = EntryChannel.ONLINE
    operator: str = ""  # username of the demo account that typed it in
    external_ref: str = ""
    photo: tuple[int, int, int] | None = None  # a colour for a generated photo
    supporters: int = 0
    followups: tuple[str, ...] = field(default_factory=tuple)
    delete_contact: bool = False


CONCERNS: tuple[DemoConcern, ...] = (
    # 政法路社区: flying-wire charging, reported by several residents in different words.
    DemoConcern(
        "zfl-wire-1",
        "政法路社区",
        "老旧小区好多人从楼上拉电线下来给电动车充电，电线挂在楼道和窗户外面，晚上很危险，怕起火。",
        days_ago=40,
        place="政法路28号院3栋",
        phone="13877901234",
        photo=(180, 60, 40),
        supporters=6,
    ),
    DemoConcern(
        "zfl-wire-2",
        "政法路社区",
        "3栋有人私拉电线给电瓶车充电，插线板就放在楼梯口，消防通道也被电动车堵了。",
        days_ago=38,
        place="政法路28号院",
        followups=("今晚又看到三辆车在楼道里充电。",),
    ),
    DemoConcern(
        "zfl-wire-3",
        "政法路社区",
        "飞线充电太多了，小区能不能装集中充电桩？电动车没地方充电大家只能拉线。",
        days_ago=35,
        phone="13977905678",
        name="黄阿姨",
        channel=EntryChannel.DOOR_TO_DOOR,
        operator="demo_grid",
    ),
    # 铜鼓里社区: overgrown trees in a 三无小区, entered by phone for an elderly resident.
    DemoConcern(
        "tgl-trees",
        "铜鼓里社区",
        "小区没有物业，楼下几棵大榕树长得太密，挡住采光，台风天树枝拍打窗户，怕把玻璃打碎。",
        days_ago=20,
        place="铜鼓里小区5栋北侧",
        phone="13607791122",
        name="陈耀满",
        channel=EntryChannel.PHONE,
        operator="demo_staff",
        photo=(40, 120, 50),
        supporters=3,
    ),
    # 赤西村: medical insurance questions of low-income villagers.
    DemoConcern(
        "cx-medical-1",
        "赤西村",
        "村里有些低保户和老人不知道城乡居民医保怎么参保，生病住院怎么报销也不清楚。",
        days_ago=60,
        channel=EntryChannel.PAPER,
        operator="demo_staff",
        supporters=12,
    ),
    DemoConcern(
        "cx-medical-2",
        "赤西村",
        "医疗救助需要什么条件？去年住院自己垫付了很多钱，报销比例是多少想问清楚。",
        days_ago=58,
        phone="15077903344",
    ),
    # 动植物药厂宿舍 (in 中山东路社区): old wiring and drainage.
    DemoConcern(
        "dzw-infra",
        "中山东路社区",
        "动植物药厂宿舍电线老化，一下雨排水不畅，楼下积水到脚踝，希望改造电路和排水管。",
        days_ago=90,
        place="动植物药厂宿舍",
        phone="18977906655",
        photo=(60, 90, 160),
        supporters=9,
    ),
    # 南珠市场 blocked drains; 海洋研究所 living quarters hazards.
    DemoConcern(
        "nz-drain",
        "南珠社区",
        "南珠市场周边下水道堵塞，污水漫到路面，气味很大，蚊子苍蝇多。",
        days_ago=25,
        place="南珠市场东门",
        external_ref="BH12345-20261031-0087",
        channel=EntryChannel.HOTLINE,
        operator="demo_staff",
        supporters=4,
    ),
    DemoConcern(
        "hys-safety",
        "海洋所社区",
        "广西海洋研究所生活小区围墙开裂倾斜，旁边就是小孩玩耍的地方，存在安全隐患。",
        days_ago=75,
        place="海洋研究所生活小区西侧围墙",
        photo=(120, 120, 120),
    ),
    # Everyday matters across the district.
    DemoConcern(
        "dj-light", "地角社区", "地角社区渔港路的路灯坏了半个月，晚上黑漆漆的，老人出门不方便。", days_ago=6
    ),
    DemoConcern(
        "hj-noise",
        "海景社区",
        "海景花园旁边的烧烤摊每天营业到凌晨两点，噪音很大，孩子睡不着。",
        days_ago=4,
        phone="13307791010",
        delete_contact=True,
    ),
    DemoConcern(
        "ys-elevator",
        "银滩社区",
        "银滩花园7栋电梯经常坏，上周困人两次，物业一直拖着不修。",
        days_ago=3,
        supporters=2,
    ),
    DemoConcern(
        "gd-school",
        "高德社区",
        "高德小学门口早晚接送时段交通拥堵，没有人疏导，孩子过马路很危险。",
        days_ago=2,
    ),
    DemoConcern(
        "zfl-canteen",
        "政法路社区",
        "社区老人多，希望开办长者饭堂，解决独居老人吃饭难的问题。",
        days_ago=1,
        channel=EntryChannel.SITE,
        operator="demo_secretary",
    ),
    DemoConcern(
        "xj-review",
        "西街社区",
        "西街老街改造拖了两年还没动工，再不解决大家就要集体上访了。",
        days_ago=1,
    ),
    DemoConcern("zs-garbage", "中街社区", "中街菜市场后面的垃圾站清运不及时，垃圾堆到路边。", days_ago=0),
)


def _photo(colour: tuple[int, int, int], key: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (960, 720), colour)
    draw = ImageDraw.Draw(image)
    for i in range(0, 960, 80):
        draw.line([(i, 0), (960 - i, 720)], fill=(255, 255, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile(f"{key}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _backdate(concern: Concern, days_ago: int) -> None:
    when = timezone.now() - dt.timedelta(days=days_ago, hours=3)
    Concern.objects.filter(pk=concern.pk).update(created_at=when)
    AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Concern), object_id=str(concern.pk)
    ).update(created_at=when)
    services.index_concern(Concern.objects.get(pk=concern.pk))


def build() -> list[Concern]:
    for word in SENSITIVE_WORDS:
        SensitiveWord.objects.get_or_create(word=word)
    communities = {r.name: r for r in Region.objects.filter(level=RegionLevel.COMMUNITY)}
    operators = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
    built = []
    for item in CONCERNS:
        existing = selectors.concern_by_client_token(f"demo:{item.key}")
        if existing is not None:
            built.append(existing)
            continue
        built.append(_create(item, communities, operators))
    return built


def _create(item: DemoConcern, communities: dict[str, Region], operators: dict[str, Any]) -> Concern:
    concern, _ = services.concern_submit(
        data=ConcernInput(
            text=item.text,
            region_id=communities[item.community].pk,
            place_description=item.place,
            phone=item.phone,
            name=item.name,
            consent=bool(item.phone),
            anonymous=not item.phone,
            photos=[_photo(item.photo, item.key)] if item.photo else [],
            client_token=f"demo:{item.key}",
            channel=item.channel,
            external_ref=item.external_ref,
        ),
        actor=operators.get(item.operator),
    )
    # Residents who said 我也遇到 on the old paper list before the concern was online (a concern is
    # public only once screened, so the demo records them directly).
    for n in range(item.supporters):
        ConcernSupport.objects.get_or_create(
            concern=concern, supporter_key=services.supporter_key(browser_token=f"demo:{item.key}:{n}")
        )
    Concern.objects.filter(pk=concern.pk).update(supporters_count=item.supporters)
    for text in item.followups:
        services.concern_add_followup(concern=concern, text=text)
    if item.delete_contact:
        services.contact_delete(concern=concern)
    _backdate(concern, item.days_ago)
    return concern
