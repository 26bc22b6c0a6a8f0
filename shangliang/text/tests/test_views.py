from shangliang.text.tests.factories import concern_record, index


def test_search_page_shows_highlighted_hits(client, db, district, staff):
    # given
    concern_record(1, district.community_a)
    index("<i>电梯</i>困人", object_id=1, category="物业管理", region=district.community_a)
    client.force_login(staff)
    # when
    response = client.get("/text/search/", {"q": "电梯"})
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "共找到 1 条" in html
    assert "&lt;i&gt;<mark>电梯</mark>&lt;/i&gt;困人" in html


def test_search_page_without_query_and_with_bad_input(client, db, staff):
    # given
    client.force_login(staff)
    # when
    blank = client.get("/text/search/")
    empty = client.get("/text/search/", {"q": "   "})
    dates = client.get("/text/search/", {"q": "电梯", "date_from": "2026-03-02", "date_to": "2026-03-01"})
    symbols = client.get("/text/search/", {"q": '"))) OR *'})
    # then
    assert blank.status_code == 200
    assert "共找到" not in blank.content.decode()
    assert "这个字段是必填项" in empty.content.decode()
    assert "截止日期不能早于起始日期。" in dates.content.decode()
    assert symbols.status_code == 200


def test_search_page_is_for_staff_only(client, db, resident):
    # given
    anonymous = client.get("/text/search/", {"q": "电梯"})
    client.force_login(resident)
    # when
    as_resident = client.get("/text/search/", {"q": "电梯"})
    # then
    assert anonymous.status_code == 302
    assert as_resident.status_code == 403


def test_search_page_filters_by_area(client, db, district, staff):
    # given
    concern_record(1, district.community_a)
    concern_record(2, district.community_b)
    index("电梯困人", object_id=1, region=district.community_a)
    index("电梯困人", object_id=2, region=district.community_b)
    client.force_login(staff)
    # when
    response = client.get("/text/search/", {"q": "电梯", "region": district.community_b.pk})
    # then
    html = response.content.decode()
    assert "共找到 1 条" in html
    assert f'<option value="{district.community_b.pk}" selected>赤西村</option>' in html


def test_hot_issues_page_lists_clusters(client, db, district, staff):
    # given
    concern_record(1, district.community_a)
    concern_record(2, district.community_a)
    concern_record(3, district.community_a)
    from django.utils import timezone

    for n in range(1, 4):
        index(
            "海景花园5栋电梯困人",
            object_id=n,
            region=district.community_a,
            status="submitted",
            created_at=timezone.now(),
        )
    client.force_login(staff)
    # when
    response = client.get("/text/hot/", {"days": "abc"})
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "最近 30 天内" in html
    assert '<span class="tag">3 件</span>' in html


def test_hot_issues_page_is_for_staff_only(client, db, resident):
    # given
    client.force_login(resident)
    # when
    response = client.get("/text/hot/")
    # then
    assert response.status_code == 403
