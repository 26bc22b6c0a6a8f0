"""Writes of 三评: open an evaluation, the four kinds of raw votes, close it (pass → the topic
closes; fail → it reopens with a new deadline and the reasons), and outcome indicators.

Every vote is one row; every refusal is an ``ApplicationError`` with a Chinese message and leaves
nothing behind. Subjects move through their own apps' services (``topics.services``,
``actions.services``), which tell the residents at each public step.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from shangliang.accounts.models import User
from shangliang.actions import services as action_services
from shangliang.actions.models import ActionItem, ActionStatus
from shangliang.concerns import services as concern_services
from shangliang.concerns.models import Concern
from shangliang.core import audit
from shangliang.core.errors import ApplicationError, PermissionDenied
from shangliang.core.scope import scope_of
from shangliang.core.sentences import join_clauses, sentence
from shangliang.core.transitions import apply_transition
from shangliang.core.workdays import add_working_days_db
from shangliang.evaluations import permissions, rules
from shangliang.evaluations.models import (
    EVALUATION_TRANSITIONS,
    Ballot,
    Choice,
    Evaluation,
    EvaluationStatus,
    Grade,
    Indicator,
    Invitee,
    InviteeKind,
    PaperTally,
    ResidentVote,
    Review,
    VoteChannel,
)
from shangliang.files import images
from shangliang.notifications import links
from shangliang.notifications.services import enqueue_inbox
from shangliang.privacy import personal
from shangliang.supervision.services import clean_text
from shangliang.topics import services as topic_services
from shangliang.topics.models import Topic, TopicStatus

FINISHED_ITEM_STATUSES = frozenset({ActionStatus.DONE, ActionStatus.VERIFIED, ActionStatus.CLOSED})
SMS_LINK_SALT = "evaluations.sms-link"
LABELS = dict(EvaluationStatus.choices)


def config() -> dict[str, Any]:
    return dict(settings.SHANGLIANG["EVALUATION"])


def current_rules() -> rules.Rules:
    return rules.Rules.from_settings(config())


def site_url() -> str:
    return links.site_url()


def vote_url(evaluation: Evaluation) -> str:
    return site_url() + reverse("evaluations:vote", kwargs={"token": evaluation.public_token})


# --- Subjects: a topic, or a direct assignment without a topic ---------------------------------


def subject_items(evaluation: Evaluation) -> list[ActionItem]:
    if evaluation.topic_id is not None:
        return list(ActionItem.objects.filter(topic_id=evaluation.topic_id).order_by("pk"))
    return list(ActionItem.objects.filter(pk=evaluation.item_id or 0))


def subject_concerns(evaluation: Evaluation) -> list[Concern]:
    if evaluation.topic_id is not None:
        return topic_services.active_concerns(Topic.objects.get(pk=evaluation.topic_id))
    item = ActionItem.objects.select_related("concern").get(pk=evaluation.item_id or 0)
    return [item.concern] if item.concern is not None else []


def _refuse_unfinished(items: Sequence[ActionItem]) -> None:
    if not items:
        raise ApplicationError("该议题还没有交办事项，不能发起评价。")
    unfinished = [item for item in items if item.status not in FINISHED_ITEM_STATUSES]
    if unfinished:
        names = "、".join(f"“{item.title}”（{item.get_status_display()}）" for item in unfinished[:3])
        more = f"等 {len(unfinished)} 件" if len(unfinished) > 3 else ""
        raise ApplicationError(f"还有交办事项未办结：{names}{more}。全部办结后才能发起三评。")


@dataclass(frozen=True)
class InviteeInput:
    kind: str
    name: str
    user_id: int | None = None


def _clean_invitees(invitees: Sequence[InviteeInput]) -> list[InviteeInput]:
    cleaned: list[InviteeInput] = []
    seen: set[int] = set()
    for invitee in invitees:
        name = (invitee.name or "").strip()[:30]
        if invitee.kind not in InviteeKind.values or not name:
            continue
        if invitee.user_id is not None:
            if invitee.user_id in seen:
                continue
            seen.add(invitee.user_id)
        cleaned.append(InviteeInput(invitee.kind, name, invitee.user_id))
    if not cleaned:
        raise ApplicationError("请至少邀请一位民主评议人（政协委员或群众代表）。", field="invitees")
    return cleaned


def evaluation_open(
    *,
    actor: Any,
    invitees: Sequence[InviteeInput],
    topic_id: int | None = None,
    item_id: int | None = None,
) -> Evaluation:
    """Open 三评 of a topic (every action item done, verified or closed) or of a direct assignment."""
    scope = scope_of(actor)
    if (topic_id is None) == (item_id is None):
        raise ApplicationError("请选择要评价的议题或直接交办事项。")
    with transaction.atomic():
        if topic_id is not None:
            topic = Topic.objects.select_for_update().select_related("region").filter(pk=topic_id).first()
            if topic is None:
                raise ApplicationError("没有找到该议题。")
            if not permissions.can_manage_in(scope, topic.region):
                raise PermissionDenied("您无权对该议题发起评价。")
            if Evaluation.objects.filter(topic=topic, status=EvaluationStatus.OPEN).exists():
                raise ApplicationError("该议题已有进行中的评价。")
            if topic.status not in (TopicStatus.IMPLEMENTING, TopicStatus.REOPENED):
                raise ApplicationError(
                    f"议题当前为“{topic.get_status_display()}”，只有落实中的议题才能发起评价。"
                )
            items = list(ActionItem.objects.select_for_update().filter(topic=topic).order_by("pk"))
            _refuse_unfinished(items)
            region, title = topic.region, topic.title
            previous = Evaluation.objects.filter(topic=topic)
            subject: dict[str, Any] = {"topic": topic}
        else:
            item = (
                ActionItem.objects.select_for_update()
                .select_related("region")
                .filter(pk=item_id or 0)
                .first()
            )
            if item is None:
                raise ApplicationError("没有找到该交办单。")
            if item.topic_id is not None:
                raise ApplicationError("议题的交办事项随议题一起评价。")
            if not permissions.can_manage_in(scope, item.region):
                raise PermissionDenied("您无权对该事项发起评价。")
            if Evaluation.objects.filter(item=item, status=EvaluationStatus.OPEN).exists():
                raise ApplicationError("该事项已有进行中的评价。")
            _refuse_unfinished([item])
            region, title = item.region, item.title
            previous = Evaluation.objects.filter(item=item)
            subject = {"item": item}
        cleaned = _clean_invitees(invitees)
        round_no = (previous.aggregate(n=Max("round"))["n"] or 0) + 1
        evaluation = Evaluation.objects.create(
            **subject,
            round=round_no,
            title=title,
            region=region,
            region_path=region.path,
            opened_by=actor,
        )
        Invitee.objects.bulk_create(
            Invitee(evaluation=evaluation, kind=i.kind, name=i.name, user_id=i.user_id) for i in cleaned
        )
        audit.record(
            target=evaluation,
            event_type="evaluation.opened",
            actor=actor,
            new={"status": evaluation.status, "round": round_no, "invited": len(cleaned)},
        )
        if "topic" in subject:
            topic = subject["topic"]
            topic_services.topic_transition(topic_id=topic.pk, new=TopicStatus.EVALUATING, actor=actor)
        _invite(evaluation, cleaned)
    return evaluation


def _invite(evaluation: Evaluation, invitees: Sequence[InviteeInput]) -> None:
    """Invited evaluators with an account see it in their inbox; residents get an SMS link each."""
    users = User.objects.in_bulk([i.user_id for i in invitees if i.user_id is not None])
    for user in users.values():
        if user is not None:
            enqueue_inbox(
                user=user,
                body=f"请参加“{evaluation.title}”的民主评议（满意 / 基本满意 / 不满意 / 不了解）。",
                about=evaluation,
                dedupe_key=f"evaluation:{evaluation.pk}:invite:{user.pk}",
            )
    for concern in concern_services.with_merged(subject_concerns(evaluation)):
        link = sms_link(evaluation, concern)
        if link:
            concern_services.notify_public_change(
                concern, f"办理结果请您评价：{link}", key=f"evaluation:{evaluation.pk}:invite"
            )


def sms_link(evaluation: Evaluation, concern: Concern) -> str:
    """A link that proves the phone by having reached it: it names the concern, signed."""
    if not concern.phone_encrypted:
        return ""
    token = signing.dumps([evaluation.pk, concern.pk], salt=SMS_LINK_SALT, compress=True)
    return f"{vote_url(evaluation)}?s={token}"


def phone_from_sms_link(evaluation: Evaluation, token: str) -> str:
    """The phone number an SMS link was sent to, or "" when the link is not this evaluation's."""
    try:
        evaluation_id, concern_id = signing.loads(token, salt=SMS_LINK_SALT, max_age=60 * 60 * 24 * 60)
    except (signing.BadSignature, ValueError, TypeError):
        return ""
    if evaluation_id != evaluation.pk:
        return ""
    concern = Concern.objects.filter(pk=concern_id).first()
    return personal.decrypt(concern.phone_encrypted) if concern else ""


# --- Votes ----------------------------------------------------------------------------------------


def _open_locked(evaluation_id: int) -> Evaluation:
    evaluation = (
        Evaluation.objects.select_for_update().select_related("region").filter(pk=evaluation_id).first()
    )
    if evaluation is None:
        raise ApplicationError("没有找到该评价。")
    if not evaluation.is_open:
        raise ApplicationError("该评价已结束，不能再评价。")
    return evaluation


@transaction.atomic
def review_submit(*, evaluation_id: int, grade: str, comment: str, actor: Any) -> Review:
    """党政点评: one grade (好/较好/一般/差) with a comment per reviewer."""
    evaluation = _open_locked(evaluation_id)
    if not permissions.can_review(scope_of(actor), evaluation):
        raise PermissionDenied("只有党政点评人可以点评。")
    if grade not in Grade.values:
        raise ApplicationError("请选择点评等次（好 / 较好 / 一般 / 差）。", field="grade")
    comment = clean_text(comment, field="comment", required="请填写点评意见。", limit=1000)
    if Review.objects.filter(evaluation=evaluation, reviewer=actor).exists():
        raise ApplicationError("您已点评过，每位点评人只计一次。")
    review = Review.objects.create(evaluation=evaluation, reviewer=actor, grade=grade, comment=comment)
    audit.record(target=evaluation, event_type="evaluation.reviewed", actor=actor, new={"grade": grade})
    return review


@transaction.atomic
def ballot_cast(*, evaluation_id: int, choice: str, actor: Any, comment: str = "") -> Ballot:
    """An online 民主评议 ballot by an invited member or representative, once."""
    evaluation = _open_locked(evaluation_id)
    invitee = (
        Invitee.objects.filter(evaluation=evaluation, user=actor).first() if actor.is_authenticated else None
    )
    if invitee is None:
        raise PermissionDenied("您不在本次民主评议的应邀名单中。")
    if choice not in Choice.values:
        raise ApplicationError("请选择评议意见。", field="choice")
    if Ballot.objects.filter(invitee=invitee).exists():
        raise ApplicationError("您已投过票，每人只计一票。")
    if _paper_cast(evaluation) + _online_cast(evaluation) >= evaluation.invitees.count():
        raise ApplicationError("票数已达应邀人数（含纸质票），不能再投票。请联系工作人员核对纸质票。")
    ballot = Ballot.objects.create(
        evaluation=evaluation, invitee=invitee, choice=choice, comment=(comment or "").strip()[:300]
    )
    audit.record(target=evaluation, event_type="evaluation.ballot", actor=actor, new={"choice": choice})
    return ballot


def _online_cast(evaluation: Evaluation) -> int:
    return Ballot.objects.filter(evaluation=evaluation).count()


def _paper_cast(evaluation: Evaluation) -> int:
    return sum(
        rules.Counts(t.satisfied, t.basically, t.dissatisfied, t.unknown).cast
        for t in evaluation.tallies.all()
    )


def paper_tally_record(
    *, evaluation_id: int, counts: rules.Counts, photo: Any, actor: Any, note: str = ""
) -> PaperTally:
    """Counts typed in from paper 民主评议 ballots, with a photo of them. The total may not exceed
    the invited evaluators who have not voted online."""
    # Decoding the photo takes seconds: done before the transaction that locks the evaluation.
    encoded = images.prepare([photo], limit=1, field="photo") if photo is not None else []
    with transaction.atomic():
        return _paper_tally_record(evaluation_id, counts, encoded, actor, note)


def _paper_tally_record(
    evaluation_id: int, counts: rules.Counts, photos: list[images.Encoded], actor: Any, note: str
) -> PaperTally:
    evaluation = _open_locked(evaluation_id)
    if not permissions.can_enter_paper(scope_of(actor), evaluation):
        raise PermissionDenied("只有政协机关工作人员可以录入纸质评议票。")
    if counts.cast == 0:
        raise ApplicationError("请填写各项票数。", field="satisfied")
    if not photos:
        raise ApplicationError("请上传纸质选票的照片。", field="photo")
    room = evaluation.invitees.count() - _online_cast(evaluation) - _paper_cast(evaluation)
    if counts.cast > room:
        raise ApplicationError(
            f"纸质票共 {counts.cast} 张，超过尚未投票的应邀人数（{max(room, 0)} 人），请核对。",
            field="satisfied",
        )
    stored = images.stored(photos[0], directory="ballots", thumbnail=False)
    tally = PaperTally(
        evaluation=evaluation,
        satisfied=counts.satisfied,
        basically=counts.basically,
        dissatisfied=counts.dissatisfied,
        unknown=counts.unknown,
        note=(note or "").strip()[:200],
        entered_by=actor,
        photo=stored.names["image"],
    )
    tally.save()
    images.write_after_commit([stored])
    audit.record(
        target=evaluation,
        event_type="evaluation.paper_tally",
        actor=actor,
        new={
            "satisfied": counts.satisfied,
            "basically": counts.basically,
            "dissatisfied": counts.dissatisfied,
            "unknown": counts.unknown,
        },
    )
    return tally


def household_key(household: str) -> str:
    """The same address written with other spaces, full-width digits or 号/栋 variants is one household."""
    text = normalise_household(household)
    return hashlib.sha256(f"household:{text}".encode()).hexdigest() if text else ""


def normalise_household(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = re.sub(r"\s+", "", text)
    return text.replace("幢", "栋").replace("室", "").replace("-", "")


@transaction.atomic
def resident_vote_cast(
    *,
    evaluation_id: int,
    choice: str,
    channel: str,
    phone: str = "",
    household: str = "",
    comment: str = "",
    actor: Any = None,
) -> ResidentVote:
    """群众评价, one per household and per verified phone. ``phone`` must already be verified (SMS
    one-time code, or the SMS link); a grid worker's entry after a visit names the household."""
    evaluation = _open_locked(evaluation_id)
    if channel not in VoteChannel.values:
        raise ApplicationError("评价方式无效。")
    if channel == VoteChannel.VISIT and not permissions.can_enter_resident_vote(scope_of(actor), evaluation):
        raise PermissionDenied("只有网格员和政协机关工作人员可以代录群众评价。")
    if choice not in Choice.values:
        raise ApplicationError("请选择您的评价。", field="choice")
    number = ""
    if phone:
        try:
            number = personal.normalize_mobile(phone)
        except personal.InvalidPhone as error:
            raise ApplicationError(str(error), field="phone") from error
    household = (household or "").strip()[:100]
    if channel == VoteChannel.VISIT and not household:
        raise ApplicationError("入户代录须填写户地址（如：政法路28号院3栋2单元301）。", field="household")
    if not number and not household:
        raise ApplicationError("请先验证手机号。", field="phone")
    phone_hash = personal.lookup_hash(f"evaluation-phone:{number}") if number else ""
    home = household_key(household)
    if phone_hash and ResidentVote.objects.filter(evaluation=evaluation, phone_hash=phone_hash).exists():
        raise ApplicationError("该手机号已评价过，每个手机号只计一票。", field="phone")
    if home and ResidentVote.objects.filter(evaluation=evaluation, household_key=home).exists():
        raise ApplicationError("该户已评价过，每户只计一票。", field="household")
    try:
        with transaction.atomic():
            vote = ResidentVote.objects.create(
                evaluation=evaluation,
                choice=choice,
                comment=(comment or "").strip()[:300],
                channel=channel,
                phone_hash=phone_hash,
                phone_masked=personal.mask_phone(number) if number else "",
                household_key=home,
                household=household,
                entered_by=actor if channel == VoteChannel.VISIT else None,
            )
    except IntegrityError as error:  # a concurrent vote from the same phone or household
        raise ApplicationError("该手机号或该户已评价过，只计一票。") from error
    audit.record(
        target=evaluation,
        event_type="evaluation.resident_vote",
        actor=actor,
        actor_label="" if actor is not None else "居民",
        new={"choice": choice, "channel": channel},
    )
    return vote


# --- Tallies and closing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    grades: list[str]
    democratic: rules.Counts
    invited: int
    residents: rules.Counts

    def outcome(self, applied: rules.Rules) -> rules.Outcome:
        return rules.outcome(
            grades=self.grades,
            democratic=self.democratic,
            invited=self.invited,
            residents=self.residents,
            rules=applied,
        )


def tally(evaluation: Evaluation) -> Tally:
    """The raw rows counted (four queries whatever the number of votes)."""
    online = rules.Counts.of(Ballot.objects.filter(evaluation=evaluation).values_list("choice", flat=True))
    paper = rules.Counts()
    for t in PaperTally.objects.filter(evaluation=evaluation):
        paper = paper + rules.Counts(t.satisfied, t.basically, t.dissatisfied, t.unknown)
    return Tally(
        grades=list(Review.objects.filter(evaluation=evaluation).values_list("grade", flat=True)),
        democratic=online + paper,
        invited=Invitee.objects.filter(evaluation=evaluation).count(),
        residents=rules.Counts.of(
            ResidentVote.objects.filter(evaluation=evaluation).values_list("choice", flat=True)
        ),
    )


def _two(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"))


def evaluation_close(
    *, evaluation_id: int, actor: Any, comment: str = "", expected_version: int | None = None
) -> Evaluation:
    """Staff close the round. Pass: the topic closes (its verified items close) and the residents are
    told the scores. Fail: the topic reopens, its items go back to the departments with a new
    deadline of the configured working days and the reasons."""
    with transaction.atomic():
        evaluation = (
            Evaluation.objects.select_for_update().select_related("region").filter(pk=evaluation_id).first()
        )
        if evaluation is None:
            raise ApplicationError("没有找到该评价。")
        if not permissions.can_manage(scope_of(actor), evaluation):
            raise PermissionDenied("只有政协机关工作人员可以结束评价。")
        if expected_version is not None and evaluation.version != expected_version:
            from shangliang.core.errors import ConcurrentChange

            raise ConcurrentChange()
        if not evaluation.is_open:
            raise ApplicationError("该评价已结束。")
        counted = tally(evaluation)
        if not counted.grades:
            raise ApplicationError("还没有党政点评，不能结束评价。")
        if counted.residents.valid == 0:
            raise ApplicationError("还没有有效的群众评价，不能结束评价。")
        applied = current_rules()
        result = counted.outcome(applied)
        deadline = (
            None
            if result.passed
            else add_working_days_db(timezone.localdate(), int(config()["REHANDLE_WORKING_DAYS"]))
        )
        apply_transition(
            evaluation,
            new=EvaluationStatus.CLOSED,
            transitions=EVALUATION_TRANSITIONS,
            labels=LABELS,
            actor=actor,
            event_type="evaluation.closed",
            reason=join_clauses(result.reasons),
            extra_fields={
                "closed_by": actor,
                "closed_at": timezone.now(),
                "party_score": _two(result.party),
                "democratic_score": _two(result.democratic),
                "democratic_valid": result.democratic_valid,
                "resident_score": _two(result.residents),
                "resident_satisfaction": None
                if result.resident_satisfaction is None
                else result.resident_satisfaction.quantize(Decimal("0.0001")),
                "composite": _two(result.composite),
                "passed": result.passed,
                "weights": {part: str(weight) for part, weight in applied.weights.items()},
                "result_notes": {"reasons": result.reasons, "notes": result.notes},
                "rehandle_deadline": deadline,
                "close_comment": (comment or "").strip()[:1000],
            },
        )
        if result.passed:
            _on_pass(evaluation, result, actor)
        else:
            assert deadline is not None
            _on_fail(evaluation, result, deadline, actor)
    return evaluation


def _result_text(evaluation: Evaluation, result: rules.Outcome) -> str:
    return (
        f"“{evaluation.title}”三评结果：综合得分 {rules.fmt(result.composite)} 分，"
        f"群众满意率 {rules.percent(result.resident_satisfaction)}，"
        + ("评价通过。" if result.passed else "评价未通过。")
    )


def _on_pass(evaluation: Evaluation, result: rules.Outcome, actor: Any) -> None:
    items = subject_items(evaluation)
    for item in items:
        if item.status == ActionStatus.VERIFIED:
            action_services.action_close(item_id=item.pk, actor=actor)
    if evaluation.topic_id is not None:
        topic_services.topic_transition(
            topic_id=evaluation.topic_id,
            new=TopicStatus.CLOSED,
            actor=actor,
            reason=_result_text(evaluation, result),
        )
        link = site_url() + reverse("evaluations:result", kwargs={"pk": evaluation.topic_id})
        text = _result_text(evaluation, result) + f"结果公示：{link}"
    else:
        text = _result_text(evaluation, result)
    concern_services.inform_residents(
        concerns=subject_concerns(evaluation),
        text=text,
        event_type="concern.evaluated",
        key=f"evaluation:{evaluation.pk}:result",
        actor=actor,
    )


def _on_fail(evaluation: Evaluation, result: rules.Outcome, deadline: dt.date, actor: Any) -> None:
    reason = sentence("三评未通过：" + join_clauses(result.reasons))[:300]
    if evaluation.topic_id is not None:
        topic_services.topic_transition(
            topic_id=evaluation.topic_id, new=TopicStatus.REOPENED, actor=actor, reason=reason
        )
    for item in subject_items(evaluation):
        if item.status == ActionStatus.DONE:
            # Not yet verified: back to the department as "not really fixed".
            action_services.action_verify(item_id=item.pk, passed=False, actor=actor, reason=reason)
            continue
        if item.status == ActionStatus.VERIFIED:
            action_services.action_close(item_id=item.pk, actor=actor)
        action_services.action_reopen(item_id=item.pk, reason=reason, deadline=deadline, actor=actor)
    concern_services.inform_residents(
        concerns=subject_concerns(evaluation),
        text=_result_text(evaluation, result) + f"已要求重新办理，期限 {deadline:%Y年%m月%d日}。",
        event_type="concern.evaluated",
        key=f"evaluation:{evaluation.pk}:result",
        actor=actor,
    )


# --- Outcome indicators -----------------------------------------------------------------------------


def _decimal(value: Any, *, field: str, required: bool) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ApplicationError("请填写数值。", field=field)
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation as error:
        raise ApplicationError("请填写数字。", field=field) from error
    if not number.is_finite() or abs(number) >= Decimal("1e10"):
        raise ApplicationError("数值超出范围。", field=field)
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def indicator_save(
    *,
    topic_id: int,
    name: str,
    before: Any,
    actor: Any,
    after: Any = None,
    unit: str = "",
    source: str = "",
    indicator_id: int | None = None,
) -> Indicator:
    """Add an outcome indicator to a topic, or update one (typically the after value)."""
    topic = Topic.objects.select_related("region").filter(pk=topic_id).first()
    if topic is None:
        raise ApplicationError("没有找到该议题。")
    if not permissions.can_manage_in(scope_of(actor), topic.region):
        raise PermissionDenied("您无权填报该议题的成效指标。")
    name = clean_text(name, field="name", required="请填写指标名称。", limit=60)
    values = {
        "name": name,
        "unit": (unit or "").strip()[:12],
        "before": _decimal(before, field="before", required=True),
        "after": _decimal(after, field="after", required=False),
        "source": (source or "").strip()[:100],
    }
    if indicator_id is not None:
        indicator = Indicator.objects.select_for_update().filter(pk=indicator_id, topic=topic).first()
        if indicator is None:
            raise ApplicationError("没有找到该指标。")
        old = {"before": str(indicator.before), "after": str(indicator.after)}
        for key, value in values.items():
            setattr(indicator, key, value)
        indicator.save()
    else:
        old = None
        indicator = Indicator.objects.create(topic=topic, created_by=actor, **values)
    audit.record(
        target=topic,
        event_type="topic.indicator",
        actor=actor,
        old=old,
        new={"name": name, "before": str(values["before"]), "after": str(values["after"])},
    )
    return indicator
