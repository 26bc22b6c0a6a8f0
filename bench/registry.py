"""Named measurements. A capability adds its own with ``register_endpoint`` (an HTTP endpoint
measured under gunicorn against the bare view) and/or ``register_inprocess`` (a callable timed
in the loading process). Each gets ``<name>_p50_ms`` / ``<name>_p99_ms`` and, for endpoints,
``<name>_rps`` and ``<name>_ratio`` in the final JSON line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Endpoint:
    name: str
    # Given the bench context, the list of request paths (with query strings) wrk cycles through.
    paths: Callable[[Any], list[str]]
    authenticated: bool = False
    # When given: the endpoint is a form POST, wrk cycles through these url-encoded bodies (each
    # request gets a unique suffix and the CSRF token), the paths being the form's URLs.
    bodies: Callable[[Any], list[str]] | None = None


@dataclass(frozen=True)
class InProcess:
    name: str
    # Given the bench context, a list of zero-argument calls; each is timed once.
    calls: Callable[[Any], list[Callable[[], object]]]


ENDPOINTS: dict[str, Endpoint] = {}
IN_PROCESS: dict[str, InProcess] = {}
# Loaders run after the text documents are indexed (later capabilities load their own rows).
LOADERS: dict[str, Callable[[Any], dict[str, float]]] = {}


def register_endpoint(endpoint: Endpoint) -> None:
    ENDPOINTS[endpoint.name] = endpoint


def register_inprocess(measure: InProcess) -> None:
    IN_PROCESS[measure.name] = measure


def register_loader(name: str, loader: Callable[[Any], dict[str, float]]) -> None:
    LOADERS[name] = loader
