import pytest

from shangliang.core.errors import ConcurrentChange, TransitionNotAllowed
from shangliang.core.models import AuditEvent
from shangliang.core.transitions import apply_transition, check_version, is_allowed
from shangliang.places.models import Room
from shangliang.places.tests.factories import RoomFactory

# A small table to exercise the machinery; real tables live beside each model.
TRANSITIONS = {"draft": {"planned"}, "planned": {"held", "cancelled"}}
LABELS = {"draft": "草稿", "planned": "已计划", "held": "已召开", "cancelled": "已取消"}


def test_is_allowed_reads_the_table():
    assert is_allowed(TRANSITIONS, "draft", "planned") is True
    assert is_allowed(TRANSITIONS, "draft", "held") is False
    assert is_allowed(TRANSITIONS, "unknown", "draft") is False


@pytest.fixture
def room(district):
    return RoomFactory(region=district.community_a, host_unit="draft")


@pytest.mark.django_db
def test_apply_transition_saves_bumps_version_and_audits(room, staff):
    # given a record in "draft" (the host_unit field stands in for a status field)
    # when
    changed = apply_transition(
        room,
        new="planned",
        transitions=TRANSITIONS,
        labels=LABELS,
        actor=staff,
        event_type="room.planned",
        reason="测试",
        field="host_unit",
    )
    # then
    room.refresh_from_db()
    event = AuditEvent.objects.get()
    assert changed is True
    assert room.host_unit == "planned"
    assert room.version == 2
    assert (event.event_type, event.old_value, event.new_value, event.reason, event.actor) == (
        "room.planned",
        {"host_unit": "draft"},
        {"host_unit": "planned"},
        "测试",
        staff,
    )


@pytest.mark.django_db
def test_apply_transition_to_the_same_state_is_a_no_op(room, staff):
    changed = apply_transition(
        room,
        new="draft",
        transitions=TRANSITIONS,
        labels=LABELS,
        actor=staff,
        event_type="x",
        field="host_unit",
    )
    assert changed is False
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_a_transition_outside_the_table_is_refused_and_nothing_changes(room, staff):
    # when
    with pytest.raises(TransitionNotAllowed) as excinfo:
        apply_transition(
            room,
            new="held",
            transitions=TRANSITIONS,
            labels=LABELS,
            actor=staff,
            event_type="x",
            field="host_unit",
        )
    # then
    assert excinfo.value.message == "当前状态为“草稿”，不能变更为“已召开”。"
    assert Room.objects.get(pk=room.pk).host_unit == "draft"
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_a_stale_version_is_a_concurrent_change(room):
    check_version(room, room.version)
    with pytest.raises(ConcurrentChange):
        check_version(room, room.version - 1 if room.version > 1 else room.version + 1)
