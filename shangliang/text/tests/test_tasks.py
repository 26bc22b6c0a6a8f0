import datetime as dt

from shangliang.text import selectors, services, tasks
from shangliang.text.models import ClassifierModel

BASE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _history(n: int) -> None:
    texts = [("楼上装修电钻声吵死了", "噪音扰民"), ("小区门口流浪猫太多", "其他")]
    services.index_documents(
        services.DocumentInput(
            kind="concern", object_id=i, text=texts[i % 2][0], category=texts[i % 2][1], created_at=BASE
        )
        for i in range(n)
    )


def test_training_waits_for_enough_history(db):
    # given
    _history(services.MIN_TRAINING_SAMPLES - 1)
    # when
    result = tasks.train_category_model.enqueue()
    # then
    assert result.return_value == 0
    assert ClassifierModel.objects.count() == 0


def test_training_stores_an_active_model_used_by_suggestions(db):
    # given
    _history(services.MIN_TRAINING_SAMPLES)
    # when
    result = tasks.train_category_model.enqueue()
    # then
    model = ClassifierModel.objects.get()
    assert result.return_value == 100
    assert model.active is True
    assert model.holdout_top1 == 1.0
    assert selectors.suggest_category("小区门口流浪猫")[0].name == "其他"


def test_reindex_task(db):
    # given
    _history(3)
    # when
    result = tasks.reindex_documents.enqueue()
    # then
    assert result.return_value == 3
