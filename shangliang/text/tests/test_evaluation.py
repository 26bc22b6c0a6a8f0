import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from shangliang.text import baseline, classifier, evaluation, selectors
from shangliang.text.models import SearchDocument

# Six items in two communities. Cluster a: 1, 3, 5 (北湾 electric bikes); cluster b: 4, 6 (西街 lights);
# item 2 is a hard negative (same estate, stairwell light).
TEST_ITEMS = [
    {
        "id": "t1",
        "text": "北湾新村7栋有人拉电线给电动车充电",
        "cluster": "a",
        "category": "消防安全",
        "community": "北湾",
    },
    {
        "id": "t2",
        "text": "北湾新村7栋楼道灯坏了",
        "cluster": None,
        "category": "物业管理",
        "community": "北湾",
    },
    {
        "id": "t3",
        "text": "北湾新村七栋飞线给电动车充电",
        "cluster": "a",
        "category": "消防安全",
        "community": "北湾",
    },
    {"id": "t4", "text": "西街二巷路灯不亮", "cluster": "b", "category": "市政设施", "community": "西街"},
    {
        "id": "t5",
        "text": "7栋电动车充电的电线挂在窗外",
        "cluster": "a",
        "category": "消防安全",
        "community": "北湾",
    },
    {
        "id": "t6",
        "text": "西街二巷的路灯晚上全不亮",
        "cluster": "b",
        "category": "市政设施",
        "community": "西街",
    },
]
TRAIN_ITEMS = [
    {"id": "r1", "text": "电动车在楼道里充电", "cluster": None, "category": "消防安全", "community": "海景"},
    {"id": "r2", "text": "路灯坏了好几天", "cluster": None, "category": "市政设施", "community": "海景"},
]


def _write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_evaluate_on_a_hand_made_set(db, tmp_path):
    # given
    test = evaluation.read_jsonl(_write(tmp_path / "test.jsonl", TEST_ITEMS))
    train = evaluation.read_jsonl(_write(tmp_path / "train.jsonl", TRAIN_ITEMS))
    keywords = {"消防安全": "充电 电动车 飞线", "市政设施": "路灯 道路", "物业管理": "物业 楼道"}
    # when
    result = evaluation.evaluate(train, test, keywords)
    # then
    assert result["test_items"] == 6
    assert result["items_with_earlier_duplicate"] == 3
    assert result["recall_at_1"] == 1.0
    assert result["recall_at_5"] == 1.0
    assert result["mrr"] == 1.0
    assert result["category_top1"] == 1.0
    assert result["category_top3"] == 1.0
    assert SearchDocument.objects.count() == 0


def test_text_eval_command_prints_json_last(db, tmp_path, capsys):
    # given
    test = _write(tmp_path / "test.jsonl", TEST_ITEMS)
    train = _write(tmp_path / "train.jsonl", TRAIN_ITEMS)
    # when
    call_command("text_eval", "--train", str(train), "--test", str(test))
    # then
    last = capsys.readouterr().out.strip().splitlines()[-1]
    figures = json.loads(last)
    assert set(figures) >= {
        "recall_at_1",
        "recall_at_5",
        "mrr",
        "likely_precision",
        "likely_recall",
        "category_top1",
        "category_top3",
        "items_per_s",
    }
    assert figures["recall_at_1"] == 1.0


def test_text_eval_command_reports_bad_files(db, tmp_path):
    # given
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "x", "text": "路灯"}\nnot json\n', encoding="utf-8")
    # when / then
    with pytest.raises(CommandError, match="第1行缺少字段：community"):
        call_command("text_eval", "--train", str(broken), "--test", str(broken))
    with pytest.raises(CommandError):
        call_command("text_eval", "--train", str(tmp_path / "missing.jsonl"), "--test", str(broken))


def test_replay_groups_keep_communities_whole_and_file_order():
    # given: 250 items of five communities of 50, interleaved in the file
    items = [
        evaluation.Item(id=f"x{n}", text="", community="甲乙丙丁戊"[n % 5], cluster=None, category="")
        for n in range(250)
    ]
    # when
    groups = evaluation.replay_groups(items, folds=4)
    # then
    assert len(groups) == 4
    assert sorted(i.id for g in groups for i in g) == sorted(i.id for i in items)
    for group in groups:
        assert group == sorted(group, key=items.index)
    home = {i.community: n for n, g in enumerate(groups) for i in g}
    assert all(home[i.community] == n for n, g in enumerate(groups) for i in g)
    assert sorted(len(g) for g in groups) == [50, 50, 50, 100]


def test_community_folds_test_every_community_once_with_even_counts():
    # given: four communities of 5, 4, 3 and 2 items
    items = [
        evaluation.Item(id=f"{c}{n}", text="", community=c, cluster=None, category="")
        for c, size in (("甲", 5), ("乙", 4), ("丙", 3), ("丁", 2))
        for n in range(size)
    ]
    # when
    folds = evaluation.community_folds(items, 2)
    # then
    assert folds == [["甲", "丁"], ["乙", "丙"]]


def test_leave_communities_out_reports_engine_and_baseline_per_fold(db, tmp_path, monkeypatch):
    # given: the hand-made set and the train items, three communities
    items = evaluation.read_jsonl(_write(tmp_path / "all.jsonl", TEST_ITEMS + TRAIN_ITEMS))
    keywords = {"消防安全": "充电 电动车 飞线", "市政设施": "路灯 道路", "物业管理": "物业 楼道"}
    # the shipped texts include every community of the development set: a fold never reads them
    monkeypatch.setattr(classifier, "shipped_samples", lambda: pytest.fail("shipped texts read"))
    # when
    result = evaluation.leave_communities_out(items, keywords, folds=3)
    # then
    assert sorted(c for run in result["folds"] for c in run["communities"]) == ["北湾", "海景", "西街"]
    by_community = {run["communities"][0]: run for run in result["folds"]}
    assert by_community["北湾"]["engine"]["items_with_earlier_duplicate"] == 2
    assert by_community["北湾"]["engine"]["recall_at_1"] == 1.0
    assert by_community["北湾"]["baseline"]["items_with_earlier_duplicate"] == 2
    assert by_community["西街"]["baseline"]["recall_at_1"] == 1.0
    engine = result["summary"]["engine"]["recall_at_1"]
    assert engine["worst"] <= engine["mean"]
    assert set(result["summary"]["baseline"]) == set(evaluation.FOLD_FIGURES)
    assert SearchDocument.objects.count() == 0


def test_text_eval_command_leave_communities_out_prints_mean_and_worst(db, tmp_path, capsys):
    # given
    data = _write(tmp_path / "all.jsonl", TEST_ITEMS + TRAIN_ITEMS)
    # when
    call_command("text_eval", "--leave-communities-out", str(data), "--folds", "3")
    # then
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-4].startswith("mean")
    assert lines[-3].startswith("worst")
    assert set(json.loads(lines[-1])["summary"]) == {"engine", "baseline"}


def test_text_eval_command_needs_one_mode(db, tmp_path):
    # given
    data = _write(tmp_path / "all.jsonl", TEST_ITEMS)
    # when / then
    with pytest.raises(CommandError, match="只给出 --leave-communities-out"):
        call_command("text_eval", "--leave-communities-out", str(data), "--train", str(data))
    with pytest.raises(CommandError, match="同时给出"):
        call_command("text_eval", "--train", str(data))


def test_baseline_threshold_is_the_lowest_cosine_at_the_wanted_precision():
    # given: pairs best first: same, same, other, same, other, other
    pairs = [(0.9, True), (0.8, True), (0.7, False), (0.6, True), (0.5, False), (0.4, False)]
    # when / then
    assert baseline.likely_threshold(pairs, 0.75) == 0.6
    assert baseline.likely_threshold(pairs, 1.0) == 0.8
    assert baseline.likely_threshold([(0.3, False)], 0.9) == 1.0


def _hit(position: int, level: str, probability: float) -> selectors.SimilarHit:
    return selectors.SimilarHit(
        id=position,
        kind="concern",
        object_id=evaluation.OBJECT_BASE + position,
        title="",
        text="",
        community_id=None,
        category="",
        status="",
        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        score=0.5,
        shared_words=[],
        level=level,
        probability=probability,
    )


def test_false_likely_lists_the_flags_on_other_problems_only():
    # given: a lamp reported twice, then the lift of the same building
    test = [
        evaluation.Item(id="1", text="5栋楼道灯坏了", community="甲", cluster="灯", category=""),
        evaluation.Item(id="2", text="5栋声控灯不亮", community="甲", cluster="灯", category=""),
        evaluation.Item(id="3", text="5栋电梯坏了", community="甲", cluster=None, category=""),
    ]
    replayed = [
        (test[0], [], False),
        (test[1], [_hit(0, "likely", 0.95)], True),
        (test[2], [_hit(0, "likely", 0.91), _hit(1, "possible", 0.5)], False),
    ]
    # when
    found = evaluation.false_likely(replayed, test)
    # then
    assert found == [
        {"query": "5栋电梯坏了", "candidate": "5栋楼道灯坏了", "probability": 0.91, "earlier": False}
    ]
