"""Background work of the text engine (django-tasks). Tasks are thin: they call services."""

from __future__ import annotations

from django_tasks import task

from shangliang.text import services


@task()
def train_category_model() -> int:
    """Train the category model on the labelled concerns in the index; returns the sample count."""
    row = services.train_category_model()
    return row.samples if row is not None else 0


@task()
def reindex_documents() -> int:
    """Re-segment every indexed record (after the district dictionary changed)."""
    return services.reindex_all()


@task()
def retrain_models() -> int:
    """Train a candidate version of the models from staff decisions and promote it when it is not
    worse on their held-out slice; returns the new version's id (0 when too few decisions)."""
    from shangliang.text import learning_services

    row = learning_services.models_retrain()
    return row.pk if row is not None else 0
