"""The 13 concern categories with keywords for the fallback suggestion (admins edit them later)."""

from django.db import migrations

CATEGORIES = [
    ("市政设施", "路灯 道路 路面 坑洼 井盖 护栏 栏杆 排水 积水 下水道 水淹 人行道 地砖 桥 公厕 厕所 信号 基站 设施 破损 维修"),
    ("环境卫生", "垃圾 清运 垃圾桶 卫生 臭 异味 苍蝇 老鼠 污水 泔水 油污 狗屎 粪便 脏 乱扔 焚烧 烟尘 保洁"),
    ("园林绿化", "树 树木 榕树 椰子树 树枝 修剪 砍伐 绿化 绿化带 草坪 花坛 枯死 倒伏 树冠 挡视线 公园"),
    ("物业管理", "物业 物业费 电梯 楼道 外墙 门禁 保安 业主 业委会 维修资金 车库 小区 漏水 渗水 停车位 管理"),
    ("消防安全", "消防 消防通道 消防栓 消火栓 灭火器 飞线充电 私拉电线 电动车 充电 火灾 液化气 煤气罐 安全隐患"),
    ("交通出行", "公交 公交站 停车 乱停 红绿灯 斑马线 拥堵 超速 货车 泥头车 渣土车 僵尸车 堵车 车辆 出行 减速带"),
    ("噪音扰民", "噪音 吵 扰民 音响 喇叭 广场舞 施工 装修 半夜 凌晨 狗叫 轰鸣 炸街 外机 响"),
    ("医疗医保", "医保 医院 卫生室 卫生站 社康 诊所 医生 看病 药 缺药 疫苗 报销 结算 就医 体检"),
    ("社会保障", "养老金 养老 低保 补贴 津贴 高龄 残疾 救助 长者饭堂 日间照料 社保 失业 老人 困难 退休"),
    ("教育托育", "学校 幼儿园 学位 托育 托儿所 上学 入学 教师 校车 孩子 课 学生 教育 培训"),
    ("市场监管", "市场 鬼秤 缺斤少两 过期 食品 价格 明码标价 宰客 预付卡 跑路 退款 假货 检疫 商家 摊贩"),
    ("水电气", "停电 停水 水压 自来水 水质 发黄 电压 燃气 煤气 漏气 电费 水费 燃气费 供电 供水 电网"),
    ("其他", "其他 流浪狗 流浪猫 宗祠 村务 公开 证明 办事 窗口 咨询"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("text", "Category")
    for order, (name, keywords) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(name=name, defaults={"keywords": keywords, "sort_order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("text", "0002_fulltext")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
