"""Chinese word segmentation: one jieba tokenizer per process, with the district dictionary.

Pure functions over already normalised text (see ``normalize``); the only state is the tokenizer,
built on first use and reused by every request and task of the process. Local terms
(``BUILTIN_TERMS`` plus the admin-edited ``DictionaryTerm`` rows) are added with ``load_terms``;
when the admin list changes, the caller passes the new list again and the live tokenizer is
updated in place.

- ``words(text)``: the segmentation, without punctuation and spaces (precise mode, no HMM: it is
  faster, and deterministic for the dictionary terms).
- ``index_terms(words)``: what goes into the search column: every non-stop word, plus each
  two-character substring of longer Chinese words, so that a two-character query (噪音, 电梯)
  finds 电梯间 or 噪音扰民 whichever way the segmenter cut them.
- ``query_terms(text)``: the distinct non-stop words of a query, in order.
- ``idf(word)``: inverse document frequency from jieba's general word frequencies, used to weigh
  words in similarity and to skip very common words when retrieving candidates.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterable

import jieba

from shangliang.text import concepts
from shangliang.text.normalize import normalize

jieba.setLogLevel(logging.WARNING)

# Local words the general dictionary cuts badly. Admins add more in the DictionaryTerm table.
BUILTIN_TERMS: tuple[str, ...] = (
    "飞线充电",
    "私拉电线",
    "电动车",
    "电瓶车",
    "充电桩",
    "三无小区",
    "老旧小区",
    "全科社工",
    "网格员",
    "微协商",
    "逢十说事",
    "二五议事",
    "协商议事室",
    "社情民意",
    "消防通道",
    "高空抛物",
    "垃圾清运",
    "占道经营",
    "广场舞",
    "化粪池",
    "污水井",
    "井盖",
    "路灯",
    "红绿灯",
    "斑马线",
    "减速带",
    "停车位",
    "医保",
    "社保",
    "低保",
    "高龄津贴",
    "养老金",
    "长者饭堂",
    "日间照料",
    "托育",
    "物业费",
    "业委会",
    "噪音扰民",
    "流浪狗",
    "狗屎",
    "鬼秤",
    "缺斤少两",
    "预付卡",
)

# Function words and complaint filler that say nothing about the problem.
STOPWORDS: frozenset[str] = frozenset(
    [
        "的",
        "了",
        "着",
        "过",
        "是",
        "在",
        "有",
        "和",
        "与",
        "及",
        "或",
        "就",
        "都",
        "也",
        "还",
        "又",
        "再",
        "很",
        "太",
        "更",
        "最",
        "把",
        "被",
        "让",
        "给",
        "对",
        "向",
        "从",
        "到",
        "往",
        "于",
        "为",
        "这",
        "那",
        "这个",
        "那个",
        "这些",
        "那些",
        "这里",
        "那里",
        "这边",
        "那边",
        "这样",
        "那样",
        "这么",
        "那么",
        "什么",
        "怎么",
        "怎么办",
        "为什么",
        "我",
        "你",
        "他",
        "她",
        "它",
        "我们",
        "你们",
        "他们",
        "她们",
        "大家",
        "咱们",
        "自己",
        "人家",
        "我家",
        "我们家",
        "家里",
        "啊",
        "呀",
        "吧",
        "呢",
        "吗",
        "嘛",
        "哦",
        "哎",
        "唉",
        "啦",
        "哈",
        "呗",
        "么",
        "嗯",
        "喂",
        "一",
        "一个",
        "一下",
        "一些",
        "一点",
        "一直",
        "一样",
        "一起",
        "个",
        "些",
        "点",
        "次",
        "下",
        "上",
        "里",
        "中",
        "内",
        "外",
        "前",
        "后",
        "请",
        "请问",
        "麻烦",
        "希望",
        "能否",
        "能不能",
        "可以",
        "可不可以",
        "能",
        "会",
        "要",
        "想",
        "应该",
        "需要",
        "必须",
        "得",
        "地",
        "能够",
        "反映",
        "反应",
        "投诉",
        "问题",
        "情况",
        "事情",
        "现在",
        "目前",
        "已经",
        "经常",
        "总是",
        "每次",
        "有时",
        "有人",
        "大概",
        "好像",
        "感觉",
        "觉得",
        "但是",
        "但",
        "可是",
        "而且",
        "并且",
        "因为",
        "所以",
        "如果",
        "虽然",
        "然后",
        "还是",
        "或者",
        "以及",
        "还有",
        "另外",
        "其实",
        "只是",
        "只",
        "不",
        "没",
        "没有",
        "不是",
        "不能",
        "不会",
        "不要",
        "别",
        "非常",
        "特别",
        "真的",
        "真是",
        "实在",
        "根本",
        "简直",
        "到底",
        "究竟",
        "尽快",
        "赶紧",
        "及时",
        "相关",
        "部门",
        "有关",
        "领导",
        "同志",
        "你好",
        "您好",
        "谢谢",
        "感谢",
        "各位",
        "管管",
        "管一管",
        "处理",
        "解决",
        "一下子",
    ]
)

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_extra_terms: tuple[str, ...] = ()


def _build(extra: Iterable[str]) -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for term in (*BUILTIN_TERMS, *concept_terms(concepts.BUILTIN_CONCEPTS.values()), *extra):
        tokenizer.add_word(term, freq=max(tokenizer.suggest_freq(term, tune=False), 1000))
    return tokenizer


def concept_terms(groups: Iterable[Iterable[str]]) -> list[str]:
    """The concept words the segmenter must keep whole (single characters are words already)."""
    return [w for group in groups for w in group if len(w) > 1]


def tokenizer() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                _tokenizer = _build(_extra_terms)
    return _tokenizer


def load_terms(terms: Iterable[str]) -> bool:
    """Use ``terms`` as the district dictionary; returns True when the dictionary changed.

    Words are added to and removed from the live tokenizer (no rebuild); a removed word that
    jieba's own dictionary knows gets its original frequency back."""
    global _extra_terms, _generation
    wanted = tuple(sorted({t.strip() for t in terms if t and t.strip()}))
    if wanted == _extra_terms:
        tokenizer()
        return False
    tok = tokenizer()
    with _lock:
        for term in set(_extra_terms) - set(wanted):
            original = _original_freq.pop(term, None)
            if original:
                tok.add_word(term, freq=original)
            else:
                tok.del_word(term)
        for term in set(wanted) - set(_extra_terms):
            _original_freq.setdefault(term, tok.FREQ.get(term) or 0)
            tok.add_word(term, freq=max(tok.suggest_freq(term, tune=False), 1000))
        _extra_terms = wanted
        _words_cache.clear()
    _idf_cache.clear()
    _generation += 1
    return True


# How many times the district dictionary has changed in this process (word weights derived under
# an older generation are stale).
_generation = 0


def generation() -> int:
    return _generation


# Frequencies the general dictionary had for district terms, restored when a term is removed.
_original_freq: dict[str, int] = {}


# Segmentations of recent texts, per process: one resident's text is segmented when it is
# checked for similar problems while typing, again when the form is posted, when the concern is
# filed and when it is indexed. Only texts of a concern's usual length are kept; the whole cache
# is dropped when the dictionary changes or it is full.
WORDS_CACHE_SIZE = 2048
WORDS_CACHE_MAX_CHARS = 500
_words_cache: dict[str, tuple[str, ...]] = {}


def words(text: str) -> list[str]:
    """The words of normalised ``text`` (no punctuation, no spaces)."""
    if not text:
        return []
    found = _words_cache.get(text)
    if found is not None:
        return list(found)
    result = [w for w in tokenizer().lcut(text, HMM=False) if _is_word(w)]
    if len(text) <= WORDS_CACHE_MAX_CHARS:
        if len(_words_cache) >= WORDS_CACHE_SIZE:
            _words_cache.clear()
        _words_cache[text] = tuple(result)
    return result


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token) and not token.isspace()


def _is_cjk(token: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in token)


def index_terms(word_list: Iterable[str]) -> list[str]:
    """Terms for the search column: non-stop words and the bigrams inside longer Chinese words."""
    terms: list[str] = []
    for word in word_list:
        if word in STOPWORDS:
            continue
        terms.append(word)
        if 2 < len(word) <= 8 and _is_cjk(word):
            terms.extend(word[i : i + 2] for i in range(len(word) - 1))
    return terms


def query_terms(text: str) -> list[str]:
    """Distinct non-stop words of a user's query, in order (the query is normalised here)."""
    seen: dict[str, None] = {}
    for word in words(normalize(text)):
        if word not in STOPWORDS:
            seen.setdefault(word, None)
    return list(seen)


_idf_cache: dict[str, float] = {}


def idf(word: str) -> float:
    """log(total / frequency) over jieba's dictionary; unknown words count as rare."""
    value = _idf_cache.get(word)
    if value is None:
        tok = tokenizer()
        freq = tok.FREQ.get(word) or 0
        value = math.log(tok.total / (freq + 1)) if freq else MAX_IDF
        value = min(value, MAX_IDF)
        if len(_idf_cache) < 200_000:
            _idf_cache[word] = value
    return value


# A word jieba has never seen (a place name, a typo) weighs as much as a very rare known word.
MAX_IDF = 14.0
