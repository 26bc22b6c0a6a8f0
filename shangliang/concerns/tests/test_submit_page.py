"""The intake page shows what was typed, escaped, and its place fields accept only the rows they offer."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shangliang.concerns.forms import ConcernForm
from shangliang.places.models import RegionLevel

pytestmark = pytest.mark.django_db

TYPED = '政法路5栋<script>alert("x")</script>楼道灯坏了'


def test_a_refused_form_shows_each_posts_own_typed_values_escaped(client, district):
    # given
    data = {
        "text": TYPED,
        "community": district.community_a.pk,
        "place_description": "椰林路口东侧",
        "contact": "phone",
        "phone": "1390007",
        "consent": "on",
        "client_token": "tok-typed",
    }
    # when: the form comes back with the phone refused, twice
    first = client.post(reverse("concerns:submit"), data).content.decode()
    second = client.post(reverse("concerns:submit"), {**data, "text": "另一段文字"}).content.decode()
    # then each page shows its own text, escaped
    assert "政法路5栋&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;楼道灯坏了" in first
    assert "<script>alert" not in first
    assert "另一段文字" in second
    assert "政法路5栋" not in second
    assert 'value="椰林路口东侧"' in second
    assert 'value="1390007"' in second
    assert 'value="tok-typed"' in second


def test_an_empty_field_has_no_value_attribute(client, district):
    # when
    html = client.get(reverse("concerns:submit")).content.decode()
    # then
    assert '<input type="text" name="place_description" maxlength="200"' in html
    assert '<input type="tel" name="phone" inputmode="numeric"' in html
    assert 'name="client_token" value="' in html  # a fresh token for each blank form


@pytest.mark.parametrize("posted", ["abc", "-1", "99999999999999999999999", "1.5", " "])
def test_a_place_that_is_not_a_key_is_refused_with_the_fields_message(district, posted):
    # given
    form = ConcernForm()
    # when / then
    with pytest.raises(ValidationError) as refused:
        form.fields["community"].clean(posted)
    assert refused.value.messages == ["所选村(社区)不存在，请重新选择。"]


def test_a_place_of_another_level_is_not_a_choice(district):
    # given
    form = ConcernForm()
    # when
    community = form.fields["community"].clean(str(district.community_a.pk))
    # then
    assert community == district.community_a
    assert community.level == RegionLevel.COMMUNITY
    with pytest.raises(ValidationError):
        form.fields["community"].clean(str(district.street_a.pk))
    with pytest.raises(ValidationError):
        form.fields["grid"].clean(str(district.community_a.pk))
    assert form.fields["grid"].clean(str(district.grid_a.pk)) == district.grid_a


def test_a_community_added_after_the_choices_were_read_is_a_choice_at_once(district):
    # given
    from shangliang.concerns.selectors import place_choices
    from shangliang.places.tests import factories as pf

    place_choices()
    # when: a village is added, and another one renamed
    added = pf.community(district.street_b, "新港村")
    district.community_b.name = "赤西新村"
    district.community_b.save()
    # then
    field = ConcernForm().fields["community"]
    assert field.clean(str(added.pk)) == added
    assert field.clean(str(district.community_b.pk)).name == "赤西新村"
