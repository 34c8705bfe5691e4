"""How close questions nobody would ask of a roadmap come to one knowledge base.

An embedder's similarities mean different things on different documents: everyday
questions reach 0.86 against a short English README and 0.80 against a Chinese one,
while questions a roadmap does answer reach 0.85 against one and 0.93 against another.
Bounds measured on one corpus therefore do not transfer. Instead, the coverage gate
measures, per knowledge base and per question language, the *off-topic level*: the
highest similarity any of a fixed bank of everyday questions (weather, cooking, taxes,
pets …) reaches against the index. A question no closer than that is as related to the
documents as small talk; one clearly above it (``Calibration.above_off_topic``) is related.

>>> level({"zh": [0.80, 0.86, 0.84]})
{'zh': 0.86}
>>> bounds({"zh": 0.86, "en": 0.81}, {"zh": 0.03})
{'zh': (0.86, 0.89), 'en': (0.81, None)}
>>> bounds({"zh": 0.86, "en": 0.81}, {"zh": 0.03, "en": 0.03}, across={"en": 0.02}, documents="zh")
{'zh': (0.86, 0.89), 'en': (0.79, 0.84)}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from rag.retrieval.calibration import Bounds

#: Everyday questions with no bearing on learning language models, per question language. They are
#: probes, not an answer key: the gate compares a question with the closest of them, per knowledge base.
EVERYDAY: dict[str, tuple[str, ...]] = {
    "zh": (
        "明天会下雨吗？需要带伞吗？", "个人所得税年度汇算怎么办理？", "去日本旅游需要办什么签证？",
        "电饭煲煮米饭水放多少合适？", "汽车轮胎多久需要更换一次？", "阳台上种番茄要注意什么？",
        "织围巾新手用什么针法？", "吉他的C和弦怎么按？", "第一次跑马拉松前要怎样训练？", "提前还房贷划算吗？",
        "婴儿晚上总是哭闹怎么办？", "猫粮应该怎么挑选？", "刷墙之前要先打磨墙面吗？", "简历上的工作经历怎么写？",
        "罗马帝国是怎么衰落的？", "股票分红要交税吗？", "婚礼请柬一般提前多久发？", "手冲咖啡的水温多少度最好？",
        "感冒了喝什么汤好？", "自行车链条掉了怎么装回去？", "红烧肉怎么做才不腻？", "孩子不爱写作业怎么办？",
        "租房合同要注意哪些条款？", "怎样养好一盆绿萝？",
    ),
    "en": (
        "Will it rain tomorrow, should I take an umbrella?", "How do I file my annual income tax return?",
        "Do I need a visa to travel to Japan?", "How much water should I use to cook rice?",
        "How often should car tires be replaced?", "How do I grow tomatoes on a balcony?",
        "Which stitch should a beginner use to knit a scarf?", "How do I play a C chord on the guitar?",
        "How should I train for my first marathon?", "Is it worth paying off a mortgage early?",
        "Why does my baby cry every night?", "How do I choose good cat food?",
        "Should I sand a wall before painting it?", "How do I describe work experience on a resume?",
        "Why did the Roman Empire fall?", "Are stock dividends taxed?",
        "How early should wedding invitations be sent?", "What water temperature is best for pour-over coffee?",
        "What soup helps with a cold?", "How do I put a bicycle chain back on?",
        "How do I make braised pork that is not greasy?", "How can I get my child to do homework?",
        "What should I check in a rental lease?", "How do I keep a pothos plant healthy?",
    ),
}


def measure(closest: Callable[[str], float | None], probes: Mapping[str, Sequence[str]] = EVERYDAY) -> dict[str, float]:
    """The off-topic level per language: the highest ``closest(probe)`` similarity (a probe without one is skipped)."""
    return level({lang: [s for s in map(closest, questions) if s is not None] for lang, questions in probes.items()})


def level(similarities: Mapping[str, Sequence[float]]) -> dict[str, float]:
    """The highest similarity per language (languages without any are left out)."""
    return {lang: max(values) for lang, values in similarities.items() if values}


def bounds(levels: Mapping[str, float], margins: Mapping[str, float], across: Mapping[str, float] | None = None,
           documents: str = "") -> dict[str, Bounds]:
    """Coverage bounds per question language: unrelated below the off-topic level, related at ``margins``
    above it; a language other than the ``documents``' one is unrelated only ``across`` below the level."""
    def low(lang: str, value: float) -> float:
        return round(value - (across or {}).get(lang, 0.0), 6) if documents and lang != documents else value

    return {lang: (low(lang, value), round(value + margins[lang], 6) if lang in margins else None)
            for lang, value in levels.items()}
