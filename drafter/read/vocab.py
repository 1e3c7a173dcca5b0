"""Vocabulary matching across scripts: traditional characters and pinyin glosses.

Forms from Hong Kong-style mirror sites and Taiwanese-input offices print 績效指標 for 绩效指标, and
some mirrors add a pinyin gloss after characters (``項(xiàng)目``). Vocabulary (labels, headings,
operators) is matched on a simplified copy of the same length, so that positions found in the copy
cut the text as printed: names keep the characters the form used.
"""

from __future__ import annotations

import re

# One traditional character to one simplified character, for the characters that occur in form
# vocabulary and common indicator words. 1:1 so that offsets in the copy are offsets in the text.
_TRAD = (
    "標指級產數質時經濟會態續響務對滿實際項類計單達預劃準評說釋價認證鑒區門職責績總體設備註"
    "補貼費資額執與於進環護養維決過滅監統災處撲內萬億個條張戶從來發號開關銷協調礎運轉應盡業問題"
    "無為衛醫療農學規範蓋訓練縣鄉鎮驗擴優穩顯減輕鞏長據確間週歲齡兒婦檢測報稱屬專廣東車輛噸畝場"
    "節約綠傷幹線邊現狀況辦導結構議貸書員參傳講動顧園隊險損壞舊齊點電網絡碼燈裝購舉眾並後裡餘鐘"
    "歷積極標準値簡檔権權權權覽瀏覽鏈頁點擊載載組織織級別雙樓濕糧儲備庫齡築規設計劃礎執"
)
_SIMP = (
    "标指级产数质时经济会态续响务对满实际项类计单达预划准评说释价认证鉴区门职责绩总体设备注"
    "补贴费资额执与于进环护养维决过灭监统灾处扑内万亿个条张户从来发号开关销协调础运转应尽业问题"
    "无为卫医疗农学规范盖训练县乡镇验扩优稳显减轻巩长据确间周岁龄儿妇检测报称属专广东车辆吨亩场"
    "节约绿伤干线边现状况办导结构议贷书员参传讲动顾园队险损坏旧齐点电网络码灯装购举众并后里余钟"
    "历积极标准值简档权权权权览浏览链页点击载载组织织级别双楼湿粮储备库龄筑规设计划础执"
)
assert len(_TRAD) == len(_SIMP)
# A full table for the Basic Multilingual Plane rather than a dict: str.translate looks every
# character up, and a dict raises (and swallows) a KeyError for each one it does not hold.
_TO_SIMPLE: list[int] = list(range(0x10000))
for _t, _s in zip(_TRAD, _SIMP):
    _TO_SIMPLE[ord(_t)] = ord(_s)
# str.translate with a dict costs a lookup per character: most text holds no traditional
# character at all, which one search of a character class tells at C speed.
_ANY_TRAD = re.compile("[" + re.escape("".join(sorted(set(_TRAD)))) + "]")

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# A gloss is lower-case pinyin in brackets right after a Chinese character, with at least one
# tone mark: "(xiàng)" is a gloss, "(kg)" or "(A)" is text.
_GLOSS = re.compile(rf"(?<=[\u3400-\u9fff])[(（][a-zü{_TONED}]*[{_TONED}][a-zü{_TONED}]*[)）]")


def simplified(text: str) -> str:
    """The same text with traditional vocabulary characters in simplified form (same length)."""
    return text.translate(_TO_SIMPLE) if _ANY_TRAD.search(text) else text


def drop_glosses(text: str) -> str:
    """Remove mirror-site pinyin glosses: ``項(xiàng)目`` → ``項目``."""
    return _GLOSS.sub("", text) if "(" in text or "（" in text else text
