from __future__ import annotations

from django.conf import settings
from django.db import models


class Grain(models.TextChoices):
    DAY = "day", "日"
    MONTH = "month", "月"


class Rollup(models.Model):
    """One figure's count (or sum) for one region, one day or month, one key and one dimension value.

    ``dimension`` is "" for the row counting everything; otherwise the row counts only the records
    whose ``dimension`` (source, category, form, committee) equals ``dimension_value``. ``region``
    is the record's community (or the coarser region it was recorded in); a grid folds into its
    community. Rows are rebuilt by ``reports.rollups.refresh``, never edited."""

    figure = models.CharField("指标", max_length=40)
    grain = models.CharField("粒度", max_length=5, choices=Grain.choices)
    period_start = models.DateField("起始日期")
    region_id = models.PositiveBigIntegerField("区域编号", null=True)
    region_path = models.CharField("区域路径", max_length=255)
    key = models.CharField("分项", max_length=40, blank=True)
    dimension = models.CharField("维度", max_length=12, blank=True)
    dimension_value = models.CharField("维度取值", max_length=40, blank=True)
    value = models.BigIntegerField("数值")

    class Meta:
        verbose_name = "统计汇总"
        verbose_name_plural = "统计汇总"
        indexes = [
            models.Index(
                fields=["grain", "dimension", "figure", "period_start", "region_path"],
                name="rollup_read_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.figure} {self.period_start} {self.key} = {self.value}"


class RollupState(models.Model):
    """Singleton: the last day the rollups cover (days after it are counted live)."""

    refreshed_through = models.DateField("已汇总至", null=True)
    refreshed_at = models.DateTimeField("汇总时间", null=True)

    class Meta:
        verbose_name = "汇总状态"
        verbose_name_plural = "汇总状态"

    def __str__(self) -> str:
        return f"已汇总至 {self.refreshed_through}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "生成失败"


class ExportJob(models.Model):
    """A workbook written in the background (``reports.tasks.run_export``) for the person who asked:
    the records of one dataset (or the statistics tables) with their filters. The file is stored
    under a random name and served only to its owner (``reports.views.export_job_download``)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.CASCADE, related_name="+"
    )
    dataset = models.CharField("数据", max_length=20)
    label = models.CharField("名称", max_length=60)
    path_prefix = models.CharField("区域路径", max_length=255, blank=True)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    breakdown = models.CharField("分类统计", max_length=20, blank=True)
    full = models.BooleanField("含完整联系电话", default=False)
    status = models.CharField(
        "状态", max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveIntegerField("已写入行数", default=0)
    total = models.PositiveIntegerField("总行数", null=True, blank=True)
    file = models.CharField("文件", max_length=200, blank=True)  # the stored name, random
    filename = models.CharField("下载文件名", max_length=120)
    error = models.CharField("失败原因", max_length=200, blank=True)
    # The requesting form's one-time value: the same form sent twice starts one export.
    client_token = models.CharField("提交标识", max_length=64, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台导出"
        verbose_name_plural = "后台导出"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "client_token"],
                condition=~models.Q(client_token=""),
                name="export_job_client_token_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label}（{self.get_status_display()}）"

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.progress * 100 // self.total)
