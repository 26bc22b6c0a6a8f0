"""Reads of outputs: the office's list, what was sent to a person, one output, and the public figure."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from shangliang.core.scope import Scope
from shangliang.outputs import permissions
from shangliang.outputs.models import Output, OutputKind, OutputStatus
from shangliang.places.models import OrganisationKind

RECOMMENDATION_KINDS = (
    OutputKind.RECOMMENDATION,
    OutputKind.SPECIAL_REPORT,
    OutputKind.SOCIAL_OPINION,
    OutputKind.PROPOSAL_LETTER,
)
RECOMMENDATIONS_SENT_RULE = "报送党委、政府（含其领导个人）的建议案、专项报告、社情民意信息和协商成果建议书件数，不含提案和未报送的草稿。"


def outputs_for_staff(scope: Scope) -> QuerySet[Output]:
    qs = Output.objects.select_related("region", "author")
    if scope.is_admin:
        return qs
    if scope.role not in permissions.DRAFT_ROLES or not scope.region_path:
        return qs.none()
    return qs.filter(region_path__startswith=scope.region_path)


def received_by(scope: Scope) -> QuerySet[Output]:
    if not scope.is_authenticated:
        return Output.objects.none()
    condition = Q(addressees__user_id=scope.user_id)
    if scope.organisation_id:
        condition |= Q(addressees__organisation_id=scope.organisation_id)
    return Output.objects.filter(condition, status=OutputStatus.SENT).distinct().order_by("-sent_at")


def output_get_for_user(scope: Scope, pk: int) -> Output | None:
    output = (
        Output.objects.select_related("region", "author").prefetch_related("addressees").filter(pk=pk).first()
    )
    return output if output is not None and permissions.can_view(scope, output) else None


def recommendations_sent() -> QuerySet[Output]:
    """THE rule for "recommendations sent to the party committee and government" (DOMAIN §6)."""
    to_party_or_government = Q(
        addressees__organisation__kind__in=[OrganisationKind.PARTY, OrganisationKind.GOVERNMENT]
    ) | Q(addressees__user__organisation__kind__in=[OrganisationKind.PARTY, OrganisationKind.GOVERNMENT])
    sent = Output.objects.filter(status=OutputStatus.SENT, kind__in=RECOMMENDATION_KINDS).filter(
        to_party_or_government
    )
    # One row per output however many addressees matched (a plain queryset others can group).
    return Output.objects.filter(pk__in=sent.values("pk"))


def recommendations_sent_count() -> int:
    return recommendations_sent().count()
