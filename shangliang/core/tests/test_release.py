"""The shared cache is keyed by the release: a deploy never serves what an earlier one cached."""

import copy

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from shangliang.core.release import code_digest, release_id
from shangliang.text.models import Category


def test_changing_a_template_changes_the_release(tmp_path):
    # given
    template = tmp_path / "templates" / "page.html"
    template.parent.mkdir()
    template.write_text("<h1>旧标题</h1>")
    before = code_digest(tmp_path)
    # when
    template.write_text("<h1>新标题</h1>")
    # then
    assert code_digest(tmp_path) != before
    assert len(before) == 16


def test_a_named_release_wins_over_the_digest(tmp_path, monkeypatch):
    # given
    monkeypatch.setenv("SHANGLIANG_RELEASE", "2026.12.1")
    # when / then
    assert release_id(tmp_path) == "2026.12.1"


def _caches_for(release: str) -> dict:
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = f"sl-{release}"
    return caches


@pytest.mark.django_db
def test_a_new_release_shows_what_the_old_one_cached_anew(client, staff):
    # given: the desk's filter lists were cached by the running release
    category = Category.objects.get_or_create(name="环境卫生")[0]
    client.force_login(staff)
    with override_settings(CACHES=_caches_for("release-a")):
        assert "环境卫生" in client.get(reverse("screening:inbox")).content.decode()
        Category.objects.filter(pk=category.pk).update(name="市容环境")
        still = client.get(reverse("screening:inbox")).content.decode()
    # when: the next release serves the same page
    with override_settings(CACHES=_caches_for("release-b")):
        fresh = client.get(reverse("screening:inbox")).content.decode()
    # then
    assert "环境卫生" in still
    assert "市容环境" not in still
    assert "市容环境" in fresh
    assert "环境卫生" not in fresh
