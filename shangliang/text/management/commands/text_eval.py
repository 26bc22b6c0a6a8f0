"""``manage.py text_eval``: the evaluation protocol of ``text.evaluation``.

- ``--train FILE --test FILE``: models trained on one file, figures of the other;
- ``--leave-communities-out FILE [--folds K]``: the file's communities dealt into K folds; each
  fold is tested with models trained on the others, every community once. The figures of each
  fold, their mean and worst fold, each beside a plain character-bigram TF-IDF baseline.

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shangliang.core.errors import ApplicationError
from shangliang.text import evaluation
from shangliang.text.selectors import category_keywords


class Command(BaseCommand):
    help = "评估相似诉求识别与类别推荐（JSON Lines 格式的训练集与测试集，或按社区留出的交叉评估）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--train", help="训练集（JSON Lines）")
        parser.add_argument("--test", help="测试集（JSON Lines）")
        parser.add_argument(
            "--leave-communities-out", dest="communities_out", help="按社区分折交叉评估的数据集（JSON Lines）"
        )
        parser.add_argument("--folds", type=int, default=5, help="社区分成几折（默认 5）")
        parser.add_argument(
            "--show-errors", action="store_true", help="列出误标为“很可能相同”的诉求对（查询、候选、概率）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["communities_out"]) == bool(options["train"] or options["test"]):
            raise CommandError("请给出 --train 与 --test，或只给出 --leave-communities-out。")
        if not options["communities_out"] and not (options["train"] and options["test"]):
            raise CommandError("--train 与 --test 须同时给出。")
        if options["folds"] < 2:
            raise CommandError("--folds 至少为 2。")
        keywords = category_keywords()
        if not keywords:
            raise CommandError("没有启用的诉求类别，请先在管理后台配置类别。")
        try:
            if options["communities_out"]:
                items = evaluation.read_jsonl(options["communities_out"])
                result = evaluation.leave_communities_out(items, keywords, folds=options["folds"])
                runs = [run["engine"] for run in result["folds"]]
            else:
                train = evaluation.read_jsonl(options["train"])
                test = evaluation.read_jsonl(options["test"])
                result = evaluation.evaluate(train, test, keywords)
                runs = [result]
        except (OSError, ApplicationError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        # The texts of the wrong flags are printed on request, never in the JSON line.
        errors = [run.pop("false_likely") for run in runs]
        if options["show_errors"]:
            for number, found in enumerate(errors, start=1):
                self._write_errors(number, found)
        if options["communities_out"]:
            self._write_folds(result)
        else:
            for key, value in result.items():
                self.stdout.write(f"{key:32} {value}")
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _write_errors(self, fold: int, errors: list[dict[str, Any]]) -> None:
        self.stdout.write(f"第{fold}折误标为“很可能相同”的 {len(errors)} 对：")
        for error in sorted(errors, key=lambda e: -e["probability"]):
            kind = "有前例" if error["earlier"] else "无前例"
            self.stdout.write(
                f"  {error['probability']:.3f} {kind}  {error['query']}  ||  {error['candidate']}"
            )

    def _write_folds(self, result: dict[str, Any]) -> None:
        names = evaluation.FOLD_FIGURES
        self.stdout.write("fold  communities" + "".join(f"  {n:>16}" for n in names))
        for number, run in enumerate(result["folds"], start=1):
            cells = "".join(f"  {run['engine'][n]:>7.3f} ({run['baseline'][n]:.3f})" for n in names)
            self.stdout.write(f"{number:<4}  {'、'.join(run['communities'])}  {cells}")
        for kind in ("mean", "worst"):
            summary = result["summary"]
            cells = "".join(
                f"  {summary['engine'][n][kind]:>7.3f} ({summary['baseline'][n][kind]:.3f})" for n in names
            )
            self.stdout.write(f"{kind:<5}  {cells}")
        self.stdout.write("（括号内为字符二元组 TF-IDF 基线）")
