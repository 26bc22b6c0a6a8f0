import json

import pytest
from django.core.management import CommandError, call_command

from shangliang.text import evaluation
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


def test_replay_groups_keep_clusters_whole_and_file_order():
    # given: 120 clustered items (30 clusters of 4) and 130 stand-alone ones
    items = [
        evaluation.Item(
            id=f"x{n}", text="", community="c", cluster=f"k{n % 30}" if n < 120 else None, category=""
        )
        for n in range(250)
    ]
    # when
    groups = evaluation.replay_groups(items)
    # then
    assert len(groups) == 2
    assert sorted(i.id for g in groups for i in g) == sorted(i.id for i in items)
    for group in groups:
        assert group == sorted(group, key=items.index)
    home = {i.cluster: n for n, g in enumerate(groups) for i in g if i.cluster}
    assert all(home[i.cluster] == n for n, g in enumerate(groups) for i in g if i.cluster)
