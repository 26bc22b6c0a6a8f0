import pytest
from django.urls import reverse

from shangliang.concerns import services
from shangliang.concerns.services import ConcernInput

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


def test_public_search_masks_numbers_and_finds_two_character_words(client, district):
    services.concern_submit(
        data=ConcernInput(
            text="银滩花园电梯经常坏，物业电话13812345678打不通", region_id=district.community_a.pk
        )
    )
    html = client.get(reverse("portal:search"), {"q": "电梯"}).content.decode()
    assert "找到 1 条结果" in html
    assert "138****5678" in html
    assert "13812345678" not in html


def test_public_search_with_empty_query_says_what_to_do(client, district):
    html = client.get(reverse("portal:search"), {"q": "   "}).content.decode()
    assert "找到" not in html
