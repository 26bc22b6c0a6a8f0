"""Who may see and do what with members' work: pure predicates of role, the member link and state.

=================================  =====  ======  ==================  ===========================
action                             admin  staff   chair               member
=================================  =====  ======  ==================  ===========================
own 我的履职, self-report, appeal     —      —       —                   ✓ (own record)
a member's 履职档案, export           all    ✓       ✓ own committee's   ✓ own
ranking table, .xlsx                all    ✓       ✓ own committee's   own rank (on 我的履职)
verify / reject self-reports        all    ✓       —                   —
recompute, publish, decide appeals  all    ✓       —                   —
training sessions (manage)          all    ✓       —                   sign up, see own,
                                                                          check in (code, on the day)
committee plans (edit)              all    ✓       ✓ own committee     —
visits (record, withdraw)           all    ✓       —                   ✓ own group's
社情民意 / 提案 (write)               —      —       —                   ✓ own drafts
社情民意 / 提案 (review, adopt)       all    ✓       —                   —
=================================  =====  ======  ==================  ===========================

Members are district-wide (they are not tied to one region), so the office's region scope does not
narrow them; a chair's view is their committee (the scope's organisation). Every predicate takes the
person's ``Scope`` (resolved once at the page or API edge), never the user.
"""

from __future__ import annotations

from shangliang.core.roles import Role
from shangliang.core.scope import Scope
from shangliang.duty.models import MemberWriting, ReportStatus, SelfReport, WritingStatus
from shangliang.places.models import ActivityGroup, Member, Organisation


def is_office(scope: Scope) -> bool:
    return scope.is_admin or scope.has_role(Role.STAFF)


def is_chair(scope: Scope) -> bool:
    return scope.has_role(Role.CHAIR) and scope.organisation_id is not None


def chair_committee_id(scope: Scope) -> int | None:
    """The committee a chair (who is not also office) is limited to; None: no such limit."""
    return scope.organisation_id if is_chair(scope) and not is_office(scope) else None


def own_member_id(scope: Scope) -> int | None:
    return scope.member_id if scope.has_role(Role.MEMBER) else None


def can_view_ranking(scope: Scope) -> bool:
    return is_office(scope) or is_chair(scope)


def can_view_member(scope: Scope, member: Member) -> bool:
    if is_office(scope):
        return True
    if is_chair(scope):
        return member.committee_id == scope.organisation_id
    return own_member_id(scope) == member.pk


def can_self_report(scope: Scope) -> bool:
    return own_member_id(scope) is not None


def can_verify_reports(scope: Scope) -> bool:
    return is_office(scope)


def can_decide_report(scope: Scope, report: SelfReport) -> bool:
    return report.status == ReportStatus.PENDING and is_office(scope)


def can_manage_assessment(scope: Scope) -> bool:
    return is_office(scope)


def can_manage_training(scope: Scope) -> bool:
    return is_office(scope)


def can_view_trainings(scope: Scope) -> bool:
    return is_office(scope) or is_chair(scope) or own_member_id(scope) is not None


def can_view_plans(scope: Scope) -> bool:
    return is_office(scope) or is_chair(scope)


def can_edit_plan(scope: Scope, committee: Organisation) -> bool:
    return is_office(scope) or (is_chair(scope) and scope.organisation_id == committee.pk)


def can_view_coverage(scope: Scope) -> bool:
    return is_office(scope) or is_chair(scope)


def can_record_visit(scope: Scope, group: ActivityGroup, member_ids_of_group: set[int]) -> bool:
    if is_office(scope):
        return True
    member_id = own_member_id(scope)
    return member_id is not None and member_id in member_ids_of_group


def can_write(scope: Scope, writing: MemberWriting | None = None) -> bool:
    member_id = own_member_id(scope)
    if member_id is None:
        return False
    return writing is None or (writing.member_id == member_id and writing.status == WritingStatus.DRAFT)


def can_review_writings(scope: Scope) -> bool:
    return is_office(scope)


def can_view_writing(scope: Scope, writing: MemberWriting) -> bool:
    return is_office(scope) or own_member_id(scope) == writing.member_id
