"""Who may do what with outputs: pure predicates of role, region scope, addressee and state.

=========================  =====  =====  =====  ========================  =======
action                     admin  staff  chair  addressee (user or unit)  others
=========================  =====  =====  =====  ========================  =======
draft, edit (draft)        all    ✓      ✓      —                         —
submit for approval        all    ✓      ✓      —                         —
approve / return           all    ✓ not the author, or chair ✓           —
send                       all    ✓      —      —                         —
批示, adoption              all    ✓      —      —                         —
reply                      all    ✓      —      ✓                         —
view, .docx, print         all    ✓      ✓      ✓ once sent               —
=========================  =====  =====  =====  ========================  =======
"""

from __future__ import annotations

from shangliang.core.roles import Role
from shangliang.core.scope import Scope
from shangliang.outputs.models import Output, OutputStatus
from shangliang.places.models import Region

DRAFT_ROLES = frozenset({Role.STAFF, Role.CHAIR})


def can_list(scope: Scope) -> bool:
    """The list of outputs at all (each one as ``can_view`` says)."""
    return scope.is_admin or scope.has_role(*DRAFT_ROLES)


def can_draft_in(scope: Scope, region: Region) -> bool:
    return scope.is_admin or (scope.role in DRAFT_ROLES and scope.covers_region(region))


def can_edit(scope: Scope, output: Output) -> bool:
    return output.status == OutputStatus.DRAFT and can_draft_in(scope, output.region)


def can_approve(scope: Scope, output: Output) -> bool:
    if output.status != OutputStatus.PENDING_APPROVAL:
        return False
    if scope.is_admin:
        return True
    if not scope.covers_region(output.region):
        return False
    return scope.role == Role.CHAIR or (scope.role == Role.STAFF and output.author_id != scope.user_id)


def can_send(scope: Scope, output: Output) -> bool:
    return scope.is_admin or (scope.role == Role.STAFF and scope.covers_region(output.region))


def is_addressee(scope: Scope, output: Output) -> bool:
    if not scope.is_authenticated or output.status != OutputStatus.SENT:
        return False
    org = scope.organisation_id
    return any(
        a.user_id == scope.user_id or (org is not None and a.organisation_id == org)
        for a in output.addressees.all()
    )


def can_view(scope: Scope, output: Output) -> bool:
    return can_draft_in(scope, output.region) or is_addressee(scope, output)


def can_follow_up(scope: Scope, output: Output) -> bool:
    """批示 and adoption are recorded by the office once the output is sent."""
    return output.status == OutputStatus.SENT and can_send(scope, output)


def can_reply(scope: Scope, output: Output) -> bool:
    return output.status == OutputStatus.SENT and (can_send(scope, output) or is_addressee(scope, output))
