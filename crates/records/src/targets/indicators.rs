//! The main indicator table, 专栏 2 (passages of kind `indicator`): one target per indicator
//! (its 2025 value, else its growth target) with its 约束性/预期性 binding, and one `achieved`
//! record per numeric 2020 value.
//!
//! A cell is read as printed: `＞99.4` is at least 99.4, `7-8` a range, and a cell in words
//! (`完成市下达目标`) is kept as the value without a number. It must never read the text of a
//! passage: that is `text.rs`.

use plansearch_corpus::Passage;

use super::scan::{is_range_dash, number_at};
use super::{record, Binding, Comparator, Kind, Source, Target};

/// One indicator row: a target (the 2025 value, else the growth target) and, where the 2020
/// value is a number, an achieved record.
pub(super) fn indicator_records(p: &Passage) -> Vec<Target> {
    let cell = |pred: &dyn Fn(&str) -> bool| p.cells.iter().find(|(c, _)| pred(c)).map(|(_, v)| v.trim()).filter(|v| !is_dash(v));
    let year_of = |c: &str| -> Option<u32> { c.get(..4).and_then(|y| y.parse::<u32>().ok()).filter(|y| (1949..=2100).contains(y)) };
    let Some(metric) = cell(&|c| c.contains("指标")) else { return vec![] };
    let unit = p.cells.iter().find(|(c, _)| c.contains("单位")).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    // An attribute other than 约束性/预期性 (the table has none) is left out.
    let binding = cell(&|c| c.contains("属性")).and_then(Binding::parse);
    let base_col = p.cells.iter().find(|(c, _)| year_of(c).is_some_and(|y| y <= 2020)).map(|(c, _)| c.clone());
    let target_col = p.cells.iter().find(|(c, _)| year_of(c).is_some_and(|y| y > 2020)).map(|(c, _)| c.clone());
    let target_year = target_col.as_deref().and_then(year_of);
    let sentence = p.text.replace('\n', "；");
    let mut out = Vec::new();

    let target_cell = target_col.as_deref().and_then(|tc| cell(&|c| c == tc));
    let growth_cell = cell(&|c| c.contains("增速") || c.contains("增长") || c.contains("累计"));
    if let Some(v) = target_cell.or(growth_cell) {
        let mut t = record(p, Source::IndicatorTable);
        t.metric = metric.to_string();
        t.unit = unit.clone();
        t.year = target_year;
        t.binding = binding;
        t.sentence = sentence.clone();
        fill_cell_value(&mut t, v);
        out.push(t);
    }
    if let Some(v) = base_col.as_deref().and_then(|bc| cell(&|c| c == bc)) {
        let mut t = record(p, Source::IndicatorTable);
        fill_cell_value(&mut t, v);
        if t.low.is_some() {
            t.metric = metric.to_string();
            t.unit = unit.clone();
            t.year = base_col.as_deref().and_then(year_of);
            t.binding = binding;
            t.sentence = sentence.clone();
            t.kind = Kind::Achieved;
            out.push(t);
        }
    }
    out
}

fn is_dash(v: &str) -> bool {
    v.is_empty() || v.chars().all(|c| matches!(c, '-' | '－' | '—' | '–' | '\\' | '/'))
}

/// `＞99.4` → value `99.4`, at least; `7-8` → a range; `完成市下达目标` → no number.
fn fill_cell_value(t: &mut Target, cell: &str) {
    let chars: Vec<char> = cell.chars().collect();
    let (cmp, skip) = match chars.first() {
        Some('＞' | '>' | '≥') => (Comparator::AtLeast, 1),
        Some('＜' | '<' | '≤') => (Comparator::AtMost, 1),
        _ => (Comparator::Equal, 0),
    };
    let rest: String = chars[skip..].iter().collect();
    let rest_chars: Vec<char> = rest.chars().collect();
    if let Some((a, end)) = number_at(&rest_chars, 0) {
        if end == rest_chars.len() {
            t.value = rest;
            t.low = (cmp != Comparator::AtMost).then_some(a);
            t.high = (cmp != Comparator::AtLeast).then_some(a);
            t.comparator = cmp;
            return;
        }
        if let Some((b, end2)) = rest_chars.get(end).filter(|c| is_range_dash(**c)).and_then(|_| number_at(&rest_chars, end + 1)) {
            if end2 == rest_chars.len() {
                t.value = rest;
                t.low = Some(a);
                t.high = Some(b);
                t.comparator = Comparator::Range;
                return;
            }
        }
    }
    // A target in words: `完成市下达目标`, `高于经济增长速度`.
    t.value = cell.to_string();
    t.comparator = if cell.starts_with("高于") || cell.starts_with("不低于") { Comparator::AtLeast } else { Comparator::Equal };
}
