import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_missing_page_is_explained_in_chinese(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "没有找到这个页面" in response.content.decode()


@pytest.mark.django_db
def test_an_expired_form_is_explained_in_chinese(district):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/concerns/new/", {"text": "x"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


@pytest.mark.django_db
def test_a_forbidden_page_is_explained_in_chinese(client, member):
    client.force_login(member)
    response = client.get("/concerns/staff/assist/")
    assert response.status_code == 403
    assert "只有网格员、社区和政协机关工作人员可以代录。" in response.content.decode()
