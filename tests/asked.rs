//! Questions, pasted sentences, typos and short forms (issue 11), on the real corpus: the
//! blind set `tests/relevance/asked.tsv` scored per kind, and what a user asking expects.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use plansearch_search::{AnswerKind, Reading, Request, Response, Source};

use crate::util::engine;

fn annotator() -> &'static plansearch_records::Annotator {
    static A: OnceLock<plansearch_records::Annotator> = OnceLock::new();
    A.get_or_init(|| plansearch_records::Annotator::new(&plansearch_records::extract(&engine().all("caidian").unwrap())))
}

/// A search as the API answers it: hits, badges and the answer.
fn ask(q: &str) -> Response {
    let mut res = engine().search(&Request { q: q.into(), limit: 10, ..Default::default() }).unwrap();
    annotator().annotate(&mut res);
    res
}

fn ids(res: &Response) -> Vec<&str> {
    res.hits.iter().map(|h| h.id.as_str()).collect()
}

/// Width-folded, without spaces: how an answer's figure is compared with the judged one.
fn folded(s: &str) -> String {
    plansearch_analysis::normalize(s).chars().filter(|c| !c.is_whitespace()).collect()
}

#[derive(Default, Debug)]
struct Score {
    n: usize,
    at1: usize,
    at10: usize,
    rr: f64,
    zero: usize,
    /// Number questions, and those answered with the judged figure.
    asked: usize,
    covered: usize,
    /// Answers given, and those right (the judged figure; else a judged passage).
    answers: usize,
    right: usize,
}

impl Score {
    fn line(&self, kind: &str) -> String {
        let n = self.n.max(1) as f64;
        format!(
            "{kind:<12} {:>4}  s@1 {:>5.1}%  s@10 {:>5.1}%  MRR {:.3}  zero {}  answers {} (right {}), number questions answered {}/{}",
            self.n,
            100.0 * self.at1 as f64 / n,
            100.0 * self.at10 as f64 / n,
            self.rr / n,
            self.zero,
            self.answers,
            self.right,
            self.covered,
            self.asked
        )
    }
}

/// Score `tests/relevance/asked.tsv` per kind (`query, relevant, kind, answer, note`), with
/// the misses.
fn evaluate_asked() -> (BTreeMap<String, Score>, Vec<String>) {
    let text = std::fs::read_to_string(crate::util::repo().join("tests/relevance/asked.tsv")).unwrap();
    let mut by_kind: BTreeMap<String, Score> = BTreeMap::new();
    let mut misses = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (q, relevant, kind, expected) =
            (cols[0], cols[1].split(',').map(str::trim).collect::<Vec<_>>(), cols[2], cols.get(3).copied().unwrap_or(""));
        let res = ask(q);
        let rank = res.hits.iter().position(|h| relevant.contains(&h.id.as_str()));
        for k in [kind, "ALL"] {
            let s = by_kind.entry(k.to_string()).or_default();
            s.n += 1;
            s.at1 += usize::from(rank == Some(0));
            s.at10 += usize::from(rank.is_some());
            s.rr += rank.map_or(0.0, |r| 1.0 / (r + 1) as f64);
            s.zero += usize::from(res.total == 0);
            s.asked += usize::from(!expected.is_empty());
            if let Some(a) = &res.answer {
                let right = if expected.is_empty() { relevant.contains(&a.passage_id.as_str()) } else { folded(&a.text).contains(&folded(expected)) };
                s.answers += 1;
                s.right += usize::from(right);
                s.covered += usize::from(right && !expected.is_empty());
            }
        }
        if rank != Some(0) {
            misses.push(format!("{kind}\t{q}\twant {relevant:?}\tgot {:?}", &ids(&res)[..res.hits.len().min(3)]));
        }
    }
    (by_kind, misses)
}

#[test]
fn asked_questions_find_their_passage_first_and_answers_are_right() {
    // The blind set (202 queries: Chinese and English questions, typos, short forms the plan
    // never prints, pasted paraphrases, topic keywords), written by someone who read the plan
    // and never ran the engine. First run, before any change: s@1 50.0%, s@10 75.2%, MRR
    // 0.583, 36 queries with no result.
    let (by_kind, misses) = evaluate_asked();
    for (k, s) in &by_kind {
        println!("{}", s.line(k));
    }
    let all = &by_kind["ALL"];
    let at1 = all.at1 as f64 / all.n as f64;
    assert!(all.n >= 150, "the asked set has {} queries", all.n);
    assert!(at1 >= 0.85, "success@1 {:.1}%; misses:\n{}", 100.0 * at1, misses.join("\n"));
    assert_eq!(all.zero, 0, "queries with no result; misses:\n{}", misses.join("\n"));
    // A wrong answer is worse than none.
    assert!(all.right as f64 >= 0.95 * all.answers as f64, "{} of {} answers right", all.right, all.answers);
    assert!(all.covered as f64 >= 0.6 * all.asked as f64, "{} of {} number questions answered", all.covered, all.asked);
}

#[test]
#[ignore = "prints the asked set's score per kind and its misses; run with --ignored --nocapture"]
fn asked_report() {
    let (by_kind, misses) = evaluate_asked();
    for (k, s) in &by_kind {
        println!("{}", s.line(k));
    }
    for m in misses {
        println!("  {m}");
    }
}

#[test]
fn a_question_about_a_figure_gets_the_target_on_top() {
    let res = ask("全区卫生专业技术人员到2025年要达到多少人");
    assert_eq!(res.interpreted.reading, Reading::Question);
    assert!(res.interpreted.asks_quantity);
    let a = res.answer.as_ref().expect("an answer");
    assert_eq!(a.kind, AnswerKind::Target);
    assert!(a.text.contains("4000人"), "{}", a.text);
    // The figure is the record's, as printed, and marked where it stands in the sentence.
    assert_eq!((a.value.as_deref(), a.unit.as_deref(), a.year), (Some("4000"), Some("人"), Some(2025)));
    let marked: String = a.text.chars().skip(a.highlights[0].0).take(a.highlights[0].1 - a.highlights[0].0).collect();
    assert_eq!(marked, "4000人");
    // Question words are dropped and said so; no content word is required.
    for w in ["多少", "达到", "要"] {
        assert!(res.interpreted.dropped.iter().any(|d| d.word == w), "{w} not dropped: {:?}", res.interpreted.dropped);
    }
    assert!(res.interpreted.kept.iter().any(|w| w.contains("技术人员")), "{:?}", res.interpreted.kept);
}

#[test]
fn a_quote_inside_a_question_is_emphasis_not_a_wall() {
    // The quotation marks used to make 二品一标 exact and every other word required: 0 results.
    let res = ask("“二品一标”认证产品到2025年要达到多少");
    assert!(res.total > 0);
    assert!(res.hits[0].text.contains("二品一标") && res.hits[0].text.contains("200个"), "{:?}", ids(&res));
    let res = ask("“无证明城市”怎么建设");
    assert!(res.hits[0].text.contains("无证明城市"), "{:?}", ids(&res));
    // A query that is only a quote stays exact.
    let res = ask("\"全区粮食播种面积\"");
    assert_eq!(res.interpreted.reading, Reading::Keywords);
    assert!(res.hits.iter().all(|h| h.text.contains("全区粮食播种面积")));
}

#[test]
fn a_short_form_the_plan_never_prints_finds_its_long_form() {
    for (short, long) in [("新基建", "新型基础设施建设"), ("卫技人员", "卫生专业技术人员"), ("固投", "固定资产投资")] {
        let res = ask(short);
        assert!(res.interpreted.expanded.iter().any(|e| e.to == long && e.source == Source::Abbreviation), "{short}: {:?}", res.interpreted.expanded);
        assert!(res.hits.first().is_some_and(|h| h.text.contains(long)), "{short}: {:?}", ids(&res));
    }
}

#[test]
fn typing_mistakes_are_corrected_towards_the_plans_words_and_said_so() {
    for (typed, meant) in [("精制农业", "精致农业"), ("利用律", "利用率"), ("垃圾分累", "垃圾分类")] {
        let res = ask(typed);
        assert!(res.interpreted.corrected.iter().any(|c| c.from == typed && c.to.contains(meant)), "{typed}: {:?}", res.interpreted.corrected);
        assert!(res.hits.first().is_some_and(|h| h.text.contains(meant)), "{typed}: {:?}", ids(&res));
    }
    let res = ask("urbanisation rate");
    assert!(res.interpreted.corrected.iter().any(|c| c.from == "urbanisation" && c.to == "urbanization"), "{:?}", res.interpreted.corrected);
    assert!(ids(&res).contains(&"p2.r3"), "{:?}", ids(&res));
    // Pinyin is not "corrected" into English, and words the plan uses are left alone.
    assert!(ask("xiangcun zhenxing").interpreted.corrected.is_empty());
    assert!(ask("乡村振兴").interpreted.corrected.is_empty());
}

#[test]
fn a_pasted_sentence_finds_the_passage_it_paraphrases() {
    let res = ask("蔡甸提出以车谷大板块为依托，实施汽车零部件倍增计划，围绕座椅、空调和动力系统等关键零部件开展强龙头行动");
    assert_eq!(res.interpreted.reading, Reading::Sentence);
    assert_eq!(res.hits[0].id, "4.1.1", "{:?}", ids(&res));
}

#[test]
fn a_topic_keyword_finds_the_paragraph_that_opens_its_part_before_the_heading() {
    for (q, opener, heading) in [("现代服务业", "4.3.1", "4.3"), ("数字经济", "4.5.1", "4.5")] {
        let res = ask(q);
        let at = |id: &str| res.hits.iter().position(|h| h.id == id);
        assert_eq!(at(opener), Some(0), "{q}: {:?}", ids(&res));
        assert!(at(heading).is_none_or(|h| h > 0), "{q}: the heading outranks its body: {:?}", ids(&res));
    }
}

#[test]
fn questions_of_nothing_but_question_words_or_marks_get_a_clear_message() {
    for q in ["是多少？", "？？？", "what is it?", "“", "怎么 如何 哪些", &"多少".repeat(250)] {
        let res = ask(q);
        if res.total == 0 {
            assert!(res.message.is_some(), "{q}: an empty answer without a reason");
        }
        assert!(res.answer.is_none(), "{q}: an answer to nothing");
    }
    // Only question words: nothing is searched, and the message says what is missing.
    let res = ask("是多少？");
    assert_eq!(res.total, 0);
    assert!(res.message.as_deref().is_some_and(|m| m.contains("question words")), "{:?}", res.message);
    assert!(res.interpreted.dropped.iter().any(|d| d.word == "多少"));
}

#[test]
fn an_answer_never_shows_a_figure_that_is_not_the_records() {
    // Every answer's value is printed in its text exactly as the record has it.
    for q in [
        "莲藕基地到2025年要达到多少万亩",
        "城镇新增就业目标是多少人",
        "How many hospital beds per thousand people by 2025?",
        "常住人口城镇化率目标是多少",
    ] {
        if let Some(a) = ask(q).answer {
            if let Some(v) = &a.value {
                assert!(a.text.contains(v.as_str()), "{q}: {v} not in {}", a.text);
            }
        }
    }
}

#[test]
fn a_query_of_more_units_than_the_cap_is_read_with_a_note() {
    let q: Vec<String> = (0..40).map(|i| format!("莲藕{i}")).collect();
    let res = ask(&q.join(" OR "));
    assert_eq!(res.interpreted.groups.iter().flatten().count(), plansearch_search::MAX_UNITS);
    let res = ask(&["莲藕", "基地", "面积", "乡村", "振兴", "农业"].iter().cycle().take(45).copied().collect::<Vec<_>>().join(" "));
    assert!(res.interpreted.groups.len() <= plansearch_search::MAX_UNITS, "{}", res.interpreted.groups.len());
    assert!(res.interpreted.notes.iter().any(|n| n.contains("first 32")), "{:?}", res.interpreted.notes);
}
