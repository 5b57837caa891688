"""A synthetic but realistic 中工网 corpus: articles built from a vocabulary of real news words.

About half the articles come from union channels (工会, 权益, 全总, 劳模, 就业), where 工会 and
职工 are everywhere; the rest from general channels (时政, 财经, 企业, 民生, 国际, 文化, 健康,
体育), which mention unions now and then — the mix a crawl of 中工网 brings in. Deterministic
for a given seed; no network, no data files.
"""

from __future__ import annotations

import random

PLACES = ("北京市 上海市 天津市 重庆市 浙江省 江苏省 广东省 山东省 河南省 四川省 湖北省 湖南省 福建省 安徽省 河北省 "
          "山西省 陕西省 辽宁省 吉林省 黑龙江省 江西省 云南省 贵州省 甘肃省 青海省 海南省 杭州市 宁波市 温州市 "
          "南京市 苏州市 无锡市 广州市 深圳市 东莞市 济南市 青岛市 郑州市 成都市 武汉市 长沙市 福州市 厦门市 合肥市 "
          "石家庄市 太原市 西安市 沈阳市 大连市 长春市 哈尔滨市 南昌市 昆明市 贵阳市 兰州市 西宁市 海口市").split()
TIMES = ("近日 日前 今年以来 连日来 5月20日 上半年 去年 近年来 新春佳节前夕 五一前夕 年初 目前 截至目前 "
         "本月 “十四五”以来 近期 国庆节前夕 10月12日 3月8日 今年一季度").split()
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "国欣明华军伟芳娜敏静丽强磊洋艳勇杰娟涛超秀霞平刚桂英兰方维晓东红玲丹鹏飞宇浩然振兴建新春梅"
SOURCES = ["工人日报"] * 6 + ["中工网"] * 4 + ["新华社"] * 3 + ["人民日报", "浙江工人日报", "劳动午报", "南方工报",
                                                              "四川工人日报", "央视新闻", "中国新闻网", None]

UNION = {
    "subjects": ("全国总工会 省总工会 市总工会 区总工会 县总工会 基层工会 企业工会 工会组织 各级工会 产业工会 "
                 "工会干部 职工代表 一线职工 广大职工 农民工 劳动模范 产业工人 技术工人 新就业形态劳动者 "
                 "快递员 外卖骑手 网约车司机 货车司机 女职工 困难职工 工会会员 职工群众 劳模工匠").split(),
    "verbs": ("开展 举办 推动 组织 深化 落实 启动 加强 完善 部署 推进 建立 实施 探索 创新 助力 保障 维护 "
              "服务 引导 表彰 慰问 帮扶 参与 召开 健全").split(),
    "objects": ("劳动竞赛 技能竞赛 职业技能培训 职工书屋 安全生产 工匠精神 劳模精神 法律援助 集体协商 "
                "工资集体协商 职工代表大会 厂务公开 困难职工帮扶 送温暖活动 金秋助学 职工权益 合法权益 "
                "劳动合同 劳动关系 职业病防治 户外劳动者服务站点 爱心驿站 职工之家 心理健康服务 "
                "产业工人队伍建设改革 技能人才培养 创新工作室 普惠服务 会员服务 入会工作 建会入会 "
                "工会法 劳动法 欠薪问题 讨薪维权 职工医疗互助 职工疗休养 一线职工慰问 “安康杯”竞赛").split(),
    "clauses": ("切实维护职工合法权益 不断增强职工群众获得感 推动工会工作高质量发展 激发职工创新创造活力 "
                "为职工群众办实事解难题 让劳动者体面劳动全面发展 营造尊重劳动崇尚技能的良好氛围 "
                "把党的关怀送到职工心坎上 着力解决职工急难愁盼问题 发挥工会组织桥梁纽带作用 "
                "吸引更多新就业形态劳动者加入工会 提升职工技能素质 筑牢安全生产防线").split(),
}
GENERAL = {
    "subjects": ("有关部门 地方政府 相关企业 科研团队 专家学者 市场监管部门 交通运输部门 教育部门 卫生健康部门 "
                 "金融机构 民营企业 国有企业 制造业企业 外贸企业 社区 居民 消费者 游客 运动员 学生 "
                 "志愿者 文艺工作者 农业农村部门 生态环境部门").split(),
    "verbs": ("发布 推出 出台 举行 召开 完成 实现 提升 扩大 加快 优化 促进 稳定 支持 鼓励 规范 "
              "建设 发展 升级 培育 打造 增长 下降 回升 释放").split(),
    "objects": ("经济运行 消费市场 外贸进出口 产业升级 科技创新 数字经济 营商环境 乡村振兴 文化旅游 "
                "公共服务 医疗保障 养老服务 基础设施 新能源汽车 人工智能 绿色发展 生态保护 交通出行 "
                "住房保障 就业岗位 高校毕业生就业 稳岗扩岗 职业教育 文艺演出 体育赛事 全民健身 "
                "粮食生产 物价水平 居民收入 社会保障 安全生产 食品安全 防汛抗旱 国际合作 对外开放").split(),
    "clauses": ("为经济社会发展注入新动能 更好满足人民群众需求 推动高质量发展取得新成效 "
                "进一步提振市场信心 持续改善民生福祉 助力构建新发展格局 守住安全底线 "
                "不断增强人民群众的获得感幸福感安全感 促进区域协调发展 保持经济平稳运行").split(),
}
CHANNELS = [  # (channel, weight, vocabulary, chance of one sentence from the other vocabulary)
    ("工会", 20, UNION, 0.1), ("权益", 10, UNION, 0.2), ("全总", 6, UNION, 0.1), ("劳模", 5, UNION, 0.2),
    ("就业", 7, UNION, 0.6), ("时政", 12, GENERAL, 0.15), ("财经", 8, GENERAL, 0.05), ("企业", 7, GENERAL, 0.2),
    ("民生", 8, GENERAL, 0.15), ("国际", 5, GENERAL, 0.0), ("文化", 6, GENERAL, 0.05), ("健康", 3, GENERAL, 0.1),
    ("体育", 3, GENERAL, 0.0),
]
ON_TOPIC = 0.8  # share of subjects, objects and clauses drawn from the article's own two topics
TEMPLATES = [
    "{time}，{place}{subject}{verb}{object}，{clause}。",
    "{subject}{verb}{object}{n}项，覆盖{place}{n2}万余人。",
    "{time}，{subject}在{place}{verb}{object}工作推进会。",
    "据介绍，{place}{subject}已{verb}{object}{n}个，{clause}。",
    "“{verb}{object}，{clause}。”{name}说。",
    "{subject}表示，将继续{verb}{object}，{clause}。",
    "在{place}，{subject}围绕{object}{verb}了一系列活动。",
    "截至{month}月底，{place}累计{verb}{object}{n}次，惠及{subject}{n2}万人次。",
]
TITLES = [
    "{place}{subject}{verb}{object}", "{verb}{object} {clause}", "{subject}：{verb}{object}",
    "{place}{verb}{object}{n}项", "{object}“{verb}”有了新举措",
]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _fill(template: str, rng: random.Random, vocab: dict, topic: dict) -> str:
    def pick(key):
        if key in topic and rng.random() < ON_TOPIC:
            return rng.choice(topic[key])
        return rng.choice(vocab[key])

    return template.format(
        time=rng.choice(TIMES), place=rng.choice(PLACES), subject=pick("subjects"), verb=pick("verbs"),
        object=pick("objects"), clause=pick("clauses"), n=rng.randint(2, 300), n2=rng.randint(1, 99),
        month=rng.randint(1, 12), name=_name(rng))


def article(i: int, seed: int = 1) -> dict:
    """Article number i of the corpus (independent of the others: generate in any order)."""
    rng = random.Random(seed * 1_000_003 + i)
    channel, _, vocab, cross = rng.choices(CHANNELS, weights=[c[1] for c in CHANNELS])[0]
    topic = {key: rng.sample(vocab[key], 2) for key in ("subjects", "objects", "clauses")}
    paragraphs = [
        "".join(_fill(rng.choice(TEMPLATES), rng, vocab, topic) for _ in range(rng.randint(2, 5)))
        for _ in range(rng.randint(4, 10))
    ]
    if rng.random() < cross:  # a general story quoting a union, or the other way round
        other = GENERAL if vocab is UNION else UNION
        paragraphs.insert(rng.randrange(len(paragraphs)), _fill(rng.choice(TEMPLATES), rng, other, {}))
    year, month, day = rng.randint(2015, 2024), rng.randint(1, 12), rng.randint(1, 28)
    hour, minute = rng.randint(6, 22), rng.randint(0, 59)
    timed = rng.random() < 0.85
    return {
        "url": f"https://www.workercn.cn/c/{year}-{month:02d}-{day:02d}/{8_000_000 + i}.shtml",
        "title": _fill(rng.choice(TITLES), rng, vocab, topic),
        "body": "\n".join(paragraphs),
        "site": "中工网",
        "channel": channel,
        "published_at": f"{year}-{month:02d}-{day:02d}" + (f"T{hour:02d}:{minute:02d}:00+08:00" if timed else ""),
        "source": rng.choice(SOURCES),
        "authors": [_name(rng) for _ in range(rng.choice((0, 1, 1, 2, 2, 3)))],
        "editors": [_name(rng)] if rng.random() < 0.9 else [],
        "images": [],
        "extractor_version": "bench",
    }
