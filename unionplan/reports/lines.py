"""One line of a pasted plan: folded for matching, stripped of markup and numbering.

Plans arrive from Word, web pages and Markdown, in Simplified or Traditional Chinese, with
full-width digits and every kind of list numbering. Matching works on a *folded* copy of
the text (full-width to ASCII, Traditional to Simplified for the words the importer looks
for) that has exactly the length of the original, so a position found in the folded text
cuts the original: titles stay as the person typed them.

Nothing here uses a regular expression that can backtrack badly: every pattern is
anchored or a plain character class, so a 100,000-character line costs linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Traditional -> Simplified for the characters of the words the importer matches
# (categories, target cues, units, labels, ad markers). Pairs "繁简"; a character missing
# here only means a Traditional keyword is not recognised, never a crash.
_T2S_PAIRS = """
萬万 與与 專专 業业 東东 兩两 嚴严 個个 豐丰 為为 舉举 義义 樂乐 習习 鄉乡 書书 買买
爭争 於于 虧亏 雲云 產产 親亲 億亿 僅仅 從从 們们 價价 眾众 衆众 優优 會会 偉伟 傳传
傷伤 體体 餘余 側侧 係系 儉俭 債债 償偿 儲储 兒儿 黨党 蘭兰 關关 興兴 養养 內内 冊册
寫写 軍军 農农 衝冲 決决 況况 凍冻 淨净 涼凉 減减 幾几 擊击 劃划 劉刘 則则 剛刚 創创
別别 劍剑 勸劝 辦办 務务 動动 勵励 勁劲 勞劳 勢势 勳勋 匯汇 彙汇 區区 醫医 華华 協协
單单 賣卖 衛卫 衞卫 卻却 廠厂 廳厅 曆历 厲厉 壓压 縣县 參参 雙双 發发 變变 敘叙 葉叶
號号 嘆叹 嚇吓 嗎吗 啟启 員员 問问 團团 園园 圍围 圖图 圓圆 聖圣 場场 壞坏 塊块 堅坚
壇坛 壽寿 夠够 夢梦 頭头 誇夸 奪夺 奮奋 獎奖 奧奥 婦妇 媽妈 孫孙 學学 寧宁 寶宝 實实
審审 憲宪 宮宫 寬宽 賓宾 對对 尋寻 導导 將将 爾尔 塵尘 嘗尝 盡尽 層层 屆届 屬属 歲岁
島岛 嶺岭 崗岗 幣币 師师 帳帐 帶带 幫帮 幹干 廣广 莊庄 慶庆 應应 廢废 開开 異异 張张
彈弹 強强 歸归 當当 錄录 徹彻 憶忆 憂忧 懷怀 態态 總总 戀恋 懇恳 惡恶 懸悬 驚惊 懼惧
慘惨 願愿 懶懒 戲戏 戶户 執执 擴扩 掃扫 揚扬 擾扰 撫抚 搶抢 護护 報报 擔担 擬拟 擁拥
擇择 掛挂 擋挡 擠挤 揮挥 損损 換换 據据 擺摆 搖摇 攤摊 撐撑 敵敌 數数 鬥斗 斷断 無无
舊旧 時时 顯显 曉晓 暫暂 術术 機机 殺杀 雜杂 權权 條条 來来 極极 構构 標标 欄栏 樹树
樣样 橋桥 檢检 樓楼 歡欢 歐欧 殘残 毀毁 氣气 漢汉 湯汤 溝沟 沒没 滄沧 溫温 濕湿 潰溃
濃浓 濟济 渾浑 濤涛 淵渊 漸渐 漁渔 湧涌 滿满 濫滥 灑洒 燈灯 靈灵 災灾 爐炉 燦灿 煉炼
煩烦 燒烧 熱热 煥焕 愛爱 爺爷 牆墙 狀状 獨独 獄狱 獲获 猶犹 獻献 現现 環环 畫画 暢畅
療疗 監监 盤盘 礦矿 碼码 確确 禮礼 禍祸 離离 種种 積积 稱称 穩稳 窮穷 競竞 筆笔 籌筹
簡简 範范 節节 築筑 糧粮 糾纠 紅红 約约 級级 紀纪 紐纽 純纯 紙纸 納纳 組组 細细 織织
終终 絕绝 經经 結结 給给 統统 絡络 綜综 綠绿 緊紧 維维 網网 綱纲 線线 練练 緒绪 縮缩
績绩 續续 罰罚 羅罗 聯联 聰聪 聲声 職职 聽听 肅肃 腦脑 膽胆 臉脸 艱艰 藝艺 蘇苏 虛虚
蟲虫 補补 製制 複复 規规 視视 覺觉 覽览 觀观 觸触 計计 訂订 討讨 認认 訓训 議议 訊讯
記记 講讲 許许 論论 設设 訪访 證证 評评 識识 診诊 詞词 試试 詩诗 話话 該该 詳详 語语
誤误 說说 請请 課课 誰谁 調调 談谈 謀谋 謝谢 讀读 讓让 讚赞 貝贝 負负 財财 責责 貢贡
貧贫 貨货 販贩 貫贯 購购 貸贷 費费 資资 賀贺 質质 賞赏 賠赔 贈赠 贊赞 趕赶 躍跃 輕轻
輸输 轉转 辭辞 邊边 達达 遷迁 過过 運运 還还 這这 進进 遠远 連连 遲迟 適适 選选 遺遗
郵邮 鄧邓 釋释 針针 鐘钟 錢钱 鐵铁 銀银 銷销 鋼钢 錯错 鍛锻 鎮镇 長长 門门 閉闭 閒闲
間间 閱阅 隊队 陽阳 陰阴 際际 陳陈 險险 隨随 隱隐 難难 雞鸡 電电 靜静 響响 頁页 頂顶
項项 順顺 須须 預预 領领 頻频 題题 額额 顏颜 顧顾 風风 飛飞 飯饭 飲饮 館馆 馬马 驗验
髮发 鬆松 魚鱼 鳥鸟 麥麦 黃黄 齊齐 齡龄 龍龙 週周 臺台 鬧闹 雖虽 蓋盖 薦荐 編编 藥药
潔洁 傑杰 籃篮 誦诵 頌颂 詠咏 誼谊 檔档 邁迈 鑒鉴 鄰邻 營营 裡里 頒颁 辯辩 採采 賽赛
備备 憑凭 騰腾 遊游 慮虑 後后 國国 攝摄 徵征 鍊炼 簽签 麼么 隻只 準准 並并 啓启
"""
_T2S: dict[int, str] = {}
for _pair in _T2S_PAIRS.split():
    _T2S[ord(_pair[0])] = _pair[1]

# Full-width ASCII (Ａ-ｚ, ０-９, （ ） ： ； ％ …) to ASCII, the ideographic space to a
# space. Chinese punctuation that has no ASCII twin (、 。 “ ”) is kept.
_FOLD: dict[int, str] = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = " "
_FOLD.update(_T2S)


def fold(text: str) -> str:
    """The text for matching: one character for one character (positions carry over)."""
    return text.translate(_FOLD)


def decode_text(data: bytes) -> str:
    """Text from a file as Chinese Windows and everything else save it.

    UTF-8 (with or without a byte-order mark), UTF-16 with a mark, else GB18030 (which
    also reads GBK and GB2312 files from Notepad and WPS).
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


# ------------------------------------------------------------------ markup

_MD_HEADING = re.compile(r"#{1,6}(?=\s|$)")
_MD_BULLET = re.compile(r"[-*+•·▪●○◆◇■□►]\s+")
_MD_QUOTE = re.compile(r">+\s*")
_EMPHASIS = ("**", "__")
_LETTER = re.compile(r"[^\W_]")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~])")


@dataclass(frozen=True)
class Line:
    """A non-blank line: where it is, its text as typed (markup removed) and folded."""

    number: int  # 1-based, as the person sees it in the text
    text: str  # as typed, without Markdown markup, trimmed
    folded: str  # `fold(text)`: same length, for matching
    heading: bool  # it was a Markdown heading (#, ##, …)


def clean_line(number: int, raw: str) -> Line | None:
    """The line without Markdown markup; None when nothing is left but punctuation."""
    text = raw.strip().translate({0x3000: " "}).strip()
    heading = False
    m = _MD_QUOTE.match(text)
    if m:
        text = text[m.end() :]
    m = _MD_HEADING.match(text)
    if m:
        heading = True
        text = text[m.end() :].strip()
        text = text.rstrip("#").strip()
    m = _MD_BULLET.match(text)
    if m:
        text = text[m.end() :]
    for mark in _EMPHASIS:
        text = text.replace(mark, "")
    if "\\" in text:
        text = _ESCAPED.sub(r"\1", text)
    text = text.strip()
    if not _LETTER.search(text):
        return None  # "---", "□", "***": a rule or a lone symbol carries no plan content
    return Line(number, text, fold(text), heading)


# ------------------------------------------------------------------ numbering

_CIRCLED = {chr(0x2460 + i): i + 1 for i in range(20)}  # ① .. ⑳
_CIRCLED.update({chr(0x2474 + i): i + 1 for i in range(20)})  # ⑴ .. ⒇
_CIRCLED.update({chr(0x2488 + i): i + 1 for i in range(20)})  # ⒈ .. ⒛
# "3、" "3." "3)" "3。" "(3)" "3:"; not "3.5" nor "3月".
_ARABIC_MARK = re.compile(r"\(\s*(\d{1,3})\s*\)|(\d{1,3})\s*(?:[、)]|[.。](?!\d)|:(?!\d))")
_LETTER_MARK = re.compile(r"[a-zA-Z][.)、](?![a-zA-Z0-9])")
_AFTER_MARK = " 、.,:;)"


def numbering(folded: str) -> tuple[int | None, int]:
    """(the item number, where the text after the marker starts), or (None, 0)."""
    if not folded:
        return None, 0
    first = folded[0]
    if first in _CIRCLED:
        n, end = _CIRCLED[first], 1
    else:
        m = _ARABIC_MARK.match(folded)
        if m:
            n, end = int(m.group(1) or m.group(2)), m.end()
        else:
            m = _LETTER_MARK.match(folded)
            if not m:
                return None, 0
            n, end = 0, m.end()
    while end < len(folded) and folded[end] in _AFTER_MARK:
        end += 1  # "(1)、…": a marker followed by more punctuation
    return n, end


# A marker inside a line ("1、读书 2、论坛"): a number after a space or a clause end.
_INLINE_MARK = re.compile(
    r"\((\d{1,2})\)|(?:(?<=[\s;。,，；:：!?！？…])|^)(\d{1,2})\s*[、.)](?!\d)"
)


def split_numbered(folded: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the items of a line numbered inline: "1、甲 2、乙 3、丙".

    Only a run of consecutive numbers counts (n, n+1, …), so "第2、3名" or "3.8" in an
    item's text cannot split it. Circled numbers (① ②) always split. One span when
    the line holds a single item.
    """
    marks: list[tuple[int, int, int]] = []  # (number, marker start, text start)
    for i, ch in enumerate(folded):
        if ch in _CIRCLED:
            marks.append((_CIRCLED[ch], i, i + 1))
    if not marks:
        expected: int | None = None
        for m in _INLINE_MARK.finditer(folded):
            n = int(m.group(1) or m.group(2))
            if expected is None or n == expected:
                if expected is None and m.start() != 0:
                    continue  # the first item must open the line
                marks.append((n, m.start(), m.end()))
                expected = n + 1
    if len(marks) < 2:
        return [(0, len(folded))]
    spans: list[tuple[int, int]] = []
    if marks[0][1] > 0:
        spans.append((0, marks[0][1]))
    for k, (_, _, text_start) in enumerate(marks):
        end = marks[k + 1][1] if k + 1 < len(marks) else len(folded)
        spans.append((text_start, end))
    return spans


_TRIM = " \t、,，.。;；:：!！?？-—–~…·"


def trim(text: str) -> str:
    """An item's text without surrounding spaces and list punctuation."""
    return text.strip(_TRIM)


# ------------------------------------------------------------------ kinds of line

# A website's own text around a published plan (folded, Simplified): never plan content.
_AD_MARKERS = (
    "小编",
    "范文",
    "本站",
    "计划网",
    "总结网",
    "范文网",
    "文库",
    "尽在",
    "请访问",
    "欢迎阅读",
    "阅读分享",
    "希望对大家",
    "希望大家能够喜欢",
    "为您推荐",
    "为大家整理",
    "整理的关于",
    "频道",
    "http://",
    "https://",
    "www.",
    "](",
    "附送:",
    "版权",
    "转载",
)


_AD = re.compile("|".join(re.escape(m) for m in _AD_MARKERS))


def is_ad(folded: str) -> bool:
    return _AD.search(folded) is not None


_CN_NUM = "一二三四五六七八九十"
_SECTION = re.compile(
    rf"(?:第?[{_CN_NUM}]{{1,3}}\s*[、.。,:]|[(][{_CN_NUM}]{{1,3}}[)]|第[{_CN_NUM}]{{1,3}}[章部节条篇])"
)
_DOC_END = re.compile(rf"篇[{_CN_NUM}]{{1,3}}$")
_DOC_WORDS = ("附:", "附件", "附录")


def section_heading(folded: str) -> int:
    """Where the text of a section heading starts ("一、…", "(二)…", "第三章…"), or -1."""
    m = _SECTION.match(folded)
    return m.end() if m else -1


def document_heading(line: Line) -> bool:
    """A plan's own title: "工会工作计划表篇四", "附：xx小学工会工作要点"."""
    f = line.folded
    return bool(_DOC_END.search(f)) or f.startswith(_DOC_WORDS)


_LABEL = re.compile(r"(完成时限|时限|完成时间|责任人|负责人|责任部门|责任单位|牵头部门)\s*:\s*")
DEADLINE_LABELS = frozenset({"完成时限", "时限", "完成时间"})


def label(folded: str) -> tuple[str, int] | None:
    """("时限", where the value starts) for "时限：3月;11月", "责任人：工会女工"; else None."""
    m = _LABEL.match(folded)
    return (m.group(1), m.end()) if m else None


SENTENCE_END = "。!?！？;；"
