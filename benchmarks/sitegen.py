"""A generated 宜兴-style news column for the crawl benchmark (``generate(root)``).

List pages ``/yxzx/index.html``, ``index_1.html`` … (TRS pager script plus a 下一页 link,
20 links each) lead to article pages ``/doc/YYYY/MM/DD/NNNNNNN.shtml`` in the markup of
demo/site. Article texts are recombined from sentence templates written here: signings
with investment amounts, visits by partner groups, projects breaking ground, promotion
trips, and plain government news (meetings, weather, culture) that must not raise a lead,
so the classifier has real work to do. Deterministic for a given seed.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

PER_PAGE = 20
COLUMN = "/yxzx"

PARKS = (
    "宜兴经济技术开发区",
    "宜兴高新技术产业开发区",
    "宜兴环保科技工业园",
    "丁蜀镇",
    "和桥镇",
    "官林镇",
    "徐舍镇",
    "张渚镇",
    "高塍镇",
    "屺亭街道",
    "新街街道",
)
PARTNERS = (
    "国投集团",
    "中国商飞",
    "国家电投",
    "中国电科",
    "中国电信",
    "中国移动",
    "国药集团",
    "中国建材",
    "中科院",
    "中国航天电子技术研究院",
    "中国电子工程设计院",
    "首发集团",
    "招商局集团",
    "国家能源集团",
    "中国联通",
)
# (industry as named in the text, what a project makes, a word for company names)
INDUSTRIES = (
    ("新型储能", "储能电池模组及系统集成产品", "储能"),
    ("低空经济", "工业级无人机整机和飞控系统", "航空"),
    ("合成生物", "生物基材料和精准发酵产品", "生物"),
    ("医疗器械", "高端医学影像设备和体外诊断试剂", "医疗"),
    ("智慧养老", "适老化智能终端和居家养老服务平台", "康养"),
    ("算力", "智算中心及数据中心电源系统", "数据"),
    ("智慧物流", "冷链物流分拨中心和智能仓储系统", "物流"),
    ("光伏", "高效光伏组件和光储一体化设备", "光能"),
    ("新材料", "高性能陶瓷膜和特种耐火材料", "材料"),
    ("环保装备", "工业废水处理成套装备", "环保"),
    ("通用航空", "通航飞行服务站和航空飞行营地", "通航"),
)
BRANDS = ("澄远", "溪岚", "荆邑", "铜峰", "阳羡", "云湖", "竹海", "善卷", "龙背", "东氿", "团氿")
REGIONS = ("江苏", "无锡", "宜兴", "上海", "深圳", "苏州", "杭州", "南京")
SUFFIXES = ("科技有限公司", "股份有限公司", "集团有限公司", "新能源有限公司", "技术有限公司")
LEADERS = ("市委书记", "市长", "市委副书记", "副市长", "市委常委、常务副市长", "市委常委")
NAMES = ("周明远", "陈立新", "蒋文华", "吴晓东", "任志刚", "史慧敏", "邵建平", "潘海燕")
SOURCES = ("宜兴日报", "市投资促进中心", "宜兴市融媒体中心", "市发展改革委", "市工业和信息化局")
CITIES = ("深圳", "上海", "北京", "杭州", "合肥", "广州", "成都")

FILLER = (
    "近年来，我市坚持把招商引资作为经济工作的“一号工程”，持续优化营商环境。",
    "会议强调，要坚持稳中求进工作总基调，完整准确全面贯彻新发展理念。",
    "各板块要进一步压实工作责任，细化推进措施，确保各项目标任务按期完成。",
    "下一步，我市将围绕主导产业强链补链延链，加快集聚一批高质量项目。",
    "有关部门负责同志参加活动并就项目用地、能耗指标和人才政策作了介绍。",
    "今年以来，全市重大项目建设跑出加速度，新开工项目数量和投资额同比均有增长。",
    "与会人员还就产业配套、要素保障等事项进行了深入交流。",
    "要以更大力度抓好项目全生命周期服务，推动签约项目早落地、早开工、早见效。",
    "活动现场，双方代表还就人才培养、技术合作等方面交换了意见。",
    "全市上下要把思想和行动统一到市委、市政府的决策部署上来。",
    "据介绍，园区已建成标准厂房二十余万平方米，水电气热等配套设施齐全。",
    "该负责同志表示，将用好长三角一体化发展机遇，持续深化区域合作。",
    "今年前三季度，全市完成固定资产投资同比增长百分之六点二，工业投资增速高于全省平均水平。",
    "会议要求，各地各部门要紧盯年度目标任务，倒排工期、挂图作战，确保重点项目按时序推进。",
    "我市将持续擦亮“宜商宜兴”营商环境品牌，深化“一件事一次办”改革，提升企业获得感。",
    "围绕“双招双引”，我市建立了市领导挂钩联系重点项目和重点企业制度。",
    "据统计，全市现有高新技术企业一千余家，省级以上研发机构数量位居无锡各板块前列。",
    "相关部门将加强用地、用能、资金等要素保障，为项目建设创造良好条件。",
    "会上还通报了近期全市安全生产和生态环境保护工作情况。",
    "各镇（园区、街道）和市各有关部门主要负责同志参加会议。",
    "活动期间，与会嘉宾还参观了宜兴陶瓷博物馆和紫砂文化创意园。",
    "下阶段，双方将建立常态化沟通机制，定期会商合作事项推进情况。",
    "近年来，宜兴持续加大科技创新投入，全社会研发投入占地区生产总值比重稳步提高。",
    "我市将进一步完善产业政策体系，对符合条件的项目在设备投入、人才引进等方面给予支持。",
    "要坚持项目为王，聚焦未来产业和战略性新兴产业，招引一批带动性强的龙头型项目。",
    "市有关部门将牵头建立项目推进协调机制，每月梳理问题清单，逐项明确责任单位和完成时限。",
    "与会企业家表示，宜兴区位优越、产业基础扎实、政务服务高效，对在宜发展充满信心。",
    "当前，全市上下正全力以赴冲刺全年目标，奋力推动经济社会高质量发展。",
    "据悉，该园区已累计引进各类项目一百二十余个，形成了较为完整的产业链条。",
    "接下来，我市还将组织开展系列专题招商活动，进一步扩大对外开放合作。",
    "会议指出，要统筹好发展和安全，守牢安全生产底线，确保全市大局和谐稳定。",
    "企业负责人在发言中介绍了公司发展历程、主营业务和下一步投资计划。",
)


@dataclass(frozen=True)
class Site:
    """What :func:`generate` wrote."""

    root: Path
    list_pages: int
    articles: int
    start_path: str = f"{COLUMN}/index.html"

    @property
    def pages(self) -> int:
        """Pages a full crawl fetches: every list page and every article."""
        return self.list_pages + self.articles


@dataclass
class Article:
    path: str
    title: str
    published: datetime
    source: str
    editor: str
    paragraphs: list[str]


class Writer:
    """Writes article texts by recombining the templates above."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def pick(self, options: tuple[str, ...]) -> str:
        return self.rng.choice(options)

    def company(self, word: str) -> str:
        return f"{self.pick(REGIONS)}{self.pick(BRANDS)}{word}{self.pick(SUFFIXES)}"

    def amount(self) -> str:
        r = self.rng.random()
        if r < 0.6:
            return f"{self.rng.randint(2, 80)}亿元"
        if r < 0.9:
            return f"{self.rng.randint(500, 9800)}万元"
        return f"{self.rng.randint(1, 9)}亿美元"

    def filler(self, n: int) -> list[str]:
        """``n`` paragraphs of three to five general sentences each, none repeated."""
        sizes = [self.rng.randint(3, 5) for _ in range(n)]
        sentences = self.rng.sample(FILLER, min(sum(sizes), len(FILLER)))
        starts = [sum(sizes[:i]) for i in range(n)]
        return ["".join(sentences[a : a + k]) for a, k in zip(starts, sizes, strict=True)]

    def article(self, when: datetime) -> tuple[str, list[str]]:
        kind = self.rng.choices(
            ("signing", "visit", "start", "trip", "meeting", "life"), (25, 20, 15, 10, 15, 15)
        )[0]
        return getattr(self, kind)(when)

    def signing(self, when: datetime) -> tuple[str, list[str]]:
        industry, product, word = self.rng.choice(INDUSTRIES)
        park, company, amount = self.pick(PARKS), self.company(word), self.amount()
        title = f"{company}{industry}项目签约落户{park}"
        if self.rng.random() < 0.5:
            title = f"{park}签约{industry}项目 总投资{amount}"
        body = [
            f"{when.month}月{when.day}日，{park}与{company}举行{industry}项目签约仪式，"
            f"项目总投资{amount}，主要建设{product}生产线及研发中心。",
            f"据了解，{company}是国内{industry}领域的骨干企业，拥有多项核心专利。"
            f"项目达产后预计年产值{self.rng.randint(5, 60)}亿元，"
            f"新增就业岗位{self.rng.randint(2, 15) * 100}个。",
            f"{self.pick(LEADERS)}{self.pick(NAMES)}见证签约并与企业负责人座谈。"
            + self.filler(1)[0],
            f"{park}相关负责同志表示，将组建专班做好项目跟踪服务，"
            f"推动项目尽快开工建设，为全市{industry}产业集群发展注入新动能。",
        ]
        return title, body + self.filler(self.rng.randint(3, 5))

    def visit(self, when: datetime) -> tuple[str, list[str]]:
        industry, product, _ = self.rng.choice(INDUSTRIES)
        partner, park = self.pick(PARTNERS), self.pick(PARKS)
        title = f"{partner}来宜考察{industry}产业"
        body = [
            f"{when.month}月{when.day}日，{partner}有关负责同志带队来宜，"
            f"实地考察{park}{industry}产业载体和重点企业。",
            f"考察组一行先后来到{park}{industry}产业园、企业研发中心和中试基地，"
            f"详细了解{product}的研发生产情况以及园区配套条件。",
            f"在随后召开的座谈会上，双方围绕共建{industry}创新平台、"
            f"推进重点项目合作等事项进行深入交流，并就下一步合作达成初步意向。" + self.filler(1)[0],
            f"{self.pick(LEADERS)}{self.pick(NAMES)}表示，宜兴具备良好的产业基础，"
            f"期待与{partner}在{industry}领域深化合作，实现互利共赢。",
        ]
        return title, body + self.filler(self.rng.randint(3, 5))

    def start(self, when: datetime) -> tuple[str, list[str]]:
        industry, product, word = self.rng.choice(INDUSTRIES)
        park, company, amount = self.pick(PARKS), self.company(word), self.amount()
        verb = self.pick(("开工", "竣工投产", "主体封顶"))
        title = f"{company}{industry}项目{verb}"
        body = [
            f"{when.month}月{when.day}日，位于{park}的{company}{industry}项目{verb}。"
            f"该项目计划总投资{amount}，建成后将形成{product}的规模化生产能力。",
            f"项目自签约以来，{park}成立服务专班，在规划审批、施工许可等环节实行并联办理，"
            f"项目从签约到{verb}仅用时{self.rng.randint(3, 11)}个月。",
            self.filler(1)[0],
            f"企业负责人介绍，项目全部达产后可实现年销售收入{self.rng.randint(3, 40)}亿元，"
            f"将带动上下游配套企业集聚发展。",
        ]
        return title, body + self.filler(self.rng.randint(3, 4))

    def trip(self, when: datetime) -> tuple[str, list[str]]:
        city = self.pick(CITIES)
        industries = self.rng.sample(INDUSTRIES, 2)
        names = "和".join(i[0] for i in industries)
        title = f"我市赴{city}开展{names}产业招商"
        partner = self.pick(PARTNERS)
        body = [
            f"{when.month}月{when.day}日至{(when + timedelta(days=1)).day}日，{self.pick(LEADERS)}{self.pick(NAMES)}"
            f"率队赴{city}开展招商活动，走访{partner}等企业和机构，推介宜兴投资环境。",
            f"在{partner}，双方就{industries[0][1]}项目合作进行洽谈，"
            f"对方表示将尽快派员来宜实地考察。",
            f"当天下午举行的宜兴（{city}）{names}产业推介会上，"
            f"现场签约项目{self.rng.randint(3, 12)}个，计划总投资{self.amount()}。",
        ]
        return title, body + self.filler(self.rng.randint(3, 5))

    def meeting(self, when: datetime) -> tuple[str, list[str]]:
        topic = self.pick(("安全生产", "防汛防台", "优化营商环境", "民生实事", "重点项目推进"))
        title = f"市政府召开常务会议 研究部署{topic}等工作"
        body = [
            f"{when.month}月{when.day}日，{self.pick(LEADERS)}{self.pick(NAMES)}主持召开市政府常务会议，"
            f"研究部署{topic}等工作。",
            "会议听取了全市经济运行情况汇报，审议并原则通过了有关文件。",
        ]
        return title, body + self.filler(self.rng.randint(4, 6))

    def life(self, when: datetime) -> tuple[str, list[str]]:
        choice = self.rng.randrange(3)
        if choice == 0:
            title = "我市进一步提高城乡居民基本养老保险基础养老金标准"
            body = [
                f"记者从市人社局获悉，自{when.year}年1月起，"
                f"我市城乡居民基本养老保险基础养老金标准每人每月提高{self.rng.randint(10, 40)}元。",
                "此次调整惠及全市参保城乡居民，所需资金由各级财政按规定分担。",
                "市人社局提醒，参保人员可通过线上平台查询本人养老金发放情况。",
            ]
        elif choice == 1:
            title = "高温天气持续 市气象台发布高温橙色预警"
            body = [
                f"{when.month}月{when.day}日，市气象台发布高温橙色预警信号，"
                f"预计未来三天我市最高气温将达{self.rng.randint(36, 40)}℃以上。",
                "气象部门提醒，市民应尽量减少午后户外活动，注意防暑降温。",
            ]
        else:
            title = f"{when.year}中国宜兴陶瓷文化艺术节开幕"
            body = [
                f"{when.month}月{when.day}日，{when.year}中国宜兴陶瓷文化艺术节在丁蜀镇开幕。",
                "本届艺术节设置紫砂精品展、陶瓷创意市集、非遗技艺展示等多项活动。",
                f"开幕式上，{self.pick(LEADERS)}{self.pick(NAMES)}致辞，"
                f"欢迎各地嘉宾来宜感受陶都魅力。",
            ]
        return title, body + self.filler(self.rng.randint(3, 5))


def _articles(count: int, seed: int) -> list[Article]:
    """``count`` articles, newest first, dated over the three years before 2025-12-01."""
    rng = random.Random(seed)
    writer = Writer(rng)
    end = datetime(2025, 12, 1, 18, 0)
    step = timedelta(days=3 * 365) / count
    articles = []
    for i in range(count):
        when = (end - step * i).replace(second=0, microsecond=0)
        when = when.replace(hour=rng.randint(8, 17), minute=rng.randrange(60))
        title, paragraphs = writer.article(when)
        path = f"/doc/{when:%Y/%m/%d}/{1_200_000 + count - i}.shtml"
        articles.append(
            Article(path, title, when, writer.pick(SOURCES), writer.pick(NAMES), paragraphs)
        )
    return articles


def generate(root: Path, articles: int = 2000, seed: int = 20250226) -> Site:
    """Write the column's list pages, articles and robots.txt under ``root``."""
    items = _articles(articles, seed)
    pages = [items[i : i + PER_PAGE] for i in range(0, len(items), PER_PAGE)]
    (root / "robots.txt").parent.mkdir(parents=True, exist_ok=True)
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    for n, page in enumerate(pages):
        name = "index.html" if n == 0 else f"index_{n}.html"
        _write(root / COLUMN.strip("/") / name, list_page(page, n, len(pages)))
    for i, article in enumerate(items):
        related = [items[(i + k * 37) % len(items)] for k in range(1, 5)]
        _write(root / article.path.lstrip("/"), article_page(article, related))
    return Site(root, len(pages), len(items))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


HEAD = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<meta http-equiv="X-UA-Compatible" content="IE=edge" />
<meta name="SiteName" content="宜兴市人民政府">
<meta name="SiteDomain" content="www.yixing.gov.cn">
<meta name="SiteIDCode" content="3202820001">
<meta name="ColumnName" content="宜兴要闻">
<meta name="ColumnType" content="要闻动态">
"""

# The second-level menus a municipal portal drops down from each top-level item.
SUBMENUS = {
    "zwgk": "政府信息公开指南 政府信息公开制度 法定主动公开内容 政府文件 政策解读 规划计划 财政预决算 重大项目 统计数据 人事信息",
    "bmdt": "部门动态 镇街动态 通知公告 新闻发布会 图片新闻 视频新闻",
    "tzyx": "投资环境 产业园区 招商政策 重点产业 招商项目 企业服务 人才政策 投资指南",
    "bsfw": "个人办事 法人办事 部门服务 便民服务 政务服务地图 一件事一次办",
    "zmhd": "市长信箱 咨询投诉 在线访谈 意见征集 网上调查 12345热线",
    "zjyx": "宜兴概况 历史文化 陶都风采 旅游景点 宜兴特产 城市名片",
}
SUBNAV = "\n".join(
    f'  <div class="g_subnav" id="sub_{key}"><ul class="w1200">'
    + "".join(
        f'<li><a href="/{key}/{i}/index.html">{name}</a></li>'
        for i, name in enumerate(names.split())
    )
    + "</ul></div>"
    for key, names in SUBMENUS.items()
)

TOP = (
    """<link href="/css/common.css" rel="stylesheet" type="text/css" />
</head>
<body>
<div class="g_top">
  <div class="g_top_bar w1200"><span class="date" id="today"></span><span class="links"><a href="/index.html">网站首页</a> | <a href="/wza/index.html">无障碍浏览</a> | <a href="/ydb/index.html">移动版</a></span></div>
  <div class="g_logo w1200"><a href="/index.html"><img src="/images/logo.png" alt="宜兴市人民政府" /></a>
    <form class="g_search" action="/search/index.html" method="get"><input type="text" name="q" placeholder="请输入关键字" /><input type="submit" value="搜索" /></form>
  </div>
  <div class="g_nav"><ul class="w1200">
    <li><a href="/index.html">首页</a></li>
    <li><a href="/zwgk/index.html">政务公开</a></li>
    <li class="on"><a href="/yxzx/index.html">宜兴要闻</a></li>
    <li><a href="/bmdt/index.html">部门动态</a></li>
    <li><a href="/tzyx/index.html">投资宜兴</a></li>
    <li><a href="/bsfw/index.html">办事服务</a></li>
    <li><a href="/zmhd/index.html">政民互动</a></li>
    <li><a href="/zjyx/index.html">走进宜兴</a></li>
  </ul></div>
"""
    + SUBNAV
    + """
</div>
"""
)

FOOT = """<div class="g_footer">
  <div class="w1200">
    <div class="g_links">友情链接：<select onchange="if(this.value)window.open(this.value)"><option value="">中央政府网站</option><option value="/link/gov.html">中国政府网</option><option value="/link/js.html">江苏省人民政府</option><option value="/link/wx.html">无锡市人民政府</option></select>
    <select onchange="if(this.value)window.open(this.value)"><option value="">市级部门网站</option><option value="/link/fgw.html">市发展改革委</option><option value="/link/gxj.html">市工业和信息化局</option><option value="/link/swj.html">市商务局</option><option value="/link/tzcj.html">市投资促进中心</option></select></div>
    <p class="g_footer_links"><a href="/wzdt/index.html">网站地图</a> | <a href="/lxwm/index.html">联系我们</a> | <a href="/bqsm/index.html">版权声明</a> | <a href="/yssm/index.html">隐私声明</a></p>
    <p>主办：宜兴市人民政府办公室&nbsp;&nbsp;承办：宜兴市大数据管理局</p>
    <p>网站标识码：3202820001&nbsp;&nbsp;苏ICP备00000000号（基准测试站点）&nbsp;&nbsp;地址：宜兴市解放东路（演示地址）</p>
  </div>
</div>
</body>
</html>
"""

PAGER_SCRIPT = """<script type="text/javascript">
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {
  if (_nPageCount == null || _nPageCount <= 1) { return; }
  for (var i = 0; i < _nPageCount; i++) {
    var href = (i == 0) ? _sPageName + "." + _sPageExt : _sPageName + "_" + i + "." + _sPageExt;
    if (i == _nCurrIndex) { document.write("<span class=\\"cur\\">" + (i + 1) + "</span> "); }
    else { document.write("<a href=\\"" + href + "\\" class=\\"num\\">" + (i + 1) + "</a> "); }
  }
}
</script>
"""


def _page_name(n: int) -> str:
    return "index.html" if n == 0 else f"index_{n}.html"


def list_page(items: list[Article], n: int, count: int) -> str:
    """List page ``n`` (0-based) of ``count``, in the TRS style of demo/site/yxzx."""
    esc = html.escape
    lis = "\n".join(
        f'      <li><a href="{a.path}" target="_blank">{esc(a.title)}</a>'
        f"<span>{a.published:%Y-%m-%d}</span></li>"
        for a in items
    )
    prev = (
        f'<a href="{_page_name(n - 1)}">上一页</a>' if n else '<span class="disabled">上一页</span>'
    )
    nxt = (
        f'<a href="{_page_name(n + 1)}">下一页</a>'
        if n + 1 < count
        else '<span class="disabled">下一页</span>'
    )
    return f"""{HEAD}<title>宜兴要闻-宜兴市人民政府</title>
{PAGER_SCRIPT}{TOP}
<div class="g_main w1200">
  <div class="g_position">当前位置：<a href="/index.html">首页</a>&nbsp;&gt;&nbsp;<a href="/yxzx/index.html">宜兴要闻</a></div>
  <div class="g_left">
    <div class="g_left_tit">新闻中心</div>
    <ul class="g_left_nav">
      <li class="on"><a href="/yxzx/index.html">宜兴要闻</a></li>
      <li><a href="/bmdt/index.html">部门动态</a></li>
      <li><a href="/zdxw/index.html">镇街动态</a></li>
      <li><a href="/tpxw/index.html">图片新闻</a></li>
    </ul>
  </div>
  <div class="g_right">
    <div class="g_list_tit"><span>宜兴要闻</span></div>
    <ul class="list">
{lis}
    </ul>
    <div class="page">
      <a href="index.html">首页</a>
      {prev}
      <script type="text/javascript">var countPage = {count}; var currentPage = {n}; createPageHTML(countPage, currentPage, "index", "html");</script>
      {nxt}
      <a href="{_page_name(count - 1)}">尾页</a>
      <span class="total">共{count}页</span>
    </div>
  </div>
</div>
{FOOT}"""


def article_page(article: Article, related: list[Article]) -> str:
    """One article page in the markup of demo/site/doc (meta tags, date line, TRS_Editor)."""
    esc = html.escape
    paragraphs = "\n".join(f'<p style="text-indent: 2em;">{esc(p)}</p>' for p in article.paragraphs)
    description = esc(article.paragraphs[0][:120])
    when = f"{article.published:%Y-%m-%d %H:%M}"
    rel = "\n".join(
        f'      <li><a href="{r.path}" target="_blank">{esc(r.title)}</a>'
        f"<span>{r.published:%Y-%m-%d}</span></li>"
        for r in related
    )
    return f"""{HEAD}<meta name="ArticleTitle" content="{esc(article.title)}">
<meta name="PubDate" content="{when}">
<meta name="ContentSource" content="{esc(article.source)}">
<meta name="Description" content="{description}">
<meta name="Url" content="http://www.yixing.gov.cn{article.path}">
<title>{esc(article.title)}-宜兴市人民政府</title>
<script type="text/javascript">
function doZoom(size) {{ var el = document.getElementById("zoom"); if (el) {{ el.style.fontSize = size + "px"; }} }}
</script>
{TOP}
<div class="g_main w1200">
  <div class="g_position">当前位置：<a href="/index.html">首页</a>&nbsp;&gt;&nbsp;<a href="/yxzx/index.html">宜兴要闻</a>&nbsp;&gt;&nbsp;正文</div>
  <div class="g_show">
    <div class="g_show_title"><h1>{esc(article.title)}</h1></div>
    <div class="g_show_rq">发布时间：{when}&nbsp;&nbsp;来源：{esc(article.source)}&nbsp;&nbsp;【字体：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>】</div>
    <div class="g_show_article" id="zoom"><div class="TRS_Editor">
{paragraphs}
    </div></div>
    <div class="g_show_editor">责任编辑：{esc(article.editor)}</div>
    <div class="g_show_share">分享到：<a href="javascript:void(0);" class="share_wx">微信</a> <a href="javascript:void(0);" class="share_wb">微博</a>
      <span class="g_show_print">【<a href="javascript:window.print();">打印本页</a>】【<a href="javascript:window.close();">关闭窗口</a>】</span></div>
    <div class="g_xgxw">
      <div class="g_xgxw_tit">相关新闻</div>
      <ul>
{rel}
      </ul>
    </div>
  </div>
</div>
{FOOT}"""
