"""The staff navigation is grouped by the person's work: at most seven top entries for any role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shangliang.core import registry
from shangliang.core.roles import Role


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.RESIDENT])
def test_every_role_has_at_most_seven_top_entries(role):
    # given the entries the apps registered, when they are grouped for the role
    groups = registry.nav_groups_for_role(role)
    # then 工作台 and the groups make at most seven, each group holds more than one entry, and
    # every entry of the role is in exactly one place
    assert 1 + len(groups) <= 7
    assert all(len(g.entries) > 1 for g in groups if g.label)
    placed = [e for g in groups for e in g.entries] + registry.personal_nav_for_role(role)
    assert sorted(e.url_name for e in placed) == sorted(e.url_name for e in registry.nav_for_role(role))


@pytest.mark.django_db
def test_a_group_opens_as_a_list_under_its_label_and_marks_the_current_page(client, staff):
    client.force_login(staff)
    url = reverse("topics:staff-list")
    html = client.get(url).content.decode()
    group = html.split('<details class="nav-group current"><summary>议题协商</summary>', 1)[1].split(
        "</details>", 1
    )[0]
    assert f'<a aria-current="page" href="{url}">议题</a>' in group
    assert f'<a href="{reverse("meetings:staff-list")}">会议</a>' in group
