"""The administrators' page of integration tokens, reached from the admin's home."""

import re
from typing import Any

import pytest
from django.urls import reverse

from shangliang.accounts.tests.factories import UserFactory
from shangliang.api.models import ApiToken
from shangliang.core.models import AuditEvent
from shangliang.core.roles import Role
from shangliang.places.tests import factories as pf
from shangliang.topics.tests.factories import TopicFactory

pytestmark = pytest.mark.django_db


def _link(html: str, label: str) -> str:
    found = re.search(rf'<a[^>]*href="([^"]+)"[^>]*>{label}</a>', html)
    assert found is not None, f"no link {label}"
    return found.group(1)


def _form_token(html: str) -> str:
    found = re.search(r'name="client_token" value="([0-9a-f]+)"', html)
    assert found is not None
    return found.group(1)


@pytest.fixture
def hotline(district: Any) -> Any:
    organisation = pf.OrganisationFactory(name="12345热线")
    account = UserFactory(
        username="hotline", role=Role.STAFF, region=district.street_a, organisation=organisation
    )
    return organisation, account


def test_an_administrator_issues_a_token_shown_once_and_revokes_it(
    client: Any, district: Any, admin_user: Any, hotline: Any
) -> None:
    organisation, account = hotline
    TopicFactory(community=district.community_a, title="整治老旧小区飞线充电")
    client.force_login(admin_user)
    # given the admin's home, whose navigation leads to the tokens page
    home = client.get(reverse("core:staff-home")).content.decode()
    page = client.get(_link(home, "接口令牌"))
    assert page.status_code == 200
    html = page.content.decode()
    form = {
        "organisation": organisation.pk,
        "user": account.pk,
        "name": "热线对接",
        "scopes": ["topics"],
        "client_token": _form_token(html),
    }
    # when the form is sent twice (a double click)
    first = client.post(reverse("apitokens:list"), form)
    second = client.post(reverse("apitokens:list"), form)
    # then one token is issued, and the page shows its value once
    assert ApiToken.objects.count() == 1
    issued = ApiToken.objects.get()
    assert first["Location"] == second["Location"]
    shown = client.get(second["Location"]).content.decode()
    token = re.search(r'<code class="token-value">(sl_[^<]+)</code>', shown)
    assert token is not None
    assert token.group(1).startswith(f"sl_{issued.prefix}_")
    again = client.get(second["Location"]).content.decode()
    assert token.group(1) not in again
    assert "已经显示过一次" in again
    # and it reads the account's topics
    client.logout()
    answer = client.get("/api/v1/topics", HTTP_AUTHORIZATION=f"Bearer {token.group(1)}")
    assert [t["title"] for t in answer.json()["items"]] == ["整治老旧小区飞线充电"]
    # when the administrator follows the row's revoke link and confirms
    client.force_login(admin_user)
    listing = client.get(reverse("apitokens:list")).content.decode()
    confirm_url = _link(listing, "撤销")
    unconfirmed = client.post(confirm_url, {})
    assert "请勾选确认后再撤销。" in unconfirmed.content.decode()
    assert ApiToken.objects.get().revoked_at is None
    done = client.post(confirm_url, {"confirm": "on"}, follow=True)
    # then the token is refused from then on, and both steps are audited
    assert "已撤销令牌" in done.content.decode()
    client.logout()
    assert client.get("/api/v1/topics", HTTP_AUTHORIZATION=f"Bearer {token.group(1)}").status_code == 401
    assert sorted(
        AuditEvent.objects.filter(object_id=str(issued.pk)).values_list("event_type", flat=True)
    ) == [
        "api_token.issued",
        "api_token.revoked",
    ]


def test_an_account_of_another_organisation_is_refused_keeping_what_was_typed(
    client: Any, district: Any, admin_user: Any, hotline: Any
) -> None:
    _, account = hotline
    client.force_login(admin_user)
    other = pf.OrganisationFactory(name="区住建局")
    response = client.post(
        reverse("apitokens:list"),
        {
            "organisation": other.pk,
            "user": account.pk,
            "name": "热线对接",
            "scopes": ["topics"],
            "client_token": "a1",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "代表账号必须属于所选单位。" in html
    assert 'value="热线对接"' in html
    assert not ApiToken.objects.exists()


def test_only_administrators_see_and_open_the_tokens_page(client: Any, district: Any, staff: Any) -> None:
    client.force_login(staff)
    assert "接口令牌" not in client.get(reverse("core:staff-home")).content.decode()
    assert client.get(reverse("apitokens:list")).status_code == 403
