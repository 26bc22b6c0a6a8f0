"""The shared layouts' fast pieces: navigation links, cached reversal, option lists, the form renderer."""

import pytest
from django import forms
from django.contrib import admin
from django.test import override_settings
from django.urls import reverse

from shangliang.core import registry
from shangliang.core.options import options_html, render_grouped_options, render_options


@pytest.mark.django_db
def test_staff_navigation_marks_the_current_page_and_shows_only_the_roles_entries(client, monkeypatch, staff):
    monkeypatch.setattr(registry, "_nav", [])
    registry.register_nav("议事室<管理>", "core:healthz", ["staff"])
    registry.register_nav("只给网格员", "portal:home", ["grid_worker"])
    client.force_login(staff)
    html = client.get(reverse("core:staff-home")).content.decode()
    assert f'<a aria-current="page" href="{reverse("core:staff-home")}">工作台</a>' in html
    # labels are escaped, entries of other roles are absent
    assert f'<a href="{reverse("core:healthz")}">议事室&lt;管理&gt;</a>' in html
    assert "只给网格员" not in html
    assert "管理后台" not in html  # staff is neither an administrator nor a Django staff user


@pytest.mark.django_db
def test_navigation_registered_later_is_shown(client, monkeypatch, staff):
    monkeypatch.setattr(registry, "_nav", [])
    client.force_login(staff)
    client.get(reverse("core:staff-home"))
    registry.register_nav("后来的入口", "core:healthz", ["staff"])
    assert "后来的入口" in client.get(reverse("core:staff-home")).content.decode()


def test_cached_reversal_follows_the_urlconf():
    assert registry.reverse_cached("core:healthz") == reverse("core:healthz")
    with override_settings(ROOT_URLCONF="bench.urls"):
        assert registry.reverse_cached("bench-bare") == "/bench/bare/"


def test_options_are_escaped_and_the_selected_value_is_marked():
    rendered = render_options([(1, "海景<社区>"), (2, '北湾"社区"'), (12, "西街")])
    assert options_html(rendered, 2) == (
        '<option value="1">海景&lt;社区&gt;</option>'
        '<option value="2" selected>北湾&quot;社区&quot;</option>'
        '<option value="12">西街</option>'
    )
    # the same with plain pairs, a string value from a form, and nothing chosen
    assert (
        options_html([(1, "甲"), (12, "乙")], "12")
        == '<option value="1">甲</option><option value="12" selected>乙</option>'
    )
    assert "selected" not in options_html(rendered, None)
    assert "selected" not in options_html(rendered, "")


def test_grouped_options_wrap_each_group_and_never_mark_a_group():
    rendered = render_grouped_options([("中街街道", [(4, "政法路社区")]), ("高德街道", [(7, "赤西村")])])
    html = options_html(rendered, 7)
    assert html == (
        '<optgroup label="中街街道"><option value="4">政法路社区</option></optgroup>'
        '<optgroup label="高德街道"><option value="7" selected>赤西村</option></optgroup>'
    )
    assert "selected" not in options_html(rendered, "\x00")


class _Form(forms.Form):
    name = forms.CharField(label="姓名", max_length=5)
    agree = forms.BooleanField(label="同意", required=False, template_name="forms/checkbox_field.html")


def test_fields_render_with_the_project_field_templates():
    form = _Form(data={"name": "太长的名字啊啊"})
    assert not form.is_valid()
    html = str(form["name"].as_field_group())
    assert '<label for="id_name">姓名:</label>' in html
    assert 'aria-invalid="true"' in html
    assert "errorlist" in html
    # the project's own field template
    checkbox = str(form["agree"].as_field_group())
    assert '<div class="checkbox-field">' in checkbox
    assert '<input type="checkbox" name="agree" id="id_agree">' in checkbox


@pytest.mark.django_db
def test_every_admin_form_renders_with_the_form_renderer(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.cn", "x"))
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        listing = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert listing.status_code == 200, info
        if model_admin.has_add_permission(listing.wsgi_request):
            add = client.get(reverse("admin:{}_{}_add".format(*info)))
            assert add.status_code == 200, info
            assert "<form" in add.content.decode()
