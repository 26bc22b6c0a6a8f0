"""Writes of the intake: submitting (by residents and by staff for them), supporting, following up,
and residents' control over their contact data.

Every function checks its own rules and writes an audit event; the resident-visible ones are
``public`` events whose text carries no personal data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from shangliang.concerns import permissions, rules, selectors
from shangliang.concerns.models import (
    ASSISTED_CHANNELS,
    NEVER_PUBLIC,
    OPEN_STATUSES,
    PUBLICLY_VISIBLE,
    Concern,
    ConcernFollower,
    ConcernFollowUp,
    ConcernPhoto,
    ConcernSource,
    ConcernSupport,
    EntryChannel,
    SensitiveWord,
)
from shangliang.core import audit
from shangliang.core.errors import ApplicationError, PermissionDenied
from shangliang.core.scope import EVERYTHING, scope_of
from shangliang.core.workdays import add_working_days_db
from shangliang.files import images
from shangliang.notifications import links
from shangliang.places.models import Region, RegionLevel
from shangliang.privacy import personal
from shangliang.privacy.ratelimit import Limit, allow
from shangliang.text import selectors as text_selectors
from shangliang.text import services as text_services
from shangliang.text.models import Category

logger = logging.getLogger(__name__)

# Public intake limits: generous for a family sharing one phone, tight for a script.
SUBMIT_LIMIT_PER_IP = Limit(count=10, seconds=3600)
SUBMIT_LIMIT_PER_PHONE = Limit(count=5, seconds=24 * 3600)
SUPPORT_LIMIT_PER_IP = Limit(count=30, seconds=3600)
FOLLOWUP_LIMIT_PER_CODE = Limit(count=10, seconds=24 * 3600)
# Looking up tracking codes: enough for a family, too few to guess codes.
LOOKUP_LIMIT = Limit(count=30, seconds=600)
# A submit sent again with the same client token counts as the first one only this soon after it.
RESUBMIT_WINDOW = dt.timedelta(minutes=10)
FOLLOW_LIMIT_PER_IP = Limit(count=20, seconds=3600)
FIRST_RESPONSE_WORKING_DAYS = 5


@dataclass
class ConcernInput:
    """What a submit form collects (validated again here: the form is not the only caller)."""

    text: str
    region_id: int | None
    place_description: str = ""
    category_id: int | None = None
    phone: str = ""
    name: str = ""
    consent: bool = False
    anonymous: bool = True
    # The resident's choice: may the concern be public (masked, after screening) or not at all.
    is_public: bool = True
    photos: Sequence[Any] = field(default_factory=list)
    # Photos checked and re-encoded already (kept between the intake form's rounds).
    encoded_photos: Sequence[images.Encoded] = field(default_factory=list)
    client_token: str = ""
    source: str = ConcernSource.RESIDENT
    channel: str = EntryChannel.ONLINE
    external_ref: str = ""


def ip_hash(ip: str) -> str:
    return personal.lookup_hash(f"ip:{ip}") if ip else ""


def _clean_text(data: ConcernInput) -> tuple[str, str]:
    text = (data.text or "").strip()
    if not text:
        raise ApplicationError("请填写您要反映的问题。", field="text")
    if len(text) < rules.MIN_TEXT:
        raise ApplicationError(
            f"问题描述太短了，请至少写 {rules.MIN_TEXT} 个字，说清楚是什么问题。", field="text"
        )
    if len(text) > rules.MAX_TEXT:
        raise ApplicationError(
            f"问题描述不能超过 {rules.MAX_TEXT} 字（现在 {len(text)} 字），请精简后再提交。", field="text"
        )
    place = (data.place_description or "").strip()
    if len(place) > rules.MAX_PLACE:
        raise ApplicationError(f"具体位置不能超过 {rules.MAX_PLACE} 字。", field="place_description")
    return text, place


def _clean_region(region_id: int | None) -> tuple[Region, Region]:
    """The place given and its community. Only communities and grids are places a concern can be."""
    region = (
        Region.objects.filter(pk=region_id, level__in=[RegionLevel.COMMUNITY, RegionLevel.GRID])
        .select_related("parent")
        .first()
        if region_id
        else None
    )
    if region is None:
        raise ApplicationError("请选择问题所在的村(社区)。", field="region")
    community = region if region.level == RegionLevel.COMMUNITY else region.parent
    assert community is not None
    return region, community


def _clean_contact(data: ConcernInput) -> tuple[str, str]:
    if data.anonymous or not (data.phone or "").strip():
        if not data.anonymous and not (data.phone or "").strip():
            raise ApplicationError("请填写手机号，或选择匿名反映。", field="phone")
        return "", ""
    try:
        phone = personal.normalize_mobile(data.phone)
    except personal.InvalidPhone as exc:
        raise ApplicationError(str(exc), field="phone") from exc
    if not data.consent:
        raise ApplicationError("留下手机号需要您同意我们用它联系您、发送办理进度短信。", field="consent")
    return phone, (data.name or "").strip()[:30]


def clean_photo_count(count: int) -> None:
    if count > rules.MAX_PHOTOS:
        raise ApplicationError(f"最多上传 {rules.MAX_PHOTOS} 张照片（您选了 {count} 张）。", field="photos")


def prepare_photos(photos: Sequence[Any]) -> list[images.Encoded]:
    """Check and re-encode uploaded photos: the costly part, done before any transaction."""
    return images.prepare(photos, limit=rules.MAX_PHOTOS, max_bytes=rules.MAX_PHOTO_MB * 1024 * 1024)


def _store_photos(
    concern: Concern, photos: Sequence[images.Encoded], followup: ConcernFollowUp | None = None
) -> None:
    """Photo rows with non-guessable file names, in the caller's transaction; the files are
    written once it commits."""
    stored = [images.stored(photo, directory="concerns") for photo in photos]
    ConcernPhoto.objects.bulk_create(
        [ConcernPhoto(concern=concern, followup=followup, **photo.fields) for photo in stored]
    )
    images.write_after_commit(stored)


def _category(data: ConcernInput, suggested: str) -> Category | None:
    """The category chosen, or else the engine's top suggestion (staff can correct it later)."""
    if not data.category_id:
        return Category.objects.filter(name=suggested, active=True).first() if suggested else None
    category = Category.objects.filter(pk=data.category_id, active=True).first()
    if category is None:
        raise ApplicationError("请选择有效的问题类别。", field="category")
    return category


def suggested_category(text: str) -> str:
    try:
        suggestions = text_selectors.suggest_category(text, k=1)
    except ApplicationError:
        return ""
    return suggestions[0].name if suggestions else ""


def _unique_code() -> str:
    for _ in range(10):
        code = rules.new_tracking_code()
        if not Concern.objects.filter(tracking_code=code).exists():
            return code
    raise ApplicationError("系统繁忙，请稍后再试。")  # pragma: no cover - 31^8 codes


def index_concern(concern: Concern) -> None:
    text_services.index_document(
        kind="concern",
        object_id=concern.pk,
        text=concern.text,
        created_at=concern.created_at,
        region=concern.region,
        community_id=concern.community_id,
        category=concern.category.name if concern.category else "",
        status=concern.status,
        is_public=concern.is_publicly_visible,
        is_open=concern.is_open,
    )


def index_concern_status(concern_id: int, status: str) -> None:
    """A concern's index entry after a transition: its status, and whether it is still open."""
    text_services.set_document_status(
        kind="concern", object_id=concern_id, status=status, is_open=status in OPEN_STATUSES
    )


def count_likely_duplicates(text: str, community_id: int) -> int:
    """How many open concerns and topics of the same community the text engine finds likely the
    same as ``text`` (before the new concern is stored: the check holds no lock)."""
    try:
        # The desk's count: every record of the community, public or not yet (reads as the system).
        hits = text_selectors.similar(text=text, community_id=community_id, limit=10, scope=EVERYTHING)
    except ApplicationError:
        return 0
    closed = {"merged", "declined", "closed", "cancelled", "resolved"}
    return sum(1 for h in hits if h.level == "likely" and h.status not in closed)


def _repeats(existing: Concern, *, text: str, region: Region, phone: str, ip: str, now: Any) -> bool:
    """Whether a submit carrying ``existing``'s client token is that same submit sent again: within
    ``RESUBMIT_WINDOW``, from the same address, with the same text, place and phone."""
    return (
        existing.created_at >= now - RESUBMIT_WINDOW
        and existing.text == text
        and existing.region_id == region.pk
        and existing.phone_hash == personal.lookup_hash(phone)
        and existing.submitted_ip_hash == ip_hash(ip)
    )


def concern_submit(*, data: ConcernInput, ip: str = "", actor: Any = None) -> tuple[Concern, bool]:
    """Register a concern. Returns (concern, created). The ``client_token`` only makes a submit
    idempotent: the same submit sent again (a double tap, a retried request) within a few minutes,
    matching in everything else, returns the first concern with ``created`` False, after every
    check and rate limit; any other use of a known token files a new concern. The caller must not
    show a repeated submit's tracking code to anyone but the browser that received it."""
    scope = scope_of(actor)
    assisted = data.channel in ASSISTED_CHANNELS
    if assisted and not permissions.can_enter_for_resident(scope):
        raise PermissionDenied("只有网格员、社区和政协机关工作人员可以代居民录入诉求。")
    if data.source != ConcernSource.RESIDENT and not permissions.can_submit_as_source(scope, data.source):
        raise PermissionDenied("您不能以该来源提交议题线索。")
    text, place = _clean_text(data)
    region, community = _clean_region(data.region_id)
    if assisted and not scope.covers_region(region):
        raise PermissionDenied("该村(社区)不在您的负责范围内。")
    phone, name = _clean_contact(data)
    if assisted and phone and not data.consent:
        raise ApplicationError("请确认已征得居民同意记录其联系方式。", field="consent")
    if data.channel == EntryChannel.HOTLINE and not data.external_ref.strip():
        raise ApplicationError("请填写12345热线工单号。", field="external_ref")
    suggested = suggested_category(text)
    category = _category(data, suggested)
    clean_photo_count(len(data.photos) + len(data.encoded_photos))
    if not assisted:
        if ip and not allow("submit-ip", ip, SUBMIT_LIMIT_PER_IP):
            raise ApplicationError(
                "提交过于频繁，请一小时后再试；急事请直接拨打社区电话。", code="rate_limited"
            )
        if phone and not allow("submit-phone", phone, SUBMIT_LIMIT_PER_PHONE):
            raise ApplicationError("该手机号今天提交次数已达上限，请明天再试。", code="rate_limited")

    now = timezone.now()
    token = data.client_token or None
    if token is not None and (existing := selectors.concern_by_client_token(token)) is not None:
        if _repeats(existing, text=text, region=region, phone=phone, ip=ip, now=now):
            return existing, False
        token = None  # an old or different submit with a known token is a new concern
    # Decoding photos and the similarity check are the slow parts: done before the transaction,
    # which then only writes rows (SQLite holds its write lock for the whole transaction).
    photos = [*data.encoded_photos, *prepare_photos(data.photos)]
    likely_duplicates = count_likely_duplicates(text, community.pk)
    words = list(SensitiveWord.objects.filter(active=True).values_list("word", flat=True))
    hits = rules.sensitive_hits(text + place, words)
    try:
        with transaction.atomic():
            concern = Concern.objects.create(
                tracking_code=_unique_code(),
                source=data.source,
                channel=data.channel,
                text=text,
                place_description=place,
                region=region,
                community=community,
                region_path=region.path,
                category=category,
                suggested_category=suggested[:30],
                name_encrypted=personal.encrypt(name),
                phone_encrypted=personal.encrypt(phone),
                phone_hash=personal.lookup_hash(phone),
                phone_masked=personal.mask_phone(phone) if phone else "",
                contact_consent_at=now if phone else None,
                anonymous=not phone,
                operator=actor if assisted else None,
                external_ref=data.external_ref.strip()[:40],
                needs_review=bool(hits),
                review_reason=("含敏感词：" + "、".join(hits)) if hits else "",
                client_token=token,
                is_public=data.is_public,
                public_id=rules.new_public_id(),
                submitted_ip_hash=ip_hash(ip),
                first_response_due=add_working_days_db(timezone.localdate(now), FIRST_RESPONSE_WORKING_DAYS),
                likely_duplicates=likely_duplicates,
            )
            _store_photos(concern, photos)
            index_concern(concern)
            how = EntryChannel(data.channel).label
            audit.record(
                target=concern,
                event_type="concern.submitted",
                actor=actor,
                new={"status": concern.status, "channel": data.channel, "source": data.source},
                public=True,
                public_text=f"已收到您的反映（{how}）。我们将在 {FIRST_RESPONSE_WORKING_DAYS} 个工作日内给出处理意见。",
                actor_label="" if actor else "居民",
            )
            if hits:
                audit.record(
                    target=concern,
                    event_type="concern.flagged",
                    reason=concern.review_reason,
                    actor_label="系统",
                )
            _notify_submitted(concern, phone)
    except IntegrityError:
        # Two identical submits raced; the other one won.
        existing = selectors.concern_by_client_token(token) if token else None
        if existing is None or not _repeats(existing, text=text, region=region, phone=phone, ip=ip, now=now):
            raise
        return existing, False
    return concern, True


def _notify_submitted(concern: Concern, phone: str) -> None:
    if not phone:
        return
    from shangliang.notifications.services import enqueue_sms

    enqueue_sms(
        phone=phone,
        body=(
            f"您反映的问题已受理，查询码 {rules.format_tracking_code(concern.tracking_code)}，"
            f"办理进度：{track_link(concern)}"
        ),
        about=concern,
        dedupe_key=f"concern:{concern.pk}:submitted",
    )


def track_link(concern: Concern) -> str:
    """The tracking page's public address (the tracking code is the resident's key to it)."""
    return links.absolute_url("concerns:track", code=concern.tracking_code)


def notify_public_change(concern: Concern, text: str, *, key: str) -> None:
    """Tell the resident (if they left a phone) about a public status change of their concern."""
    phone = personal.decrypt(concern.phone_encrypted)
    if not phone:
        return
    from shangliang.notifications.services import enqueue_sms

    # One link per message: a text that brings its own (an evaluation, a result) keeps only that.
    more = "" if links.urls_in(text) else f"详情：{track_link(concern)}"
    enqueue_sms(
        phone=phone,
        body=f"您反映的问题（查询码 {rules.format_tracking_code(concern.tracking_code)}）有新进展：{text}{more}",
        about=concern,
        dedupe_key=f"concern:{concern.pk}:{key}",
    )


def with_merged(concerns: Iterable[Concern]) -> list[Concern]:
    """``concerns`` and every concern merged into them (at any depth): the residents who follow them."""
    result: dict[int, Concern] = {c.pk: c for c in concerns}
    frontier = list(result)
    while frontier:
        children = list(
            Concern.objects.filter(merged_into_id__in=frontier).exclude(pk__in=list(result)).order_by()
        )
        frontier = [c.pk for c in children]
        result.update((c.pk, c) for c in children)
    return list(result.values())


def inform_residents(
    *, concerns: Iterable[Concern], text: str, event_type: str, key: str, actor: Any = None
) -> list[Concern]:
    """Tell the residents behind ``concerns`` (and behind the concerns merged into them) about a
    decision or progress: a public event on each tracking page and an SMS to those who left a phone.

    Call it inside the transaction that makes the change. ``text`` carries no personal data; ``key``
    names the event so that a retried request sends no second SMS. Returns the concerns informed.
    """
    informed = with_merged(concerns)
    for concern in informed:
        audit.record(target=concern, event_type=event_type, actor=actor, public=True, public_text=text[:300])
        notify_public_change(concern, text, key=key)
    followers = ConcernFollower.objects.filter(concern__in=informed).select_related("concern").order_by("pk")
    notify_followers(followers, text, key=key, link=lambda f: public_link(f.concern))
    return informed


# --- Following: residents told of public changes of a concern or topic they did not file ------


def public_link(concern: Concern) -> str:
    """The public page of a concern, or "" when it is not public."""
    if not concern.is_publicly_visible or not concern.public_id:
        return ""
    return links.absolute_url("concerns:public-detail", public_id=concern.public_id)


def follower_fields(phone: str, consent: bool) -> dict[str, str]:
    """The stored fields of a new follower: the number normalised and encrypted, a stop token."""
    try:
        number = personal.normalize_mobile(phone)
    except personal.InvalidPhone as exc:
        raise ApplicationError(str(exc), field="phone") from exc
    if not consent:
        raise ApplicationError("接收短信需要您同意我们用这个手机号发送进展短信。", field="consent")
    return {
        "phone_encrypted": personal.encrypt(number),
        "phone_hash": personal.lookup_hash(number),
        "phone_masked": personal.mask_phone(number),
        "token": secrets.token_urlsafe(16),
    }


def stop_link(follower: Any) -> str:
    return links.absolute_url("concerns:unfollow", token=follower.token)


def notify_followers(followers: Iterable[Any], text: str, *, key: str, link: Any) -> None:
    """One SMS per follower's phone about a public change (``link(follower)`` is the page to open)."""
    from shangliang.notifications.services import enqueue_sms

    told: set[str] = set()
    for follower in followers:
        if follower.phone_hash in told:
            continue
        told.add(follower.phone_hash)
        page = link(follower)
        enqueue_sms(
            phone=personal.decrypt(follower.phone_encrypted),
            body=f"您关注的{follower.kind_label}有新进展：{text}"
            + (f"详情：{page} " if page and not links.urls_in(text) else "")
            + f"不再接收：{stop_link(follower)}",
            about=follower,
            dedupe_key=f"follow:{follower.kind}:{follower.pk}:{key}",
        )


def welcome_follower(follower: Any, title: str, link: str) -> None:
    from shangliang.notifications.services import enqueue_sms

    enqueue_sms(
        phone=personal.decrypt(follower.phone_encrypted),
        body=f"您已关注{follower.kind_label}“{title[:30]}”，有公开进展时将短信告知：{link} "
        f"不再接收：{stop_link(follower)}",
        about=follower,
        dedupe_key=f"follow:{follower.kind}:{follower.pk}:welcome",
    )


def concern_follow(*, concern: Concern, phone: str, consent: bool) -> tuple[ConcernFollower, bool]:
    """A resident follows a public concern by phone. Returns (follower, created); following twice
    keeps the first."""
    fields = follower_fields(phone, consent)
    follower, created = ConcernFollower.objects.get_or_create(
        concern=concern, phone_hash=fields["phone_hash"], defaults=fields
    )
    if created:
        audit.record(target=concern, event_type="concern.followed", actor_label="居民")
        welcome_follower(follower, concern.public_text, public_link(concern))
    return follower, created


def concern_unfollow(*, token: str) -> Concern | None:
    """The follower stops the SMS (the token came in each of them). Returns the concern, if any."""
    with transaction.atomic():
        follower = ConcernFollower.objects.select_related("concern").filter(token=token).first()
        if follower is None:
            return None
        follower.delete()
        audit.record(target=follower.concern, event_type="concern.unfollowed", actor_label="居民")
    return follower.concern


def supporter_key(*, phone: str = "", browser_token: str = "") -> str:
    if phone:
        return personal.lookup_hash(f"phone:{phone}")
    if browser_token:
        return hashlib.sha256(f"browser:{browser_token}".encode()).hexdigest()
    raise ApplicationError("没能记下您的“我也遇到”，请刷新页面后重试。")


def concern_support(
    *, concern_id: int, phone: str = "", consent: bool = False, browser_token: str = "", ip: str = ""
) -> tuple[Concern, bool]:
    """ "我也遇到": count one more resident affected. Returns (concern, counted); the same person
    supporting twice counts once. With a phone (and consent) the resident also follows the concern:
    an SMS at each public change, and the concern among theirs in "我反映的问题"."""
    concern = Concern.objects.filter(PUBLICLY_VISIBLE, pk=concern_id).first()
    if concern is None:
        raise ApplicationError("没有找到这条公开的反映，可能已被合并或撤下。")
    if phone:
        try:
            phone = personal.normalize_mobile(phone)
        except personal.InvalidPhone as exc:
            raise ApplicationError(str(exc), field="phone") from exc
        if not consent:
            raise ApplicationError("接收短信需要您同意我们用这个手机号发送进展短信。", field="consent")
    key = supporter_key(phone=phone, browser_token=browser_token)
    if ConcernSupport.objects.filter(concern=concern, supporter_key=key).exists():
        if phone:
            concern_follow(concern=concern, phone=phone, consent=consent)
        return concern, False
    if ip and not allow("support-ip", ip, SUPPORT_LIMIT_PER_IP):
        raise ApplicationError("操作过于频繁，请稍后再试。", code="rate_limited")
    try:
        with transaction.atomic():
            ConcernSupport.objects.create(concern=concern, supporter_key=key, ip_hash=ip_hash(ip))
            Concern.objects.filter(pk=concern.pk).update(supporters_count=F("supporters_count") + 1)
            audit.record(target=concern, event_type="concern.supported", actor_label="居民")
            if phone:
                concern_follow(concern=concern, phone=phone, consent=consent)
    except IntegrityError:
        return concern, False
    concern.refresh_from_db(fields=["supporters_count"])
    return concern, True


def concern_add_followup(*, concern: Concern, text: str, photos: Sequence[Any] = ()) -> ConcernFollowUp:
    """The resident adds a detail or photo while their concern is open (authorised by the code)."""
    if not concern.is_open:
        raise ApplicationError("这条反映已办结，不能再补充。如有新问题，请重新反映。")
    text = (text or "").strip()
    if not text and not photos:
        raise ApplicationError("请填写补充内容或选择照片。", field="text")
    if len(text) > rules.MAX_TEXT:
        raise ApplicationError(f"补充内容不能超过 {rules.MAX_TEXT} 字。", field="text")
    existing_photos = concern.photos.count()
    if existing_photos + len(photos) > rules.MAX_PHOTOS * 2:
        raise ApplicationError("这条反映的照片已达上限。", field="photos")
    clean_photo_count(len(photos))
    if not allow("followup-code", concern.tracking_code, FOLLOWUP_LIMIT_PER_CODE):
        raise ApplicationError("今天补充次数已达上限，请明天再试。", code="rate_limited")
    encoded = prepare_photos(photos)
    with transaction.atomic():
        followup = ConcernFollowUp.objects.create(concern=concern, text=text)
        _store_photos(concern, encoded, followup)
        audit.record(
            target=concern,
            event_type="concern.followup_added",
            actor_label="居民",
            public=True,
            public_text="您补充了新的情况" + ("和照片" if photos else "") + "。",
        )
    return followup


def contact_reveal(*, concern: Concern, actor: Any, reason: str = "") -> dict[str, str]:
    """The full name and phone for staff who must call the resident back; every call is logged."""
    if not permissions.can_view_contact(scope_of(actor), concern):
        raise PermissionDenied("您无权查看该居民的联系方式。")
    audit.record(
        target=concern, event_type="concern.contact_viewed", actor=actor, reason=reason or "回访联系"
    )
    return {
        "name": personal.reveal(concern.name_encrypted),
        "phone": personal.reveal(concern.phone_encrypted),
    }


def contact_delete(*, concern: Concern) -> None:
    """The resident erases their name and phone (authorised by the code and a one-time code),
    here and in every SMS sent about the concern; unsent messages are given up."""
    from shangliang.notifications.services import outbox_erase_phone

    with transaction.atomic():
        outbox_erase_phone(about=concern)
        Concern.objects.filter(pk=concern.pk).update(
            name_encrypted="",
            phone_encrypted="",
            phone_hash="",
            phone_masked="",
            contact_consent_at=None,
            anonymous=True,
            version=F("version") + 1,
        )
        audit.record(
            target=concern,
            event_type="concern.contact_deleted",
            actor_label="居民",
            public=True,
            public_text="您已删除留下的联系方式，此后不再发送短信。",
        )
    concern.refresh_from_db()


# --- Publishing: what anyone may read, confirmed by staff after screening ----------------------------


def concern_publish(*, concern: Concern, public_text: str, actor: Any) -> Concern:
    """Staff confirm the masked text that makes a screened concern public (the caller checks the
    desk permission). Refused while it waits for a decision, when declined or merged, and when the
    resident chose 不公开; the text is masked once more for numbers."""
    text = rules.mask_personal_text((public_text or "").strip())
    if not text:
        raise ApplicationError("请填写公开的文字（已隐去个人信息）。", field="public_text")
    if len(text) > rules.MAX_TEXT:
        raise ApplicationError(
            f"公开的文字不能超过 {rules.MAX_TEXT} 字（现在 {len(text)} 字）。", field="public_text"
        )
    with transaction.atomic():
        locked = Concern.objects.select_for_update().get(pk=concern.pk)
        if not locked.is_public:
            raise ApplicationError("居民选择了不公开，这条反映不能公开。")
        if locked.status in NEVER_PUBLIC:
            raise ApplicationError("研判后（且未被不予立题或合并）才能公开。")
        old = locked.public_text
        locked.public_text = text
        locked.published_at = locked.published_at or timezone.now()
        locked.public_id = locked.public_id or rules.new_public_id()
        locked.save(update_fields=["public_text", "published_at", "public_id", "updated_at"])
        audit.record(
            target=locked,
            event_type="concern.published",
            actor=actor,
            old={"public_text": old},
            new={"public_text": text},
        )
        index_concern(locked)
    return locked


def concern_unpublish(*, concern: Concern, actor: Any, reason: str = "") -> Concern:
    """Staff withdraw a concern from public view (its text stays for staff)."""
    with transaction.atomic():
        locked = Concern.objects.select_for_update().get(pk=concern.pk)
        if locked.published_at is None:
            return locked
        locked.published_at = None
        locked.save(update_fields=["published_at", "updated_at"])
        audit.record(
            target=locked, event_type="concern.unpublished", actor=actor, reason=reason or "撤下公开"
        )
        index_concern(locked)
    return locked
