"""Who may do what with topics: pure predicates of role, region scope and the topic's state.

=====================  =====  ==========  ==============  ===========  ======  ========  =======
action                 admin  staff       secretary       grid worker  member  reviewer  officer
=====================  =====  ==========  ==============  ===========  ======  ========  =======
view (staff pages)     all    ✓           ✓               ✓            linked  点题 own  own 交办
propose (立题)          all    ✓           ✓               ✓            荐题     —         —
approve proposed       all    ✓           ✓ community     —            —       —         —
cancel                 all    ✓           ✓ proposed      —            —       —         —
other transitions      all    ✓           —               —            —       —         —
edit, add documents    all    ✓           ✓               —            —       —         —
assign (党委政府点题)    all    ✓           —               —            —       ✓         —
public page            anyone, when public and past approval; no personal data
=====================  =====  ==========  ==============  ===========  ======  ========  =======

✓ = the topic's region is inside the person's scope (``core.scope.Scope.covers_region``);
"community" = the topic belongs to a village/community (a district-wide topic is the office's).
"""

from __future__ import annotations

from typing import Any

from shangliang.core.roles import Role
from shangliang.core.scope import Scope
from shangliang.topics.models import FINISHED_STATUSES, Topic, TopicSource, TopicStatus

SCREENING_ROLES = frozenset({Role.STAFF, Role.SECRETARY, Role.GRID_WORKER})
VIEW_ROLES = frozenset({Role.STAFF, Role.SECRETARY, Role.GRID_WORKER, Role.CHAIR})
PUBLIC_HIDDEN = frozenset({TopicStatus.PROPOSED, TopicStatus.CANCELLED})


def can_view_topic(scope: Scope, topic: Topic) -> bool:
    """The same rule as the scope of ``selectors.topics_for_staff``."""
    if scope.is_admin:
        return True
    if scope.has_role(*VIEW_ROLES):
        return scope.covers_region(topic.region_path)
    if scope.has_role(Role.MEMBER):
        return topic.community_id in scope.community_ids or topic.created_by_id == scope.user_id
    if scope.has_role(Role.REVIEWER):
        return topic.source == TopicSource.GOVERNMENT and scope.covers_region(topic.region_path)
    if scope.has_role(Role.OFFICER):
        # The topic behind one of the department's action items.
        return scope.organisation_id is not None and (
            topic.action_items.filter(department_id=scope.organisation_id).exists()
        )
    return False


def can_view_topic_public(topic: Topic) -> bool:
    return topic.is_public and topic.status not in PUBLIC_HIDDEN


def can_propose_topic(scope: Scope, region: Any) -> bool:
    return scope.is_admin or (scope.role in SCREENING_ROLES and scope.covers_region(region))


def can_recommend_topic(scope: Scope, community_id: int) -> bool:
    """委员荐题: a member for one of the communities their activity groups are linked to."""
    return scope.is_admin or (scope.role == Role.MEMBER and community_id in scope.community_ids)


def can_recommend_topics(scope: Scope) -> bool:
    """委员荐题 at all (for one of the member's communities: ``can_recommend_topic``)."""
    return scope.is_admin or scope.has_role(Role.MEMBER)


def can_assign_topics(scope: Scope) -> bool:
    """党委政府点题 at all (in a region of the person's: ``can_assign_topic``)."""
    return scope.is_admin or scope.has_role(Role.REVIEWER, Role.STAFF)


def can_assign_topic(scope: Scope, region: Any) -> bool:
    """党委政府点题."""
    return scope.is_admin or (scope.role in (Role.REVIEWER, Role.STAFF) and scope.covers_region(region))


def can_transition_topic(scope: Scope, topic: Topic, new: str) -> bool:
    if scope.is_admin:
        return True
    role = scope.role
    if not scope.covers_region(topic.region):
        return False
    if role == Role.STAFF:
        return True
    if role == Role.SECRETARY and topic.community_id is not None:
        if new == TopicStatus.APPROVED:
            return topic.status == TopicStatus.PROPOSED
        if new == TopicStatus.CANCELLED:
            return topic.status == TopicStatus.PROPOSED
    return False


def can_edit_topic(scope: Scope, topic: Topic) -> bool:
    if topic.status in FINISHED_STATUSES:
        return False
    return scope.is_admin or (
        scope.role in (Role.STAFF, Role.SECRETARY) and scope.covers_region(topic.region)
    )
