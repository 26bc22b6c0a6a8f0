"""The JSON API under /api/v1/ with its OpenAPI schema at /api/v1/openapi.json and docs at /api/v1/docs."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from shangliang.api.public import router as public_router
from shangliang.concerns.apis import application_error
from shangliang.concerns.apis import router as concerns_router
from shangliang.core.errors import ApplicationError
from shangliang.duty.apis import router as duty_router
from shangliang.text.apis import router as text_router

api = NinjaAPI(title="商量 API", version="1", urls_namespace="api")
api.add_router("/text/", text_router)
api.add_router("/concerns/", concerns_router)
api.add_router("", public_router)
api.add_router("", duty_router)


@api.exception_handler(ApplicationError)
def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    """A refused request answers in Chinese with the field it concerns, never a 500."""
    status = application_error(exc)
    return api.create_response(request, status.value, status=status.status_code)
