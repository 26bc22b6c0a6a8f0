"""Complaint concepts: words residents use for the same thing (停电 / 断电 / 没电 / 跳闸).

Pure functions, no database. Residents describe one problem in many words and a paraphrase often
shares no content word with the first report (邮局 / 邮政所, 积水 / 水浸 / 内涝). A concept is a
named group of such words; ``concept(word)`` maps a word to its concept key (``~停电``), and the
similarity profile, the pair model and the category model compare concepts where they compared
words.

``BUILTIN_CONCEPTS`` is the shipped table, written from the vocabulary of urban and village
complaints (the categories of a 12345 hotline); admins extend it in the ``Concept`` table (a row
with a built-in name adds words to it, an inactive one switches the built-in concept off) and
``load`` makes the merged table live in the process. Every concept word is also a dictionary term
of the segmenter (``segment``), so that 私拉电线 or 灯不亮 are kept whole.

Keep concepts narrow: one problem or one kind of place each. A word that belongs to two problems
(电线: 飞线 or a broken meter box) stays out, and so do words every complaint uses (坏了, 安全).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from shangliang.text.normalize import normalize

# Prefix of a concept key in word profiles and category features; words never start with it.
PREFIX = "~"

BUILTIN_CONCEPTS: dict[str, tuple[str, ...]] = {
    # 市政设施
    "路灯": (
        "路灯",
        "街灯",
        "路灯不亮",
        "黑灯瞎火",
        "黑漆漆",
        "黑乎乎",
        "黑咕隆咚",
        "漆黑",
        "照明",
    ),
    "井盖": ("井盖", "窨井", "窨井盖", "污水井", "雨水井", "检查井", "井口", "沙井", "沙井盖", "盖板"),
    "积水": (
        "积水",
        "内涝",
        "水浸",
        "水淹",
        "淹水",
        "被淹",
        "水浸街",
        "泡水",
        "排水不畅",
        "排水",
        "排水沟",
        "排水口",
        "下水道",
        "下水道口",
        "雨水口",
        "雨水篦子",
        "篦子",
        "疏通",
        "清掏",
    ),
    "路面破损": (
        "坑洼",
        "坑坑洼洼",
        "大坑",
        "坑",
        "大洞",
        "塌陷",
        "下沉",
        "沉降",
        "凹陷",
        "烂路",
        "破路",
        "颠簸",
        "凹凸不平",
    ),
    "人行道": ("人行道", "步道", "地砖", "砖块", "路砖", "盲道"),
    "护栏": ("护栏", "栏杆", "防护栏", "围栏", "扶手", "隔离栏"),
    "公厕": ("公厕", "厕所", "公共厕所", "卫生间", "洗手间", "茅房", "旱厕"),
    "健身设施": (
        "健身器材",
        "健身器",
        "漫步机",
        "扭腰器",
        "单杠",
        "双杠",
    ),
    "辐射": ("辐射", "电磁辐射", "电磁波"),
    "通信信号": ("信号", "基站", "没信号", "信号差", "网络", "上网", "宽带", "掉线", "4g", "5g", "通话"),
    "邮政": ("邮局", "邮政所", "邮电所", "邮政", "邮政网点", "营业网点"),
    # 环境卫生
    "垃圾": (
        "垃圾",
        "垃圾桶",
        "垃圾站",
        "垃圾箱",
        "垃圾房",
        "垃圾堆",
        "垃圾场",
        "垃圾池",
        "清运",
        "垃圾清运",
        "收垃圾",
        "乱扔",
        "乱倒",
        "乱丢",
        "废料",
        "建筑垃圾",
        "装修垃圾",
        "生活垃圾",
        "杂物",
        "堆放",
    ),
    "垃圾分类": ("垃圾分类", "分类", "混投", "投放点", "分类投放", "厨余"),
    "臭味": (
        "臭",
        "臭味",
        "异味",
        "恶臭",
        "馊味",
        "臭气",
        "臭烘烘",
        "臭气熏天",
        "难闻",
        "腥臭",
        "发臭",
    ),
    "虫鼠": ("老鼠", "蟑螂", "蚊子", "苍蝇", "蚊虫", "鼠患", "消杀", "灭鼠", "白蚁", "虫子"),
    "污水": ("污水", "脏水", "泔水", "粪水", "排污", "臭水沟", "废水", "污水横流"),
    "油烟": (
        "油烟",
        "油烟机",
        "排烟",
        "烟熏",
    ),
    "粪便": (
        "狗屎",
        "狗粪",
        "狗便便",
        "便便",
        "粪便",
        "屎",
        "鸟屎",
    ),
    "保洁": (
        "保洁",
        "打扫",
        "清扫",
        "扫地",
        "保洁员",
        "环卫",
        "环卫工",
        "清洁",
        "没人扫",
        "脏",
        "脏乱",
        "脏乱差",
    ),
    "焚烧": ("焚烧", "烧垃圾", "露天焚烧", "烧东西", "浓烟"),
    # 园林绿化
    "树木": (
        "树",
        "树木",
        "大树",
        "榕树",
        "行道树",
        "树枝",
        "树冠",
        "枝干",
        "树根",
        "树皮",
        "枯枝",
        "断枝",
        "树叶",
        "落叶",
    ),
    "修剪": (
        "修剪",
        "剪枝",
        "砍",
        "砍伐",
        "砍树",
    ),
    "绿地": (
        "草坪",
        "草地",
        "绿地",
        "绿化带",
        "花坛",
        "杂草",
        "树丛",
        "灌木",
        "绿篱",
        "绿化",
        "毁绿",
    ),
    # 物业管理
    "楼道灯": ("楼道灯", "声控灯", "楼梯灯", "感应灯"),
    "电梯": ("电梯", "升降机", "困人", "关人", "停梯", "坏梯", "电梯间"),
    "外墙": ("外墙", "瓷砖", "墙皮", "空鼓", "墙砖", "墙面", "外立面"),
    "漏水": (
        "漏水",
        "渗水",
        "渗漏",
        "滴水",
        "返潮",
        "防水",
    ),
    "门禁安保": ("门禁", "保安", "门岗", "监控", "摄像头", "小偷", "被盗", "失窃", "安保", "偷"),
    "物业": ("物业", "物业公司", "物业费", "管理处", "物管", "业委会", "业主大会", "维修资金", "物业服务"),
    # 消防安全
    "飞线充电": (
        "飞线",
        "飞线充电",
        "私拉电线",
        "拉电线",
        "私拉乱接",
        "拉线",
        "充电",
        "插线板",
        "接线板",
        "充电桩",
        "楼道充电",
    ),
    "电动车": ("电动车", "电瓶车", "电单车", "电动自行车", "电摩", "电动摩托", "电车", "电瓶"),
    "消防通道": ("消防通道", "生命通道", "安全出口", "逃生通道", "疏散通道"),
    "消防设施": ("消防栓", "消火栓", "灭火器", "消防设施", "消防水带", "喷淋", "烟感", "应急灯", "消防箱"),
    "火灾": ("火灾", "着火", "起火", "失火", "冒烟", "火苗", "山火", "火情", "烧起来"),
    "易燃物": (
        "液化气",
        "液化气罐",
        "煤气罐",
        "气罐",
        "钢瓶",
        "易燃",
        "易燃物",
        "危险品",
        "危化品",
    ),
    # 交通出行
    "公交": ("公交", "公交车", "巴士", "公车", "公交线路", "改线"),
    "公交站点": ("公交站", "站台", "站点", "停靠", "撤站", "撤销站点", "不停站", "候车亭"),
    "班次": ("班次", "发车", "车次", "末班车", "首班车", "间隔", "等车"),
    "违停": ("乱停", "违停", "乱停车", "乱停放", "乱停乱放", "停满", "占道停车", "违章停车", "堵门"),
    "车位": ("停车位", "车位", "停车场", "停车难", "车位费", "停车费"),
    "信号灯": ("红绿灯", "信号灯", "绿灯", "红灯", "交通灯", "黄灯"),
    "斑马线": ("斑马线", "人行横道", "过马路", "过街"),
    "拥堵": ("拥堵", "堵车", "塞车", "堵死", "堵", "拥挤", "水泄不通"),
    "大车": ("大货车", "货车", "泥头车", "渣土车", "大车", "重型车", "拖头", "搅拌车"),
    "废弃车": ("僵尸车", "废弃车", "报废车", "破车", "烂车", "废弃车辆", "长期停放", "拖走"),
    "共享单车": ("共享单车", "单车", "自行车", "共享电单车"),
    "减速带": ("减速带", "超速", "限速", "开快车", "车速"),
    # 噪音扰民
    "噪音": ("噪音", "噪声", "吵", "吵闹", "吵死", "扰民", "嘈杂", "声音大", "太吵", "很吵"),
    "广场舞": ("广场舞", "跳舞", "音响", "音箱", "大喇叭", "喇叭", "音乐", "唱歌", "卡拉ok", "k歌"),
    "施工": ("施工", "工地", "打桩", "电钻", "夜间施工", "装修", "切割", "搅拌机"),
    "狗叫": ("狗叫", "犬吠", "狗吠", "叫声", "乱叫"),
    "炸街": ("炸街", "改装", "轰鸣", "排气管", "飙车"),
    "外机": (
        "外机",
        "空调外机",
        "风机",
    ),
    "夜间": (
        "半夜",
        "凌晨",
        "深夜",
        "夜里",
        "通宵",
    ),
    # 医疗医保
    "医保": ("医保", "医保卡", "报销", "医保结算", "结算", "参保缴费", "门诊统筹", "自费"),
    "药品": ("药", "药品", "开药", "配药", "买药", "药房", "处方"),
    "缺货": ("缺货", "断货", "没货", "缺药", "断药", "断供", "缺货断货"),
    "基层医疗": (
        "社康",
        "卫生站",
        "卫生室",
        "卫生服务站",
        "卫生院",
        "社区医院",
        "诊所",
        "医院",
        "卫生服务中心",
        "门诊",
        "社康中心",
    ),
    "医生": ("医生", "医护", "护士", "大夫", "坐诊", "值班医生"),
    "疫苗": ("疫苗", "接种", "打针", "预防针", "打疫苗"),
    # 社会保障
    "养老金": ("养老金", "退休金", "养老保险", "退休", "资格认证"),
    "低保": ("低保", "救助", "困难户", "特困", "五保", "临时救助"),
    "津贴": ("高龄津贴", "津贴", "补贴", "补助", "高龄补贴", "生活补贴"),
    "未发放": (
        "没发",
        "停发",
        "未发放",
        "没到账",
        "未到账",
        "拖欠",
        "不发",
        "迟发",
        "断发",
        "没收到",
        "少发",
    ),
    "长者饭堂": ("长者饭堂", "老年饭堂", "老年食堂", "长者食堂", "助餐", "助餐点"),
    "日间照料": ("日间照料", "托老", "养老院", "敬老院", "照料中心", "托老所"),
    "残疾": ("残疾", "残疾人", "残联", "轮椅", "残疾证"),
    "社保": ("社保", "社保卡", "参保", "参保证明", "自助机", "自助终端", "社保机"),
    # 教育托育
    "学校": ("学校", "小学", "中学", "初中", "高中", "学位", "入学", "招生", "教室", "课室"),
    "幼儿园": ("幼儿园", "托儿所", "托育", "托管", "早教", "托育机构"),
    "补课": ("补课", "课外班", "辅导班", "培训班", "补习"),
    "接送": ("校车", "接送", "上学", "放学", "校门口"),
    # 市场监管
    "缺斤少两": ("鬼秤", "缺斤少两", "短斤少两", "缺秤", "秤", "公平秤", "少秤", "称重", "斤两"),
    "过期变质": ("过期", "过期食品", "变质", "临期", "保质期"),
    "价格": ("价格", "标价", "明码标价", "宰客", "天价", "价钱", "贵"),
    "收费": (
        "收费",
        "乱收费",
        "涨价",
        "上调",
        "收费标准",
        "费用",
        "多收",
    ),
    "预付卡": ("预付卡", "办卡", "充值", "会员卡", "年卡", "预付费", "会员", "储值卡"),
    "跑路": ("跑路", "卷款", "失联", "倒闭", "停业", "人去楼空", "暂停营业"),
    "开放时间": ("关门", "没人值班", "营业时间", "上班时间", "午休", "值班"),
    "预约": ("预约", "挂号", "排队", "排长队"),
    "退款": ("退款", "退费", "退卡", "退钱", "不给退", "不退"),
    "食品安全": ("食品安全", "健康证", "后厨", "拉肚子", "吃出", "食物中毒", "餐饮", "卫生许可"),
    "假冒": ("假货", "假冒", "以次充好", "山寨", "冒牌", "掺假"),
    "无证经营": ("无证", "无照", "营业执照", "无证经营", "黑作坊", "执照"),
    "摊贩": ("摊贩", "摊位", "小贩", "流动摊", "占道经营", "摆摊", "地摊", "流动摊贩"),
    # 水电气
    "停电": (
        "停电",
        "断电",
        "没电",
        "跳闸",
        "停了电",
        "限电",
        "供电",
    ),
    "停水": (
        "停水",
        "没水",
        "断水",
        "供水",
    ),
    "水质": ("水质", "发黄", "浑浊", "黄水", "沉淀", "锈水"),
    "燃气": ("燃气", "煤气", "天然气", "管道燃气", "漏气", "燃气味", "泄漏", "燃气公司"),
    "电表": ("电表", "电表箱", "电箱", "配电箱", "漏电", "电线裸露", "触电"),
    "水管": ("爆管", "水管", "水表", "管网"),
    # 其他
    "流浪动物": ("流浪狗", "流浪猫", "野狗", "野猫", "流浪动物", "狗咬人"),
    "诈骗": ("诈骗", "骗子", "上当", "电话诈骗", "骗钱", "受骗"),
    "办事": ("办事", "证明", "开证明", "窗口", "手续", "办事大厅", "办证"),
    "就业": ("失业", "失业登记", "就业", "找工作", "招工", "就业登记"),
}

# The merged table in this process: word → concept key.
_table: dict[str, str] = {}


def _build(concepts: Mapping[str, Iterable[str]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for name, words in concepts.items():
        key = PREFIX + name
        for word in words:
            word = normalize(word).replace(" ", "")
            if word:
                table.setdefault(word, key)
    return table


def merged(
    extra: Iterable[tuple[str, Iterable[str], bool]] = (),
) -> dict[str, tuple[str, ...]]:
    """The built-in concepts with admin rows applied: (name, words, active) adds the words to the
    concept of that name (a new one when there is none), or switches the concept off when inactive."""
    concepts: dict[str, tuple[str, ...]] = dict(BUILTIN_CONCEPTS)
    for name, words, active in extra:
        name = name.strip()
        if not name:
            continue
        if not active:
            concepts.pop(name, None)
            continue
        concepts[name] = (*concepts.get(name, ()), *words)
    return concepts


def load(concepts: Mapping[str, Iterable[str]]) -> bool:
    """Use ``concepts`` (name → words) as the table; returns True when it changed."""
    global _table, _generation
    table = _build(concepts)
    if table == _table:
        return False
    _table = table
    _generation += 1
    return True


# How many times the table has changed in this process: what was derived from it is stale when
# this differs from the generation it was derived under.
_generation = 0


def generation() -> int:
    return _generation


def words() -> tuple[str, ...]:
    """Every concept word of the live table (they are dictionary terms of the segmenter)."""
    return tuple(_table)


def concept(word: str) -> str | None:
    """The concept key (``~停电``) of a word, or None."""
    return _table.get(word)


def lookup() -> Callable[[str], str | None]:
    """``concept`` as the live table's own lookup, for loops over many words."""
    return _table.get


def key(word: str) -> str:
    """The concept key of a word, or the word itself."""
    return _table.get(word, word)


def of(word_list: Iterable[str]) -> set[str]:
    """The concept keys of the words (and of the two-character pieces of longer words)."""
    found: set[str] = set()
    get = _table.get
    for word in word_list:
        hit = get(word)
        if hit is not None:
            found.add(hit)
        elif len(word) > 2:
            for i in range(len(word) - 1):
                hit = get(word[i : i + 2])
                if hit is not None:
                    found.add(hit)
    return found


load(BUILTIN_CONCEPTS)
