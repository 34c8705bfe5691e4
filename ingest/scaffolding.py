"""Which sections are learning subjects and which are article scaffolding.

>>> is_scaffolding("核心概念与联系"), is_scaffolding("线性代数")
(True, False)
>>> excludes_subtree("附录：常见问题与解答"), excludes_subtree("代码解读与分析"), excludes_subtree("微调技术")
(True, True, False)
>>> excludes_subtree("37 条评论"), excludes_subtree("Comments"), excludes_subtree("论文评论方法")
(True, True, False)
>>> [facet_kind(t) for t in ("相关推荐", "Related posts", "You might also like", "相关工作")]
['chrome', 'chrome', 'chrome', '']
>>> is_question("如何选择合适的深度学习框架"), is_question("Q1：什么是大模型？"), is_question("反向传播")
(True, True, False)
"""

from __future__ import annotations

import re

# Sections that organise an article but are not subjects themselves (their children may be).
SCAFFOLDING = re.compile(
    r"^(?:背景(?:介绍|知识)?|引言|前言|导言|简介|概述|概览|介绍|目录|正文|"
    r"核心概念(?:与联系)?|核心算法原理.*|具体操作步骤.*|.*详细讲解.*|.*举例说明|"
    r"具体最佳实践.*|(?:实际)?应用场景|其他应用|对比与联系|.*与联系|"
    r"核心架构|关键技术|基础知识|必读论文|主流模型|经典论文与模型|"
    r"学习路线|学习路径|路线图|学习建议|个人发展建议|"
    r"书籍|课程|论文|博客(?:和网站)?|网站|视频|资料|工具|其他|(?:总体|整体)思路|全局图?|学习计划|计划|课程安排|课程表|日程|课程(?:简介|介绍|说明)|"
    # an English page's own structure: the plan, its schedule, the lectures, the course's description
    r"big picture|the big picture|(?:the |study |learning |course )?plan|schedule|(?:course )?calendar|lectures|sessions|"
    r"course (?:description|overview)|syllabus|(?:final|course|capstone) projects?|期末项目|大作业|结课项目)$",
    re.IGNORECASE
)
# Sections under which nothing is a subject: code walk-throughs, FAQs, reading lists, wrap-ups.
EXCLUDED = re.compile(
    r"(?:关键词|关键字|摘要|附录|常见问题|问题与解答|FAQ|Q&A|扩展阅读|延伸阅读|参考资料|参考文献|"
    r"代码|(?:举例|实例|案例)$|项目实战|环境搭建|开发环境|资源推荐|框架推荐|工具推荐|学习资源|推荐阅读|"
    r"总结|结语|小结|展望|写在最后|致谢|作者|(?:^|\d\s*条?)评论区?$|^\d*\s*comments?$|^discussion$|^replies$|"
    # what the author says they will not study: its items are no subjects of the plan
    r"^parking lot$|^out of scope$|^not (?:covered|doing|now)$|^later$|^someday$|暂不学|暂时不学|不学的|以后再学)",
    re.IGNORECASE,
)
# A wrap-up: it closes the article, it is never a step, even when the author numbered it (六、写在最后, 7. Conclusion).
WRAP_UP = re.compile(r"^(?:总结|结语|小结|展望|写在最后|最后的话|最后说几句|后记|尾声|"
                     r"conclusions?|summary|wrap(?:ping)?[- ]?up|final (?:thoughts|words)|closing (?:thoughts|words))"
                     r"(?:$|[\s:：,，、与和及&-])", re.IGNORECASE)
QUESTION = re.compile(r"(?:^[QＱ]\d*\s*[:：.]|[?？]$|^(?:如何|怎么|怎样|为什么|为何|什么是|哪些|是否)|的区别$)")
# Parents whose children are parallel options, not a sequence to follow.
PARALLEL = re.compile(r"(?:应用|工具|框架|资源|平台|竞赛|趋势|场景|方向|模型$|项目$|社区)")


# Facets: generic labels whose content belongs to the enclosing section. A label is a facet when every
# word of it is one of these (joined by 与/和/&/and/、), optionally after a qualifier (本周, 推荐, key …).
QUALIFIER = (r"(?:本周|本章|本阶段|各阶段|阶段|推荐的?|必学的?|必读的?|必备的?|核心|主要|常用的?|相关|学习|重点|关键|路线|整体|"
             r"key|recommended|suggested|learning|study|main|core|useful|stage|phase)?")
CONTENT_WORDS = (r"工具|工具链|框架|库|技术栈|概念|知识点?|内容|技术|要点|重点|说明|概述|概览|总览|简介|顺序|路线图?|路径|"
                 r"tools?|tooling|frameworks?|librar(?:y|ies)|stack|concepts?|ideas|topics|notes|overview|summary|roadmap|"
                 r"learning path|order|prerequisites?|requirements?|(?:key )?points|takeaways|highlights|tl;?dr|划重点|前置要求|前置知识|预备知识|先修知识")
# A summary or comparison of what the document covers elsewhere (路线对比, 一图看懂, X vs Y, At a glance); 对比学习
# (contrastive learning) is a subject: the comparison words end the label or stand alone.
SUMMARY = re.compile(r"(?:对比|比较|一览|速查表?)$|^(?:一图看懂|一张图看懂)|\bat a glance$|^comparisons?\b|\bcomparison$|"
                     r"^\S[^:：]{0,30}\svs\.?\s\S", re.IGNORECASE)
GOAL_WORDS = (r"目标|学完能做到|能做到|能做什么|收获|产出|成果|检验标准|"
              r"goals?|objectives?|outcomes?|what you(?:'ll| will)? (?:be able to do|learn|can do)|you can do")
REFERENCE_WORDS = (r"资源|资料|参考资料?|参考文献|参考|阅读|延伸阅读|扩展阅读|推荐阅读|书籍|书单|课程|论文|视频|博客|"
                   r"教程|链接|练习|习题|作业|思考题|课后题|讨论题|(?:homework|review|discussion|practice|exercise|quiz) questions|周末练习(?:汇总)?|练习汇总|常见问题|问答|笔记|"
                   r"reading|readings|resources?|references?|further reading|books?|courses?|papers?|videos?|"
                   r"tutorials?|links?|exercises?|homework|practice|assignments?|faq|q&a|notebooks?|labs?|"
                   r"cheat ?sheets?|(?:mini[- ]?)?projects?|项目|capstone")
JOIN = r"\s*(?:与|和|及|&|/|、|and|,)\s*"
CHROME = re.compile(
    r"(?:讲什么|是什么$|^关于|^about\b|^(?:每日|每周|持续|最近)?更新|更新日志|changelog|^news$|最新动态|^关注|关注我|"
    r"订阅|subscribe|follow (?:me|us)|致谢|感谢|^谢谢|^thank you|^thanks\b|^议程$|^agenda$|acknowledg|star history|contribut|贡献指南|^(?:如何)?贡献$|^参与贡献$|^license$|^许可证$|"
    r"版权|联系方式|^contact|赞助|sponsor|交流群|目录|^contents$|table of contents|^toc$|"
    r"^相关(?:推荐|文章|阅读|链接|问题|清单|列表|项目|资源)$|^推荐文章$|^猜你喜欢$|^往期(?:推荐|回顾|精选)$|"
    r"^(?:related|similar|hot network) (?:posts?|articles?|reading|lists?|resources|projects|repos(?:itories)?|questions)$|^(?:you )?(?:may|might) also like|"
    r"^how to (?:use|read) (?:this|the)\b|使用说明|使用方法$|阅读指南|^怎么(?:用|读)(?:这份|本)|^如何(?:使用|阅读)(?:这份|本)|"
    # a course's and a tracker's administration: how work is graded and reviewed, not what is learned
    r"^grading\b|^grades$|^office hours$|^late (?:policy|work|days)$|^academic integrity$|^accommodations$|^attendance$|"
    r"^(?:weekly|monthly) (?:review|log|check-?in)$|^progress(?: log| tracker)?$|^staff$|^instructors?$|"
    r"^teaching assistants?$|学习进度|进度记录|打卡记录|^评分(?:标准|方式)?$|^成绩(?:评定)?$|^答疑时间$)",
    re.IGNORECASE,
)
FIRST_PERSON = re.compile(r"(?:^|[^自])我|\b(?:I|[Mm]y|[Oo]ur|[Ww]e)\b")  # "I" only as a capital word


def _facet_pattern(words: str) -> re.Pattern[str]:
    word = f"{QUALIFIER}\\s*(?:{words})"
    return re.compile(f"^(?:{word})(?:{JOIN}(?:{word}))*\\s*(?:推荐|一览|清单|汇总|list)?"
                      r"(?:\s+(?:by|per|for each|for every)\s+\w+|按\w{1,3}(?:整理|汇总|分类))?$", re.IGNORECASE)


_CONTENT_WORD = re.compile(f"(?:{CONTENT_WORDS})", re.IGNORECASE)
_GOAL = _facet_pattern(GOAL_WORDS)
_ANY = _facet_pattern(f"{REFERENCE_WORDS}|{CONTENT_WORDS}|{GOAL_WORDS}")


def facet_kind(title: str) -> str:
    """What kind of generic label ``title`` is: "chrome" (page furniture: thanks, news, contents, about),
    "reference" (resources, reading, exercises, FAQ), "goal", "content" (tools, concepts, overview) or "".

    >>> [facet_kind(t) for t in ("🙏 致谢", "参考资料", "Goals", "学完能做到", "工具", "必学概念", "工具和资源推荐")]
    ['chrome', 'reference', 'goal', 'goal', 'content', 'content', 'content']
    >>> [facet_kind(t) for t in ("这个专栏讲什么", "我踩过的坑", "Star History", "编程技能", "Transformer")]
    ['chrome', 'chrome', 'chrome', '', '']
    >>> [facet_kind(t) for t in ("两条路线对比", "一图看懂", "LoRA vs QLoRA", "At a glance", "对比学习", "比较器")]
    ['content', 'content', 'content', 'content', '', '']
    >>> [facet_kind(t) for t in ("Reading list", "Tools by week", "工具按阶段整理", "How to use this guide", "使用说明")]
    ['reference', 'content', 'content', 'chrome', 'chrome']
    """
    title = title.strip()
    if CHROME.search(title) or FIRST_PERSON.search(title):
        return "chrome"
    if SUMMARY.search(title):
        return "content"
    if not _ANY.match(title):
        return ""
    if _CONTENT_WORD.search(title):  # "工具和资源推荐": the tools listed are what the parent uses
        return "content"
    return "goal" if _GOAL.match(title) else "reference"


# Words that say how far along a learner is or what kind of work a phase is, not what it is about.
PHASE_WORDS = (r"入门|基础|进阶|高级|初级|中级|核心|概念|理解|实践|应用|实战|持续|学习|提升|深入|拓展|扩展|巩固|综合|提高|精通|"
               r"预备|准备|知识|能力|技能|起步|上手|夯实|打好|打牢|项目|"
               r"basics?|fundamentals|foundations?|getting started|beginners?|intermediate|advanced|expert|practice|"
               r"practical|applied|hands-on|applications?|continuous learning|keep learning|next steps|going further|"
               r"deep dive|mastery|core concepts|essentials|introduction|preparation|projects?|the|and|&")
_PHASE = re.compile(f"^(?:(?:{PHASE_WORDS})\\s*(?:与|和|及|、)?\\s*)+$", re.IGNORECASE)


def is_phase_label(title: str) -> bool:
    """True for a stage title made only of level or activity words (入门基础, 核心概念理解, Advanced): it
    says where a learner is, not what they learn, so the stage stays a container of its subjects.

    >>> is_phase_label("入门基础"), is_phase_label("核心概念理解"), is_phase_label("Getting Started")
    (True, True, True)
    >>> is_phase_label("深度学习基础"), is_phase_label("Machine Learning Foundations"), is_phase_label("打地基")
    (False, False, False)
    """
    return _PHASE.match(title.strip()) is not None


# Labels for an activity any stage can have (its evaluation, its project, its data preparation): the same
# words under two parents name two things (a classifier's metrics, an LLM app's test set).
ACTIVITY = re.compile(r"^(?:(?:模型|效果)?(?:评测|评估|测评)|(?:数据)?准备数据|数据准备|数据处理|复习|练习|小测|"
                      r"evaluation|evaluating|assessment|review|recap|data preparation|preparing data|exercises?)$",
                      re.IGNORECASE)


def is_generic_label(title: str) -> bool:
    """True for a label any stage can use for its own content: a level or activity word (实战项目,
    Hands-on), an evaluation, a data preparation or a review.

    >>> is_generic_label("实战项目"), is_generic_label("Evaluation"), is_generic_label("数据准备")
    (True, True, True)
    >>> is_generic_label("模型量化"), is_generic_label("RAG evaluation"), is_generic_label("Transformer")
    (False, False, False)
    """
    return is_phase_label(title) or ACTIVITY.match(title.strip()) is not None


#: A notes facet: the author's remarks on the section (how to pace it, what may run in parallel), not subjects.
NOTES = re.compile(r"^(?:(?:my |study |side )?notes?|remarks|tips?|笔记|备注|心得|注意事项|学习笔记|小贴士)$", re.IGNORECASE)


def is_notes(title: str) -> bool:
    """True for a notes label: its lines are remarks about the enclosing section (read for order and
    independence), never subjects of their own.

    >>> is_notes("Notes"), is_notes("备注"), is_notes("Notebooks"), is_notes("Notes on attention")
    (True, True, False, False)
    """
    return NOTES.match(title.strip()) is not None


def is_scaffolding(title: str) -> bool:
    """True for a section title that structures an article rather than naming a subject."""
    return SCAFFOLDING.match(title.strip()) is not None


def excludes_subtree(title: str) -> bool:
    """True for a section whose whole subtree holds no subjects (FAQ, code, references …)."""
    return EXCLUDED.search(title) is not None


def is_wrap_up(title: str) -> bool:
    """True for a closing section (summary, conclusion, 写在最后): not a subject, numbered or not.

    >>> is_wrap_up("写在最后"), is_wrap_up("总结：回顾与下一步"), is_wrap_up("Conclusion"), is_wrap_up("总结方法")
    (True, True, True, False)
    """
    return WRAP_UP.match(title.strip()) is not None


def is_question(title: str) -> bool:
    """True for FAQ-style questions."""
    return QUESTION.search(title.strip()) is not None


def is_parallel(title: str) -> bool:
    """True when the children of a section are alternatives rather than steps.

    >>> is_parallel("实际应用场景"), is_parallel("训练方法")
    (True, False)
    """
    return PARALLEL.search(title) is not None
