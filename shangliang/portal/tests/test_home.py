import re

import pytest
from django.urls import reverse

from shangliang.concerns import services
from shangliang.concerns.services import ConcernInput
from shangliang.concerns.tests.factories import publish

pytestmark = pytest.mark.django_db


def test_the_home_shows_each_figure_with_its_counting_rule(client, district):
    # given one concern
    services.concern_submit(
        data=ConcernInput(text="政法路5栋楼道私拉电线给电动车充电", region_id=district.community_a.pk)
    )
    # when
    response = client.get(reverse("portal:home"))
    html = response.content.decode()
    figures = {f["label"]: f["value"] for f in response.context["figures"]}
    # then
    assert figures == {
        "收到群众反映": 1,
        "召开协商议事会": 0,
        "解决群众问题": 0,
        "向党委政府报送建议": 0,
        "协商议事室": 0,
        "委员联系村(社区)": 0,
    }
    assert all(f["rule"] for f in response.context["figures"])
    assert "统计口径" in html
    assert "我要反映" in html
    assert "近期没有公开的协商议事会。" in html


def test_the_home_has_a_constant_number_of_queries(client, district, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        client.get(reverse("portal:home"))


def test_public_search_shows_the_confirmed_masked_text_and_finds_two_character_words(client, district):
    # given a screened concern whose masked text staff confirmed
    concern, _ = services.concern_submit(
        data=ConcernInput(
            text="银滩花园电梯经常坏，物业电话13812345678打不通", region_id=district.community_a.pk
        )
    )
    publish(concern)
    # when
    html = client.get(reverse("portal:search"), {"q": "电梯"}).content.decode()
    # then it is found, linked by what it is, with the number masked
    assert "找到 1 条" in html
    assert "居民反映：银滩花园电梯经常坏，物业电话［电话已隐去］打不通" in html
    assert "13812345678" not in html


def test_public_search_never_shows_a_concern_before_staff_confirm_it(client, district):
    # given a concern just filed
    services.concern_submit(
        data=ConcernInput(text="银滩花园电梯经常坏，我是张建国", region_id=district.community_a.pk)
    )
    # when / then
    html = client.get(reverse("portal:search"), {"q": "电梯"}).content.decode()
    assert "张建国" not in html
    assert "找到 0 条" in html


def test_public_search_with_empty_query_says_what_to_do(client, district):
    html = client.get(reverse("portal:search"), {"q": "   "}).content.decode()
    assert "找到" not in html


def test_a_query_of_several_words_finds_what_any_of_them_finds_best_first(client, district):
    # given three public concerns: one about 飞线充电, one about 飞线 only, one about 充电 only
    texts = ["小区楼道飞线充电很危险，请尽快整治", "楼道里有飞线，挂在窗户外面", "电动车充电桩太少，晚上排队"]
    for text in texts:
        publish(services.concern_submit(data=ConcernInput(text=text, region_id=district.community_a.pk))[0])

    def found(query):
        html = client.get(reverse("portal:search"), {"q": query}).content.decode()
        return [t for t in texts if f"居民反映：{t[:30]}" in html], html

    # when / then: each word alone finds its own
    assert found("飞线")[0] == [texts[0], texts[1]]
    assert found("充电")[0] == [texts[0], texts[2]]
    # and the compound finds all of them, the one holding both words first
    everything, html = found("飞线充电")
    assert everything == texts
    assert html.index(f"居民反映：{texts[0][:30]}") < html.index(f"居民反映：{texts[1][:30]}")
    assert html.index(f"居民反映：{texts[0][:30]}") < html.index(f"居民反映：{texts[2][:30]}")


def test_the_home_search_box_has_its_label_and_a_button(client, district):
    # when the home is opened
    html = client.get(reverse("portal:home")).content.decode()
    # then its search form has a labelled box and a button to press (not only the Enter key)
    form = re.search(r'<form method="get" action="/search/" role="search".*?</form>', html, re.S)
    assert form is not None
    assert '<label for="home-q">搜索反映、议题、会议和成果</label>' in form.group(0)
    assert '<button type="submit" class="primary">搜索</button>' in form.group(0)
