//! Short forms the plan never prints: 新基建 for 新型基础设施建设, 卫技人员 for 卫生专业技术人员.
//!
//! A key design decision: a Chinese short form takes characters of the long form in order,
//! and the long form is a run of the plan's own words. So a short form absent from the index
//! is looked for as a subsequence: in the passages holding all its characters, a span that
//! starts with its first character at a word boundary, takes the rest in order within a few
//! characters (never across punctuation), and ends at the end of the word holding its last
//! character. The spans found most often are the expansions. No list is consulted, so a short
//! form nobody wrote down is found as well; `corpus/synonyms.tsv` keeps the forms that are
//! not subsequences (二轮延包).

use std::collections::HashMap;

use plansearch_analysis::{is_han, jieba, normalize};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

use crate::Engine;

/// How many passages are read for one short form.
const CANDIDATES: usize = 48;
/// The most expansions one short form gets.
const MAX_EXPANSIONS: usize = 2;

impl Engine {
    /// The plan's long forms of a short form, most frequent first; empty when it is not one.
    pub(crate) fn expand_short_form(&self, searcher: &Searcher, short: &str) -> Vec<String> {
        let s: Vec<char> = short.chars().collect();
        if !(2..=6).contains(&s.len()) || !s.iter().all(|&c| is_han(c)) {
            return vec![];
        }
        let mut distinct = s.clone();
        distinct.sort_unstable();
        distinct.dedup();
        let grams = self.index.fields.grams;
        let all: Vec<(Occur, Box<dyn Query>)> = distinct
            .iter()
            .map(|c| {
                (Occur::Must, Box::new(TermQuery::new(Term::from_field_text(grams, &c.to_string()), IndexRecordOption::Basic)) as Box<dyn Query>)
            })
            .collect();
        let Ok(top) = searcher.search(&BooleanQuery::new(all), &TopDocs::with_limit(CANDIDATES)) else { return vec![] };
        let mut counts: HashMap<String, usize> = HashMap::new();
        for (_, addr) in top {
            let Ok(p) = self.passage(searcher, addr) else { continue };
            for span in spans(&normalize(&p.text), &s) {
                *counts.entry(span).or_default() += 1;
            }
        }
        let mut found: Vec<(String, usize)> = counts.into_iter().collect();
        found.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.chars().count().cmp(&b.0.chars().count())).then(a.0.cmp(&b.0)));
        found.into_iter().take(MAX_EXPANSIONS).map(|(w, _)| w).collect()
    }
}

/// The spans of `text` that `short` abbreviates (see the module docs).
fn spans(text: &str, short: &[char]) -> Vec<String> {
    let max_len = 3 * short.len() + 2;
    let mut out = Vec::new();
    // Each run of Chinese characters, cut into words once.
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !is_han(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_han(chars[i]) {
            i += 1;
        }
        let run = &chars[start..i];
        if !run.contains(&short[0]) {
            continue;
        }
        let run_text: String = run.iter().collect();
        // Word boundaries of the run (jieba's search mode, which also cuts long words into
        // their parts), in characters.
        let tokens = jieba().cut_for_search(&run_text, true);
        let starts_word = |k: usize| tokens.iter().any(|t| t.start == k);
        let word_end = |k: usize| tokens.iter().filter(|t| t.start <= k && t.end > k).map(|t| t.end).min().unwrap_or(k + 1);
        for p in 0..run.len() {
            if run[p] != short[0] || !starts_word(p) {
                continue;
            }
            let mut k = 1;
            let mut last = p;
            let mut q = p + 1;
            while k < short.len() && q < run.len() && q - p < max_len {
                if run[q] == short[k] {
                    k += 1;
                    last = q;
                }
                q += 1;
            }
            if k < short.len() {
                continue;
            }
            let end = word_end(last);
            if end - p > max_len || end - p <= short.len() {
                continue;
            }
            out.push(run[p..end].iter().collect());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_form_is_found_as_a_subsequence_ending_on_a_word() {
        let text = "加快新型基础设施建设，推进卫生专业技术人员培训。";
        assert_eq!(spans(text, &"新基建".chars().collect::<Vec<_>>()), vec!["新型基础设施建设".to_string()]);
        assert_eq!(spans(text, &"卫技人员".chars().collect::<Vec<_>>()), vec!["卫生专业技术人员".to_string()]);
        // Never across punctuation, never as the text itself.
        assert!(spans(text, &"设卫".chars().collect::<Vec<_>>()).is_empty());
    }
}
