"""The intake page is kept rendered without what anyone typed, and its place and category fields
look posted keys up among the rows they offer."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from shangliang.concerns.forms import ConcernForm
from shangliang.core import fragments
from shangliang.places.models import Region, RegionLevel

pytestmark = pytest.mark.django_db

TYPED = '政法路5栋<script>alert("x")</script>楼道灯坏了'


def test_a_kept_page_holds_marks_not_what_was_typed(client, district, monkeypatch):
    # given: what the page fragments put in the cache is recorded
    cache.clear()
    kept: list[str] = []
    keep = fragments.cache.set
    monkeypatch.setattr(
        fragments.cache,
        "set",
        lambda key, value, *a, **kw: (kept.append(str(value)), keep(key, value, *a, **kw)),
    )
    data = {
        "text": TYPED,
        "community": district.community_a.pk,
        "place_description": "椰林路口东侧",
        "contact": "phone",
        "phone": "1390007",
        "consent": "on",
        "client_token": "tok-typed",
    }
    # when: the form comes back with the phone refused, twice (rendered, then kept)
    first = client.post(reverse("concerns:submit"), data).content.decode()
    second = client.post(reverse("concerns:submit"), {**data, "text": "另一段文字"}).content.decode()
    # then each page shows its own text, escaped, and the kept page holds none of it
    assert "政法路5栋&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;楼道灯坏了" in first
    assert "<script>alert" not in first
    assert "另一段文字" in second
    assert "政法路5栋" not in second
    assert 'value="椰林路口东侧"' in second
    assert 'value="1390007"' in second
    assert any("concern-form" in page for page in kept)
    typed = ("政法路5栋", "另一段文字", "椰林路口东侧", "1390007", "tok-typed")
    assert not [value for value in typed for page in kept if value in page]


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


def test_a_community_is_checked_among_the_offered_ones_without_a_read(district, django_assert_num_queries):
    # given: the intake's choices already read in this process
    from shangliang.concerns.selectors import place_choices

    place_choices()
    form = ConcernForm()
    # when: a posted community is checked twice
    with django_assert_num_queries(0):
        first = form.fields["community"].clean(str(district.community_a.pk))
        second = form.fields["community"].clean(str(district.community_a.pk))
    # then: each check gives a region of its own with the row's values
    assert first == second == district.community_a
    assert first is not second
    assert (first.name, first.path, first.parent_id) == (
        district.community_a.name,
        district.community_a.path,
        district.street_a.pk,
    )


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


def _field_state(form_class):
    """What a form's fields hold, comparable before and after use (objects by identity)."""
    state = {}
    for name, field in form_class.base_fields.items():
        queryset = getattr(field, "_queryset", None)
        state[name] = (
            dict(vars(field)),
            dict(vars(field.widget)),
            dict(field.widget.attrs),
            dict(field.error_messages),
            list(field.validators),
            None if queryset is None else queryset._result_cache,
        )
    return state


def test_posting_and_rendering_the_intake_forms_leaves_their_shared_fields_as_they_were(
    client, district, grid_worker
):
    # given: the intake forms use their class's field objects
    from shangliang.concerns import services
    from shangliang.concerns.forms import AssistedConcernForm
    from shangliang.concerns.services import ConcernInput

    assert ConcernForm().fields["text"] is ConcernForm.base_fields["text"]
    before = (_field_state(ConcernForm), _field_state(AssistedConcernForm))
    services.concern_submit(data=ConcernInput(text=TYPED, region_id=district.community_a.pk))
    submit, assist = reverse("concerns:submit"), reverse("concerns:assist")
    data = {"text": TYPED, "community": district.community_a.pk, "contact": "anonymous"}
    # when: blank, refused, offered similar problems, filed; and the assisted form the same way
    client.get(submit, {"community": district.community_a.pk})
    client.post(submit, {**data, "contact": "phone", "phone": "123", "grid": district.grid_b.pk})
    client.post(submit, {**data, "client_token": "t-1"})
    client.post(submit, {**data, "client_token": "t-1", "confirm_new": "1"})
    client.get(reverse("concerns:similar"), {"text": TYPED, "community": district.community_a.pk})
    client.force_login(grid_worker)
    client.get(assist)
    client.post(assist, {**data, "channel": "phone", "phone": "13907791234"})
    client.post(assist, {**data, "channel": "phone", "consent": "on", "client_token": "t-2"})
    # then
    assert (_field_state(ConcernForm), _field_state(AssistedConcernForm)) == before


def test_the_choices_follow_another_processes_change_within_a_second(district, monkeypatch):
    # given: this process read the choices a moment ago
    from shangliang.concerns import selectors

    clock = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock[0])
    first = selectors.place_choices()
    # when: another process renamed a village (its save forgot the shared version, not this one's)
    Region.objects.filter(pk=district.community_b.pk).update(name="赤西新村")
    cache.delete(selectors.PLACE_CHOICES_KEY)
    clock[0] += 0.5
    soon = selectors.place_choices()
    clock[0] += 1.0
    later = selectors.place_choices()
    # then: the kept choices serve until the shared version is read again
    assert soon is first
    assert later.community_name(district.community_b.pk) == "赤西新村"
