"""What becomes public: only screened concerns, in the masked text staff confirmed, never declined
or 不公开 ones, at addresses that are not their numbers."""

import pytest
from django.urls import reverse

from shangliang.concerns import rules, services
from shangliang.concerns.models import Concern, ConcernStatus
from shangliang.concerns.services import ConcernInput
from shangliang.core.errors import ApplicationError
from shangliang.core.models import AuditEvent
from shangliang.text.models import SearchDocument

pytestmark = pytest.mark.django_db

TEXT = "我是张建国，住新市社区5栋2单元301室，电话13812345678，楼道里有人私拉电线给电动车充电"


def test_the_proposal_masks_names_numbers_and_door_numbers_but_keeps_the_building():
    assert rules.propose_public_text(TEXT) == (
        "我是张某，住新市社区5栋2单元***室，电话［电话已隐去］，楼道里有人私拉电线给电动车充电"
    )
    assert rules.propose_public_text("身份证450502198001011234，联系人：王芳，3-502门口") == (
        "身份证［身份证号已隐去］，联系人：王某，3-***门口"
    )


def filed(district, **extra):
    concern, _ = services.concern_submit(
        data=ConcernInput(text=TEXT, region_id=district.community_a.pk, **extra)
    )
    return concern


def test_a_new_concern_is_not_public_anywhere(client, district):
    # given a concern just filed
    concern = filed(district)
    # then it has a random public key, and neither its page nor the index shows it
    assert len(concern.public_id) == 12
    assert not concern.public_id.isdigit()
    assert client.get(reverse("concerns:public-detail", args=[concern.public_id])).status_code == 404
    assert SearchDocument.objects.get(kind="concern", object_id=concern.pk).is_public is False


def test_staff_confirm_the_masked_text_after_screening_and_only_it_is_shown(client, district, staff):
    # given a screened concern
    concern = filed(district)
    Concern.objects.filter(pk=concern.pk).update(status=ConcernStatus.ACCEPTED)
    # when staff confirm the proposal, edited
    services.concern_publish(
        concern=concern, public_text="住新市社区5栋的居民反映：楼道里有人私拉电线给电动车充电", actor=staff
    )
    # then its page shows that text only, at its random address
    concern.refresh_from_db()
    html = client.get(reverse("concerns:public-detail", args=[concern.public_id])).content.decode()
    assert "住新市社区5栋的居民反映：楼道里有人私拉电线给电动车充电" in html
    assert "张建国" not in html
    assert "301室" not in html
    assert SearchDocument.objects.get(kind="concern", object_id=concern.pk).is_public is True
    assert AuditEvent.objects.filter(event_type="concern.published", actor=staff).count() == 1
    # and the old numbered address opens nothing
    assert client.get(f"/concerns/{concern.pk}/").status_code == 404


@pytest.mark.parametrize("status", [ConcernStatus.SUBMITTED, ConcernStatus.SCREENING, ConcernStatus.DECLINED])
def test_unscreened_and_declined_concerns_cannot_be_published(district, staff, status):
    concern = filed(district)
    Concern.objects.filter(pk=concern.pk).update(status=status)
    with pytest.raises(ApplicationError) as excinfo:
        services.concern_publish(concern=concern, public_text="楼道飞线", actor=staff)
    assert excinfo.value.message == "研判后（且未被不予立题或合并）才能公开。"
    assert Concern.objects.get(pk=concern.pk).published_at is None


def test_a_concern_the_resident_kept_private_is_never_published(client, district, staff):
    # given a resident choosing 不公开 on the form
    client.post(
        reverse("concerns:submit"),
        {"text": TEXT, "community": district.community_a.pk, "contact": "anonymous", "publicity": "private"},
    )
    concern = Concern.objects.get()
    assert concern.is_public is False
    Concern.objects.filter(pk=concern.pk).update(status=ConcernStatus.ACCEPTED)
    # when staff try to publish it / then
    with pytest.raises(ApplicationError) as excinfo:
        services.concern_publish(concern=concern, public_text="楼道飞线", actor=staff)
    assert excinfo.value.message == "居民选择了不公开，这条反映不能公开。"


def test_the_form_says_what_becomes_public(client, district):
    html = client.get(reverse("concerns:submit")).content.decode()
    assert "您的姓名和手机号从不公开" in html
    assert "不公开：只有办理的工作人员能看到" in html


def test_the_screening_page_proposes_the_masked_text_and_publishes_it(client, district, staff):
    # given a screened concern on the desk
    concern = filed(district)
    Concern.objects.filter(pk=concern.pk).update(status=ConcernStatus.ACCEPTED)
    client.force_login(staff)
    # when staff open it
    html = client.get(reverse("screening:concern", args=[concern.pk])).content.decode()
    # then the masked proposal is there to confirm
    assert "我是张某，住新市社区5栋2单元***室" in html
    # when they confirm it
    client.post(reverse("screening:publish", args=[concern.pk]), {"public_text": "楼道里有人私拉电线充电"})
    # then it is public with that text
    concern.refresh_from_db()
    assert (concern.public_text, concern.published_at is not None) == ("楼道里有人私拉电线充电", True)


# --- The similar-records API: without a back-office account, the confirmed public text only ---------

RAW = "我是张建国，身份证450502198001011234，住新市社区5栋2单元301室，电话13812345678，楼道里有人私拉电线给电动车充电"
SECRETS = ("张建国", "450502198001011234", "13812345678", "1234", "5678", "301")


def similar_api(client, text="楼道私拉电线给电动车充电"):
    response = client.get("/api/v1/text/similar", {"text": text})
    assert response.status_code == 200
    return response


def one_of_each_kind(district, staff):
    """A published concern, one not screened yet, one published then merged, one declined and one
    the resident kept private (screened), all of the same problem with the same personal details."""
    public, unscreened, merged, declined, private = (
        services.concern_submit(
            data=ConcernInput(text=RAW, region_id=district.community_a.pk, is_public=choice)
        )[0]
        for choice in (True, True, True, True, False)
    )
    for concern in (public, merged):
        Concern.objects.filter(pk=concern.pk).update(status=ConcernStatus.ACCEPTED)
        services.concern_publish(concern=concern, public_text=rules.propose_public_text(RAW), actor=staff)
    # The merge leaves the index's public flag as it was: the record's own word decides.
    Concern.objects.filter(pk=merged.pk).update(status=ConcernStatus.MERGED)
    services.index_concern_status(merged.pk, ConcernStatus.MERGED)
    Concern.objects.filter(pk=declined.pk).update(status=ConcernStatus.DECLINED)
    Concern.objects.filter(pk=private.pk).update(status=ConcernStatus.ACCEPTED)
    return public, unscreened, merged, declined, private


@pytest.mark.parametrize("persona", [None, "resident"])
def test_the_similar_api_shows_visitors_only_the_confirmed_public_text(
    client, district, staff, persona, request
):
    # given one concern of each kind, and a visitor (or a signed-in resident)
    public, *_ = one_of_each_kind(district, staff)
    if persona:
        client.force_login(request.getfixturevalue(persona))
    # when they look for similar records
    response = similar_api(client)
    # then only the published concern is found, under the text staff confirmed
    body = response.json()
    assert [(hit["kind"], hit["object_id"]) for hit in body] == [("concern", public.pk)]
    assert body[0]["title"] == ""
    assert body[0]["text"] == (
        "我是张某，身份证［身份证号已隐去］，住新市社区5栋2单元***室，电话［电话已隐去］，楼道里有人私拉电线给电动车充电"
    )
    assert "私拉电线" in body[0]["shared_words"]
    # and nothing of the resident's name, identity card or phone number is anywhere in the answer
    content = response.content.decode()
    assert [secret for secret in SECRETS if secret in content] == []


def test_the_similar_api_tells_visitors_nothing_of_what_the_public_text_hides(client, district, staff):
    # given a published concern whose own text holds a name and numbers its public text hides
    one_of_each_kind(district, staff)
    # when a visitor looks for the name and the numbers alone
    by_name = similar_api(client, "张建国")
    by_phone = similar_api(client, "13812345678 450502198001011234")
    # then nothing is found
    assert by_name.json() == []
    assert by_phone.json() == []


def test_the_similar_api_keeps_staff_view_of_their_scope_with_the_residents_own_text(client, district, staff):
    # given one concern of each kind, and screening staff of the district
    public, unscreened, merged, declined, private = one_of_each_kind(district, staff)
    client.force_login(staff)
    # when they look for similar records
    body = similar_api(client).json()
    # then they find every concern of their scope, with the resident's own text
    assert sorted(hit["object_id"] for hit in body) == sorted(
        c.pk for c in (public, unscreened, merged, declined, private)
    )
    assert {hit["text"] for hit in body} == {RAW}
