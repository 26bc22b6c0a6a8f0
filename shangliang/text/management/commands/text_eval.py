"""``manage.py text_eval --train FILE --test FILE``: the evaluation protocol of ``text.evaluation``.

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
    help = "评估相似诉求识别与类别推荐（JSON Lines 格式的训练集与测试集）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--train", required=True, help="训练集（JSON Lines）")
        parser.add_argument("--test", required=True, help="测试集（JSON Lines）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            train = evaluation.read_jsonl(options["train"])
            test = evaluation.read_jsonl(options["test"])
        except (OSError, ApplicationError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        keywords = category_keywords()
        if not keywords:
            raise CommandError("没有启用的诉求类别，请先在管理后台配置类别。")
        result = evaluation.evaluate(train, test, keywords)
        for key, value in result.items():
            self.stdout.write(f"{key:32} {value}")
        self.stdout.write(json.dumps(result, ensure_ascii=False))
