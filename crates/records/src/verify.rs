//! Exact-quote check: does a quotation occur verbatim in the plan, and where? The check a
//! journalist runs on a quote before publishing.
//!
//! Whitespace and line breaks are ignored on both sides (the plan's Chinese has none that
//! matter). Punctuation width (`，` vs `,`, `（` vs `(`, full-width digits) is not ignored but
//! reported apart: the words are right, the characters are not. Anything else is a miss; a
//! near miss (one or two characters, or a number changed) is reported with the closest
//! passage and the differing characters marked.
//!
//! The work is bounded: a quote over [`MAX_QUOTE_CHARS`] is refused; the near-miss search
//! aligns the quote only against the five passages sharing most character bigrams with it,
//! and only inside a window around the diagonal those bigrams agree on.

use std::collections::HashMap;

use plansearch_corpus::Passage;
use serde::Serialize;

/// The longest quote checked, in characters.
pub const MAX_QUOTE_CHARS: usize = 2000;
/// How many passages the near-miss search aligns the quote against.
const CANDIDATES: usize = 5;
/// Marks around differing characters in the `*_marked` strings.
pub const MARK_OPEN: char = '⟦';
pub const MARK_CLOSE: char = '⟧';

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the quote is empty: give the text to check (引文为空)")]
    Empty,
    #[error("the quote has {chars} characters; the limit is {max} (引文过长)")]
    TooLong { chars: usize, max: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The quote occurs as written (whitespace aside).
    Verbatim,
    /// The characters occur, but some punctuation differs in width (`,` for `，`).
    PunctuationWidth,
    /// Not in the plan, but a passage differs by one or two characters or a number.
    NearMiss,
    NotFound,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffKind {
    /// Same character in another width: `,` in the quote, `，` in the plan.
    Width,
    /// Another character.
    Changed,
    /// The plan has it, the quote lacks it.
    Missing,
    /// The quote has it, the plan does not.
    Extra,
}

/// One difference between the quote and the plan. Offsets are in characters, into the
/// quote as given and into the passage text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub kind: DiffKind,
    pub quote_offset: Option<usize>,
    pub passage_offset: Option<usize>,
    pub quote: Option<String>,
    pub passage: Option<String>,
}

/// Where the quote occurs: a passage and the characters `start..end` of its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuoteMatch {
    pub doc: String,
    pub passage_id: String,
    pub start: usize,
    pub end: usize,
    /// The passage's characters there, as printed.
    pub text: String,
}

/// The passage closest to a quote that does not occur.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Closest {
    pub doc: String,
    pub passage_id: String,
    pub start: usize,
    pub end: usize,
    /// The passage's characters there, as printed.
    pub text: String,
    /// Characters to change, add or remove (width differences not counted).
    pub distance: usize,
    /// Every difference is a digit or decimal point: a number was changed.
    pub number_changed: bool,
    /// The quote with the differing characters inside ⟦…⟧.
    pub quote_marked: String,
    /// The passage's characters with the differing ones inside ⟦…⟧.
    pub passage_marked: String,
    pub differences: Vec<Difference>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub quote: String,
    pub verdict: Verdict,
    /// True only for [`Verdict::Verbatim`].
    pub verbatim: bool,
    pub message: String,
    /// Every place the quote occurs (verbatim, or with punctuation of another width).
    pub matches: Vec<QuoteMatch>,
    /// For [`Verdict::PunctuationWidth`]: the characters that differ in width, at the first match.
    pub width_differences: Vec<Difference>,
    /// For a quote that does not occur: the closest passage, if any is close.
    pub closest: Option<Closest>,
}

/// One passage, prepared: its characters without whitespace, folded, and where each
/// came from in the text.
struct Item {
    doc: String,
    id: String,
    raw: Vec<char>,
    /// Indices into `raw` of the non-whitespace characters.
    map: Vec<usize>,
    norm: String,
    fold: Vec<char>,
    fold_str: String,
}

/// The passages, prepared once for many checks (the web keeps one for its lifetime).
pub struct Verifier {
    items: Vec<Item>,
    /// Folded character bigram → (item, position) of each occurrence.
    bigrams: HashMap<(char, char), Vec<(u32, u32)>>,
}

/// Full-width and half-width forms of the same character ([`plansearch_analysis::fold_width`]),
/// and the quotes and stops that stand for each other, to one form.
pub fn fold(c: char) -> char {
    match c {
        '“' | '”' | '„' | '〝' | '〞' => '"',
        '‘' | '’' => '\'',
        '。' | '｡' => '.',
        '、' => ',',
        '—' | '–' | '−' => '-',
        '〈' => '<',
        '〉' => '>',
        '【' => '[',
        '】' => ']',
        _ => plansearch_analysis::fold_width(c),
    }
}

fn is_numberish(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c) || matches!(c, '.' | '．')
}

fn byte_to_char_index(s: &str) -> HashMap<usize, usize> {
    s.char_indices().enumerate().map(|(n, (b, _))| (b, n)).collect()
}

impl Verifier {
    pub fn new(passages: &[Passage]) -> Verifier {
        let mut items = Vec::with_capacity(passages.len());
        let mut bigrams: HashMap<(char, char), Vec<(u32, u32)>> = HashMap::new();
        for p in passages {
            let raw: Vec<char> = p.text.chars().collect();
            let map: Vec<usize> = (0..raw.len()).filter(|&k| !raw[k].is_whitespace()).collect();
            let norm: String = map.iter().map(|&k| raw[k]).collect();
            let fold: Vec<char> = norm.chars().map(fold).collect();
            let n = items.len() as u32;
            for (pos, w) in fold.windows(2).enumerate() {
                bigrams.entry((w[0], w[1])).or_default().push((n, pos as u32));
            }
            let fold_str = fold.iter().collect();
            items.push(Item { doc: p.doc.clone(), id: p.id.clone(), raw, map, norm, fold, fold_str });
        }
        Verifier { items, bigrams }
    }

    /// Check one quote.
    pub fn verify(&self, quote: &str) -> Result<Verification, VerifyError> {
        if quote.len() > MAX_QUOTE_CHARS * 4 || quote.chars().count() > MAX_QUOTE_CHARS {
            return Err(VerifyError::TooLong { chars: quote.chars().count(), max: MAX_QUOTE_CHARS });
        }
        let qraw: Vec<char> = quote.chars().collect();
        let qmap: Vec<usize> = (0..qraw.len()).filter(|&k| !qraw[k].is_whitespace()).collect();
        if qmap.is_empty() {
            return Err(VerifyError::Empty);
        }
        let qnorm: String = qmap.iter().map(|&k| qraw[k]).collect();
        let qfold: Vec<char> = qnorm.chars().map(fold).collect();
        let qfold_str: String = qfold.iter().collect();
        let mut out = Verification {
            quote: quote.to_string(),
            verdict: Verdict::NotFound,
            verbatim: false,
            message: String::new(),
            matches: vec![],
            width_differences: vec![],
            closest: None,
        };

        // Verbatim, whitespace aside.
        for item in &self.items {
            if item.norm.contains(qnorm.as_str()) {
                let index = byte_to_char_index(&item.norm);
                for (b, _) in item.norm.match_indices(qnorm.as_str()) {
                    out.matches.push(self.span(item, index[&b], qmap.len()));
                }
            }
        }
        if !out.matches.is_empty() {
            out.verdict = Verdict::Verbatim;
            out.verbatim = true;
            let places: Vec<String> = out.matches.iter().map(|m| format!("{}/{} (characters {}–{})", m.doc, m.passage_id, m.start, m.end)).collect();
            out.message = format!("The quote occurs verbatim in {}. 引文与规划原文一致。", places.join(", "));
            return Ok(out);
        }

        // The same characters with punctuation of another width.
        for item in &self.items {
            if item.fold_str.contains(qfold_str.as_str()) {
                let index = byte_to_char_index(&item.fold_str);
                for (b, _) in item.fold_str.match_indices(qfold_str.as_str()) {
                    let at = index[&b];
                    if out.matches.is_empty() {
                        let pchars: Vec<char> = item.norm.chars().collect();
                        for (k, qc) in qnorm.chars().enumerate() {
                            let pc = pchars[at + k];
                            if pc != qc {
                                out.width_differences.push(Difference {
                                    kind: DiffKind::Width,
                                    quote_offset: Some(qmap[k]),
                                    passage_offset: Some(item.map[at + k]),
                                    quote: Some(qc.to_string()),
                                    passage: Some(pc.to_string()),
                                });
                            }
                        }
                    }
                    out.matches.push(self.span(item, at, qmap.len()));
                }
            }
        }
        if !out.matches.is_empty() {
            out.verdict = Verdict::PunctuationWidth;
            let pairs: Vec<String> = out
                .width_differences
                .iter()
                .map(|d| format!("{} → {}", d.quote.as_deref().unwrap_or(""), d.passage.as_deref().unwrap_or("")))
                .collect();
            let m = &out.matches[0];
            out.message = format!(
                "The words occur in {}/{} (characters {}–{}), but {} character(s) differ in width: quote → plan {}. 文字一致，但标点或数字的全角/半角不同。",
                m.doc,
                m.passage_id,
                m.start,
                m.end,
                out.width_differences.len(),
                pairs.join(", ")
            );
            return Ok(out);
        }

        // The closest passage.
        out.closest = self.closest(&qraw, &qmap, &qfold);
        let m = qmap.len();
        match &out.closest {
            Some(c) if m >= 4 && c.distance * 3 <= m && (c.distance <= 2 || (c.number_changed && c.distance * 4 <= m.max(8))) => {
                out.verdict = Verdict::NearMiss;
                let what = if c.number_changed { "a number differs" } else { "characters differ" };
                out.message = format!(
                    "Not in the plan as quoted: {what}. Closest: {}/{} (characters {}–{}), {} character(s) to change. Plan: {} Quote: {} 引文与原文有出入。",
                    c.doc, c.passage_id, c.start, c.end, c.distance, c.passage_marked, c.quote_marked
                );
            }
            Some(c) if c.distance * 2 <= m => {
                out.message = format!(
                    "The quote does not occur in the plan. The closest passage, {}/{}, differs in {} characters. 规划中没有这段文字。",
                    c.doc, c.passage_id, c.distance
                );
            }
            _ => {
                out.closest = None;
                out.message = "The quote does not occur in the plan. 规划中没有这段文字。".to_string();
            }
        }
        Ok(out)
    }

    fn span(&self, item: &Item, at: usize, len: usize) -> QuoteMatch {
        let start = item.map[at];
        let end = item.map[at + len - 1] + 1;
        QuoteMatch { doc: item.doc.clone(), passage_id: item.id.clone(), start, end, text: item.raw[start..end].iter().collect() }
    }

    fn closest(&self, qraw: &[char], qmap: &[usize], qfold: &[char]) -> Option<Closest> {
        let m = qfold.len();
        if m < 2 {
            return None;
        }
        // Candidates: the passages sharing most distinct bigrams with the quote, and for
        // each the diagonal (passage position − quote position) most bigrams agree on.
        let mut shared: HashMap<u32, usize> = HashMap::new();
        let mut diagonals: HashMap<(u32, i64), usize> = HashMap::new();
        let mut seen = std::collections::HashSet::new();
        for (i, w) in qfold.windows(2).enumerate() {
            let Some(occ) = self.bigrams.get(&(w[0], w[1])) else { continue };
            // A bigram that occurs everywhere says little and costs much.
            if occ.len() > 5_000 {
                continue;
            }
            let first = seen.insert((w[0], w[1]));
            for &(item, pos) in occ {
                if first {
                    *shared.entry(item).or_default() += 1;
                }
                *diagonals.entry((item, pos as i64 - i as i64)).or_default() += 1;
            }
        }
        let mut ranked: Vec<(u32, usize)> = shared.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut best: Option<(usize, usize, Closest)> = None;
        for &(item_no, score) in ranked.iter().take(CANDIDATES) {
            let item = &self.items[item_no as usize];
            let diagonal = diagonals.iter().filter(|((it, _), _)| *it == item_no).max_by_key(|((_, d), n)| (**n, -*d)).map_or(0, |((_, d), _)| *d);
            let slack = (m / 4).max(8) as i64;
            let from = (diagonal - slack).clamp(0, item.fold.len() as i64) as usize;
            let to = (diagonal + m as i64 + slack).clamp(0, item.fold.len() as i64) as usize;
            if to <= from {
                continue;
            }
            let c = align(qraw, qmap, qfold, item, from, to);
            let better = match &best {
                None => true,
                Some((d, s, _)) => c.distance < *d || (c.distance == *d && score > *s),
            };
            if better {
                best = Some((c.distance, score, c));
            }
        }
        best.map(|(_, _, c)| c)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Same,
    Width,
    Changed,
    /// A passage character the quote lacks.
    Missing,
    /// A quote character the passage lacks.
    Extra,
}

/// Align the whole quote with the best-matching stretch of `item.fold[from..to]` (free
/// start and end in the passage), with the edits that turn one into the other.
fn align(qraw: &[char], qmap: &[usize], qfold: &[char], item: &Item, from: usize, to: usize) -> Closest {
    let m = qfold.len();
    let p = &item.fold[from..to];
    let n = p.len();
    let w = n + 1;
    let mut d = vec![0u16; (m + 1) * w];
    for i in 1..=m {
        d[i * w] = i as u16;
        for j in 1..=n {
            let sub = d[(i - 1) * w + j - 1] + u16::from(qfold[i - 1] != p[j - 1]);
            let extra = d[(i - 1) * w + j] + 1;
            let missing = d[i * w + j - 1] + 1;
            d[i * w + j] = sub.min(extra).min(missing);
        }
    }
    let (mut j, _) = (0..=n).map(|j| (j, d[m * w + j])).min_by_key(|&(j, v)| (v, std::cmp::Reverse(j))).unwrap_or((0, 0));
    let end_j = j;
    let mut i = m;
    let mut ops: Vec<(Op, Option<usize>, Option<usize>)> = Vec::new();
    let norm: Vec<char> = item.norm.chars().collect();
    while i > 0 {
        let here = d[i * w + j];
        if j > 0 && here == d[(i - 1) * w + j - 1] + u16::from(qfold[i - 1] != p[j - 1]) {
            let op = if qfold[i - 1] != p[j - 1] {
                Op::Changed
            } else if qraw[qmap[i - 1]] != norm[from + j - 1] {
                Op::Width
            } else {
                Op::Same
            };
            ops.push((op, Some(i - 1), Some(from + j - 1)));
            i -= 1;
            j -= 1;
        } else if here == d[(i - 1) * w + j] + 1 {
            ops.push((Op::Extra, Some(i - 1), None));
            i -= 1;
        } else {
            ops.push((Op::Missing, None, Some(from + j - 1)));
            j -= 1;
        }
    }
    ops.reverse();
    let start_j = j;
    let distance = d[m * w + end_j] as usize;

    let (s, e) = if end_j > start_j { (item.map[from + start_j], item.map[from + end_j - 1] + 1) } else { (0, 0) };
    let mut differences = Vec::new();
    let mut quote_marked = String::new();
    let mut passage_marked = String::new();
    let (mut qopen, mut popen) = (false, false);
    let mark = |buf: &mut String, open: &mut bool, on: bool| {
        if on != *open {
            buf.push(if on { MARK_OPEN } else { MARK_CLOSE });
            *open = on;
        }
    };
    for &(op, qi, pj) in &ops {
        let qc = qi.map(|k| qraw[qmap[k]]);
        let pc = pj.map(|k| norm[k]);
        let differs = op != Op::Same;
        if let Some(c) = qc {
            mark(&mut quote_marked, &mut qopen, differs);
            quote_marked.push(c);
        }
        if let Some(c) = pc {
            mark(&mut passage_marked, &mut popen, differs);
            passage_marked.push(c);
        }
        if differs {
            differences.push(Difference {
                kind: match op {
                    Op::Width => DiffKind::Width,
                    Op::Changed => DiffKind::Changed,
                    Op::Missing => DiffKind::Missing,
                    _ => DiffKind::Extra,
                },
                quote_offset: qi.map(|k| qmap[k]),
                passage_offset: pj.map(|k| item.map[k]),
                quote: qc.map(String::from),
                passage: pc.map(String::from),
            });
        }
    }
    mark(&mut quote_marked, &mut qopen, false);
    mark(&mut passage_marked, &mut popen, false);
    let real: Vec<&Difference> = differences.iter().filter(|d| d.kind != DiffKind::Width).collect();
    let number_changed = !real.is_empty()
        && real.iter().all(|d| d.quote.iter().chain(d.passage.iter()).flat_map(|s| s.chars()).all(is_numberish))
        && real
            .iter()
            .any(|d| d.quote.iter().chain(d.passage.iter()).flat_map(|s| s.chars()).any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c)));
    Closest {
        doc: item.doc.clone(),
        passage_id: item.id.clone(),
        start: s,
        end: e,
        text: item.raw[s..e].iter().collect(),
        distance,
        number_changed,
        quote_marked,
        passage_marked,
        differences,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plansearch_corpus::PassageKind;

    fn passages() -> Vec<Passage> {
        let p = |id: &str, text: &str| Passage {
            doc: "caidian".into(),
            id: id.into(),
            kind: PassageKind::Paragraph,
            text: text.into(),
            text_en: None,
            chapter: None,
            section: None,
            panel: None,
            cells: vec![],
            order: 0,
        };
        vec![
            p("7.1.1", "巩固瓜菜基地，到2025年，瓜菜常年播种面积稳定在40万亩左右，莲藕基地达到10万亩。"),
            p("7.1.2", "到2025年，新增高标准基本农田13.2万亩。"),
        ]
    }

    #[test]
    fn a_verbatim_quote_is_found_with_its_offsets_whitespace_aside() {
        let v = Verifier::new(&passages()).verify("瓜菜常年播种面积 稳定在\n40万亩左右").unwrap();
        assert_eq!(v.verdict, Verdict::Verbatim);
        assert_eq!((v.matches[0].passage_id.as_str(), v.matches[0].start, v.matches[0].end), ("7.1.1", 14, 31));
        assert_eq!(v.matches[0].text, "瓜菜常年播种面积稳定在40万亩左右");
    }

    #[test]
    fn punctuation_width_is_reported_apart() {
        let v = Verifier::new(&passages()).verify("到2025年,新增高标准基本农田13.2万亩").unwrap();
        assert_eq!(v.verdict, Verdict::PunctuationWidth);
        assert!(!v.verbatim);
        assert_eq!(v.width_differences.len(), 1);
        assert_eq!((v.width_differences[0].quote.as_deref(), v.width_differences[0].passage.as_deref()), (Some(","), Some("，")));
    }

    #[test]
    fn a_changed_number_is_a_near_miss_with_the_digits_marked() {
        let v = Verifier::new(&passages()).verify("瓜菜常年播种面积稳定在45万亩左右").unwrap();
        assert_eq!(v.verdict, Verdict::NearMiss);
        let c = v.closest.unwrap();
        assert_eq!((c.passage_id.as_str(), c.distance, c.number_changed), ("7.1.1", 1, true));
        assert_eq!(c.quote_marked, "瓜菜常年播种面积稳定在4⟦5⟧万亩左右");
        assert_eq!(c.passage_marked, "瓜菜常年播种面积稳定在4⟦0⟧万亩左右");
    }

    #[test]
    fn empty_and_over_long_quotes_are_refused() {
        let v = Verifier::new(&passages());
        assert_eq!(v.verify(" \n ").unwrap_err(), VerifyError::Empty);
        assert!(matches!(v.verify(&"字".repeat(MAX_QUOTE_CHARS + 1)), Err(VerifyError::TooLong { .. })));
    }
}
