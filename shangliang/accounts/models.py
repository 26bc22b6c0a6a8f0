from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from shangliang.core.roles import Role


class User(AbstractUser):
    """A person who signs in. Residents normally never do; they follow concerns by tracking code."""

    display_name = models.CharField("姓名", max_length=30, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.RESIDENT)
    region = models.ForeignKey(
        "places.Region",
        verbose_name="负责区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="数据范围：只能查看和办理该区域及下级区域的事项。系统管理员可留空。",
    )
    organisation = models.ForeignKey(
        "places.Organisation",
        verbose_name="所在单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    member = models.OneToOneField(
        "places.Member",
        verbose_name="对应政协委员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )
    phone = models.CharField("手机号", max_length=20, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_admin_role(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def role_label(self) -> str:
        return Role(self.role).label
