"""Issue an integration token from the command line (a deployment script, the API's schema check):
the same service as the administrators' page, acting as a named administrator; prints the token."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shangliang.accounts.models import User
from shangliang.api import services
from shangliang.api.models import SCOPES
from shangliang.core.scope import scope_of


class Command(BaseCommand):
    help = "创建接口令牌（以指定管理员的身份），只输出令牌本身。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="令牌代表的账号（须属于某个单位）")
        parser.add_argument("--by", required=True, help="创建令牌的系统管理员账号")
        parser.add_argument("--name", default="命令行创建", help="用途")
        parser.add_argument("--scopes", default=",".join(SCOPES), help=f"逗号分隔：{','.join(SCOPES)}")

    def handle(self, *args: Any, **options: Any) -> None:
        user = (
            User.objects.filter(username=options["username"], is_active=True)
            .select_related("organisation")
            .first()
        )
        actor = User.objects.filter(username=options["by"], is_active=True).first()
        if user is None or actor is None:
            raise CommandError("账号不存在或已停用。")
        if user.organisation is None:
            raise CommandError("令牌代表的账号必须属于某个单位。")
        scopes = [s.strip() for s in options["scopes"].split(",") if s.strip()]
        unknown = sorted(set(scopes) - set(SCOPES))
        if unknown or not scopes:
            raise CommandError(f"可用接口只能是 {','.join(SCOPES)}。")
        token, _ = services.token_issue(
            organisation=user.organisation,
            user=user,
            name=options["name"],
            scopes=scopes,
            scope=scope_of(actor),
            actor=actor,
        )
        self.stdout.write(token)
