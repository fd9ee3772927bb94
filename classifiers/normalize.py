"""Text folding: Traditional -> Simplified characters, full-width letters and digits -> ASCII,
A-Z -> a-z.

Every mapping is one character to one character, so a folded text has the same length
as the original and offsets found in the folded text index the original text too.
The character table is hand-made: it covers every character of the shipped taxonomy
and the common characters of news about investment, industry and government. Add
more with ``[matching].extra_t2s`` in the taxonomy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .t2s_more import MORE_T2S_PAIRS

# Pairs of (Traditional, Simplified) characters, written back to back.
_T2S_PAIRS = (
    "亞亚佈布佔占併并來来係系倆俩倉仓個个們们偉伟側侧傑杰傘伞備备傢家傳传僅仅僑侨僱雇價价儀仪億亿儉俭償偿優优儲储兌兑兒儿內内兩两冊册冪幂凍冻凱凯"
    "則则剛刚剝剥創创剷铲劃划劇剧劉刘劍剑劑剂勁劲動动務务勛勋勝胜勞劳勢势勳勋勵励勻匀匯汇匱匮區区協协卻却厭厌厲厉參参叢丛吳吴員员問问啓启啞哑啟启"
    "喪丧單单嘆叹嘗尝噴喷噸吨嚮向嚴严國国圍围園园圓圆圖图團团執执堅坚堯尧報报場场塊块塗涂塢坞塵尘墊垫墳坟墾垦壇坛壓压壞坏壩坝壯壮壺壶壽寿夠够夢梦"
    "夥伙夾夹奐奂奧奥奪夺奬奖奮奋妝妆婦妇媽妈嬌娇嬰婴孫孙學学孿孪實实寧宁審审寫写寬宽寵宠寶宝將将專专尋寻對对導导屆届屍尸層层屬属峽峡崗岗嶄崭嶇岖"
    "嶺岭嶼屿嶽岳巔巅巖岩帥帅師师帳帐帶带幀帧幣币幫帮幹干幾几庫库廁厕廂厢廈厦廚厨廟庙廠厂廢废廣广廬庐廳厅張张強强彈弹彌弥彎弯彙汇彥彦後后徑径從从"
    "徠徕復复徵征徹彻恆恒恥耻悅悦悵怅惡恶惱恼惻恻愛爱愜惬態态慘惨慚惭慣惯慮虑慶庆憂忧憐怜憑凭憤愤憶忆懇恳應应懲惩懶懒懷怀懸悬戀恋戰战戲戏戶户拋抛"
    "拚拼挾挟捨舍捲卷掃扫掄抡掙挣掛挂採采揀拣揚扬換换揮挥損损搖摇搗捣搶抢摑掴摯挚撐撑撥拨撫抚撲扑擁拥擇择擊击擋挡擔担據据擠挤擬拟擴扩擺摆擾扰攔拦"
    "攜携攝摄攤摊攬揽敗败敘叙敵敌數数斂敛斃毙斕斓斬斩斷断於于昇升時时晉晋晝昼暈晕暢畅暫暂曆历曉晓曬晒書书會会朧胧朮术東东柵栅桿杆梔栀條条棄弃棗枣"
    "棟栋棧栈椏桠楊杨楓枫業业極极榮荣構构槍枪樁桩樂乐樓楼標标樞枢樣样樹树橋桥機机橫横檔档檢检檯台櫃柜櫥橱權权歎叹歐欧歡欢歲岁歷历歸归殘残殺杀殼壳"
    "毀毁毆殴氣气氫氢氾泛決决沒没沖冲況况淚泪淨净淵渊淺浅減减測测湧涌湯汤準准溝沟溫温滅灭滬沪滯滞滲渗滾滚滿满漁渔漢汉漲涨漿浆潑泼潔洁潛潜潤润澆浇"
    "澇涝澤泽澱淀濁浊濃浓濕湿濟济濤涛濱滨濾滤瀉泻瀋沈瀏浏瀕濒瀟潇灑洒灘滩灣湾災灾為为烏乌無无煉炼煙烟煥焕煩烦熱热燈灯燒烧營营燦灿爍烁爐炉爭争爺爷"
    "爾尔牆墙牘牍牽牵犧牺狀状猶犹獄狱獅狮獎奖獨独獲获獸兽獻献現现瑪玛環环璽玺瓊琼甕瓮產产畝亩畢毕畫画異异當当疊叠瘋疯療疗癒愈癢痒發发皺皱盜盗盞盏"
    "盡尽監监盤盘盧卢眾众睏困睜睁矚瞩碩硕確确碼码磚砖礎础礙碍礦矿祕秘祿禄禍祸禪禅禮礼禱祷稅税稈秆種种稱称穀谷穌稣積积穎颖穩稳穫获窩窝窪洼窮穷窯窑"
    "竄窜竅窍竊窃競竞筆笔筍笋節节範范築筑篤笃篩筛簞箪簡简簽签籃篮籌筹籤签籲吁粵粤糞粪糧粮糾纠紀纪約约紅红紋纹納纳紐纽純纯紙纸級级紛纷紡纺紮扎細细"
    "紹绍終终組组結结絕绝絡络給给絨绒統统絲丝綁绑綏绥經经綜综綠绿綢绸綫线維维綱纲網网綿绵緊紧緒绪線线締缔緣缘編编緩缓緯纬練练緹缇緻致縣县縫缝縮缩"
    "縱纵總总績绩織织繞绕繩绳繪绘繫系繳缴繼继續续纏缠纖纤罈坛罰罚罷罢羅罗義义習习聖圣聞闻聯联聰聪聲声聳耸職职聽听肅肃脅胁腦脑腳脚膚肤膠胶膩腻膽胆"
    "臉脸臟脏臨临臺台與与興兴舉举舊旧艙舱艦舰艱艰艷艳莊庄華华萬万葉叶蓋盖蓮莲蔔卜蔣蒋蕪芜蕭萧薑姜薦荐薩萨藍蓝藝艺藥药蘇苏蘊蕴蘋苹蘭兰處处虛虚"
    "號号蝕蚀蟲虫蠅蝇蠶蚕衆众術术衛卫衝冲裏里補补裝装裡里製制複复褲裤襪袜襲袭見见規规視视親亲覺觉覽览觀观觸触訂订計计訊讯討讨訓训託托記记訪访設设"
    "許许訴诉診诊詐诈評评詞词詢询試试詩诗話话該该詳详誇夸誌志認认誕诞語语誠诚誤误說说誰谁課课誼谊調调談谈請请論论諮咨諸诸諾诺謀谋謂谓謎谜講讲謝谢"
    "謹谨證证識识譜谱譯译議议護护譽誉讀读變变讓让讚赞豎竖豐丰豬猪貓猫貝贝貞贞負负財财貢贡貧贫貨货販贩貫贯責责貳贰貴贵貸贷費费貼贴貿贸賀贺資资賓宾"
    "賞赏賠赔賢贤賣卖賦赋質质賴赖賺赚購购賽赛贈赠贊赞贏赢贛赣趕赶趙赵趨趋跡迹踐践踴踊蹟迹蹤踪躍跃車车軌轨軍军軒轩軟软軸轴較较載载輔辅輕轻輛辆輝辉"
    "輩辈輪轮輯辑輸输輻辐轄辖轉转轎轿轟轰辦办辭辞辯辩農农迴回連连週周進进遊游運运過过達达違违遙遥遜逊遞递遠远適适遲迟遷迁選选遺遗遼辽邁迈還还邊边"
    "邏逻郵邮鄉乡鄭郑鄰邻醞酝醣糖醫医醬酱釀酿釋释釘钉針针釩钒鈉钠鈔钞鈞钧鈦钛鈴铃鈷钴鉀钾鉛铅鉤钩銀银銅铜銳锐銷销鋁铝鋅锌鋒锋鋤锄鋪铺鋯锆鋰锂鋼钢"
    "錄录錢钱錦锦錫锡錯错錶表鍊炼鍋锅鍛锻鍵键鍾钟鎂镁鎊镑鎖锁鎢钨鎮镇鎳镍鏈链鏟铲鏡镜鏽锈鐘钟鐳镭鐵铁鑄铸鑑鉴鑰钥長长門门閃闪閉闭開开閒闲間间閘闸"
    "閣阁閩闽閱阅闆板闊阔闖闯關关陝陕陣阵陰阴陳陈陸陆陽阳隊队階阶際际隨随險险隱隐隸隶隻只雖虽雙双雛雏雜杂雞鸡離离難难雲云電电霧雾靂雳靈灵靚靓靜静"
    "韌韧韓韩響响頁页頂顶項项順顺須须頌颂預预頒颁頓顿頗颇領领頭头頸颈頻频顆颗題题額额顏颜願愿顛颠類类顧顾顫颤顯显風风颱台颳刮飄飘飛飞飯饭飲饮飼饲"
    "飽饱餅饼養养餘余館馆餵喂饋馈饑饥饒饶馬马駁驳駐驻駕驾駛驶騎骑騰腾驅驱驗验驚惊驟骤骯肮髒脏體体髮发鬆松鬥斗鬧闹魚鱼魯鲁鮮鲜鯉鲤鳥鸟鳳凤鴨鸭鴻鸿"
    "鵝鹅鷹鹰鹽盐麗丽麥麦麵面麼么黃黄點点黨党黴霉齊齐齒齿齡龄龍龙龐庞龜龟"
)


# Full-width characters that jieba and the amount parser treat as ASCII (letters, digits
# and the symbols jieba keeps inside words); other full-width punctuation stays as is.
_WIDE_ASCII = "０１２３４５６７８９．％＋－＃＆＿"


def _base_table() -> dict[int, int]:
    table: dict[int, int] = {}
    for pairs in (MORE_T2S_PAIRS, _T2S_PAIRS):  # the hand-made table has the last word
        for i in range(0, len(pairs), 2):
            table[ord(pairs[i])] = ord(pairs[i + 1])
    for ch in _WIDE_ASCII:
        table[ord(ch)] = ord(ch) - 0xFEE0
    table[0x3000] = 0x20  # ideographic space
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = code + 32
    # Full-width letters straight to ASCII lower case.
    for code in range(0xFF21, 0xFF3B):
        table[code] = code - 0xFEE0 + 32
    for code in range(0xFF41, 0xFF5B):
        table[code] = code - 0xFEE0
    return table


BASE_TABLE: dict[int, int] = _base_table()


def build_fold_table(extra: Mapping[str, str] | None = None) -> dict[int, int]:
    """Return the fold table, extended with single-character ``extra`` mappings."""
    table = dict(BASE_TABLE)
    for src, dst in (extra or {}).items():
        table[ord(src)] = ord(dst)
    return table


class Folder:
    """A compiled fold: only the characters that change are touched, so Simplified text
    (the common case) costs one regex scan."""

    def __init__(self, table: Mapping[int, int] | None = None) -> None:
        table = BASE_TABLE if table is None else table
        self._map = {chr(src): chr(dst) for src, dst in table.items()}
        chars = "".join(sorted(self._map))
        self._pattern = re.compile("[" + re.escape(chars) + "]")
        self._table = dict(table)

    def __call__(self, text: str) -> str:
        """``text`` folded; the result has exactly the length of ``text``."""
        return self._pattern.sub(self._replace, text)

    def _replace(self, match: re.Match[str]) -> str:
        return self._map[match.group()]


_DEFAULT = Folder()


def fold(text: str, table: Mapping[int, int] | None = None) -> str:
    """Fold ``text`` for matching; the result has exactly the length of ``text``."""
    if table is None:
        return _DEFAULT(text)
    return text.translate(table)


# Pinyin a page prints after a character, 項(xiàng)目: Latin letters with at least one tone
# mark, in half- or full-width brackets, right after a CJK character.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹ"
_PINYIN = re.compile(
    r"(?<=[\u3400-\u9fff])[(（](?=[a-zü"
    + _TONED
    + r"]*["
    + _TONED
    + r"])[a-zü"
    + _TONED
    + r"]{1,7}[)）]"
)


class Source:
    """A text with its pinyin glosses removed (``text``), and how to read any span of it
    back from the page as written (``source[start:end]``, glosses included): names and
    sentences are shown as the page spells them."""

    __slots__ = ("_offsets", "original", "text")

    def __init__(self, original: str) -> None:
        self.original = original
        self._offsets: list[int] | None = None
        if "(" not in original and "（" not in original:
            self.text = original
            return
        pieces: list[str] = []
        offsets: list[int] = []
        pos = 0
        for m in _PINYIN.finditer(original):
            pieces.append(original[pos : m.start()])
            offsets.extend(range(pos, m.start()))
            pos = m.end()
        if not pieces:
            self.text = original
            return
        pieces.append(original[pos:])
        offsets.extend(range(pos, len(original) + 1))
        self.text = "".join(pieces)
        self._offsets = offsets

    def __getitem__(self, span: slice) -> str:
        """The page's own text for ``text[span]`` (a step is not supported)."""
        if self._offsets is None:
            return self.original[span]
        start, stop, _ = span.indices(len(self.text))
        if stop <= start:
            return ""
        return self.original[self._offsets[start] : self._offsets[stop - 1] + 1]

    def __len__(self) -> int:
        return len(self.text)


def strip_pinyin(text: str) -> str:
    """``text`` without the pinyin glosses some pages put after characters
    (``項(xiàng)目`` -> ``項目``)."""
    return Source(text).text
