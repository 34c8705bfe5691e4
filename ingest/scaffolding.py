"""Which sections are learning subjects and which are article scaffolding.

>>> is_scaffolding("核心概念与联系"), is_scaffolding("线性代数")
(True, False)
>>> excludes_subtree("附录：常见问题与解答"), excludes_subtree("代码解读与分析"), excludes_subtree("微调技术")
(True, True, False)
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
    r"书籍|课程|论文|博客(?:和网站)?|网站|视频|资料|工具|其他)$"
)
# Sections under which nothing is a subject: code walk-throughs, FAQs, reading lists, wrap-ups.
EXCLUDED = re.compile(
    r"(?:关键词|关键字|摘要|附录|常见问题|问题与解答|FAQ|Q&A|扩展阅读|延伸阅读|参考资料|参考文献|"
    r"代码|举例|实例|案例|项目实战|环境搭建|开发环境|资源推荐|框架推荐|工具推荐|学习资源|推荐阅读|"
    r"总结|结语|小结|展望|写在最后|致谢|作者)",
    re.IGNORECASE,
)
QUESTION = re.compile(r"(?:^[QＱ]\d*\s*[:：.]|[?？]$|^(?:如何|怎么|怎样|为什么|为何|什么是|哪些|是否)|的区别$)")
# Parents whose children are parallel options, not a sequence to follow.
PARALLEL = re.compile(r"(?:应用|工具|框架|资源|平台|竞赛|趋势|场景|方向|模型$|项目$|社区)")


def is_scaffolding(title: str) -> bool:
    """True for a section title that structures an article rather than naming a subject."""
    return SCAFFOLDING.match(title.strip()) is not None


def excludes_subtree(title: str) -> bool:
    """True for a section whose whole subtree holds no subjects (FAQ, code, references …)."""
    return EXCLUDED.search(title) is not None


def is_question(title: str) -> bool:
    """True for FAQ-style questions."""
    return QUESTION.search(title.strip()) is not None


def is_parallel(title: str) -> bool:
    """True when the children of a section are alternatives rather than steps.

    >>> is_parallel("实际应用场景"), is_parallel("训练方法")
    (True, False)
    """
    return PARALLEL.search(title) is not None
