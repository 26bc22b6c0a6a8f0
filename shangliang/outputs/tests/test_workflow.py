from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document

from shangliang.accounts.tests.factories import UserFactory
from shangliang.core.errors import ApplicationError, PermissionDenied
from shangliang.core.roles import Role
from shangliang.core.scope import scope_of
from shangliang.notifications.models import OutboxMessage
from shangliang.outputs import documents, selectors, services
from shangliang.outputs.models import Addressee, Instruction, Output, OutputKind, OutputStatus
from shangliang.places.models import OrganisationKind
from shangliang.places.tests import factories as pf
from shangliang.supervision.tests.factories import concern_with_phone, topic_with_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(district: Any) -> Any:
    concern = concern_with_phone(district.community_a, text="政法路28号院飞线充电，电话13877901234联系我")
    topic, _ = topic_with_items(district.community_a, concern=concern)
    topic.research_notes = "走访 120 户，其中 46 户存在飞线充电。"
    topic.save()
    return topic


@pytest.fixture
def government(district: Any) -> Any:
    org = pf.OrganisationFactory(name="海城区人民政府", kind=OrganisationKind.GOVERNMENT)
    return org, UserFactory(
        role=Role.REVIEWER, region=district.district, organisation=org, username="gov-leader"
    )


def test_draft_from_topic_prefills_concerns_research_and_actions(topic: Any, staff: Any) -> None:
    output = services.output_draft_from_topic(topic_id=topic.pk, kind=OutputKind.RECOMMENDATION, actor=staff)
    assert output.title == f"关于{topic.title}的建议案"
    assert "群众共反映 1 件" in output.body
    assert "138****1234" in output.body
    assert "13877901234" not in output.body
    assert "二、调研情况\n走访 120 户" in output.body
    assert "四、落实情况" in output.body
    assert "A 已解决" in output.body
    assert list(output.source_topics.all()) == [topic]
    assert output.signatory == "政协海城区委员会"


def test_recommendation_needs_approval_before_sending(topic: Any, staff: Any, government: Any) -> None:
    org, leader = government
    output = services.output_draft_from_topic(topic_id=topic.pk, kind=OutputKind.RECOMMENDATION, actor=staff)
    with pytest.raises(ApplicationError, match="须经主席会议或常委会审定后才能报送"):
        services.output_send(output_id=output.pk, actor=staff, organisation_ids=[org.pk])
    services.output_submit(output_id=output.pk, actor=staff)
    with pytest.raises(PermissionDenied, match="起草人以外"):
        services.output_decide(output_id=output.pk, approve=True, body="主席会议", actor=staff)
    other = UserFactory(role=Role.STAFF, region=staff.region, username="approver")
    with pytest.raises(ApplicationError, match="请填写审定会议"):
        services.output_decide(output_id=output.pk, approve=True, body="", actor=other)
    services.output_decide(output_id=output.pk, approve=True, body="主席会议", actor=other)
    services.output_send(output_id=output.pk, actor=staff, organisation_ids=[org.pk])
    output.refresh_from_db()
    assert (output.status, output.approval_body, output.issued_on) == (
        OutputStatus.SENT,
        "主席会议",
        timezone.localdate(),
    )
    assert OutboxMessage.objects.filter(recipient_user=leader, body__contains="收到建议案").count() == 1
    assert list(selectors.received_by(scope_of(leader))) == [output]
    assert selectors.recommendations_sent_count() == 1


def test_returned_draft_goes_back_with_reason(topic: Any, staff: Any, member: Any) -> None:
    output = services.output_draft_from_topic(topic_id=topic.pk, kind=OutputKind.RECOMMENDATION, actor=staff)
    services.output_submit(output_id=output.pk, actor=staff)
    chair = UserFactory(role=Role.CHAIR, region=staff.region, username="chair")
    with pytest.raises(ApplicationError, match="请说明退回修改的理由"):
        services.output_decide(output_id=output.pk, approve=False, body="", actor=chair)
    services.output_decide(
        output_id=output.pk, approve=False, body="", reason="建议部分再具体一些", actor=chair
    )
    output.refresh_from_db()
    assert output.status == OutputStatus.DRAFT


def test_social_opinion_is_sent_directly_and_warned_when_long(
    topic: Any, staff: Any, government: Any
) -> None:
    _, leader = government
    output = services.output_draft_from_topic(topic_id=topic.pk, kind=OutputKind.SOCIAL_OPINION, actor=staff)
    assert services.length_warning(output) == ""
    services.output_update(output_id=output.pk, title=output.title, body="情" * 1501, actor=staff)
    output.refresh_from_db()
    assert services.length_warning(output) == "社情民意信息正文 1501 字，超过 1500 字。请一事一报、精简内容。"
    with pytest.raises(ApplicationError, match="无需审定"):
        services.output_submit(output_id=output.pk, actor=staff)
    services.output_send(output_id=output.pk, actor=staff, user_ids=[leader.pk])
    assert Addressee.objects.get().user == leader
    assert selectors.recommendations_sent_count() == 1


def test_instruction_reply_and_adoption(topic: Any, staff: Any, government: Any, member: Any) -> None:
    org, leader = government
    output = services.output_draft_from_topic(topic_id=topic.pk, kind=OutputKind.SPECIAL_REPORT, actor=staff)
    with pytest.raises(PermissionDenied):
        services.output_record_instruction(
            output_id=output.pk,
            leader="王书记",
            level="district",
            text="请抓好落实",
            given_on=timezone.localdate(),
            actor=staff,
        )
    services.output_send(output_id=output.pk, actor=staff, organisation_ids=[org.pk])
    with pytest.raises(ApplicationError, match="请填写批示日期"):
        services.output_record_instruction(
            output_id=output.pk,
            leader="王书记",
            level="district",
            text="请抓好落实",
            given_on=timezone.localdate() + dt.timedelta(days=1),
            actor=staff,
        )
    services.output_record_instruction(
        output_id=output.pk,
        leader="王书记",
        level="district",
        text="请住建局抓好落实",
        given_on=timezone.localdate(),
        actor=staff,
    )
    services.output_record_reply(
        output_id=output.pk, text="已部署全区排查", replied_on=timezone.localdate(), actor=leader
    )
    with pytest.raises(PermissionDenied):
        services.output_record_reply(
            output_id=output.pk, text="x", replied_on=timezone.localdate(), actor=member
        )
    services.output_set_adoption(
        output_id=output.pk, adoption="adopted", note="纳入年度民生实事", actor=staff
    )
    output.refresh_from_db()
    assert (output.adoption, output.replies.get().organisation) == ("adopted", org)
    assert Instruction.objects.get().get_level_display() == "区领导"


def test_docx_has_the_official_layout_and_texts(topic: Any, staff: Any, government: Any) -> None:
    org, _ = government
    output = services.output_draft_from_topic(topic_id=topic.pk, kind=OutputKind.SOCIAL_OPINION, actor=staff)
    services.output_send(output_id=output.pk, actor=staff, organisation_ids=[org.pk])
    output.refresh_from_db()
    doc = Document(io.BytesIO(documents.output_docx(output)))
    paragraphs = [p for p in doc.paragraphs if p.text]
    title, recipients = paragraphs[0], paragraphs[1]
    assert title.text == output.title
    assert title.runs[0].font.name == "方正小标宋简体"
    assert title.runs[0].font.size.pt == 22
    assert recipients.text == "海城区人民政府："
    body = next(p for p in paragraphs if p.text.startswith("一、基本情况"))
    assert body.runs[0].font.name == "仿宋_GB2312"
    assert body.runs[0].font.size.pt == 16
    today = timezone.localdate()
    assert [p.text for p in paragraphs[-2:]] == [
        "政协海城区委员会",
        f"{today.year}年{today.month}月{today.day}日",
    ]
    assert "走访 120 户" in "\n".join(p.text for p in paragraphs)


def test_docx_of_an_output_without_body_is_refused(client: Client, district: Any, staff: Any) -> None:
    output = Output.objects.create(
        kind=OutputKind.RECOMMENDATION,
        title="空白建议案",
        body="  ",
        region=district.district,
        region_path=district.district.path,
    )
    with pytest.raises(ApplicationError, match=r"还没有正文，不能生成 \.docx 文件"):
        documents.output_docx(output)
    client.force_login(staff)
    response = client.get(reverse("outputs:docx", kwargs={"pk": output.pk}))
    assert response.status_code == 400
    assert "该成果还没有正文，不能生成 .docx 文件。请先填写正文。" in response.content.decode()


def test_pages_docx_and_print(
    client: Client, department_officer: Any, topic: Any, staff: Any, government: Any
) -> None:
    org, leader = government
    client.force_login(staff)
    response = client.post(
        reverse("outputs:draft-topic", kwargs={"topic_id": topic.pk}), {"kind": "special_report"}
    )
    output = Output.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("outputs:detail", kwargs={"pk": output.pk})).content.decode()
    assert "下载 Word" in page
    assert "报送" in page
    sent = client.post(reverse("outputs:send", kwargs={"pk": output.pk}), {"organisations": [org.pk]})
    assert sent.status_code == 302
    docx = client.get(reverse("outputs:docx", kwargs={"pk": output.pk}))
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    printable = client.get(reverse("outputs:print", kwargs={"pk": output.pk})).content.decode()
    # the official layout (仿宋_GB2312 body text) comes from its static stylesheet
    assert 'href="/static/css/official-document.css"' in printable
    stylesheet = Path(str(finders.find("css/official-document.css"))).read_text(encoding="utf-8")
    assert "仿宋_GB2312" in stylesheet
    assert "海城区人民政府：" in printable
    # the addressee sees it; a department officer elsewhere does not
    client.force_login(leader)
    assert client.get(reverse("outputs:detail", kwargs={"pk": output.pk})).status_code == 200
    client.force_login(department_officer)
    assert client.get(reverse("outputs:detail", kwargs={"pk": output.pk})).status_code == 404
