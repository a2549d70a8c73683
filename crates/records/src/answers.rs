//! Target records on search responses: the badges of each hit's targets, and — for a
//! question about a figure — the target that answers it, above the hits.
//!
//! A key design decision: the figure of an answer is a record's, never computed: `value` and
//! `unit` are the record's, and `text` is the sentence (or indicator row) it was read from,
//! so a journalist can check it word for word. An answer is given only when the question's
//! own words name the record's metric in one of the top hits; a question that names nothing
//! a record measures gets no answer rather than a near one.

use std::collections::HashMap;

use plansearch_search::{Answer, AnswerKind, Reading, Response};

use crate::targets::{Kind, Target};

/// How many top hits an answer may come from.
const FROM_TOP: usize = 3;

/// Target records by passage, for annotating responses. Built once from the records.
pub struct Annotator {
    by_passage: HashMap<(String, String), Vec<Target>>,
}

impl Annotator {
    pub fn new(records: &[Target]) -> Annotator {
        let mut by_passage: HashMap<(String, String), Vec<Target>> = HashMap::new();
        for t in records {
            by_passage.entry((t.doc.clone(), t.passage_id.clone())).or_default().push(t.clone());
        }
        Annotator { by_passage }
    }

    fn of(&self, doc: &str, id: &str) -> &[Target] {
        self.by_passage.get(&(doc.to_string(), id.to_string())).map_or(&[], |v| v.as_slice())
    }

    /// `莲藕基地 · 10万亩 · 2025` for each target (not `achieved` result) of a passage.
    pub fn badges(&self, doc: &str, id: &str) -> Vec<String> {
        self.of(doc, id).iter().filter(|t| t.kind == Kind::Target).map(Target::badge).collect()
    }

    /// Each hit with its badges; a question about a figure with the target that answers it.
    pub fn annotate(&self, res: &mut Response) {
        for hit in &mut res.hits {
            hit.targets = self.badges(&hit.doc, &hit.id);
        }
        if let Some(answer) = self.answer(res) {
            res.answer = Some(answer);
        }
    }

    fn answer(&self, res: &Response) -> Option<Answer> {
        let i = &res.interpreted;
        if i.reading != Reading::Question || !i.asks_quantity || res.offset > 0 {
            return None;
        }
        // The question's content in Chinese: its words, and what English words stand for.
        let mut words: Vec<&str> = i.kept.iter().map(String::as_str).collect();
        words.extend(i.expanded.iter().map(|e| e.to.as_str()));
        words.retain(|w| w.chars().count() >= 2 && !w.is_ascii());
        let q = plansearch_analysis::normalize(&res.query);
        let past = ["十三五", "2020", "累计", "已经", "已", "achieved", "13th"].iter().any(|c| q.contains(c));
        let year: Option<u32> = year_in(&q);
        // The question's most informative word must stand in the record's sentence: a record
        // that shares only common words with the question answers another question.
        let key = i.kept.iter().chain(i.expanded.iter().map(|e| &e.to)).find(|w| w.chars().count() >= 2 && !w.is_ascii());
        let mut best: Option<(usize, usize, &Target)> = None;
        for (rank, hit) in res.hits.iter().take(FROM_TOP).enumerate() {
            for t in self.of(&hit.doc, &hit.id) {
                if (t.kind == Kind::Achieved) != past || year.is_some_and(|y| t.year.is_some_and(|ty| ty != y)) {
                    continue;
                }
                let named: usize = words.iter().filter(|w| t.metric.contains(*w)).map(|w| w.chars().count()).sum();
                if named == 0 || key.is_some_and(|k| !t.sentence.contains(k.as_str())) {
                    continue;
                }
                let said: usize = words.iter().filter(|w| t.sentence.contains(*w)).map(|w| w.chars().count()).sum();
                let score = 2 * named + said;
                if best.is_none_or(|(br, bs, _)| (rank, std::cmp::Reverse(score)) < (br, std::cmp::Reverse(bs))) {
                    best = Some((rank, score, t));
                }
            }
            if best.is_some() {
                break;
            }
        }
        let (_, _, t) = best?;
        let mark = t.highlight_in(&t.sentence);
        let highlights = match t.sentence.find(&mark) {
            Some(b) => {
                let start = t.sentence[..b].chars().count();
                vec![(start, start + mark.chars().count())]
            }
            None => vec![],
        };
        Some(Answer {
            kind: AnswerKind::Target,
            text: t.sentence.clone(),
            value: Some(t.value.clone()),
            unit: (!t.unit.is_empty()).then(|| t.unit.clone()),
            year: t.year,
            binding: t.binding.map(|b| b.as_str().to_string()),
            doc: t.doc.clone(),
            passage_id: t.passage_id.clone(),
            url: plansearch_corpus::permalink_path(&t.doc, &t.passage_id),
            highlights,
        })
    }
}

/// A year written in the question (`2025年`, `by 2025`).
fn year_in(q: &str) -> Option<u32> {
    let digits: Vec<char> = q.chars().collect();
    digits.windows(4).enumerate().find_map(|(i, w)| {
        let s: String = w.iter().collect();
        let before = i.checked_sub(1).and_then(|j| digits.get(j)).is_some_and(|c| c.is_ascii_digit());
        let after = digits.get(i + 4).is_some_and(|c| c.is_ascii_digit());
        let y: u32 = s.parse().ok()?;
        (!before && !after && (2000..=2050).contains(&y)).then_some(y)
    })
}
