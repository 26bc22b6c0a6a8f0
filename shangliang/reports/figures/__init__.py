"""The figure registry: ``REGISTRY`` holds every figure once ``definitions`` is imported."""

from shangliang.reports.figures import definitions
from shangliang.reports.figures.base import BREAKDOWNS, DIMENSIONS, REGISTRY, Fact, Figure

__all__ = ["BREAKDOWNS", "DIMENSIONS", "REGISTRY", "Fact", "Figure", "definitions"]
