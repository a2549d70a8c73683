//! Records from text: a passage is split into sentences (`。！？`), `；` parts and clauses
//! (`，：`), outside brackets; each quantity the scanner found gets its metric, comparator and
//! year, and the sentence decides whether it is a target or a result already achieved.
//!
//! It must never make a record of a number the scanner did not read as a quantity, nor
//! reword a sentence: a record's sentence is its `；` part as printed.

use std::collections::HashSet;

use plansearch_corpus::{Passage, PassageKind, SectionNumber};

use super::lexicon::VERBS;
use super::metric::{clean_after, comparator, metric_for, Clause, MetricParts};
use super::scan::{depths, is_digit, scan, Quantity, YearMark};
use super::{record, Comparator, Kind, Source, Target};

/// `(start, end)` spans of `text` split at any of `stops` at bracket depth 0 (the stop char
/// is kept in the span).
fn split(chars: &[char], depth: &[i32], from: usize, to: usize, stops: &[char], always: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = from;
    for i in from..to {
        if always.contains(&chars[i]) || (depth[i] == 0 && stops.contains(&chars[i])) {
            if i + 1 > s {
                out.push((s, i + 1));
            }
            s = i + 1;
        }
    }
    if to > s {
        out.push((s, to));
    }
    out
}

fn retro_words(s: &str) -> bool {
    ["十三五", "五年来", "截至", "十二五"].iter().any(|w| s.contains(w))
}

/// The key of the section (or chapter introduction) a passage stands in.
pub(super) fn section_key(p: &Passage) -> (String, SectionNumber) {
    let place = match (&p.section, &p.chapter) {
        (Some(s), _) => s.number,
        (None, Some(c)) => SectionNumber::introduction(c.number),
        (None, None) => SectionNumber::introduction(0),
    };
    (p.doc.clone(), place)
}

/// Sections whose opening paragraph reviews the “十三五” period (and promises nothing): all
/// their quantities are results.
pub(super) fn retrospective_sections(passages: &[Passage]) -> HashSet<(String, SectionNumber)> {
    let mut seen = HashSet::new();
    let mut out = HashSet::new();
    for p in passages.iter().filter(|p| p.kind == PassageKind::Paragraph) {
        let key = section_key(p);
        if !seen.insert(key.clone()) {
            continue;
        }
        let chars: Vec<char> = p.text.chars().collect();
        let (_, years) = scan(&chars, &depths(&chars));
        let future = years.iter().any(|y| y.future) || p.text.contains("力争") || p.text.contains("确保");
        if p.text.contains("十三五") && !future {
            out.insert(key);
        }
    }
    out
}

/// The records of a paragraph, panel item or note, in reading order.
pub(super) fn text_records(p: &Passage, source: Source, retro_section: bool) -> Vec<Target> {
    let chars: Vec<char> = p.text.chars().collect();
    let depth = depths(&chars);
    let (quantities, years) = scan(&chars, &depth);
    if quantities.is_empty() {
        return vec![];
    }
    let mut out = Vec::new();
    for (ss, se) in split(&chars, &depth, 0, chars.len(), &['。', '！', '？'], &['\n']) {
        let sentence: String = chars[ss..se].iter().collect();
        let in_sentence = |a: usize| a >= ss && a < se;
        let s_years: Vec<&YearMark> = years.iter().filter(|y| in_sentence(y.start)).collect();
        let future = s_years.iter().any(|y| y.future);
        let retro = retro_section || (retro_words(&sentence) && !future);
        let past_only = !retro && !future && s_years.iter().any(|y| !y.future);
        let mut last: Option<(String, Comparator)> = None;
        for (gs, ge) in split(&chars, &depth, ss, se, &['；', ';'], &[]) {
            let segment: String = chars[gs..ge].iter().collect::<String>().trim().to_string();
            // `以…10000亩…基地…为重点。`: a segment that only names where to focus describes
            // what is there; `以…8个村为重点，打造…示范村` goes on to say what is built.
            let framing = segment.starts_with('以') && segment.trim_end_matches(['。', '；', ';']).ends_with("为重点");
            for (cs, ce) in split(&chars, &depth, gs, ge, &['，', ',', '：', ':'], &[]) {
                let clause = Clause { chars: &chars, depth: &depth, years: &years, start: cs, end: ce };
                for (q, cmp, metric) in clause_metrics(&clause, &quantities, !past_only && !framing, &mut last) {
                    let mut t = record(p, source);
                    t.sentence = segment.clone();
                    t.value = chars[q.start..q.value_end].iter().collect();
                    t.unit = q.unit.clone();
                    t.comparator = cmp;
                    let (lo, hi) = match (cmp, q.high) {
                        (_, Some(h)) => (Some(q.low), Some(h)),
                        (Comparator::AtLeast, None) => (Some(q.low), None),
                        (Comparator::AtMost, None) => (None, Some(q.low)),
                        _ => (Some(q.low), Some(q.low)),
                    };
                    t.low = lo;
                    t.high = hi;
                    t.metric = metric;
                    if retro {
                        t.kind = Kind::Achieved;
                        t.year = years.iter().filter(|y| y.start >= ss && y.end <= q.start && !y.future).map(|y| y.year).next_back();
                    } else {
                        t.year = year_scope(&s_years, gs, q.start);
                    }
                    out.push(t);
                }
            }
        }
    }
    out
}

/// The quantities of a clause that make records (none unless `keep`), with their comparator
/// and metric. `last` is the metric and comparator of the sentence's quantity before, which
/// a quantity without words of its own takes (`至少6万平方米、1200套`).
fn clause_metrics<'q>(
    clause: &Clause,
    quantities: &'q [Quantity],
    keep: bool,
    last: &mut Option<(String, Comparator)>,
) -> Vec<(&'q Quantity, Comparator, String)> {
    let Clause { chars, start: cs, end: ce, .. } = *clause;
    let qs: Vec<&Quantity> = quantities.iter().filter(|q| q.start >= cs && q.start < ce).collect();
    // A verb carries along a clause (`新建8个…、8条…`), never into the next one.
    let mut carried_verb = String::new();
    // First pass: the words around each quantity.
    let mut consumed = cs;
    let mut parts: Vec<(&Quantity, MetricParts)> = Vec::new();
    for (n, q) in qs.iter().enumerate() {
        let next = qs.get(n + 1).filter(|x| x.depth == q.depth).map(|x| x.start);
        let m = metric_for(clause, q, next, consumed);
        consumed = m.consumed.max(consumed);
        if !m.skip && keep {
            parts.push((q, m));
        }
    }
    // `创造15分钟、10分钟、5分钟生活圈`: a list shares the noun after its last item.
    let shared = parts.last().map(|(q, _)| clean_after(&chars[q.end..ce].iter().collect::<String>())).unwrap_or_default();
    // Second pass: fill metrics without a noun from the verb, the list, or the quantity before.
    let mut kept = Vec::new();
    for (q, m) in parts {
        if let Some(v) = &m.verb {
            carried_verb = v.clone();
        }
        let mut metric = m.metric.clone();
        let mut cmp = comparator(q, &m);
        if metric.is_empty() && !m.after.is_empty() {
            metric = format!("{carried_verb}{}", m.after);
        }
        let listed = chars.get(q.end) == Some(&'、') && chars.get(q.end + 1).is_some_and(|c| is_digit(*c));
        if (metric.is_empty() || VERBS.contains(&metric.as_str()) || listed) && m.after.is_empty() && !shared.is_empty() {
            let verb = if metric.is_empty() { carried_verb.clone() } else { metric.clone() };
            let shared = shared.strip_prefix(verb.as_str()).unwrap_or(&shared);
            metric = format!("{verb}{shared}");
        }
        if metric.is_empty() {
            if let Some((lm, lc)) = last.as_ref() {
                metric = lm.clone();
                if m.cue.is_none() && q.suffix.is_none() && q.high.is_none() {
                    cmp = *lc;
                }
            }
        }
        *last = Some((metric.clone(), cmp));
        kept.push((q, cmp, metric));
    }
    kept
}

/// The year a quantity at `at` is promised for: the last year mark before it in its
/// sentence; a mark after 其中 holds only inside its `；` part (which starts at `seg`).
fn year_scope(years: &[&YearMark], seg: usize, at: usize) -> Option<u32> {
    let mut scope = None;
    for y in years.iter().filter(|y| y.end <= at && y.future) {
        if y.sub && y.start < seg {
            continue;
        }
        scope = Some(y.year);
    }
    scope
}
