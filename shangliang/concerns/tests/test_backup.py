"""Backup and restore round trip: a populated instance is backed up, emptied, restored, and compared."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from shangliang.concerns import services
from shangliang.concerns.models import Concern, ConcernPhoto
from shangliang.concerns.tests.factories import png
from shangliang.ops import backup
from shangliang.places.models import Member
from shangliang.places.tests.factories import MemberFactory
from shangliang.privacy import personal

pytestmark = pytest.mark.django_db(transaction=True)


def _populate(district):
    concern, _ = services.concern_submit(
        data=services.ConcernInput(
            text="政法路5栋楼道里有人私拉电线给电动车充电，晚上很危险",
            region_id=district.community_a.pk,
            phone="13812345678",
            name="覃秀英",
            consent=True,
            anonymous=False,
            photos=[png()],
        ),
        ip="203.0.113.5",
    )
    MemberFactory(phone="13912345678", name="委员甲")
    return concern


def test_a_backup_restores_into_an_empty_instance(district, settings, tmp_path):
    # given a populated instance with an uploaded photo
    concern = _populate(district)
    counts_before = backup.table_counts()
    files_before = backup.media_files(Path(settings.MEDIA_ROOT))
    assert ConcernPhoto.objects.count() == 1
    assert files_before
    # when it is backed up
    call_command("backup", "--output", str(tmp_path / "backups"))
    (target,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((target / "manifest.json").read_text())
    # then the backup holds the database, the files and a manifest, and no key
    assert sorted(p.name for p in target.iterdir()) == sorted(
        ["manifest.json", "media.tar.gz", manifest["database"]]
    )
    everything = b"".join(p.read_bytes() for p in target.iterdir() if p.name != "media.tar.gz")
    for key in personal._keys():
        assert key not in everything
    assert manifest["counts"]["concerns.Concern"] == 1
    # when the instance is emptied and the backup restored
    call_command("flush", "--noinput")
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            path.unlink()
    assert Concern.objects.count() == 0
    connection.close()
    call_command("restore", str(target), "--yes")
    # then every count, every file and the encrypted contact data are back
    assert backup.table_counts() == counts_before
    assert backup.media_files(Path(settings.MEDIA_ROOT)) == files_before
    restored = Concern.objects.get(pk=concern.pk)
    assert personal.decrypt(restored.phone_encrypted) == "13812345678"
    assert personal.decrypt(restored.name_encrypted) == "覃秀英"
    assert Member.objects.get(name="委员甲").phone == "13912345678"


def test_restore_asks_before_replacing_anything(district, tmp_path):
    _populate(district)
    target = backup.backup(tmp_path)
    with pytest.raises(Exception, match="run again with --yes"):
        call_command("restore", str(target))
    assert Concern.objects.count() == 1


def test_a_damaged_backup_is_refused(district, tmp_path):
    _populate(district)
    target = backup.backup(tmp_path)
    database = target / json.loads((target / "manifest.json").read_text())["database"]
    database.write_bytes(database.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(Exception, match="does not match its manifest"):
        call_command("restore", str(target), "--yes")
