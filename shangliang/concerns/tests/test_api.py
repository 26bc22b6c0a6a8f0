import pytest

from shangliang.concerns.models import Concern

pytestmark = pytest.mark.django_db

TEXT = "政法路5栋楼道里有人私拉电线给电动车充电，晚上很危险"


def test_submitting_through_the_api_uses_the_same_rules(client, district):
    # when
    response = client.post(
        "/api/v1/concerns/",
        {"text": TEXT, "region_id": district.community_a.pk, "client_token": "api-1"},
        content_type="application/json",
    )
    # then
    body = response.json()
    concern = Concern.objects.get()
    assert response.status_code == 201
    assert body["tracking_code"] == f"{concern.tracking_code[:4]}-{concern.tracking_code[4:]}"
    assert (body["status"], body["status_label"], body["community"], body["residents"]) == (
        "submitted",
        "已受理",
        "政法路社区",
        1,
    )
    assert (
        body["timeline"][0]["text"] == "已收到您的反映（居民自行提交）。我们将在 5 个工作日内给出处理意见。"
    )
    # and the same submit again files nothing and does not repeat the tracking code
    again = client.post(
        "/api/v1/concerns/",
        {"text": TEXT, "region_id": district.community_a.pk, "client_token": "api-1"},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert again.json() == {
        "detail": "同一诉求刚刚已经提交过，请使用第一次提交返回的查询码。",
        "field": "client_token",
    }
    assert concern.tracking_code[:4] not in again.content.decode()
    assert Concern.objects.count() == 1


def test_a_known_token_with_another_text_is_a_new_concern_and_reveals_nothing(client, district):
    # given a concern filed with a token somebody else learnt
    first = client.post(
        "/api/v1/concerns/",
        {"text": TEXT, "region_id": district.community_a.pk, "client_token": "demo:known"},
        content_type="application/json",
    ).json()
    # when they send the token with a text of their own
    response = client.post(
        "/api/v1/concerns/",
        {
            "text": "铜鼓里小区路灯坏了一个月没人修",
            "region_id": district.community_a.pk,
            "client_token": "demo:known",
        },
        content_type="application/json",
    )
    # then they file their own concern and learn nothing of the first
    assert response.status_code == 201
    assert response.json()["tracking_code"] != first["tracking_code"]
    assert Concern.objects.count() == 2


def test_a_repeated_token_is_checked_after_the_rate_limit(client, district, settings):
    # given a submit limit of one per address
    settings.SHANGLIANG = {**settings.SHANGLIANG, "RATE_LIMITS": {"submit-ip": (1, 3600)}}
    payload = {"text": TEXT, "region_id": district.community_a.pk, "client_token": "api-2"}
    assert client.post("/api/v1/concerns/", payload, content_type="application/json").status_code == 201
    # when the same token is sent again past the limit
    again = client.post("/api/v1/concerns/", payload, content_type="application/json")
    # then the limit answers first
    assert again.status_code == 429


@pytest.mark.parametrize(
    ("payload", "detail", "field"),
    [
        ({"text": "  "}, "请填写您要反映的问题。", "text"),
        ({"region_id": 999999}, "请选择问题所在的村(社区)。", "region"),
        ({"phone": "123", "consent": True}, "请输入正确的11位大陆手机号码，例如 13812345678。", "phone"),
        ({"text": "'; DROP TABLE concerns_concern; -- <script>alert(1)</script>"}, None, None),
    ],
)
def test_bad_input_through_the_api_is_a_chinese_400(client, district, payload, detail, field):
    data = {"text": TEXT, "region_id": district.community_a.pk, **payload}
    response = client.post("/api/v1/concerns/", data, content_type="application/json")
    if detail is None:  # odd text is stored as text, never executed
        assert response.status_code == 201
        assert Concern.objects.get().text.startswith("'; DROP TABLE")
        return
    assert response.status_code == 400
    assert response.json() == {"detail": detail, "field": field}
    assert Concern.objects.count() == 0


def test_tracking_through_the_api(client, district):
    created = client.post(
        "/api/v1/concerns/",
        {"text": TEXT, "region_id": district.community_a.pk},
        content_type="application/json",
    ).json()
    response = client.get(f"/api/v1/concerns/{created['tracking_code'].lower()}")
    assert response.status_code == 200
    assert response.json()["tracking_code"] == created["tracking_code"]
    assert client.get("/api/v1/concerns/ZZZZZZZZ").status_code == 404


def test_the_openapi_schema_lists_the_intake(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/concerns/" in schema["paths"]
    assert "/api/v1/concerns/{code}" in schema["paths"]


def test_the_schema_states_the_limits_and_every_answer(client):
    schema = client.get("/api/v1/openapi.json").json()
    submit = schema["paths"]["/api/v1/concerns/"]["post"]
    track = schema["paths"]["/api/v1/concerns/{code}"]["get"]
    assert set(submit["responses"]) == {"201", "400", "403", "409", "422", "429"}
    assert {"200", "404", "429"} <= set(track["responses"])
    body = schema["components"]["schemas"]["ConcernIn"]["properties"]
    assert body["text"]["maxLength"] == 2000
    assert body["place_description"]["maxLength"] == 200
    assert body["client_token"]["maxLength"] == 64


def test_a_text_over_the_limit_is_a_422_naming_the_field(client, district):
    response = client.post(
        "/api/v1/concerns/",
        {"text": "长" * 2001, "region_id": district.community_a.pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert Concern.objects.count() == 0


def test_too_many_submits_answer_429_as_declared(client, district, settings):
    settings.SHANGLIANG = {**settings.SHANGLIANG, "RATE_LIMITS": {"submit-ip": (1, 3600)}}
    payload = {"text": TEXT, "region_id": district.community_a.pk}
    client.post("/api/v1/concerns/", payload, content_type="application/json")
    response = client.post(
        "/api/v1/concerns/", {**payload, "text": TEXT + "又"}, content_type="application/json"
    )
    assert response.status_code == 429
    assert response.json()["detail"] == "提交过于频繁，请一小时后再试；急事请直接拨打社区电话。"
