"""Who may see and do what with members' work: pure predicates of role, the member link and state.

=================================  =====  ======  ==================  ===========================
action                             admin  staff   chair               member
=================================  =====  ======  ==================  ===========================
own 我的履职, self-report, appeal     —      —       —                   ✓ (own record)
a member's 履职档案, export           all    ✓       ✓ own committee's   ✓ own
ranking table, .xlsx                all    ✓       ✓ own committee's   own rank (on 我的履职)
verify / reject self-reports        all    ✓       —                   —
recompute, publish, decide appeals  all    ✓       —                   —
training sessions (manage)          all    ✓       —                   sign up, see own
committee plans (edit)              all    ✓       ✓ own committee     —
visits (record, withdraw)           all    ✓       —                   ✓ own group's
社情民意 / 提案 (write)               —      —       —                   ✓ own drafts
社情民意 / 提案 (review, adopt)       all    ✓       —                   —
=================================  =====  ======  ==================  ===========================

Members are district-wide (they are not tied to one region), so the office's region scope does not
narrow them; a chair's view is their committee (``user.organisation``).
"""

from __future__ import annotations

from typing import Any

from shangliang.core.roles import Role
from shangliang.core.scope import scope_of
from shangliang.duty.models import MemberWriting, ReportStatus, SelfReport, WritingStatus
from shangliang.places.models import ActivityGroup, Member, Organisation
from shangliang.places.permissions import is_admin


def _role(user: Any) -> str:
    scope = scope_of(user)
    return scope.role if scope.is_authenticated else ""


def is_office(user: Any) -> bool:
    return is_admin(user) or _role(user) == Role.STAFF


def is_chair(user: Any) -> bool:
    return _role(user) == Role.CHAIR and getattr(user, "organisation_id", None) is not None


def own_member_id(user: Any) -> int | None:
    if _role(user) != Role.MEMBER:
        return None
    return getattr(user, "member_id", None)


def can_view_ranking(user: Any) -> bool:
    return is_office(user) or is_chair(user)


def can_view_member(user: Any, member: Member) -> bool:
    if is_office(user):
        return True
    if is_chair(user):
        return member.committee_id == user.organisation_id
    return own_member_id(user) == member.pk


def can_self_report(user: Any) -> bool:
    return own_member_id(user) is not None


def can_verify_reports(user: Any) -> bool:
    return is_office(user)


def can_decide_report(user: Any, report: SelfReport) -> bool:
    return report.status == ReportStatus.PENDING and is_office(user)


def can_manage_assessment(user: Any) -> bool:
    return is_office(user)


def can_manage_training(user: Any) -> bool:
    return is_office(user)


def can_view_trainings(user: Any) -> bool:
    return is_office(user) or is_chair(user) or own_member_id(user) is not None


def can_view_plans(user: Any) -> bool:
    return is_office(user) or is_chair(user)


def can_edit_plan(user: Any, committee: Organisation) -> bool:
    return is_office(user) or (is_chair(user) and user.organisation_id == committee.pk)


def can_view_coverage(user: Any) -> bool:
    return is_office(user) or is_chair(user)


def can_record_visit(user: Any, group: ActivityGroup, member_ids_of_group: set[int]) -> bool:
    if is_office(user):
        return True
    member_id = own_member_id(user)
    return member_id is not None and member_id in member_ids_of_group


def can_write(user: Any, writing: MemberWriting | None = None) -> bool:
    member_id = own_member_id(user)
    if member_id is None:
        return False
    return writing is None or (writing.member_id == member_id and writing.status == WritingStatus.DRAFT)


def can_review_writings(user: Any) -> bool:
    return is_office(user)


def can_view_writing(user: Any, writing: MemberWriting) -> bool:
    return is_office(user) or own_member_id(user) == writing.member_id
