"""The daily digest: each person's due and overdue work, as one notice in their staff inbox.

Idempotent: one notice per person per day (the dedupe key names the date), so a second run the
same day sends nothing more.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from shangliang.actions import selectors as action_selectors
from shangliang.actions.models import AWAITING_ACCEPTANCE, OPEN_STATUSES, ActionStatus
from shangliang.concerns.models import AWAITING_DECISION
from shangliang.core.roles import Role
from shangliang.core.scope import Scope, scope_of
from shangliang.core.sentences import join_clauses, sentence
from shangliang.core.workdays import add_working_days_db
from shangliang.notifications.services import enqueue_inbox
from shangliang.screening import selectors

DIGEST_ROLES = (Role.STAFF, Role.SECRETARY, Role.GRID_WORKER, Role.OFFICER)


def lines_for(scope: Scope, today: dt.date, soon: dt.date) -> list[str]:
    """What the person should hear about today (empty: nothing due)."""
    lines: list[str] = []
    if scope.has_role(Role.STAFF, Role.SECRETARY, Role.GRID_WORKER):
        waiting = selectors.desk_concerns(scope).filter(status__in=AWAITING_DECISION)
        overdue = waiting.filter(first_response_due__lt=today).count()
        due = waiting.filter(first_response_due__gte=today, first_response_due__lte=soon).count()
        if overdue:
            lines.append(f"{overdue} 条诉求已超过首次答复期限，请尽快研判")
        if due:
            lines.append(f"{due} 条诉求将在 {soon:%m月%d日} 前到首次答复期限")
    items = action_selectors.items_for_user(scope)
    if scope.has_role(Role.OFFICER):
        to_accept = items.filter(status__in=AWAITING_ACCEPTANCE)
        late = to_accept.filter(accept_due__lt=today).count()
        waiting_items = to_accept.count()
        if waiting_items:
            lines.append(
                f"{waiting_items} 件交办单待签收" + (f"（其中 {late} 件已超过签收期限）" if late else "")
            )
    if scope.has_role(Role.OFFICER, Role.STAFF):
        overdue_items = items.filter(action_selectors.overdue_q()).count()
        due_items = items.filter(status__in=OPEN_STATUSES, deadline__gte=today, deadline__lte=soon).count()
        if overdue_items:
            lines.append(f"{overdue_items} 件交办单已超期未办结")
        if due_items:
            lines.append(f"{due_items} 件交办单将在 {soon:%m月%d日} 前到期")
    if scope.has_role(Role.STAFF):
        requests = items.filter(
            status__in=[ActionStatus.RETURN_REQUESTED, ActionStatus.EXTENSION_REQUESTED]
        ).count()
        if requests:
            lines.append(f"{requests} 件退回或延期申请待处理")
    return lines


def send_daily_digest(today: dt.date | None = None) -> int:
    """Send today's digest to everyone with due or overdue work; returns how many notices were written."""
    today = today or timezone.localdate()
    soon = add_working_days_db(today, 1)
    sent = 0
    users = get_user_model().objects.filter(is_active=True, role__in=DIGEST_ROLES).select_related("region")
    for user in users.iterator():
        lines = lines_for(scope_of(user), today, soon)
        if not lines:
            continue
        with transaction.atomic():
            enqueue_inbox(
                user=user,
                body=sentence(f"{today:%m月%d日}待办提醒：" + join_clauses(lines)),
                about=None,
                dedupe_key=f"digest:{user.pk}:{today.isoformat()}",
            )
        sent += 1
    return sent
