//! Answers above the hits, for questions: the sentence of the top passage that answers it.
//! (A question about a figure is answered by a target record instead, by callers that hold
//! the records: see `plansearch_records`.)
//!
//! A key design decision: a wrong answer is worse than none. A passage answers only when it
//! holds nearly all of the question's content (by informativeness), more of it than the next
//! hit, and one of its sentences holds most of it; the answer is then that sentence, exactly
//! as the plan prints it, with the question's words marked.

use plansearch_analysis::normalize;

use crate::prepare::Prepared;
use crate::{highlight, Answer, AnswerKind, Hit};

/// The share of the question's informativeness the top passage must hold.
const HOLDS: f32 = 0.8;
/// How much more of it the top passage must hold than the next.
const MARGIN: f32 = 0.15;
/// The share its best sentence must hold.
const SENTENCE_HOLDS: f32 = 0.6;

/// The share of the units' weight a text holds, and the spans where they stand.
fn held(text: &str, units: &[&Prepared]) -> (f32, Vec<(usize, usize)>) {
    let hay: Vec<char> = normalize(text).chars().collect();
    let total: f32 = units.iter().map(|p| p.weight).sum();
    let mut got = 0.0;
    let mut spans = Vec::new();
    for p in units {
        let found: Vec<(usize, usize)> = p
            .alternatives
            .iter()
            .filter(|a| !a.en)
            .map(|a| highlight::find_all(&hay, &a.text.chars().collect::<Vec<_>>()))
            .find(|f| !f.is_empty())
            .unwrap_or_default();
        if !found.is_empty() {
            got += p.weight;
            spans.extend(found);
        }
    }
    (if total > 0.0 { got / total } else { 0.0 }, highlight::merge(spans))
}

/// The top hit's best sentence, when it answers the question confidently.
pub(crate) fn from_passage(hits: &[Hit], groups: &[Vec<Prepared>]) -> Option<Answer> {
    let units: Vec<&Prepared> = groups.iter().flatten().filter(|p| !p.alternatives.iter().all(|a| a.en)).collect();
    if units.len() < 2 {
        return None;
    }
    let top = hits.first()?;
    let (share, _) = held(&top.text, &units);
    let next = hits.get(1).map_or(0.0, |h| held(&h.text, &units).0);
    if share < HOLDS || next > share - MARGIN {
        return None;
    }
    // A table row or indicator answers as a whole: its cells belong together.
    if !top.cells.is_empty() {
        let (_, highlights) = held(&top.text, &units);
        return Some(answer(top, top.text.clone(), highlights));
    }
    let mut best: Option<(f32, usize, usize)> = None;
    let chars: Vec<char> = top.text.chars().collect();
    let mut start = 0;
    for (i, c) in chars.iter().enumerate() {
        let end = i + 1;
        if matches!(c, '。' | '；' | '！' | '？' | '\n') || end == chars.len() {
            let sentence: String = chars[start..end].iter().collect();
            let (s, _) = held(&sentence, &units);
            if best.is_none_or(|(b, _, _)| s > b) {
                best = Some((s, start, end));
            }
            start = end;
        }
    }
    let (s, from, to) = best?;
    if s < SENTENCE_HOLDS {
        return None;
    }
    let text: String = chars[from..to].iter().collect::<String>().trim().to_string();
    let (_, highlights) = held(&text, &units);
    Some(answer(top, text, highlights))
}

fn answer(top: &Hit, text: String, highlights: Vec<(usize, usize)>) -> Answer {
    Answer {
        kind: AnswerKind::Passage,
        text,
        value: None,
        unit: None,
        year: None,
        binding: None,
        doc: top.doc.clone(),
        passage_id: top.id.clone(),
        url: top.url.clone(),
        highlights,
    }
}
