import pytest
from django.urls import reverse

from shangliang.concerns.tests.factories import published


@pytest.mark.django_db
def test_the_supporter_cookie_is_secure_in_production(client, settings, district):
    # given production's HTTPS-only cookies and a public concern
    settings.SESSION_COOKIE_SECURE = True
    concern = published(community=district.community_a)
    # when a resident says "我也遇到"
    response = client.post(reverse("concerns:support", args=[concern.public_id]))
    # then the browser token that stops double counting travels only over HTTPS
    assert response.cookies["sl_supporter"]["secure"] is True
    assert response.cookies["sl_supporter"]["httponly"] is True
