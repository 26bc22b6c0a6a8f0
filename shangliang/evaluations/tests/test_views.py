from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shangliang.accounts.tests.factories import UserFactory
from shangliang.actions.models import ActionItem, ActionPhoto, ActionProgress, ActionStatus
from shangliang.concerns.tests.factories import png
from shangliang.core.roles import Role
from shangliang.evaluations import services
from shangliang.evaluations.models import (
    Evaluation,
    InviteeKind,
    PaperTally,
    ResidentVote,
    Review,
    VoteChannel,
)
from shangliang.evaluations.services import InviteeInput
from shangliang.files import images
from shangliang.supervision.tests.factories import concern_with_phone, topic_with_items
from shangliang.topics.models import TopicStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation(district: Any, staff: Any) -> Evaluation:
    topic, _ = topic_with_items(district.community_a, concern=concern_with_phone(district.community_a))
    member = UserFactory(role=Role.MEMBER, username="member-invited")
    return services.evaluation_open(
        actor=staff,
        invitees=[
            InviteeInput(InviteeKind.MEMBER, "委员甲", member.pk),
            InviteeInput(InviteeKind.REPRESENTATIVE, "代表乙"),
        ],
        topic_id=topic.pk,
    )


def _fixed_code(monkeypatch: Any) -> None:
    monkeypatch.setattr("shangliang.privacy.otp.secrets.randbelow", lambda n: 123456)


def test_resident_votes_by_qr_with_sms_code(client: Client, evaluation: Evaluation, monkeypatch: Any) -> None:
    _fixed_code(monkeypatch)
    url = reverse("evaluations:vote", kwargs={"token": evaluation.public_token})
    page = client.get(url)
    assert page.status_code == 200
    assert "建设集中充电桩" in page.content.decode()
    # when the resident asks for a code, gives it, and votes
    sent = client.post(url, {"action": "send", "phone": "13877905555"})
    assert "验证码已发送到 138****5555" in sent.content.decode()
    wrong = client.post(url, {"action": "verify", "phone": "13877905555", "code": "000000"})
    assert wrong.status_code == 400
    assert "验证码不正确" in wrong.content.decode()
    verified = client.post(url, {"action": "verify", "phone": "13877905555", "code": "123456"})
    assert verified.status_code == 302
    voted = client.post(url, {"action": "vote", "choice": "satisfied", "comment": "充电方便了"})
    # then one vote, with the phone masked and the channel QR
    assert "感谢您的评价" in voted.content.decode()
    vote = ResidentVote.objects.get()
    assert (vote.choice, vote.channel, vote.phone_masked) == ("satisfied", VoteChannel.QR, "138****5555")


def test_second_vote_from_same_phone_is_refused_on_the_page(
    client: Client, evaluation: Evaluation, monkeypatch: Any
) -> None:
    services.resident_vote_cast(
        evaluation_id=evaluation.pk, choice="satisfied", channel=VoteChannel.QR, phone="13877905555"
    )
    _fixed_code(monkeypatch)
    url = reverse("evaluations:vote", kwargs={"token": evaluation.public_token})
    client.post(url, {"action": "send", "phone": "13877905555"})
    client.post(url, {"action": "verify", "phone": "13877905555", "code": "123456"})
    response = client.post(url, {"action": "vote", "choice": "dissatisfied"})
    assert response.status_code == 400
    assert "该手机号已评价过，每个手机号只计一票。" in response.content.decode()
    assert ResidentVote.objects.count() == 1


def test_sms_link_needs_no_code(client: Client, evaluation: Evaluation) -> None:
    concern = services.subject_concerns(evaluation)[0]
    link = services.sms_link(evaluation, concern)
    page = client.get(link)
    assert "已验证手机号 138****1234" in page.content.decode()
    client.post(link.split("?")[0], {"action": "vote", "choice": "basically"})
    assert ResidentVote.objects.get().channel == VoteChannel.SMS


def test_vote_page_after_close_says_so(
    client: Client, evaluation: Evaluation, staff: Any, reviewer: Any
) -> None:
    services.review_submit(evaluation_id=evaluation.pk, grade="good", comment="好", actor=reviewer)
    services.resident_vote_cast(
        evaluation_id=evaluation.pk, choice="satisfied", channel=VoteChannel.QR, phone="13877905555"
    )
    services.evaluation_close(evaluation_id=evaluation.pk, actor=staff)
    url = reverse("evaluations:vote", kwargs={"token": evaluation.public_token})
    response = client.post(url, {"action": "vote", "choice": "satisfied"})
    assert response.status_code == 410
    assert "评价已结束" in response.content.decode()
    assert ResidentVote.objects.count() == 1


def test_unknown_token_is_404(client: Client, db: None) -> None:
    assert client.get(reverse("evaluations:vote", kwargs={"token": "nope"})).status_code == 404


def test_staff_page_shows_qr_and_forms_by_role(
    client: Client, evaluation: Evaluation, staff: Any, reviewer: Any, grid_worker: Any
) -> None:
    client.force_login(staff)
    page = client.get(reverse("evaluations:detail", kwargs={"pk": evaluation.pk})).content.decode()
    assert "群众评价二维码" in page
    assert "<svg" in page
    assert "录入纸质民主评议票" in page
    assert "结束评价" in page
    assert "提交点评" not in page
    client.force_login(reviewer)
    page = client.get(reverse("evaluations:detail", kwargs={"pk": evaluation.pk})).content.decode()
    assert "提交点评" in page
    assert "结束评价并计算结果" not in page
    client.force_login(grid_worker)
    page = client.get(reverse("evaluations:detail", kwargs={"pk": evaluation.pk})).content.decode()
    assert "入户代录群众评价" in page


def test_review_paper_and_entry_forms_post(
    client: Client, evaluation: Evaluation, staff: Any, reviewer: Any, grid_worker: Any
) -> None:
    client.force_login(reviewer)
    response = client.post(
        reverse("evaluations:review", kwargs={"pk": evaluation.pk}),
        {"grade": "fairly_good", "comment": "落实较好"},
    )
    assert response.status_code == 302
    again = client.post(
        reverse("evaluations:review", kwargs={"pk": evaluation.pk}), {"grade": "good", "comment": "再评"}
    )
    assert again.status_code == 400
    assert Review.objects.count() == 1
    client.force_login(staff)
    paper = client.post(
        reverse("evaluations:paper", kwargs={"pk": evaluation.pk}),
        {"satisfied": 1, "basically": 0, "dissatisfied": 0, "unknown": 0, "photo": png()},
    )
    assert paper.status_code == 302
    assert PaperTally.objects.count() == 1
    client.force_login(grid_worker)
    entry = client.post(
        reverse("evaluations:resident-entry", kwargs={"pk": evaluation.pk}),
        {"household": "3栋201", "choice": "satisfied"},
    )
    assert entry.status_code == 302
    twice = client.post(
        reverse("evaluations:resident-entry", kwargs={"pk": evaluation.pk}),
        {"household": "3 栋 201", "choice": "dissatisfied"},
    )
    assert "该户已评价过" in twice.content.decode()


def test_open_page_refuses_while_items_are_open(client: Client, district: Any, staff: Any) -> None:
    topic, _ = topic_with_items(district.community_a, statuses=(ActionStatus.IN_PROGRESS,))
    client.force_login(staff)
    response = client.post(
        reverse("evaluations:open-topic", kwargs={"pk": topic.pk}), {"representatives": "代表甲"}
    )
    assert response.status_code == 400
    assert "还有交办事项未办结" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_close_page_and_published_result(
    client: Client, evaluation: Evaluation, staff: Any, reviewer: Any
) -> None:
    services.review_submit(evaluation_id=evaluation.pk, grade="good", comment="好", actor=reviewer)
    services.resident_vote_cast(
        evaluation_id=evaluation.pk, choice="satisfied", channel=VoteChannel.QR, phone="13877905555"
    )
    assert evaluation.topic is not None
    services.indicator_save(
        topic_id=evaluation.topic.pk, name="医保参保率", unit="%", before="91.1", after="98.3", actor=staff
    )
    client.force_login(staff)
    home_before = client.get(reverse("portal:home")).content.decode()
    response = client.post(
        reverse("evaluations:close", kwargs={"pk": evaluation.pk}),
        {"version": evaluation.version, "confirm": "on"},
    )
    assert response.status_code == 302
    evaluation.topic.refresh_from_db()
    assert evaluation.topic.status == TopicStatus.CLOSED
    client.logout()
    listing = client.get(reverse("evaluations:results")).content.decode()
    assert evaluation.topic.title in listing
    detail = client.get(reverse("evaluations:result", kwargs={"pk": evaluation.topic.pk})).content.decode()
    for text in (
        "医保参保率",
        "91.1%",
        "98.3%",
        "党政点评",
        "民主评议",
        "无效（未过半数）",
        "群众评价",
        "综合得分",
        "100.0",
    ):
        assert text in detail
    home_after = client.get(reverse("portal:home")).content.decode()
    assert "解决群众问题" in home_after
    assert home_before != home_after


def test_result_of_an_open_topic_is_not_public(client: Client, evaluation: Evaluation) -> None:
    assert evaluation.topic is not None
    assert client.get(reverse("evaluations:result", kwargs={"pk": evaluation.topic.pk})).status_code == 404


def test_list_query_count_is_constant(
    client: Client, district: Any, staff: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        topic, _items = topic_with_items(district.community_a)
        services.evaluation_open(
            actor=staff, invitees=[InviteeInput(InviteeKind.REPRESENTATIVE, "代表")], topic_id=topic.pk
        )
    client.force_login(staff)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("evaluations:list")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("evaluations:results")).status_code == 200


def test_the_running_figures_say_which_parts_are_in_and_closing_asks_for_confirmation(
    client, evaluation, staff
):
    # given an open evaluation with one resident's vote and nothing else
    services.resident_vote_cast(
        evaluation_id=evaluation.pk, choice="satisfied", channel=VoteChannel.QR, phone="13877905556"
    )
    client.force_login(staff)
    # when staff open it, then the composite says it holds only the residents' part
    page = client.get(reverse("evaluations:detail", kwargs={"pk": evaluation.pk})).content.decode()
    assert "计入群众评价，党政点评、民主评议尚未计入；还须有党政点评和有效的群众评价才能结束评价。" in page
    assert "目前未达到通过标准" not in page
    # and closing without ticking the confirmation is refused and changes nothing
    response = client.post(
        reverse("evaluations:close", kwargs={"pk": evaluation.pk}), {"version": evaluation.version}
    )
    assert response.status_code == 400
    assert "请勾选确认后再结束评价。" in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.is_open


def test_a_public_photo_on_the_published_result_opens_for_anyone(
    client: Client,
    evaluation: Evaluation,
    staff: Any,
    reviewer: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a closed topic whose item has a public completion photo and a photo of an internal note
    services.review_submit(evaluation_id=evaluation.pk, grade="good", comment="好", actor=reviewer)
    services.resident_vote_cast(
        evaluation_id=evaluation.pk, choice="satisfied", channel=VoteChannel.QR, phone="13877905555"
    )
    item = ActionItem.objects.filter(topic=evaluation.topic).first()
    assert item is not None
    with django_capture_on_commit_callbacks(execute=True):
        for public in (True, False):
            report = ActionProgress.objects.create(
                item=item, text="办结", public=public, is_completion=public
            )
            photo = images.stored(images.reencode(png(), stem="p"), directory="actions")
            ActionPhoto.objects.create(item=item, report=report, **photo.names)
            images.write_after_commit([photo])
    services.evaluation_close(evaluation_id=evaluation.pk, actor=staff, expected_version=evaluation.version)
    assert evaluation.topic is not None
    # when someone without an account opens the published result
    page = client.get(reverse("evaluations:result", kwargs={"pk": evaluation.topic.pk})).content.decode()
    urls = re.findall(r'(?:href|src)="(/files/[^"]+/)"', page)
    # then the public photo and its thumbnail are there and open; the internal one is not shown
    assert len(urls) == 2
    assert [client.get(url).status_code for url in urls] == [200, 200]
