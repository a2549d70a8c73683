//! The metric finder: what a quantity measures, read from the words around it in its clause.
//!
//! The metric is the noun before the quantity (`瓜菜常年播种面积稳定在40万亩左右` → `瓜菜常年
//! 播种面积`), or the verb and the noun after it (`建成8.1公里综合管廊` → `建成综合管廊`),
//! without scope words (`到2025年`, `力争`) or comparator words (`达到`, `不低于`). This is
//! also where a quantity is found to describe what exists rather than promise something
//! (`依托…`, `现有…`, `143平方公里的城市开发面积`). It must never change the quantity itself:
//! its value and unit are the scanner's.

use super::lexicon::{counts_things, BEFORE_CUES, CHANGE_WORDS, FILLER, SCOPE_WORDS, VERBS};
use super::scan::{Quantity, YearMark};
use super::Comparator;

/// A clause (`chars[start..end]`, split at `，：` outside brackets) of a passage, with the
/// passage's bracket depths and year marks: what the metric of a quantity is read from.
#[derive(Debug, Clone, Copy)]
pub(super) struct Clause<'a> {
    pub chars: &'a [char],
    pub depth: &'a [i32],
    pub years: &'a [YearMark],
    pub start: usize,
    pub end: usize,
}

impl Clause<'_> {
    /// Text of `chars[from..to]` at bracket depth `level` or deeper, without year phrases.
    fn level_text(&self, from: usize, to: usize, level: i32) -> String {
        (from..to).filter(|&k| self.depth[k] >= level && !self.years.iter().any(|y| k >= y.start && k < y.end)).map(|k| self.chars[k]).collect()
    }

    /// Where the words of a quantity are read: the clause, or inside the brackets the
    /// quantity stands in (昊顺（年出栏10万头生猪）).
    fn reading_span(&self, q: &Quantity) -> (usize, usize) {
        let Clause { chars, depth, start: cs, end: ce, .. } = *self;
        if q.depth > 0 {
            let open = (cs..q.start).rev().find(|&k| depth[k] == q.depth - 1 && "（(<〈[【".contains(chars[k])).map_or(cs, |k| k + 1);
            let close = (q.end..ce).find(|&k| depth[k] == q.depth - 1).unwrap_or(ce);
            (open, close)
        } else {
            (cs, ce)
        }
    }
}

/// The words around one quantity, before the list and the quantity before fill the gaps.
pub(super) struct MetricParts {
    pub metric: String,
    /// The noun after the quantity (`综合管廊` in `建成8.1公里综合管廊`).
    pub after: String,
    pub verb: Option<String>,
    /// The comparator word right before the number.
    pub cue: Option<Comparator>,
    change: Option<Comparator>,
    /// Where the words this quantity took end: the next quantity's words start there.
    pub consumed: usize,
    /// Not a commitment: what exists, a condition or a reference.
    pub skip: bool,
}

/// How the value binds the metric, from the quantity's suffix and the words before it.
pub(super) fn comparator(q: &Quantity, m: &MetricParts) -> Comparator {
    if q.high.is_some() {
        return Comparator::Range;
    }
    if q.suffix == Some(Comparator::About) || m.cue == Some(Comparator::About) {
        return Comparator::About;
    }
    if let Some(s) = q.suffix {
        return s;
    }
    if q.more {
        return Comparator::AtLeast;
    }
    match m.cue {
        Some(c @ (Comparator::AtLeast | Comparator::AtMost | Comparator::Increase | Comparator::Decrease)) => c,
        _ => m.change.unwrap_or(Comparator::Equal),
    }
}

/// Drop bracketed groups that open the text (`（中法城一高、…）、公办幼儿园` → `公办幼儿园`): they
/// belong to what came before.
fn strip_leading_groups(s: &str) -> String {
    let mut t = s.trim_start_matches(|c: char| c.is_whitespace() || "、，,".contains(c)).to_string();
    while t.starts_with(|c: char| "（(<〈".contains(c)) {
        let mut d = 0;
        let mut cut = None;
        for (i, c) in t.char_indices() {
            match c {
                '（' | '(' | '<' | '〈' => d += 1,
                '）' | ')' | '>' | '〉' => {
                    d -= 1;
                    if d == 0 {
                        cut = Some(i + c.len_utf8());
                        break;
                    }
                }
                _ => {}
            }
        }
        match cut {
            Some(i) => t = t[i..].trim_start_matches(|c: char| c.is_whitespace() || "、，,".contains(c)).to_string(),
            None => break,
        }
    }
    t
}

fn trim_separators(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || "、，,：:和及与—-".contains(c))
}

fn strip_prefix_any<'a>(s: &'a str, words: &[&str]) -> Option<&'a str> {
    words.iter().filter_map(|w| s.strip_prefix(w)).next()
}

fn trim_lead(c: char) -> bool {
    c.is_whitespace() || "，,、".contains(c)
}

/// The noun attached after a quantity: `综合管廊` of `8.1公里综合管廊，`; empty when a
/// separator follows.
pub(super) fn clean_after(tail: &str) -> String {
    let t = tail.strip_prefix('的').unwrap_or(tail);
    if t.starts_with(|c: char| "，,、；;。：:".contains(c)) {
        return String::new();
    }
    let end = t.find(|c: char| "，,；;。：:—".contains(c)).unwrap_or(t.len());
    let t = t[..end].trim_end();
    let mut t = trim_separators(t.strip_suffix("以及").unwrap_or(t));
    // `大型公园和莲花湖…小游园、…等口袋公园`: a further list after 和 is not this noun.
    if let Some(k) = t.find(['和', '及', '与']) {
        let rest = &t[k..];
        if k > 0 && (rest.contains('、') || rest.contains('等')) {
            t = &t[..k];
        }
    }
    t.strip_suffix('等').unwrap_or(t).trim_end_matches(|c: char| "、和及与—-".contains(c)).to_string()
}

/// The words before a number without framing (`力争`), comparator (`达到`) and filler (`共计`)
/// words, and the first comparator word taken off (the one nearest the number).
fn strip_cues(raw_before: &str) -> (String, Option<Comparator>) {
    let mut before = trim_separators(raw_before).to_string();
    loop {
        let t = trim_separators(&before);
        let t = strip_prefix_any(t, SCOPE_WORDS).unwrap_or(t);
        if t.len() == before.len() {
            break;
        }
        before = t.to_string();
    }
    let mut cue = None;
    loop {
        let t = trim_separators(&before).to_string();
        let mut changed = false;
        let mut t2 = t.clone();
        if let Some((w, c)) = BEFORE_CUES.iter().find(|(w, _)| t.ends_with(w)) {
            cue.get_or_insert(*c);
            t2 = t[..t.len() - w.len()].to_string();
            changed = true;
        } else if let Some(w) = FILLER.iter().find(|w| t.ends_with(*w)) {
            t2 = t[..t.len() - w.len()].to_string();
            changed = true;
        }
        before = t2;
        if !changed {
            break;
        }
    }
    (before, cue)
}

/// The metric of `q` in its clause. `next` is where the next quantity at the same bracket
/// depth starts (the words after `q` stop there); `consumed` is where the words the quantity
/// before took end (the words before `q` start there).
pub(super) fn metric_for(clause: &Clause, q: &Quantity, next: Option<usize>, consumed: usize) -> MetricParts {
    let Clause { chars, start: cs, end: ce, .. } = *clause;
    let (rs, re) = clause.reading_span(q);
    let from = consumed.max(rs).min(q.start);
    let raw_before = clause.level_text(from, q.start, q.depth);
    let clause_text: String = chars[cs..ce].iter().collect();
    let whole_before: String = chars[cs..q.start].iter().collect();
    let to = next.unwrap_or(re).min(re).max(q.end);
    let tail = clause.level_text(q.end, to, q.depth);
    let after_raw_first = chars.get(q.end).copied();
    // A bracketed note right after the quantity (普通高中2所（…）) is not its noun.
    // Text that ends in a comparator word (`1—2家产值过100亿`) belongs to the next quantity.
    let leads_next = next.is_some() && BEFORE_CUES.iter().any(|(w, _)| tail.trim_end().ends_with(w));
    let after = if leads_next || after_raw_first.is_some_and(|c| "（(<〈".contains(c)) { String::new() } else { clean_after(&tail) };

    // What a quantity is not.
    let near: String = chars[q.start.saturating_sub(3)..q.start].iter().collect();
    let mut skip = whole_before.contains("依托")
        || clause_text.trim_start_matches(trim_lead).starts_with("对于")
        || clause_text.contains("在现有")
        || near.contains("现有")
        || after.contains("内的")
        || after.contains("中的");

    // The words before the number: without framing, comparator and filler words.
    let raw_before = strip_leading_groups(&raw_before);
    let (mut before, mut cue) = strip_cues(&raw_before);
    let change = CHANGE_WORDS.iter().find(|(w, _)| raw_before.contains(w)).map(|(_, c)| *c);
    // `至少增加大学生保障房面积6万平方米`: a bound written before the verb.
    if ["至少", "不少于", "不低于"].iter().any(|w| trim_separators(&raw_before).starts_with(w)) {
        cue.get_or_insert(Comparator::AtLeast);
    }
    // `143平方公里的城市开发面积`: a measure followed by 的 describes what is there.
    let followed_by_de = chars.get(q.end) == Some(&'的');
    if followed_by_de && cue.is_none() && q.suffix.is_none() && !counts_things(&q.unit) {
        skip = true;
    }

    let verb = VERBS.iter().find(|v| before.starts_with(*v)).map(|v| v.to_string());
    // A list before the number (`A、B、C等10个示范点`, `X及约30000户`) is not the metric.
    let mut probe = raw_before.trim_end();
    while let Some(w) = BEFORE_CUES.iter().map(|(w, _)| *w).chain(FILLER.iter().copied()).find(|w| probe.ends_with(w)) {
        probe = &probe[..probe.len() - w.len()];
    }
    let enumerated = before.ends_with('等') || probe.ends_with(|c: char| "、和及与".contains(c));
    if enumerated {
        before = verb.clone().unwrap_or_default();
    } else if before.chars().count() > 30 {
        // A long list before the number: its last item is what is counted.
        if let Some(k) = before.rfind('、') {
            before = format!("{}{}", verb.clone().unwrap_or_default(), &before[k + '、'.len_utf8()..]);
        }
    }
    let before = trim_separators(&before).to_string();
    let bare = before.is_empty() || VERBS.contains(&before.as_str());

    // `以…等8个村为重点，打造乡村休闲游示范村`: the metric is what is built.
    let mut after_noun = after.clone();
    if let Some(stem) = ["为重点", "为主体", "为核心"].iter().find_map(|s| after.strip_suffix(s)) {
        let next_clause: String = chars[ce..].iter().take_while(|c| !"，,；;。".contains(**c)).collect();
        let next_clause = trim_separators(&next_clause).to_string();
        after_noun = if next_clause.is_empty() { stem.to_string() } else { next_clause };
    }

    // A noun taken as the metric belongs to this quantity, not to the next one's words.
    let (metric, used_after) = if before.is_empty() {
        (String::new(), !after_noun.is_empty())
    } else if bare || cue.is_none() || cue == Some(Comparator::Increase) {
        (format!("{before}{after_noun}"), !after_noun.is_empty())
    } else {
        (before.clone(), false)
    };
    let consumed_to = if used_after { to } else { q.end };
    // `提升17.4万亩省级湿地自然保护区`: a verb acting on what follows is no change by the amount.
    if cue == Some(Comparator::Increase) && !after_noun.is_empty() {
        cue = None;
    }
    MetricParts { metric: trim_separators(&metric).to_string(), after: after_noun, verb, cue, change, consumed: consumed_to, skip }
}
