from __future__ import annotations

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
