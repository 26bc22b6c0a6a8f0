"""What a signed-in person may see: one value, resolved once per request (``scope_of(request.user)``:
it is kept on the user object, which Django loads once per request).

``Scope`` holds what every permission predicate, selector, search, API endpoint and export needs
to know of the person: the administrator flag, the role, the root of the region they work in, the
communities their CPPCC activity groups are linked to and their organisation. Nothing else decides
what a person sees: a predicate asks the scope (``covers_region``, ``filter``, ``has_role``).

The one rule for regions (DOMAIN §3): a person sees their region and everything below it; a grid
worker's region is the community their grid belongs to (residents do not know grid boundaries,
and the grid worker is the one who calls them back). A back-office person without a region sees
nothing that is scoped; the administrator sees everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from shangliang.core.roles import BACK_OFFICE_ROLES, Role

M = TypeVar("M", bound=Model)
# The region level whose workers see the level above (the places app's ``RegionLevel.GRID``).
GRID_LEVEL = "grid"
_ATTRIBUTE = "_shangliang_scope"


@dataclass(frozen=True)
class Scope:
    user_id: int | None = None
    role: str = ""
    is_admin: bool = False
    # The path prefix of what the person sees ("" with ``is_admin``: everything); None: nothing.
    region_path: str | None = None
    region_id: int | None = None
    region_level: str = ""
    # The communities of a CPPCC member's activity groups.
    community_ids: frozenset[int] = field(default_factory=frozenset)
    organisation_id: int | None = None
    member_id: int | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_back_office(self) -> bool:
        return self.is_admin or (self.is_authenticated and self.role in BACK_OFFICE_ROLES)

    def has_role(self, *roles: str) -> bool:
        return self.is_authenticated and self.role in roles

    def covers_region(self, region: Any) -> bool:
        """Whether ``region`` (a region or its path) is inside the person's region."""
        if self.is_admin:
            return True
        path = region if isinstance(region, str) else getattr(region, "path", None)
        return bool(self.region_path) and path is not None and str(path).startswith(str(self.region_path))

    def covers_community(self, community_id: int | None) -> bool:
        """Whether ``community_id`` is one of the member's linked communities."""
        return self.is_admin or (community_id is not None and community_id in self.community_ids)

    def region_q(self, path_field: str = "region_path") -> Q:
        """The rows inside the person's region, as a filter."""
        if self.is_admin:
            return Q()
        if not self.region_path:
            return Q(pk__in=[])
        return Q(**{f"{path_field}__startswith": self.region_path})

    def filter(self, queryset: QuerySet[M], path_field: str = "region_path") -> QuerySet[M]:
        """``queryset`` narrowed to the person's region."""
        if self.is_admin:
            return queryset
        if not self.region_path:
            return queryset.none()
        return queryset.filter(self.region_q(path_field))


ANONYMOUS = Scope()
# Reads made for the system itself (training the text models, rebuilding figures): everything.
EVERYTHING = Scope(role=Role.ADMIN, is_admin=True, region_path="")


def _resolve(user: Any) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    role = str(getattr(user, "role", "") or "")
    is_admin = bool(getattr(user, "is_superuser", False)) or role == Role.ADMIN
    region = getattr(user, "region", None)
    if region is not None and role == Role.GRID_WORKER and getattr(region, "level", "") == GRID_LEVEL:
        region = region.parent
    path = str(region.path) if region is not None and region.path else None
    member = getattr(user, "member", None) if getattr(user, "member_id", None) else None
    communities = (
        frozenset(member.activity_groups.values_list("community_id", flat=True))
        if member is not None
        else frozenset()
    )
    return Scope(
        user_id=getattr(user, "pk", None),
        role=role,
        is_admin=is_admin,
        region_path="" if is_admin else (path if role in BACK_OFFICE_ROLES else None),
        region_id=None if region is None else region.pk,
        region_level="" if region is None else str(region.level),
        community_ids=communities,
        organisation_id=getattr(user, "organisation_id", None),
        member_id=getattr(user, "member_id", None),
    )


def scope_of(who: Any) -> Scope:
    """The scope of a person (kept on the user object, which lives for one request), or ``who``
    itself when it is a scope already."""
    if isinstance(who, Scope):
        return who
    if who is None:
        return ANONYMOUS
    found = who.__dict__.get(_ATTRIBUTE) if hasattr(who, "__dict__") else None
    if found is None:
        found = _resolve(who)
        if hasattr(who, "__dict__") and getattr(who, "is_authenticated", False):
            who.__dict__[_ATTRIBUTE] = found
    return found


def forget_scope(user: Any) -> None:
    """Resolve the person's scope again (after their role, region or groups changed)."""
    if hasattr(user, "__dict__"):
        user.__dict__.pop(_ATTRIBUTE, None)
