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

from typing import Any

from shangliang.core.roles import Role
from shangliang.core.scope import scope_of
from shangliang.outputs.models import Output, OutputStatus
from shangliang.places.models import Region
from shangliang.places.permissions import is_admin

DRAFT_ROLES = frozenset({Role.STAFF, Role.CHAIR})


def role_of(user: Any) -> str:
    scope = scope_of(user)
    return scope.role if scope.is_authenticated else ""


def can_draft_in(user: Any, region: Region) -> bool:
    return is_admin(user) or (role_of(user) in DRAFT_ROLES and scope_of(user).covers_region(region))


def can_edit(user: Any, output: Output) -> bool:
    return output.status == OutputStatus.DRAFT and can_draft_in(user, output.region)


def can_approve(user: Any, output: Output) -> bool:
    if output.status != OutputStatus.PENDING_APPROVAL:
        return False
    if is_admin(user):
        return True
    if not scope_of(user).covers_region(output.region):
        return False
    return role_of(user) == Role.CHAIR or (role_of(user) == Role.STAFF and output.author_id != user.pk)


def can_send(user: Any, output: Output) -> bool:
    return is_admin(user) or (role_of(user) == Role.STAFF and scope_of(user).covers_region(output.region))


def is_addressee(user: Any, output: Output) -> bool:
    if not getattr(user, "is_authenticated", False) or output.status != OutputStatus.SENT:
        return False
    org = getattr(user, "organisation_id", None)
    return any(
        a.user_id == user.pk or (org is not None and a.organisation_id == org)
        for a in output.addressees.all()
    )


def can_view(user: Any, output: Output) -> bool:
    return can_draft_in(user, output.region) or is_addressee(user, output)


def can_follow_up(user: Any, output: Output) -> bool:
    """批示 and adoption are recorded by the office once the output is sent."""
    return output.status == OutputStatus.SENT and can_send(user, output)


def can_reply(user: Any, output: Output) -> bool:
    return output.status == OutputStatus.SENT and (can_send(user, output) or is_addressee(user, output))
