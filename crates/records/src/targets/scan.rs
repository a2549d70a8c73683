//! The number scanner: the years and the quantities of a text, by character position.
//!
//! A quantity is an Arabic number (or range) followed by a unit of the lexicon; the scanner
//! decides what a number is not (a year, a name or code, a ratio, list numbering, an age, a
//! duration), and marks the years a text states. It must never look beyond the number and
//! its unit to decide what the quantity measures: that is `metric.rs`.

use plansearch_corpus::model::chinese_digit;

use super::lexicon::{BEFORE_CUES, LATIN_UNITS, SUFFIXES, UNITS};
use super::Comparator;

pub(super) fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn ascii_digit(c: char) -> char {
    if ('０'..='９').contains(&c) {
        plansearch_analysis::fold_width(c)
    } else {
        c
    }
}

pub(super) fn is_range_dash(c: char) -> bool {
    matches!(c, '—' | '–' | '-' | '－' | '~' | '～' | '至')
}

/// A number (`13.24`, full-width digits too) at `at`: its value and where it ends.
pub(super) fn number_at(chars: &[char], at: usize) -> Option<(f64, usize)> {
    let mut i = at;
    let mut s = String::new();
    while i < chars.len() && is_digit(chars[i]) {
        s.push(ascii_digit(chars[i]));
        i += 1;
    }
    if s.is_empty() {
        return None;
    }
    if i + 1 < chars.len() && matches!(chars[i], '.' | '．') && is_digit(chars[i + 1]) {
        s.push('.');
        i += 1;
        while i < chars.len() && is_digit(chars[i]) {
            s.push(ascii_digit(chars[i]));
            i += 1;
        }
    }
    s.parse::<f64>().ok().map(|v| (v, i))
}

#[derive(Debug, Clone)]
pub(super) struct Quantity {
    pub start: usize,
    /// End of the value as printed (a range includes its second number).
    pub value_end: usize,
    pub unit: String,
    /// After the unit and any comparator suffix.
    pub end: usize,
    pub low: f64,
    pub high: Option<f64>,
    /// `40余项`: more than the number.
    pub more: bool,
    pub suffix: Option<Comparator>,
    pub depth: i32,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct YearMark {
    pub year: u32,
    /// Where the phrase (with `到`, `力争到`) starts and ends, to keep it out of metrics.
    pub start: usize,
    pub end: usize,
    /// 到2025年 / 2021年: a year of the plan period or later.
    pub future: bool,
    /// Written after 其中: holds to the end of its `；` part only.
    pub sub: bool,
}

fn is_open(c: char) -> bool {
    matches!(c, '（' | '(' | '<' | '〈' | '[' | '【' | '《')
}

fn is_close(c: char) -> bool {
    matches!(c, '）' | ')' | '>' | '〉' | ']' | '】' | '》')
}

/// Bracket depth of every character; brackets themselves stand at the outer depth. A
/// bracket that is not closed before its sentence ends (the source has a few) is read as a
/// plain character, so it cannot swallow the rest of the passage.
pub(super) fn depths(chars: &[char]) -> Vec<i32> {
    let mut paired = vec![false; chars.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if is_open(c) {
            stack.push(i);
        } else if is_close(c) {
            if let Some(o) = stack.pop() {
                paired[o] = true;
                paired[i] = true;
            }
        } else if c == '。' || c == '\n' {
            stack.clear();
        }
    }
    let mut out = Vec::with_capacity(chars.len());
    let mut d = 0i32;
    for (i, &c) in chars.iter().enumerate() {
        if paired[i] && is_open(c) {
            out.push(d);
            d += 1;
        } else if paired[i] && is_close(c) {
            d = (d - 1).max(0);
            out.push(d);
        } else {
            out.push(d);
        }
    }
    out
}

pub(super) fn starts_with_at(chars: &[char], at: usize, s: &str) -> bool {
    s.chars().enumerate().all(|(k, c)| chars.get(at + k) == Some(&c))
}

pub(super) fn ends_with_at(chars: &[char], end: usize, s: &str) -> bool {
    let n = s.chars().count();
    end >= n && starts_with_at(chars, end - n, s)
}

fn in_title(chars: &[char], at: usize) -> bool {
    // Inside 《…》: a book or document title.
    let mut depth = 0i32;
    for &c in &chars[..at] {
        match c {
            '《' => depth += 1,
            '》' => depth = (depth - 1).max(0),
            '。' | '\n' => depth = 0,
            _ => {}
        }
    }
    depth > 0
}

/// What the scanner read at a number.
enum Step {
    /// Not a value: go on at this position.
    Skip(usize),
    Year(YearMark),
    Quantity(Quantity),
}

/// Years and quantities of a text, in order.
pub(super) fn scan(chars: &[char], depth: &[i32]) -> (Vec<Quantity>, Vec<YearMark>) {
    let mut quantities = Vec::new();
    let mut years = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if let Some(y) = chinese_year(chars, i) {
            years.push(y);
            i = y.end;
            continue;
        }
        period_marks(chars, i, &mut years);
        if !is_digit(chars[i]) {
            i += 1;
            continue;
        }
        match at_number(chars, depth, i) {
            Step::Skip(next) => i = next,
            Step::Year(y) => {
                i = y.end;
                years.push(y);
            }
            Step::Quantity(q) => {
                i = q.end;
                quantities.push(q);
            }
        }
    }
    (quantities, years)
}

/// 二〇三五年: a year in Chinese numerals at `i`.
fn chinese_year(chars: &[char], i: usize) -> Option<YearMark> {
    if !("二一〇".contains(chars[i]) && i + 4 < chars.len() && chars[i + 4] == '年') {
        return None;
    }
    let ds: Option<String> = chars[i..i + 4].iter().map(|&c| chinese_digit(c).and_then(|d| char::from_digit(d, 10))).collect();
    let y = ds.and_then(|s| s.parse::<u32>().ok()).filter(|y| (1949..=2100).contains(y))?;
    Some(YearMark { year: y, start: year_phrase_start(chars, i), end: i + 5, future: y > 2020, sub: false })
}

/// “十四五”期间 / 十四五末 → 2025; “十三五”末 → 2020.
fn period_marks(chars: &[char], i: usize, years: &mut Vec<YearMark>) {
    for (name, year) in [("十四五", 2025u32), ("十三五", 2020)] {
        if starts_with_at(chars, i, name) {
            let mut j = i + 3;
            if matches!(chars.get(j), Some('”' | '"' | '’')) {
                j += 1;
            }
            let open = i > 0 && matches!(chars[i - 1], '“' | '"' | '‘');
            for tail in ["期间", "末"] {
                if starts_with_at(chars, j, tail) {
                    let start = if open { i - 1 } else { i };
                    years.push(YearMark {
                        year,
                        start: year_phrase_start(chars, start),
                        end: j + tail.chars().count(),
                        future: year > 2020,
                        sub: false,
                    });
                }
            }
        }
    }
}

/// The number at `start` (a digit): a quantity with its unit, a year, or nothing.
fn at_number(chars: &[char], depth: &[i32], start: usize) -> Step {
    let Some((a, mut j)) = number_at(chars, start) else { return Step::Skip(start + 1) };
    if let Some(step) = not_a_value(chars, start, a, j) {
        return step;
    }
    // A range: 5—10, 1-3, 5％—10％.
    let mut value_end = j;
    let mut high = None;
    let mut percent_range = false;
    let percent_first = matches!(chars.get(j), Some('%' | '％'));
    let k = if percent_first { j + 1 } else { j };
    if chars.get(k).is_some_and(|c| is_range_dash(*c)) {
        if let Some((b, e)) = number_at(chars, k + 1) {
            high = Some(b);
            j = e;
            percent_range = percent_first && matches!(chars.get(e), Some('%' | '％'));
            value_end = if percent_range { e + 1 } else { e };
        }
    }
    let more = matches!(chars.get(j), Some('余' | '多')) && !percent_first;
    let unit_at = if percent_range {
        value_end - 1
    } else if more {
        j + 1
    } else {
        j
    };
    if more {
        value_end = j + 1;
    }
    // The unit.
    let mut unit =
        UNITS.iter().map(|(u, _)| u).filter(|u| starts_with_at(chars, unit_at, u)).max_by_key(|u| u.chars().count()).map(|u| u.to_string());
    if percent_range {
        // `5％—10％`: the unit is the percent sign already in the value.
        unit = Some(chars[value_end - 1].to_string());
    }
    let mut unit_end = unit_at + unit.as_ref().map_or(0, |u| u.chars().count());
    if percent_range {
        unit_end = value_end;
    }
    // A voltage class names a line or a substation (35千伏姚家山变) unless nothing follows.
    if unit.as_deref() == Some("千伏") && chars.get(unit_at + 2).is_some_and(|c| c.is_alphanumeric()) {
        return Step::Skip(unit_at + 2);
    }
    // A decimal without a unit right after a comparator: 系数低于0.5.
    if unit.is_none() && chars[start..j].iter().any(|c| matches!(c, '.' | '．')) && high.is_none() {
        let cued = BEFORE_CUES.iter().any(|(w, c)| *c != Comparator::Increase && *c != Comparator::Decrease && ends_with_at(chars, start, w));
        if cued && chars.get(j).is_none_or(|c| !c.is_alphanumeric() || *c == '的') {
            unit = Some(String::new());
        }
    }
    if unit.is_none() {
        if let Some(u) = LATIN_UNITS.iter().find(|u| starts_with_at(chars, unit_at, u)) {
            let after = chars.get(unit_at + u.len());
            if after.is_none_or(|c| !c.is_alphanumeric()) {
                unit = Some(u.to_string());
                unit_end = unit_at + u.len();
            }
        }
    }
    let Some(unit) = unit else { return Step::Skip(skip_token(chars, j)) };
    // Letters right after the number or unit: 4A级, 3D, 110kV.
    if chars.get(unit_at).is_some_and(|c| c.is_ascii_alphabetic()) && !LATIN_UNITS.contains(&unit.as_str()) {
        return Step::Skip(skip_token(chars, j));
    }
    if chars.get(unit_end).is_some_and(|c| c.is_ascii_alphabetic()) {
        return Step::Skip(skip_token(chars, unit_end));
    }
    // Ages, and whole years (durations: 以2年为周期); a decimal year (12.5年) is a value.
    if unit == "岁" || (unit == "年" && a.fract() == 0.0 && high.is_none() && !chars[start..j].iter().any(|c| matches!(c, '.' | '．'))) {
        return Step::Skip(unit_end);
    }
    let mut end = unit_end;
    let mut suffix = None;
    for (s, cmp) in SUFFIXES {
        if starts_with_at(chars, end, s) {
            suffix = Some(*cmp);
            end += s.chars().count();
            break;
        }
    }
    Step::Quantity(Quantity { start, value_end, unit, end, low: a, high, more, suffix, depth: depth[start] })
}

/// What the number `a` printed at `chars[start..j]` is, when it is no value: a name or code,
/// part of a title, a year, a ratio, a formula or list numbering.
fn not_a_value(chars: &[char], start: usize, a: f64, j: usize) -> Option<Step> {
    let digits = j - start;
    let prev = start.checked_sub(1).map(|k| chars[k]);
    // A name or code: 5G, G318, S105, IPv6, 第3, P(2020).
    if prev.is_some_and(|c| c.is_ascii_alphabetic() || c == '第' || c == '.' || c == '．') {
        return Some(Step::Skip(skip_token(chars, j)));
    }
    if in_title(chars, start) {
        return Some(Step::Skip(j));
    }
    // A year: 2025年, 2019年度, （2021—2025）.
    if digits == 4 && a.fract() == 0.0 && (1949.0..=2100.0).contains(&a) {
        let y = a as u32;
        if chars.get(j) == Some(&'年') {
            let mut end = j + 1;
            while matches!(chars.get(end), Some('底' | '末' | '前' | '度')) {
                end += 1;
            }
            let phrase = year_phrase_start(chars, start);
            let sub = (phrase.saturating_sub(4)..phrase).any(|k| starts_with_at(chars, k, "其中"));
            return Some(Step::Year(YearMark { year: y, start: phrase, end, future: y > 2020, sub }));
        }
        if chars.get(j).is_some_and(|c| is_range_dash(*c)) && number_at(chars, j + 1).is_some_and(|(b, e)| e - j - 1 == 4 && b >= 1949.0) {
            return Some(Step::Skip(number_at(chars, j + 1).map_or(j + 1, |(_, e)| e)));
        }
    }
    // A ratio (11.1:63.1:25.8), a formula (1+N), list numbering (2、).
    match chars.get(j) {
        Some(':' | '：') if chars.get(j + 1).is_some_and(|c| is_digit(*c)) => Some(Step::Skip(skip_token(chars, j))),
        Some('+' | '＋') => Some(Step::Skip(skip_token(chars, j + 1))),
        Some('、' | '.' | '．') if prev.is_none_or(|c| !c.is_alphanumeric() || matches!(c, '。' | '；')) => Some(Step::Skip(j + 1)),
        _ => None,
    }
}

/// Skip the rest of a code or name made of letters and digits.
fn skip_token(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '.' | ':' | '+' | '-')) {
        i += 1;
    }
    i.max(1)
}

/// Where a year phrase starts, taking in `到`, `至`, `力争到`, `截至`.
fn year_phrase_start(chars: &[char], at: usize) -> usize {
    for w in ["力争到", "截至", "到", "至", "力争", "于", "在"] {
        if ends_with_at(chars, at, w) {
            return at - w.chars().count();
        }
    }
    at
}
