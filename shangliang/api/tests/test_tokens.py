import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from shangliang.accounts.tests.factories import UserFactory
from shangliang.api import services
from shangliang.api.models import ApiToken, token_hash
from shangliang.core.models import AuditEvent
from shangliang.core.roles import Role
from shangliang.core.scope import scope_of
from shangliang.meetings.models import MeetingStatus
from shangliang.meetings.tests.factories import MeetingFactory
from shangliang.places.tests import factories as pf
from shangliang.topics.tests.factories import TopicFactory

pytestmark = pytest.mark.django_db


def _integration(district: Any, admin_user: Any, scopes: list[str], region: Any = None) -> tuple[str, Any]:
    organisation = pf.OrganisationFactory(name="12345热线")
    account = UserFactory(
        username="hotline", role=Role.STAFF, region=region or district.street_a, organisation=organisation
    )
    return services.token_issue(
        organisation=organisation,
        user=account,
        name="热线对接",
        scopes=scopes,
        scope=scope_of(admin_user),
        actor=admin_user,
    )


def test_a_token_is_stored_hashed_and_its_issue_audited(district: Any, admin_user: Any) -> None:
    # when an administrator issues a token
    token, issued = _integration(district, admin_user, ["topics"])
    # then only its hash is stored and the issue is an audit event
    stored = ApiToken.objects.get()
    assert token.startswith(f"sl_{stored.prefix}_")
    assert stored.key_hash == token_hash(token)
    assert token not in str(ApiToken.objects.values().get())
    assert AuditEvent.objects.filter(event_type="api_token.issued", object_id=str(issued.pk)).count() == 1


def test_only_administrators_issue_tokens(district: Any, staff: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.token_issue(
            organisation=pf.OrganisationFactory(),
            user=staff,
            name="x",
            scopes=["topics"],
            scope=scope_of(staff),
            actor=staff,
        )
    assert not ApiToken.objects.exists()


def test_a_token_sees_the_topics_of_its_accounts_scope(client: Any, district: Any, admin_user: Any) -> None:
    # given topics in both streets and a token acting for an account of street A
    TopicFactory(community=district.community_a, title="整治老旧小区飞线充电")
    TopicFactory(community=district.community_b, title="村道修复")
    token, _ = _integration(district, admin_user, ["topics"])
    # when it lists the topics
    response = client.get("/api/v1/topics", HTTP_AUTHORIZATION=f"Bearer {token}")
    # then it sees street A's only
    assert response.status_code == 200
    assert [t["title"] for t in response.json()["items"]] == ["整治老旧小区飞线充电"]


def test_a_token_without_the_scope_is_refused_and_a_revoked_one_is_unknown(
    client: Any, district: Any, admin_user: Any
) -> None:
    token, issued = _integration(district, admin_user, ["meetings"])
    refused = client.get("/api/v1/actions", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert (refused.status_code, refused.json()) == (403, {"detail": "该令牌无权访问“交办单”接口。"})
    services.token_revoke(token=issued, scope=scope_of(admin_user), actor=admin_user)
    assert client.get("/api/v1/topics", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert client.get("/api/v1/meetings", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert client.get("/api/v1/topics").status_code == 401


def test_signed_in_staff_use_their_session(client: Any, district: Any, street_staff: Any) -> None:
    TopicFactory(community=district.community_a, title="整治老旧小区飞线充电")
    client.force_login(street_staff)
    assert client.get("/api/v1/topics").json()["count"] == 1


def test_meetings_are_public_without_a_token_and_all_in_scope_with_one(
    client: Any, district: Any, admin_user: Any
) -> None:
    # given a public meeting and an internal one in street A
    room = pf.RoomFactory(name="政法路社区协商议事室", region=district.community_a)
    host = UserFactory(username="host")
    MeetingFactory(
        room=room, host=host, recorder=host, status=MeetingStatus.PLANNED, is_public=True, title="公开会"
    )
    MeetingFactory(
        room=room, host=host, recorder=host, status=MeetingStatus.PLANNED, is_public=False, title="内部会"
    )
    token, _ = _integration(district, admin_user, ["meetings"])
    # when / then
    assert [m["title"] for m in client.get("/api/v1/meetings").json()["items"]] == ["公开会"]
    signed = client.get("/api/v1/meetings", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert sorted(m["title"] for m in signed["items"]) == sorted(["公开会", "内部会"])


def test_the_admin_shows_a_new_token_once(client: Any, district: Any, admin_user: Any) -> None:
    # given an account of an organisation
    organisation = pf.OrganisationFactory(name="12345热线")
    account = UserFactory(
        username="hotline", role=Role.STAFF, region=district.district, organisation=organisation
    )
    client.force_login(admin_user)
    # when the administrator adds a token
    response = client.post(
        reverse("admin:api_apitoken_add"),
        {
            "organisation": organisation.pk,
            "user": account.pk,
            "name": "热线对接",
            "scope_choices": ["topics"],
        },
        follow=True,
    )
    # then the page shows it once and it works
    shown = [str(m) for m in response.context["messages"]]
    token = shown[0].rsplit("：", 1)[1]
    assert ApiToken.objects.get().key_hash == token_hash(token)
    assert client.get(reverse("admin:api_apitoken_changelist")).content.decode().count(token) == 0
    client.logout()
    assert client.get("/api/v1/topics", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_the_command_issues_a_token_as_the_named_administrator(
    client: Any, district: Any, admin_user: Any
) -> None:
    # given an account of an organisation
    organisation = pf.OrganisationFactory(name="12345热线")
    UserFactory(username="hotline", role=Role.STAFF, region=district.street_a, organisation=organisation)
    TopicFactory(community=district.community_a, title="整治老旧小区飞线充电")
    out = io.StringIO()
    # when the command issues a token for it
    call_command("issue_api_token", "hotline", "--by", admin_user.username, "--scopes", "topics", stdout=out)
    # then it prints the token, which reads the account's topics, and the issue is audited
    token = out.getvalue().strip()
    answer = client.get("/api/v1/topics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert [t["title"] for t in answer.json()["items"]] == ["整治老旧小区飞线充电"]
    assert AuditEvent.objects.filter(event_type="api_token.issued", actor=admin_user).count() == 1
    # and an account that is not an administrator may not issue one
    with pytest.raises(PermissionDenied):
        call_command("issue_api_token", "hotline", "--by", "hotline", stdout=io.StringIO())
