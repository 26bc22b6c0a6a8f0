"""The JSON API under /api/v1/ with its OpenAPI schema at /api/v1/openapi.json and docs at /api/v1/docs."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.operation import Operation

from shangliang.api.public import RefusalOut, TooManyRequests
from shangliang.api.public import router as public_router
from shangliang.api.staff import router as staff_router
from shangliang.concerns.apis import application_error
from shangliang.concerns.apis import router as concerns_router
from shangliang.core.errors import ApplicationError
from shangliang.duty.apis import router as duty_router
from shangliang.text.apis import router as text_router

api = NinjaAPI(title="商量 API", version="1", urls_namespace="api")
api.add_router("/text/", text_router)
api.add_router("/concerns/", concerns_router)
api.add_router("", public_router)
api.add_router("", staff_router)
api.add_router("", duty_router)


@api.exception_handler(ApplicationError)
def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    """A refused request answers in Chinese with the field it concerns, never a 500."""
    status = application_error(exc)
    return api.create_response(request, status.value, status=status.status_code)


@api.exception_handler(TooManyRequests)
def on_too_many(request: HttpRequest, exc: TooManyRequests) -> HttpResponse:
    response = api.create_response(request, {"detail": exc.message}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def declare_type_errors(api: NinjaAPI) -> None:
    """Every operation may answer django-ninja's 422 (a parameter or body of the wrong type, listed in
    ``detail``): declare it in the schema wherever the operation does not already."""
    refusal = Operation._create_response_model(None, RefusalOut)  # type: ignore[arg-type]
    for _, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                models = operation.response_models
                if 422 in models or Ellipsis in models:
                    continue
                if len(models) == 1 and next(iter(models)) != 200:
                    continue  # a single non-200 answer is chosen by being the only one: leave it so
                models[422] = refusal


declare_type_errors(api)  # last: after every router is added
