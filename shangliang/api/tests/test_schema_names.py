"""Each schema the API answers with has its own name in the OpenAPI document.

django-ninja names a component after its class, so two classes of one name share one component and
the document promises the wrong shape for one of them."""

import types
import typing
from collections.abc import Iterator

from pydantic import BaseModel

from shangliang.api.urls import api


def _models(annotation: object) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models(field.annotation)
        return
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for argument in typing.get_args(annotation):
            yield from _models(argument)


def _operation_models() -> Iterator[type[BaseModel]]:
    for _, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                for model in operation.response_models.values():
                    if model is not None and model is not Ellipsis:
                        yield from _models(model)
                for model in operation.models:
                    yield from _models(model)


def test_no_two_schema_classes_share_a_name() -> None:
    named: dict[str, set[str]] = {}
    for model in _operation_models():
        named.setdefault(model.__name__, set()).add(f"{model.__module__}.{model.__qualname__}")
    shared = {name: sorted(paths) for name, paths in named.items() if len(paths) > 1}
    assert named, "the API declares schemas"
    assert shared == {}


def test_the_result_page_promises_the_actions_it_returns() -> None:
    document = api.get_openapi_schema()
    detail = document["components"]["schemas"]["ResultDetailOut"]
    reference = detail["properties"]["actions"]["items"]["$ref"]
    action = document["components"]["schemas"][reference.rsplit("/", 1)[-1]]
    assert set(action["required"]) == {"title", "department", "result"}
