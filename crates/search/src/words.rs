//! The Chinese words of the word field, found by the character pairs they hold.
//!
//! A jieba word is a piece of its passage's text, so a passage holding a word that contains a
//! text holds that text: 示范城 is not a word (jieba cuts 示范 / 城), but every passage with the
//! word 中法武汉生态示范城 holds it. The exact-text clause of a unit uses such words as sure
//! terms (see `compile::Docs::Phrase`), so that those passages need no check of positions.

use std::collections::HashMap;

use plansearch_analysis::is_han;
use tantivy::Searcher;

/// The most words that stand for one text: the commonest, so that they cover the most passages.
const MAX_SURE: usize = 16;

/// Every Chinese word of the word field (three characters or more), by the character pairs
/// it holds.
#[derive(Debug, Default)]
pub(crate) struct Words {
    /// Each word with the number of passages holding it, in dictionary order.
    words: Vec<(String, u32)>,
    /// For each character pair, the words holding it (indices into `words`).
    by_pair: HashMap<[char; 2], Vec<u32>>,
}

impl Words {
    pub(crate) fn of(searcher: &Searcher, field: tantivy::schema::Field) -> Words {
        let words = field_terms(searcher, field, |word| word.chars().count() >= 3 && word.chars().all(is_han));
        let mut by_pair: HashMap<[char; 2], Vec<u32>> = HashMap::new();
        for (i, (w, _)) in words.iter().enumerate() {
            let chars: Vec<char> = w.chars().collect();
            let mut pairs: Vec<[char; 2]> = chars.windows(2).map(|p| [p[0], p[1]]).collect();
            pairs.sort_unstable();
            pairs.dedup();
            for p in pairs {
                by_pair.entry(p).or_default().push(i as u32);
            }
        }
        Words { words, by_pair }
    }

    /// The words (at most [`MAX_SURE`], the commonest) that contain a Chinese text of two
    /// characters or more, itself included when it is one.
    pub(crate) fn containing(&self, text: &str) -> Vec<&str> {
        let chars: Vec<char> = text.chars().collect();
        if chars.len() < 2 || !chars.iter().all(|&c| is_han(c)) {
            return vec![];
        }
        // The words holding the text's rarest pair, then those holding all of it.
        let Some(pool) = chars.windows(2).map(|p| self.by_pair.get(&[p[0], p[1]])).min_by_key(|w| w.map_or(0, |w| w.len())).flatten() else {
            return vec![];
        };
        let mut found: Vec<&(String, u32)> = pool.iter().map(|&i| &self.words[i as usize]).filter(|(w, _)| w.contains(text)).collect();
        found.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        found.truncate(MAX_SURE);
        found.into_iter().map(|(w, _)| w.as_str()).collect()
    }
}

/// The terms of a field that `keep` keeps, each with the number of passages holding it, in
/// dictionary order: read from every segment's term dictionary.
pub(crate) fn field_terms(searcher: &Searcher, field: tantivy::schema::Field, keep: impl Fn(&str) -> bool) -> Vec<(String, u32)> {
    let mut counts: HashMap<String, u32> = HashMap::new();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else { continue };
        let Ok(mut stream) = inverted.terms().stream() else { continue };
        while stream.advance() {
            let Ok(word) = std::str::from_utf8(stream.key()) else { continue };
            if keep(word) {
                *counts.entry(word.to_string()).or_default() += stream.value().doc_freq;
            }
        }
    }
    let mut out: Vec<(String, u32)> = counts.into_iter().collect();
    out.sort();
    out
}
