"""Category keywords that follow the boundary conventions of the categories (12345 practice):
public toilets are cleaned under 环境卫生, street parking spaces, shared bikes and abandoned cars
are 交通出行, mobile signal and operators (no municipal facility) go under 其他, food hygiene of
shops and prepaid cards of gyms are 市场监管, the meter box and transformer are 水电气. A category
whose keywords an admin already edited keeps them."""

import importlib

from django.db import migrations

KEYWORDS = {
    "市政设施": "路灯 灯不亮 道路 路面 马路 坑洼 大坑 坑 井盖 下水道 护栏 栏杆 排水 排水沟 积水 水淹 内涝 人行道 地砖 砖 桥 台阶 路牙 窨井 雨水口 塌陷 下沉 健身器材 栈道 设施 破损 维修",
    "环境卫生": "垃圾 清运 垃圾桶 垃圾站 垃圾分类 混投 建筑垃圾 偷倒 卫生 臭 臭味 异味 苍蝇 蚊子 蚊虫 消杀 老鼠 蟑螂 污水 泔水 油污 油烟 狗屎 粪便 脏 乱扔 乱倒 焚烧 烟尘 保洁 清扫 打扫 废品 堆放 公厕 厕所 公测 公共厕所 化粪池",
    "园林绿化": "树 树木 大树 榕树 行道树 椰子树 椰果 树枝 树冠 枝干 树根 修剪 砍伐 倒伏 绿化 绿化带 绿篱 灌木 草坪 草地 绿地 花坛 枯死 补种 挡视线 落叶 园林 毁绿",
    "物业管理": "物业 物业费 物业公司 物业服务 电梯 困人 楼道 楼道灯 外墙 瓷砖 空鼓 门禁 保安 业主 业委会 业主大会 维修资金 车库 地下车库 漏水 渗水 小区管理 报修 单元门 监控",
    "消防安全": "消防 消防通道 消防车通道 生命通道 消防栓 消火栓 灭火器 应急灯 烟感 飞线 飞线充电 私拉电线 拉电线 电动车 电瓶车 充电 插座 火灾 着火 山火 液化气 煤气罐 气罐 柴油 油桶 易燃 安全隐患 堵塞通道",
    "交通出行": "公交 公交车 公交站 站台 班次 线路 停车 停车位 车位 乱停 违停 红绿灯 红路灯 信号灯 斑马线 拥堵 堵车 超速 货车 大货车 泥头车 渣土车 僵尸车 废弃车 报废车 共享单车 单车 车辆 出行 减速带 路口 通行 占道",
    "噪音扰民": "噪音 噪声 吵 吵闹 扰民 音响 喇叭 大喇叭 广场舞 施工 装修 半夜 凌晨 狗叫 叫声 轰鸣 炸街 外机 嗡嗡 响 划拳 音乐 ktv 睡不着",
    "医疗医保": "医保 医保卡 医院 卫生室 卫生站 卫生院 卫生服务站 社康 诊所 医生 看病 开药 药 缺药 断货 胰岛素 疫苗 接种 报销 结算 就医 异地就医 住院 体检 挂号 门诊 慢性病",
    "社会保障": "养老金 养老 养老保险 低保 补贴 津贴 高龄 高龄津贴 残疾 残疾人 救助 长者饭堂 老年食堂 助餐 日间照料 社保 社保卡 参保 失业 失业登记 就业 老人 孤寡 困难户 退休 独居",
    "教育托育": "学校 小学 中学 幼儿园 学位 托育 托儿所 上学 放学 入学 招生 教师 老师 校车 学生 教育 培训 补课 网课 课后 接送",
    "市场监管": "市场 菜市场 鬼秤 缺斤少两 短斤少两 公平秤 秤 过期 过期食品 变质 食品 食品安全 餐饮 后厨 健康证 拉肚子 价格 明码标价 标价 宰客 时价 强买强卖 预付卡 办卡 会员卡 退卡 跑路 退款 假货 检疫 商家 摊贩 摊位 冒充 以次充好 无证经营",
    "水电气": "停电 断电 没电 跳闸 停水 没水 水压 水压小 自来水 水质 发黄 浑浊 电压 变压器 电表 电表箱 漏电 燃气 煤气 漏气 燃气味 电费 水费 燃气费 供电 供水 电网 水管 热水器",
    "其他": "其他 流浪狗 流浪猫 野狗 宗祠 村务 公开 证明 开证明 办事 窗口 咨询 服务中心 办事大厅 材料 信号 手机信号 基站 运营商 诈骗 骗子",
}


def update(apps, schema_editor):
    Category = apps.get_model("text", "Category")
    previous = importlib.import_module("shangliang.text.migrations.0004_richer_category_keywords")
    for name, keywords in KEYWORDS.items():
        Category.objects.filter(name=name, keywords=previous.KEYWORDS.get(name, "")).update(keywords=keywords)


def revert(apps, schema_editor):
    Category = apps.get_model("text", "Category")
    previous = importlib.import_module("shangliang.text.migrations.0004_richer_category_keywords")
    for name, keywords in KEYWORDS.items():
        Category.objects.filter(name=name, keywords=keywords).update(keywords=previous.KEYWORDS.get(name, ""))


class Migration(migrations.Migration):
    dependencies = [("text", "0006_concepts")]

    operations = [migrations.RunPython(update, revert)]
