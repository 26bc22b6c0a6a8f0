"""JSON endpoints of the intake, mounted at /api/v1/concerns/: the same services as the web forms,
for a WeChat mini-program or a 12345 hotline system. Errors are ``{"detail": "<中文说明>", "field": …}``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from shangliang.concerns import rules, selectors, services
from shangliang.concerns.models import ConcernStatus
from shangliang.core.errors import ApplicationError
from shangliang.privacy.ratelimit import allow, client_ip

router = Router(tags=["群众诉求"])


MAX_ID = 2**63 - 1


class ConcernIn(Schema):
    """The limits the service checks, stated: a longer text or place is refused with 422."""

    text: str = Field(max_length=rules.MAX_TEXT, description=f"至少 {rules.MIN_TEXT} 个字（否则 400）")
    region_id: int = Field(ge=1, le=MAX_ID)
    place_description: str = Field("", max_length=rules.MAX_PLACE)
    category_id: int | None = Field(None, ge=1, le=MAX_ID)
    phone: str = Field("", max_length=20, description="大陆手机号；留空为匿名")
    consent: bool = False
    client_token: str = Field("", max_length=64, description="同一次提交重发时带相同的值（10分钟内有效）")


class TimelineOut(Schema):
    at: dt.datetime
    text: str


class ConcernOut(Schema):
    tracking_code: str
    status: str
    status_label: str
    community: str
    category: str
    created_at: dt.datetime
    residents: int
    timeline: list[TimelineOut]


class ErrorOut(Schema):
    detail: str
    field: str | None = None


def _out(concern: Any) -> dict[str, Any]:
    return {
        "tracking_code": rules.format_tracking_code(concern.tracking_code),
        "status": concern.status,
        "status_label": ConcernStatus(concern.status).label,
        "community": concern.community.name,
        "category": concern.category.name if concern.category else "",
        "created_at": concern.created_at,
        "residents": concern.supporters_count + 1,
        "timeline": [{"at": e.at, "text": e.text} for e in selectors.public_timeline(concern)],
    }


@router.post(
    "",
    response={201: ConcernOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut, 429: ErrorOut},
    summary="提交诉求",
)
def submit(request: HttpRequest, payload: ConcernIn) -> Any:
    """A resident's concern (201 with its tracking code). The same submit sent again with the same
    ``client_token`` within minutes files nothing and answers 409, without the tracking code: that
    is given once, in the first answer."""
    concern, created = services.concern_submit(
        data=services.ConcernInput(
            text=payload.text,
            region_id=payload.region_id,
            place_description=payload.place_description,
            category_id=payload.category_id,
            phone=payload.phone,
            consent=payload.consent,
            anonymous=not payload.phone,
            client_token=payload.client_token,
        ),
        ip=client_ip(request),
    )
    if not created:
        return Status(
            409,
            {"detail": "同一诉求刚刚已经提交过，请使用第一次提交返回的查询码。", "field": "client_token"},
        )
    return Status(201, _out(concern))


@router.get("/{code}", response={200: ConcernOut, 404: ErrorOut, 429: ErrorOut}, summary="查询办理进度")
def track(request: HttpRequest, code: str) -> Any:
    if not allow("lookup", client_ip(request), services.LOOKUP_LIMIT):
        return Status(429, {"detail": "查询过于频繁，请稍后再试。"})
    concern = selectors.concern_by_code(code)
    if concern is None:
        return Status(404, {"detail": "没有找到该查询码对应的反映。"})
    return _out(concern)


def application_error(exc: ApplicationError) -> Status:
    status = 403 if exc.code == "permission_denied" else 429 if exc.code == "rate_limited" else 400
    return Status(status, {"detail": exc.message, "field": exc.field})
