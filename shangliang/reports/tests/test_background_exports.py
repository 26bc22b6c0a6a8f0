"""Large workbooks written in the background: a job with its progress, a file only its owner may
download, residents' numbers masked unless the person may see them (and each full one logged)."""

import io
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from openpyxl import load_workbook

from shangliang.accounts.models import User
from shangliang.concerns.tests.factories import ConcernFactory
from shangliang.core.models import AuditEvent
from shangliang.core.roles import Role
from shangliang.core.scope import scope_of
from shangliang.privacy import personal
from shangliang.reports import records, selectors, services
from shangliang.reports.models import ExportJob, ExportStatus

pytestmark = pytest.mark.django_db

PHONE = "13877901234"


def _concern(community: Any, text: str) -> Any:
    return ConcernFactory(
        community=community,
        text=text,
        phone_encrypted=personal.encrypt(PHONE),
        phone_masked=personal.mask_phone(PHONE),
        anonymous=False,
    )


def _start(client: Any, page: str, dataset: str, full: bool, capture: Any) -> Any:
    """Send the exports page's form for ``dataset`` (its hidden fields as rendered)."""
    token = page.split('name="client_token" value="', 1)[1].split("-", 1)[0]
    data = {"dataset": dataset, "client_token": f"{token}-{dataset}{'-full' if full else ''}"}
    if full:
        data["full"] = "1"
    with capture(execute=True):
        return client.post(f"{reverse('reports:export-job-create')}?period=since2021", data)


def _sheet_rows(content: bytes) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_a_background_export_writes_the_selectors_rows_for_its_owner_only(
    client: Any, district: Any, street_staff: Any, staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given concerns inside and outside the street of its staff
    for n in range(3):
        _concern(district.community_a, f"楼道飞线充电{n}")
    _concern(district.community_b, "村道破损")
    client.force_login(street_staff)
    page = client.get(reverse("reports:exports"), {"period": "since2021"}).content.decode()
    # when they start a background export of concerns, sending the form twice
    first = _start(client, page, "concerns", False, django_capture_on_commit_callbacks)
    second = _start(client, page, "concerns", False, django_capture_on_commit_callbacks)
    # then one job is written, and its page links the file
    job = ExportJob.objects.get()
    assert first["Location"] == second["Location"] == reverse("reports:export-job", args=[job.pk])
    assert (job.status, job.progress, job.total) == (ExportStatus.DONE, 3, 3)
    progress = client.get(first["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in progress  # finished: the page stops asking
    download = client.get(reverse("reports:export-job-download", args=[job.pk]))
    assert download.status_code == 200
    rows = _sheet_rows(b"".join(download.streaming_content))
    # with the same rows as the selector gives the person, numbers masked
    export = records.export_for(
        scope_of(street_staff),
        "concerns",
        actor=street_staff,
        path_prefix=district.street_a.path,
        start=job.start,
        end=job.end,
    )
    expected = [["" if v is None else v for v in line] for line in export.lines()]
    assert [["" if v is None else v for v in row] for row in rows] == expected
    assert len(rows) == 4
    assert PHONE not in str(rows)
    assert job.file.startswith("exports/")
    assert job.filename not in job.file
    # and another person, even an administrator of everything, cannot download it or see its page
    client.force_login(staff)
    assert client.get(reverse("reports:export-job-download", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:export-job", args=[job.pk])).status_code == 404


def test_full_numbers_only_for_those_who_may_see_them_each_logged(
    district: Any, staff: Any, secretary: Any, django_capture_on_commit_callbacks: Any
) -> None:
    concern = _concern(district.community_a, "楼道飞线充电")
    period = selectors.preset_period("since2021")
    jobs = {}
    for person in (staff, secretary):
        scope = scope_of(person)
        with django_capture_on_commit_callbacks(execute=True):
            job, _ = services.export_request(
                data=services.ExportInput(
                    dataset="concerns",
                    path_prefix=str(scope.region_path),
                    start=period.start,
                    end=period.end,
                    full=True,
                ),
                scope=scope,
                actor=person,
            )
        jobs[person.pk] = ExportJob.objects.get(pk=job.pk)

    # the office's staff get the number in full, logged; the secretary's stays masked
    def phones(job: ExportJob) -> list[Any]:
        with default_storage.open(job.file, "rb") as stored:
            return [row[-1] for row in _sheet_rows(stored.read())[1:]]

    assert (jobs[staff.pk].full, phones(jobs[staff.pk])) == (True, [PHONE])
    assert (jobs[secretary.pk].full, phones(jobs[secretary.pk])) == (False, [str(concern.phone_masked)])
    assert list(
        AuditEvent.objects.filter(event_type="concern.contact_viewed").values_list("actor_id", flat=True)
    ) == [staff.pk]
    assert AuditEvent.objects.filter(event_type="export.completed").count() == 2


def test_a_statistics_export_runs_in_the_background_with_the_pages_figures(
    client: Any, district: Any, street_staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _concern(district.community_a, "楼道飞线充电")
    client.force_login(street_staff)
    page = client.get(reverse("reports:exports"), {"period": "since2021"}).content.decode()
    _start(client, page, "statistics", False, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    rows = _sheet_rows(
        b"".join(client.get(reverse("reports:export-job-download", args=[job.pk])).streaming_content)
    )
    received = next(r for r in rows if r[0] == "收到群众反映" and r[1] is None)
    assert received[2] == 1


def test_a_person_who_lost_access_gets_no_file(district: Any, street_staff: Any) -> None:
    period = selectors.preset_period("since2021")
    job, _ = services.export_request(
        data=services.ExportInput("topics", district.street_a.path, period.start, period.end),
        scope=scope_of(street_staff),
        actor=street_staff,
    )
    # the person moves to a department before the export runs
    User.objects.filter(pk=street_staff.pk).update(role=Role.OFFICER)
    moved = User.objects.get(pk=street_staff.pk)
    services.export_run(job_id=job.pk, scope=scope_of(moved), actor=moved)
    job.refresh_from_db()
    assert (job.status, job.file, job.error) == (ExportStatus.FAILED, "", "您的账号没有导出数据的权限。")
