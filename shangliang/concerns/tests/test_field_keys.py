"""Field keys apart from SECRET_KEY, required in production, rotated by a command; a value no key
opens is shown as "无法解密" and never lost."""

import logging
import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection

from shangliang.concerns import services
from shangliang.concerns.models import Concern
from shangliang.concerns.tests.factories import ConcernFactory
from shangliang.places.models import Member
from shangliang.places.tests.factories import MemberFactory
from shangliang.privacy import personal

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
LOOKUP = "lookup-key-for-tests-0123456789abcdef"


@pytest.fixture
def keys(settings):
    settings.SHANGLIANG_FIELD_KEY = KEY_A
    settings.SHANGLIANG_LOOKUP_KEY = LOOKUP
    return settings


def test_changing_the_secret_key_keeps_contact_data(keys):
    # given a phone stored with the configured keys
    token, digest = personal.encrypt("13812345678"), personal.lookup_hash("13812345678")
    # when the secret key changes
    keys.SECRET_KEY = "another-secret-key-" + "x" * 40
    # then the number is still read and still found
    assert personal.decrypt(token) == "13812345678"
    assert personal.lookup_hash("13812345678") == digest


@pytest.mark.django_db
def test_staff_see_unreadable_rather_than_nothing(keys, district, staff, caplog):
    # given a concern whose contact data was written with a key no longer configured
    concern = ConcernFactory(
        community=district.community_a,
        name_encrypted=personal.encrypt("覃秀英"),
        phone_encrypted=personal.encrypt("13812345678"),
    )
    keys.SHANGLIANG_FIELD_KEY = KEY_B
    # when staff reveal it
    with caplog.at_level(logging.ERROR, logger="shangliang.privacy.personal"):
        contact = services.contact_reveal(concern=concern, actor=staff)
    # then they are told it cannot be decrypted, and the failure is logged
    assert contact == {"name": "无法解密", "phone": "无法解密"}
    assert "could not be decrypted" in caplog.text


@pytest.mark.django_db
def test_members_phones_are_stored_encrypted(keys):
    # when a member's phone is saved
    member = MemberFactory(phone="13912345678")
    # then the table holds a token, and the code reads the number
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT phone FROM {Member._meta.db_table} WHERE id = %s", [member.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("gAAAAA")
    assert "13912345678" not in stored
    assert Member.objects.get(pk=member.pk).phone == "13912345678"


@pytest.mark.django_db
def test_an_unreadable_member_phone_is_written_back_unchanged(keys):
    member = MemberFactory(phone="13912345678")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT phone FROM {Member._meta.db_table} WHERE id = %s", [member.pk])
        stored = cursor.fetchone()[0]
    keys.SHANGLIANG_FIELD_KEY = KEY_B
    loaded = Member.objects.get(pk=member.pk)
    assert loaded.phone == "无法解密"
    loaded.name = "改名"
    loaded.save()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT phone FROM {Member._meta.db_table} WHERE id = %s", [member.pk])
        assert cursor.fetchone()[0] == stored


@pytest.mark.django_db
def test_rotation_moves_every_field_to_the_new_key(keys, district):
    # given data written under key A
    concern = ConcernFactory(
        community=district.community_a,
        phone_encrypted=personal.encrypt("13812345678"),
        phone_hash=personal.lookup_hash("13812345678"),
    )
    member = MemberFactory(phone="13912345678")
    # when key B is put first, the data rotated, and key A removed
    keys.SHANGLIANG_FIELD_KEY = f"{KEY_B},{KEY_A}"
    call_command("rotate_field_keys")
    keys.SHANGLIANG_FIELD_KEY = KEY_B
    # then everything is read with key B alone
    assert personal.decrypt(Concern.objects.get(pk=concern.pk).phone_encrypted) == "13812345678"
    assert Member.objects.get(pk=member.pk).phone == "13912345678"


@pytest.mark.django_db
def test_rehash_follows_a_new_lookup_key(keys, district):
    concern = ConcernFactory(
        community=district.community_a,
        phone_encrypted=personal.encrypt("13812345678"),
        phone_hash=personal.lookup_hash("13812345678"),
    )
    keys.SHANGLIANG_LOOKUP_KEY = "a-new-lookup-key-0123456789abcdefgh"
    call_command("rotate_field_keys", "--rehash")
    assert Concern.objects.get(pk=concern.pk).phone_hash == personal.lookup_hash("13812345678")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({}, "needs SHANGLIANG_FIELD_KEY"),
        ({"SHANGLIANG_FIELD_KEY": "not-a-key"}, "not a Fernet key"),
        ({"SHANGLIANG_FIELD_KEY": KEY_A}, "needs SHANGLIANG_LOOKUP_KEY"),
    ],
)
def test_production_does_not_start_without_its_keys(extra, message):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SHANGLIANG_FIELD", "SHANGLIANG_LOOKUP", "PYTEST"))
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="s" * 60,
        DJANGO_ALLOWED_HOSTS="example.cn",
        SHANGLIANG_SITE_URL="https://example.cn",
        SHANGLIANG_VAR_DIR=str(django_settings.VAR_DIR),
        **extra,
    )
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert message in result.stderr
