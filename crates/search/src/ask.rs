//! Reading a query the way people ask: a question (`到2025年…要达到多少？`, `how many …`) or a
//! sentence pasted from an article is not a list of required keywords.
//!
//! A key design decision: question and function words are grammar, so they are a short
//! closed list here (多少, 如何, what, how many …); whether a content word is worth searching
//! for is not a list but the index's own statistics — a word in a large share of the
//! passages (蔡甸, 全区, 发展) tells them apart hardly at all and is dropped, and every word
//! kept weighs by its informativeness (inverse document frequency). Nothing here may turn a
//! keyword query into a question: a query without a question word and shorter than a
//! sentence keeps the keyword reading, where every term is required.

use plansearch_analysis::{jieba, runs, RunKind};

use crate::query::Parsed;
use crate::Reading;

/// Chinese question words: a query holding one is read as a question, and they are never
/// searched for.
#[rustfmt::skip]
const ZH_CUES: &[&str] = &[
    "多少", "什么", "哪些", "哪里", "在哪", "在哪里", "哪儿", "哪个", "哪家", "哪几", "哪", "如何", "怎么", "怎样", "怎么样", "怎么办", "怎么回事",
    "是否", "有没有", "有无", "能否", "可否", "是不是", "会不会", "要不要", "吗", "呢", "几", "几个", "多大", "多高", "多长", "多久", "为什么", "为何",
    "咋", "咋样", "啥", "怎", "指的是", "哪两个", "哪三个", "哪几个",
];

/// Chinese words that only link or frame a question (要, 计划, 目标是): not searched for in a
/// question, but not a sign of one either.
#[rustfmt::skip]
const ZH_LINKS: &[&str] = &[
    "回事", "要", "会", "将", "能", "想", "计划", "规划", "规划里", "规划中", "纲要", "里", "目标是", "目标", "提出", "提到", "说", "关于", "具体", "指",
    "是", "有", "到", "达到", "期间", "时期", "情况", "请问", "方面", "都", "还", "吧", "啊", "呀", "么", "该", "应该", "需要", "打算", "准备", "主要",
    "分别", "包括", "包含", "以及", "今后", "未来", "一下",
];

/// English words that ask or only link.
const EN_FUNCTION: &[&str] = &[
    "what",
    "which",
    "who",
    "whom",
    "whose",
    "where",
    "when",
    "why",
    "how",
    "many",
    "much",
    "does",
    "do",
    "did",
    "is",
    "are",
    "was",
    "were",
    "will",
    "would",
    "can",
    "could",
    "should",
    "shall",
    "has",
    "have",
    "had",
    "the",
    "a",
    "an",
    "of",
    "for",
    "in",
    "on",
    "to",
    "and",
    "or",
    "by",
    "with",
    "from",
    "at",
    "as",
    "be",
    "been",
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "there",
    "any",
    "anything",
    "plan",
    "plans",
    "planned",
    "say",
    "says",
    "said",
    "mention",
    "mentioned",
    "mentions",
    "about",
    "tell",
    "me",
    "us",
    "please",
    "number",
    "total",
    "amount",
    "get",
    "going",
    "want",
    "wants",
    "aim",
    "aims",
    "supposed",
    "expected",
    "goal",
    "goals",
    "target",
    "targets",
    "set",
    "reach",
    "reached",
    "by",
    "year",
    "list",
];

/// English question openers.
const EN_CUES: &[&str] = &[
    "what", "which", "who", "where", "when", "why", "how", "does", "do", "did", "is", "are", "will", "would", "can", "could", "should", "has",
    "have", "tell",
];

/// Chinese quantity cues: the question asks for a figure.
const ZH_QUANTITY: &[&str] = &["多少", "几", "多大", "多高", "多长", "多快", "达到", "目标", "比例", "比率", "比重", "占比", "增速", "规模多"];

/// English quantity cues.
const EN_QUANTITY: &[&str] = &[
    "how many",
    "how much",
    "target",
    "percentage",
    "share",
    "how large",
    "how big",
    "how high",
    "how long",
    "rate",
    "number of",
    "size of",
    "capacity",
];

/// A query of at least this many Chinese characters, without a question word, is a pasted
/// sentence.
pub(crate) const SENTENCE_HAN: usize = 18;
/// An English query of at least this many words is a sentence.
const SENTENCE_WORDS: usize = 8;
/// A word in more than this share of the passages is too common to search for in a question.
pub(crate) const TOO_COMMON: f64 = 0.12;

pub(crate) fn is_function_word(word: &str, english: bool) -> bool {
    if english {
        EN_FUNCTION.contains(&word) || crate::bilingual::STOP.contains(&word)
    } else {
        ZH_CUES.contains(&word) || ZH_LINKS.contains(&word) || plansearch_analysis::is_stop_word(word)
    }
}

/// How to read a parsed query. `OR` groups and queries of quotes alone keep the keyword
/// reading: they say exactly what they want.
pub(crate) fn reading(parsed: &Parsed, english: bool) -> Reading {
    if parsed.groups.iter().any(|g| g.len() > 1) {
        return Reading::Keywords;
    }
    let plain: Vec<&str> = parsed.groups.iter().flatten().filter(|u| !u.exact).map(|u| u.text.as_str()).collect();
    if plain.is_empty() {
        return Reading::Keywords;
    }
    let text = plain.join(" ");
    if text.contains('?') {
        return Reading::Question;
    }
    if english {
        let words = crate::bilingual::normalize_words(&text);
        if words.first().is_some_and(|w| EN_CUES.contains(&w.as_str())) && words.len() >= 3 {
            return Reading::Question;
        }
        return if words.len() >= SENTENCE_WORDS { Reading::Sentence } else { Reading::Keywords };
    }
    let mut han = 0;
    for run in runs(&text) {
        if run.kind != RunKind::Han {
            continue;
        }
        han += run.text.chars().count();
        // Substrings, not jieba words: 怎么回事 and 是多少 are cut as words of their own.
        if ZH_CUES.iter().any(|c| run.text.contains(c)) {
            return Reading::Question;
        }
    }
    if han >= SENTENCE_HAN {
        Reading::Sentence
    } else {
        Reading::Keywords
    }
}

/// Does the question ask for a figure?
pub(crate) fn asks_quantity(parsed: &Parsed, english: bool) -> bool {
    let text: String = parsed.groups.iter().flatten().map(|u| u.text.as_str()).collect::<Vec<_>>().join(" ");
    if english {
        let words = crate::bilingual::normalize_words(&text).join(" ");
        EN_QUANTITY.iter().any(|c| words.contains(c))
    } else {
        ZH_QUANTITY.iter().any(|c| text.contains(c))
    }
}

/// The words of a Chinese question in order: jieba's default cut of each Han run, Latin
/// words and numbers whole.
pub(crate) fn zh_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for run in runs(text) {
        match run.kind {
            RunKind::Latin => out.push(run.text.to_string()),
            RunKind::Han => out.extend(jieba().cut(run.text, true).into_iter().map(|t| t.word.to_string())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    #[test]
    fn questions_sentences_and_keywords_are_told_apart() {
        assert_eq!(reading(&parse("全区卫生专业技术人员到2025年要达到多少人"), false), Reading::Question);
        assert_eq!(reading(&parse("“无证明城市”怎么建设"), false), Reading::Question);
        assert_eq!(reading(&parse("乡村振兴"), false), Reading::Keywords);
        assert_eq!(reading(&parse("乡村振兴 莲藕"), false), Reading::Keywords);
        assert_eq!(reading(&parse("\"全区粮食播种面积\""), false), Reading::Keywords);
        assert_eq!(reading(&parse("莲藕 OR 藕带"), false), Reading::Keywords);
        assert_eq!(reading(&parse("蔡甸将依托武汉车谷大板块实施汽车零部件产业倍增计划"), false), Reading::Sentence);
        assert_eq!(reading(&parse("how many hospital beds"), true), Reading::Question);
        assert_eq!(reading(&parse("air quality"), true), Reading::Keywords);
    }

    #[test]
    fn quantity_questions_are_recognised() {
        assert!(asks_quantity(&parse("城镇新增就业目标是多少人"), false));
        assert!(asks_quantity(&parse("How many village clinics"), true));
        assert!(!asks_quantity(&parse("“无证明城市”怎么建设"), false));
    }
}
