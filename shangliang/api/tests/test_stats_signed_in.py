"""``GET /api/v1/stats`` signed in: the staff statistics page's figures of the caller's region, for
the same filters; anonymous: the public figures of the whole platform."""

from typing import Any

import pytest
from django.urls import reverse

from shangliang.accounts.tests.factories import UserFactory
from shangliang.api import services
from shangliang.concerns.models import ConcernSource
from shangliang.concerns.tests.factories import ConcernFactory
from shangliang.core.roles import Role
from shangliang.core.scope import scope_of
from shangliang.places.tests import factories as pf
from shangliang.reports import rollups

pytestmark = pytest.mark.django_db

FILTERS = {"period": "since2021", "breakdown": "source"}


def _values(figures: list[dict[str, Any]]) -> dict[str, Any]:
    return {f["name"]: (f["value"], {g["label"]: g["value"] for g in f["groups"]}) for f in figures}


def _page_values(stats: Any) -> dict[str, Any]:
    return {f.name: (f.value, {g.label: g.value for g in f.groups}) for f in stats.figures}


@pytest.fixture
def concerns(district: Any) -> None:
    # concerns in two communities of two streets, some rolled up and one of today
    ConcernFactory(community=district.community_a, source=ConcernSource.MEMBER)
    ConcernFactory(community=district.community_b)
    rollups.refresh()
    ConcernFactory(community=district.community_a)


def test_a_community_secretary_gets_the_staff_pages_figures_of_their_community(
    client: Any, district: Any, secretary: Any, concerns: None
) -> None:
    # given a community secretary signed in
    client.force_login(secretary)
    # when the API and the staff page are read with the same filters
    answer = client.get("/api/v1/stats", FILTERS)
    page = client.get(reverse("reports:statistics"), FILTERS)
    # then they give the same figures, of the community only
    assert answer.status_code == 200
    body = answer.json()
    assert body["public"] is False
    assert _values(body["figures"]) == _page_values(page.context["stats"])
    assert _values(body["figures"])["concerns_received"] == (2, {"委员荐题": 1, "群众出题": 1})


def test_anonymous_callers_get_the_public_figures_of_the_whole_platform(
    client: Any, district: Any, secretary: Any, concerns: None
) -> None:
    answer = client.get("/api/v1/stats", FILTERS)
    page = client.get(reverse("reports:public-statistics"), FILTERS)
    body = answer.json()
    assert body["public"] is True
    assert _values(body["figures"]) == _page_values(page.context["stats"])
    assert _values(body["figures"])["concerns_received"][0] == 3
    # and the same filters signed in are counted within the person's region
    client.force_login(secretary)
    signed_in = client.get("/api/v1/stats", FILTERS).json()
    assert _values(signed_in["figures"])["concerns_received"][0] == 2


def test_a_token_reads_the_figures_of_its_accounts_region(
    client: Any, district: Any, admin_user: Any, concerns: None
) -> None:
    # given a token acting for a staff account of street B
    organisation = pf.OrganisationFactory(name="12345热线")
    account = UserFactory(
        username="hotline", role=Role.STAFF, region=district.street_b, organisation=organisation
    )
    token, _ = services.token_issue(
        organisation=organisation,
        user=account,
        name="热线对接",
        scopes=["topics"],
        scope=scope_of(admin_user),
        actor=admin_user,
    )
    # when it reads the statistics
    answer = client.get("/api/v1/stats", FILTERS, HTTP_AUTHORIZATION=f"Bearer {token}")
    # then the figures are street B's, the staff page's for that account
    assert answer.status_code == 200
    assert answer.json()["public"] is False
    client.force_login(account)
    page = client.get(reverse("reports:statistics"), FILTERS)
    assert _values(answer.json()["figures"]) == _page_values(page.context["stats"])
    assert _values(answer.json()["figures"])["concerns_received"] == (1, {"群众出题": 1})
    # and a community of another street is refused in Chinese
    outside = client.get(
        "/api/v1/stats", {"community": district.community_a.pk}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert outside.status_code == 422
    assert outside.json()["field"] == "community"


def test_a_token_that_is_not_valid_is_refused_not_read_as_anonymous(client: Any, district: Any) -> None:
    answer = client.get("/api/v1/stats", HTTP_AUTHORIZATION="Bearer sl_nothing_here")
    assert answer.status_code == 401
    assert answer.json() == {"detail": "接口令牌无效或已撤销。"}


def test_an_account_without_statistics_access_gets_the_public_figures(
    client: Any, district: Any, department_officer: Any, concerns: None
) -> None:
    client.force_login(department_officer)
    body = client.get("/api/v1/stats", FILTERS).json()
    assert body["public"] is True
    assert _values(body["figures"])["concerns_received"][0] == 3
