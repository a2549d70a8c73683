//! Typing mistakes, corrected only towards the plan's own words.
//!
//! A key design decision: a correction is made only where what was typed does not occur in
//! the index at all, and only to a word that does. Chinese mistakes are mostly an input
//! method's: a character that sounds the same (精制农业 for 精致农业, 利用律 for 利用率), so a
//! span absent from the plan is replaced by a plan word of the same length that differs in
//! one character with a shared toneless reading (any of the character's readings: 率 is
//! both shuài and lǜ). English mistakes are spellings: a word whose stem the translation never
//! uses becomes the translation's nearest word by edit distance (urbanisation →
//! urbanization, programme → program), unless it reads as pinyin. The lexicon is built once,
//! when the engine opens, from the index's vocabulary and term dictionary.

use std::collections::{HashMap, HashSet};

use plansearch_analysis::pinyin::{homophones, syllables};
use plansearch_analysis::{runs, RunKind};
use tantivy::Searcher;

use crate::Correction;

/// The longest Chinese span corrected as one piece.
const MAX_SPAN: usize = 6;
/// The characters of a query looked at for mistakes: each costs a few index lookups, and a
/// longer text is a pasted sentence, which is not corrected.
const MAX_SCANNED: usize = 64;

pub(crate) struct Lexicon {
    /// Chinese words of the plan (corpus words and glossary terms), by pattern: the word with
    /// one character replaced by `*`.
    patterns: HashMap<String, Vec<u32>>,
    words: Vec<String>,
    /// English words of the translation (lowercase, as written) and in how many passages.
    english: Vec<(String, u32)>,
    /// Toneless pinyin syllables, so a pinyin query is not "corrected" into English.
    syllables: HashSet<String>,
}

impl Lexicon {
    pub(crate) fn new(vocab: &plansearch_index::Vocabulary, english: Vec<(String, u32)>) -> Lexicon {
        let mut words: Vec<String> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for list in vocab.pinyin.values() {
            for w in list {
                if seen.insert(w) {
                    words.push(w.clone());
                }
            }
        }
        let mut patterns: HashMap<String, Vec<u32>> = HashMap::new();
        for (n, w) in words.iter().enumerate() {
            let chars: Vec<char> = w.chars().collect();
            if !(2..=MAX_SPAN).contains(&chars.len()) {
                continue;
            }
            for i in 0..chars.len() {
                patterns.entry(pattern(&chars, i)).or_default().push(n as u32);
            }
        }
        Lexicon { patterns, words, english, syllables: syllables() }
    }

    /// A Chinese unit with its absent spans replaced by homophone plan words; `None` when
    /// nothing was corrected. `occurs` says whether a text stands anywhere in the index.
    pub(crate) fn correct_zh(&self, text: &str, occurs: &dyn Fn(&str) -> bool) -> Option<String> {
        // (byte start, byte end, replacement) in `text`.
        let mut fixes: Vec<(usize, usize, String)> = Vec::new();
        for run in runs(text) {
            if run.kind != RunKind::Han || run.text.chars().count() < 2 || occurs(run.text) {
                continue;
            }
            let chars: Vec<(usize, char)> = run.text.char_indices().collect();
            // A correction replaces whole words as jieba cuts what was typed: never the end of
            // one word and the start of the next (产值要 is not 产只要).
            let tokens = plansearch_analysis::jieba().cut_for_search(run.text, true);
            let aligned = |s: usize, e: usize| tokens.iter().any(|t| t.start == s) && tokens.iter().any(|t| t.end == e);
            let byte_at = |i: usize| run.byte_start + chars.get(i).map_or(run.text.len(), |c| c.0);
            let mut i = 0;
            while i < chars.len().min(MAX_SCANNED) {
                let mut fixed = None;
                for len in (2..=MAX_SPAN.min(chars.len() - i)).rev() {
                    let span: Vec<char> = chars[i..i + len].iter().map(|c| c.1).collect();
                    if !aligned(i, i + len) || occurs(&span.iter().collect::<String>()) {
                        continue;
                    }
                    if let Some(w) = self.homophone(&span, occurs) {
                        fixed = Some((len, w));
                        break;
                    }
                }
                match fixed {
                    Some((len, w)) => {
                        fixes.push((byte_at(i), byte_at(i + len), w));
                        i += len;
                    }
                    None => i += 1,
                }
            }
        }
        if fixes.is_empty() {
            return None;
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (s, e, w) in fixes {
            out.push_str(&text[at..s]);
            out.push_str(&w);
            at = e;
        }
        out.push_str(&text[at..]);
        Some(out)
    }

    /// The plan word that differs from `span` in one homophone character, the most frequent
    /// first (the vocabulary lists words by frequency).
    fn homophone(&self, span: &[char], occurs: &dyn Fn(&str) -> bool) -> Option<String> {
        let mut best: Option<u32> = None;
        for i in 0..span.len() {
            let Some(list) = self.patterns.get(&pattern(span, i)) else { continue };
            for &n in list {
                let w: Vec<char> = self.words[n as usize].chars().collect();
                if w.len() == span.len() && w[i] != span[i] && homophones(w[i], span[i]) && best.is_none_or(|b| n < b) {
                    best = Some(n);
                }
            }
        }
        best.map(|n| self.words[n as usize].clone()).filter(|w| occurs(w))
    }

    /// The translation's word nearest to an English word it never uses; `None` for a word
    /// it does use, for pinyin, and where nothing is near enough.
    pub(crate) fn correct_en(&self, word: &str, used: &dyn Fn(&str) -> bool) -> Option<String> {
        let n = word.chars().count();
        if n < 4 || !word.chars().all(|c| c.is_ascii_lowercase()) || used(word) || self.is_pinyin(word) {
            return None;
        }
        let max = if n >= 8 { 2 } else { 1 };
        let first = word.chars().next()?;
        let mut best: Option<(usize, u32, &str)> = None;
        for (w, df) in &self.english {
            if w.len().abs_diff(word.len()) > max || !w.starts_with(first) {
                continue;
            }
            let d = edit_distance(word, w, max);
            if d <= max && best.is_none_or(|(bd, bdf, _)| (d, std::cmp::Reverse(*df)) < (bd, std::cmp::Reverse(bdf))) {
                best = Some((d, *df, w));
            }
        }
        best.map(|(_, _, w)| w.to_string())
    }

    /// Can the word be cut into toneless pinyin syllables (xiangcun, lianou)?
    fn is_pinyin(&self, word: &str) -> bool {
        let b = word.as_bytes();
        let mut ok = vec![false; b.len() + 1];
        ok[0] = true;
        for i in 0..b.len() {
            if !ok[i] {
                continue;
            }
            for j in i + 1..=(i + 6).min(b.len()) {
                if self.syllables.contains(&word[i..j]) {
                    ok[j] = true;
                }
            }
        }
        ok[b.len()]
    }
}

fn pattern(chars: &[char], i: usize) -> String {
    chars.iter().enumerate().map(|(j, &c)| if j == i { '*' } else { c }).collect()
}

/// Damerau–Levenshtein distance (adjacent transpositions count one), giving up past `max`.
pub(crate) fn edit_distance(a: &str, b: &str, max: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        let mut row_min = usize::MAX;
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return max + 1;
        }
    }
    d[n][m]
}

/// The English words of the translation with their document frequencies, from the
/// unstemmed `en_grams` field.
pub(crate) fn english_words(searcher: &Searcher, field: tantivy::schema::Field) -> Vec<(String, u32)> {
    crate::words::field_terms(searcher, field, |word| word.len() >= 3 && word.chars().all(|c| c.is_ascii_lowercase()))
}

/// Record a correction once.
pub(crate) fn note(corrected: &mut Vec<Correction>, from: &str, to: &str) {
    if !corrected.iter().any(|c| c.from == from) {
        corrected.push(Correction { from: from.to_string(), to: to.to_string() });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("urbanisation", "urbanization", 2), 1);
        assert_eq!(edit_distance("programme", "program", 2), 2);
        assert_eq!(edit_distance("biodiversty", "biodiversity", 2), 1);
        assert_eq!(edit_distance("form", "from", 1), 1);
        assert!(edit_distance("lotus", "water", 1) > 1);
    }
}
