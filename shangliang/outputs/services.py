"""Writes of outputs: a draft (from screening's concern, or from a topic with its concerns, research,
meetings and consensus pre-filled), edits, approval, sending, 批示, replies and adoption."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shangliang.concerns.models import Concern
from shangliang.core import audit
from shangliang.core.errors import ApplicationError, PermissionDenied
from shangliang.core.scope import scope_of
from shangliang.core.transitions import apply_transition, check_version
from shangliang.outputs.models import (
    OUTPUT_TRANSITIONS,
    Addressee,
    Adoption,
    Instruction,
    LeaderLevel,
    Output,
    OutputKind,
    OutputStatus,
    Reply,
)
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


# --- Drafting from a topic, approval, sending, 批示, replies, adoption -----------------------------

SOCIAL_OPINION = OutputKind.SOCIAL_OPINION
LABELS = dict(OutputStatus.choices)


def config() -> dict[str, Any]:
    return dict(settings.SHANGLIANG["OUTPUTS"])


def needs_approval(kind: str) -> bool:
    return kind in config()["APPROVAL_KINDS"]


def length_warning(output: Output) -> str:
    """A 社情民意信息 is one issue in about 1500 characters; longer ones get a warning (not refused)."""
    limit = int(config()["SOCIAL_OPINION_MAX_CHARS"])
    length = len("".join(output.body.split()))
    if output.kind == SOCIAL_OPINION and length > limit:
        return f"社情民意信息正文 {length} 字，超过 {limit} 字。请一事一报、精简内容。"
    return ""


def draft_body(topic: Topic) -> str:
    """The sections an output about ``topic`` starts from: what residents raised, the research, the
    meetings held and the consensus reached, and the results of the action items."""
    from shangliang.actions.models import ActionItem
    from shangliang.concerns.rules import mask_personal_text

    concerns = Concern.objects.filter(
        topic_links__topic=topic, topic_links__removed_at__isnull=True
    ).order_by("pk")
    parts = ["一、基本情况", topic.description or topic.title]
    if concerns:
        parts.append(f"群众共反映 {len(concerns)} 件：")
        parts += [f"{n}. {mask_personal_text(c.text)[:120]}" for n, c in enumerate(concerns, 1)]
    if topic.research_notes:
        parts += ["二、调研情况", topic.research_notes]
    meetings = list(topic.meetings.order_by("starts_at")) if hasattr(topic, "meetings") else []
    consensus: list[str] = []
    if meetings:
        parts.append("三、协商情况")
        parts += [f"{timezone.localtime(m.starts_at):%Y年%m月%d日}，{m.title}。" for m in meetings]
        model = apps.get_model("meetings", "ConsensusItem")
        consensus = list(model.objects.filter(topic=topic).order_by("pk").values_list("text", flat=True))
    if consensus:
        parts.append("达成共识：")
        parts += [f"{n}. {text}" for n, text in enumerate(consensus, 1)]
    items = ActionItem.objects.filter(topic=topic).select_related("department").order_by("pk")
    if items:
        parts.append("四、落实情况")
        parts += [
            f"{n}. {i.title}（{i.department.name}）：{i.get_result_class_display() or i.get_status_display()}"
            for n, i in enumerate(items, 1)
        ]
    parts += ["五、意见建议", ""]
    return "\n".join(parts)


@transaction.atomic
def output_draft_from_topic(*, topic_id: int, kind: str, actor: Any, title: str = "") -> Output:
    from shangliang.outputs import permissions

    topic = Topic.objects.select_related("region").filter(pk=topic_id).first()
    if topic is None:
        raise ApplicationError("没有找到该议题。")
    if not permissions.can_draft_in(scope_of(actor), topic.region):
        raise PermissionDenied("您无权为该议题起草成果。")
    if kind == OutputKind.PROPOSAL:
        raise ApplicationError(
            "提案由委员提交，请选择建议案、专项报告、社情民意信息或协商成果建议书。", field="kind"
        )
    kind_label = OutputKind(kind).label if kind in OutputKind.values else ""
    output = output_create_draft(
        kind=kind,
        title=title or f"关于{topic.title}的{kind_label}",
        body=draft_body(topic),
        region=topic.region,
        author=actor,
        topics=[topic],
        concerns=Concern.objects.filter(topic_links__topic=topic, topic_links__removed_at__isnull=True),
    )
    output.signatory = settings.SHANGLIANG.get("BRAND_ORG", "")
    output.save(update_fields=["signatory"])
    return output


def _locked(output_id: int, expected_version: int | None = None) -> Output:
    output = Output.objects.select_for_update().select_related("region").filter(pk=output_id).first()
    if output is None:
        raise ApplicationError("没有找到该成果。")
    check_version(output, expected_version)
    return output


def _move(
    output: Output, new: str, actor: Any, *, reason: str = "", extra: dict[str, Any] | None = None
) -> None:
    apply_transition(
        output,
        new=new,
        transitions=OUTPUT_TRANSITIONS,
        labels=LABELS,
        actor=actor,
        event_type=f"output.{new}",
        reason=reason,
        extra_fields=extra,
    )


@transaction.atomic
def output_update(
    *,
    output_id: int,
    title: str,
    body: str,
    actor: Any,
    signatory: str = "",
    issued_on: dt.date | None = None,
    expected_version: int | None = None,
) -> Output:
    from shangliang.outputs import permissions

    output = _locked(output_id, expected_version)
    if not permissions.can_edit(scope_of(actor), output):
        raise PermissionDenied("只有草稿可以修改，且须是本区域的工作人员。")
    title = (title or "").strip()
    if not title:
        raise ApplicationError("请填写标题。", field="title")
    output.title = title[:120]
    output.body = (body or "").strip()
    output.signatory = (signatory or "").strip()[:60]
    output.issued_on = issued_on
    output.version = F("version") + 1
    output.save(update_fields=["title", "body", "signatory", "issued_on", "version", "updated_at"])
    output.refresh_from_db(fields=["version"])
    audit.record(target=output, event_type="output.edited", actor=actor)
    return output


def _require_body(output: Output) -> None:
    if not output.body.strip():
        raise ApplicationError("正文为空，请先填写正文。", field="body")


@transaction.atomic
def output_submit(*, output_id: int, actor: Any) -> Output:
    """Put a draft before 主席会议 / 常委会 (for the kinds that need approval)."""
    from shangliang.outputs import permissions

    output = _locked(output_id)
    if not permissions.can_edit(scope_of(actor), output):
        raise PermissionDenied("您无权提交该成果。")
    if not needs_approval(output.kind):
        raise ApplicationError(f"{output.get_kind_display()}无需审定，可直接报送。")
    _require_body(output)
    _move(output, OutputStatus.PENDING_APPROVAL, actor)
    return output


@transaction.atomic
def output_decide(*, output_id: int, approve: bool, body: str, actor: Any, reason: str = "") -> Output:
    """Record the approval by 主席会议 or 常委会, or return the draft with the reason."""
    from shangliang.outputs import permissions

    output = _locked(output_id)
    if not permissions.can_approve(scope_of(actor), output):
        if output.status != OutputStatus.PENDING_APPROVAL:
            raise ApplicationError("该成果不在待审定状态。")
        raise PermissionDenied("审定须由起草人以外的工作人员或专委会主任登记。")
    if approve:
        body = (body or "").strip()
        if not body:
            raise ApplicationError("请填写审定会议（如：主席会议、常委会会议）。", field="approval_body")
        _move(
            output,
            OutputStatus.APPROVED,
            actor,
            reason=body,
            extra={"approval_body": body[:30], "approved_by": actor, "approved_at": timezone.now()},
        )
    else:
        reason = (reason or "").strip()
        if not reason:
            raise ApplicationError("请说明退回修改的理由。", field="reason")
        _move(output, OutputStatus.DRAFT, actor, reason=reason[:300])
    return output


@transaction.atomic
def output_send(
    *, output_id: int, actor: Any, organisation_ids: Iterable[int] = (), user_ids: Iterable[int] = ()
) -> Output:
    """Send to addressees: each organisation's people and each person see it in their inbox."""
    from shangliang.accounts.models import User
    from shangliang.notifications.services import enqueue_inbox
    from shangliang.outputs import permissions
    from shangliang.places.models import Organisation

    output = _locked(output_id)
    if not permissions.can_send(scope_of(actor), output):
        raise PermissionDenied("只有政协机关工作人员可以报送成果。")
    if output.status == OutputStatus.DRAFT and needs_approval(output.kind):
        raise ApplicationError(f"{output.get_kind_display()}须经主席会议或常委会审定后才能报送。")
    if output.status not in (OutputStatus.DRAFT, OutputStatus.APPROVED):
        raise ApplicationError(f"该成果当前为“{output.get_status_display()}”，不能报送。")
    _require_body(output)
    organisations = list(Organisation.objects.filter(pk__in=list(organisation_ids), active=True))
    users = list(User.objects.filter(pk__in=list(user_ids), is_active=True))
    if not organisations and not users:
        raise ApplicationError("请选择报送对象（单位或个人）。", field="organisations")
    Addressee.objects.bulk_create(
        [Addressee(output=output, organisation=o) for o in organisations]
        + [Addressee(output=output, user=u) for u in users]
    )
    _move(
        output,
        OutputStatus.SENT,
        actor,
        extra={"sent_at": timezone.now(), "issued_on": output.issued_on or timezone.localdate()},
    )
    readers = {u.pk: u for u in users}
    readers.update((u.pk, u) for u in User.objects.filter(organisation__in=organisations, is_active=True))
    for reader in readers.values():
        enqueue_inbox(
            user=reader,
            body=f"收到{output.get_kind_display()}：《{output.title}》，请阅处。",
            about=output,
            dedupe_key=f"output:{output.pk}:sent:{reader.pk}",
        )
    return output


@transaction.atomic
def output_record_instruction(
    *, output_id: int, leader: str, level: str, text: str, given_on: dt.date | None, actor: Any
) -> Instruction:
    from shangliang.outputs import permissions

    output = _locked(output_id)
    if not permissions.can_follow_up(scope_of(actor), output):
        raise PermissionDenied("只有已报送的成果可以登记批示，且须是政协机关工作人员。")
    leader = (leader or "").strip()
    text = (text or "").strip()
    if not leader:
        raise ApplicationError("请填写批示领导。", field="leader")
    if level not in LeaderLevel.values:
        raise ApplicationError("请选择领导层级。", field="level")
    if not text:
        raise ApplicationError("请填写批示内容。", field="text")
    if given_on is None or given_on > timezone.localdate():
        raise ApplicationError("请填写批示日期（不晚于今天）。", field="given_on")
    instruction = Instruction.objects.create(
        output=output, leader=leader[:30], level=level, text=text, given_on=given_on, recorded_by=actor
    )
    audit.record(
        target=output, event_type="output.instruction", actor=actor, new={"leader": leader, "level": level}
    )
    return instruction


@transaction.atomic
def output_record_reply(
    *, output_id: int, text: str, replied_on: dt.date | None, actor: Any, organisation_id: int | None = None
) -> Reply:
    from shangliang.outputs import permissions

    output = _locked(output_id)
    if not permissions.can_reply(scope_of(actor), output):
        raise PermissionDenied("只有报送对象或政协机关工作人员可以登记答复。")
    text = (text or "").strip()
    if not text:
        raise ApplicationError("请填写答复内容。", field="text")
    if replied_on is None or replied_on > timezone.localdate():
        raise ApplicationError("请填写答复日期（不晚于今天）。", field="replied_on")
    organisation_id = organisation_id or getattr(actor, "organisation_id", None)
    reply = Reply.objects.create(
        output=output, organisation_id=organisation_id, text=text, replied_on=replied_on, recorded_by=actor
    )
    audit.record(target=output, event_type="output.reply", actor=actor, new={"reply": reply.pk})
    return reply


@transaction.atomic
def output_set_adoption(*, output_id: int, adoption: str, actor: Any, note: str = "") -> Output:
    from shangliang.outputs import permissions

    output = _locked(output_id)
    if not permissions.can_follow_up(scope_of(actor), output):
        raise PermissionDenied("只有已报送的成果可以登记采纳情况。")
    if adoption not in Adoption.values:
        raise ApplicationError("请选择采纳情况。", field="adoption")
    old = output.adoption
    output.adoption = adoption
    output.adoption_note = (note or "").strip()[:300]
    output.save(update_fields=["adoption", "adoption_note", "updated_at"])
    audit.record(target=output, event_type="output.adoption", actor=actor, old=old, new=adoption)
    return output
