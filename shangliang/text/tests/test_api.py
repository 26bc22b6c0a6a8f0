import pytest

from shangliang.text.selectors import common
from shangliang.text.tests.factories import concern_record, index

FTS_TRAPS = [
    '"',
    "NEAR(电梯 噪音)",
    "电梯*",
    "'; DROP TABLE text_fts; --",
    "<script>alert(1)</script>",
    "(((",
]


def test_similar_endpoint_returns_public_matches_for_anonymous(client, db, monkeypatch):
    # given two records, one public under the text its app shows anyone
    index("北湾新村7栋有人飞线充电", community_id=5, object_id=1, is_public=True, category="消防安全")
    index("北湾新村7栋飞线充电很危险", community_id=5, object_id=2, is_public=False)
    faces = {1: ("", "北湾新村7栋有人飞线充电"), 2: ("", "北湾新村7栋飞线充电很危险")}
    monkeypatch.setitem(common._public_faces, "concern", lambda ids: {pk: faces[pk] for pk in ids})
    # when
    response = client.get("/api/v1/text/similar", {"text": "北湾新村七栋飞线充电", "community": 5})
    # then
    assert response.status_code == 200
    body = response.json()
    assert [hit["object_id"] for hit in body] == [1]
    assert body[0]["category"] == "消防安全"
    assert "飞线充电" in body[0]["shared_words"]
    assert body[0]["level"] in ("likely", "possible", "")


def test_similar_endpoint_shows_staff_their_region(client, db, district, admin_user):
    # given
    index("北湾新村7栋飞线充电", community_id=5, object_id=2, region=district.community_a)
    client.force_login(admin_user)
    # when
    response = client.get("/api/v1/text/similar", {"text": "飞线充电"})
    # then
    assert response.status_code == 200
    assert [hit["object_id"] for hit in response.json()] == [2]


@pytest.mark.parametrize("text", ["", "   ", "😀", "！！", *FTS_TRAPS, "噪音" * 5000])
def test_similar_endpoint_never_fails_on_odd_text(client, db, text):
    # given
    index("电梯噪音", community_id=5, object_id=1, is_public=True)
    # when
    response = client.get("/api/v1/text/similar", {"text": text, "community": 5})
    # then
    assert response.status_code == 200


def test_similar_endpoint_rejects_bad_parameters(client, db):
    # given / when
    too_long = client.get("/api/v1/text/similar", {"text": "噪" * 10_001})
    bad_days = client.get("/api/v1/text/similar", {"text": "噪音", "days": 0})
    bad_community = client.get("/api/v1/text/similar", {"text": "噪音", "community": "北湾"})
    # then
    assert too_long.status_code == 400
    assert too_long.json() == {"detail": "文本过长，请不超过10000个字。"}
    assert bad_days.status_code == 400
    assert bad_days.json() == {"detail": "时间范围应在1到3660天之间。"}
    assert bad_community.status_code == 422


def test_search_endpoint_for_staff_with_highlight(client, db, admin_user):
    # given
    index("楼下烧烤摊噪音扰民", object_id=7, category="噪音扰民")
    client.force_login(admin_user)
    # when
    response = client.get("/api/v1/text/search", {"q": "噪音"})
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["terms"] == ["噪音"]
    assert body["total"] == 1
    assert body["hits"][0]["object_id"] == 7
    assert body["hits"][0]["snippet_html"] == "楼下烧烤摊<mark>噪音</mark>扰民"


def test_search_endpoint_refuses_residents_and_anonymous(client, db, resident):
    # given / when
    anonymous = client.get("/api/v1/text/search", {"q": "噪音"})
    client.force_login(resident)
    as_resident = client.get("/api/v1/text/search", {"q": "噪音"})
    # then
    assert anonymous.status_code == 403
    assert as_resident.status_code == 403
    assert as_resident.json() == {"detail": "仅工作人员可以使用此功能，请先登录。"}


@pytest.mark.parametrize("query", FTS_TRAPS)
def test_search_endpoint_never_fails_on_query_syntax(client, db, admin_user, query):
    # given
    index("电梯噪音", object_id=1)
    client.force_login(admin_user)
    # when
    response = client.get("/api/v1/text/search", {"q": query})
    # then
    assert response.status_code == 200


def test_search_endpoint_bad_input(client, db, admin_user):
    # given
    client.force_login(admin_user)
    # when
    empty = client.get("/api/v1/text/search", {"q": ""})
    long = client.get("/api/v1/text/search", {"q": "噪" * 201})
    bad_kind = client.get("/api/v1/text/search", {"q": "噪音", "kind": "letter"})
    bad_date = client.get("/api/v1/text/search", {"q": "噪音", "date_from": "昨天"})
    # then
    assert (empty.status_code, empty.json()) == (400, {"detail": "请输入要检索的内容。"})
    assert long.status_code == 400
    assert bad_kind.status_code == 422
    assert bad_date.status_code == 422


def test_category_suggestions_endpoint(client, db):
    # given / when
    response = client.get("/api/v1/text/category-suggestions", {"text": "小区电梯经常困人，物业不管"})
    empty = client.get("/api/v1/text/category-suggestions", {"text": ""})
    # then
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 3
    assert body[0]["name"] == "物业管理"
    assert empty.json() == []


def test_hot_clusters_endpoint(client, db, district, staff):
    # given
    concern_record(1, district.community_a)
    concern_record(2, district.community_a)
    concern_record(3, district.community_a)
    for n in range(1, 4):
        index(
            "海景花园5栋电梯困人",
            object_id=n,
            region=district.community_a,
            status="submitted",
            created_at=None or _recent(),
        )
    client.force_login(staff)
    # when
    response = client.get("/api/v1/text/hot-clusters", {"days": 7})
    bad = client.get("/api/v1/text/hot-clusters", {"days": 999})
    # then
    assert response.status_code == 200
    assert [c["size"] for c in response.json()] == [3]
    assert bad.status_code == 400


def _recent():
    from django.utils import timezone

    return timezone.now()
