"""The shipped category keywords become a small prior of general words: each category's name and
the common terms of its 12345 heading. The earlier lists held words of the development set's own
texts (its typos 公测 and 红路灯, its coconut trees, ancestral hall, insulin, drinking games, humming
units, 时价 seafood …), which the category figures then rewarded on that file alone (ADR 14). What
the model knows of residents' wording comes from its training texts (``classifier``). A category
whose keywords an admin already edited keeps them."""

import importlib

from django.db import migrations

KEYWORDS = {
    "市政设施": "市政设施 市政 设施 路灯 道路 路面 井盖 下水道 护栏 排水 积水 人行道 桥梁 破损 维修",
    "环境卫生": "环境卫生 环境 卫生 垃圾 垃圾桶 清运 保洁 清扫 臭味 异味 污水 蚊虫 老鼠 脏乱",
    "园林绿化": "园林绿化 园林 绿化 树木 绿化带 草坪 花坛 绿地 修剪 枯死 补种",
    "物业管理": "物业管理 物业 物业费 物业公司 小区 业主 业委会 电梯 楼道 门禁 保安 报修",
    "消防安全": "消防安全 消防 消防通道 消防栓 灭火器 火灾 安全隐患 电动车 充电 易燃",
    "交通出行": "交通出行 交通 出行 公交 公交车 公交站 停车 停车位 违停 红绿灯 斑马线 拥堵 车辆 道路交通",
    "噪音扰民": "噪音扰民 噪音 噪声 扰民 吵闹 施工 装修 半夜 音响",
    "医疗医保": "医疗医保 医疗 医保 医院 诊所 医生 看病 药品 疫苗 报销 就医 挂号",
    "社会保障": "社会保障 社保 养老金 养老 低保 补贴 救助 残疾人 老年人 退休 就业",
    "教育托育": "教育托育 教育 托育 学校 幼儿园 小学 中学 学位 学生 老师 入学 托儿所",
    "市场监管": "市场监管 市场 商家 价格 食品安全 食品 过期 缺斤少两 假货 消费 预付卡 无证经营",
    "水电气": "水电气 停电 停水 供电 供水 燃气 自来水 水压 水质 电费 水费",
    "其他": "其他 咨询 办事 证明",
}


def _previous() -> dict[str, str]:
    return importlib.import_module("shangliang.text.migrations.0007_category_keywords_by_convention").KEYWORDS


def update(apps, schema_editor):
    Category = apps.get_model("text", "Category")
    previous = _previous()
    for name, keywords in KEYWORDS.items():
        Category.objects.filter(name=name, keywords=previous[name]).update(keywords=keywords)


def revert(apps, schema_editor):
    Category = apps.get_model("text", "Category")
    previous = _previous()
    for name, keywords in KEYWORDS.items():
        Category.objects.filter(name=name, keywords=keywords).update(keywords=previous[name])


class Migration(migrations.Migration):
    dependencies = [("text", "0011_term_counts_without_pattern_index")]

    operations = [migrations.RunPython(update, revert)]
