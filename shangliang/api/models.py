"""Access tokens for integrations (a district's 12345 system, a city platform): issued per
organisation by an administrator, each acting as one account of that organisation (so it sees what
that account sees, through the same selectors) and limited to the endpoints in its scopes. Only a
hash of the token is stored; the token itself is shown once, when it is created."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models

SCOPES: dict[str, str] = {
    "topics": "议题",
    "meetings": "协商议事会",
    "actions": "交办单",
}
PREFIX_LENGTH = 8


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token and its public prefix ("sl_" + 8 characters, shown in lists to tell tokens apart)."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    return f"sl_{prefix}_{secrets.token_urlsafe(32)}", prefix


class ApiToken(models.Model):
    organisation = models.ForeignKey(
        "places.Organisation", verbose_name="单位", on_delete=models.PROTECT, related_name="api_tokens"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代表账号",
        on_delete=models.PROTECT,
        related_name="api_tokens",
        help_text="令牌以这个账号的身份访问，能看到的数据与该账号在网站上相同。",
    )
    name = models.CharField("用途", max_length=60)
    scopes = models.CharField("可用接口", max_length=100, help_text="逗号分隔：topics, meetings, actions")
    prefix = models.CharField("令牌前缀", max_length=PREFIX_LENGTH, unique=True, editable=False)
    key_hash = models.CharField("令牌摘要", max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True, editable=False)
    # The issuing form's one-time value: the same form sent twice issues one token.
    client_token = models.CharField("提交标识", max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client_token"],
                condition=~models.Q(client_token=""),
                name="api_token_client_token_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.name}（sl_{self.prefix}…）"

    @property
    def scope_list(self) -> list[str]:
        return [s.strip() for s in self.scopes.split(",") if s.strip()]

    @property
    def scope_labels(self) -> list[str]:
        return [SCOPES.get(s, s) for s in self.scope_list]
