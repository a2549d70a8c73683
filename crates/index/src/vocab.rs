//! The bilingual vocabulary of an index, made at build time and stored beside it
//! (`vocab.json`), so the server never loads a whole dictionary:
//!
//! * the glossaries of the corpus (`corpus/<slug>/glossary.tsv`): reviewed plan terms,
//!   Chinese ↔ English;
//! * English → Chinese from CC-CEDICT (the `chinese_dictionary` crate, which embeds its
//!   data), restricted to the Chinese words that occur in the corpus, most frequent first;
//! * toneless pinyin → Chinese for the plan's terms and the corpus words, keyed by
//!   `analysis::pinyin::key`, the key the query side reads typed pinyin with.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use plansearch_analysis::{jieba, normalize, pinyin};
use plansearch_corpus::Passage;
use serde::{Deserialize, Serialize};

/// Dictionary senses kept per English key, and keys per Chinese word.
const MAX_ZH_PER_KEY: usize = 6;
const MAX_WORDS_PER_GLOSS: usize = 4;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Vocabulary {
    /// Glossary entries: (Chinese, English).
    pub glossary: Vec<(String, String)>,
    /// English gloss (lowercase) → Chinese words of the corpus, most frequent first.
    pub en_zh: BTreeMap<String, Vec<String>>,
    /// Toneless pinyin without spaces → Chinese terms, most frequent first.
    pub pinyin: BTreeMap<String, Vec<String>>,
}

/// Read every glossary of the corpus: `zh<TAB>en[<TAB>…]` with a header line.
pub fn read_glossaries(corpus_root: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Ok(dirs) = plansearch_corpus::Corpus::document_dirs(corpus_root) else { return out };
    for dir in dirs {
        let Ok(text) = std::fs::read_to_string(dir.join("glossary.tsv")) else { continue };
        for line in text.lines().skip(1) {
            let mut cols = line.split('\t');
            if let (Some(zh), Some(en)) = (cols.next(), cols.next()) {
                let (zh, en) = (zh.trim(), en.trim());
                if !zh.is_empty() && !en.is_empty() {
                    out.push((zh.to_string(), en.to_string()));
                }
            }
        }
    }
    out
}

/// A CEDICT gloss as a lookup key: lowercase, without notes in brackets, without a leading
/// "to "; `None` for glosses that are not translations (variants, surnames, classifiers).
fn gloss_key(gloss: &str) -> Option<String> {
    let mut s = String::new();
    let mut depth = 0;
    for c in gloss.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            _ if depth == 0 => s.push(c),
            _ => {}
        }
    }
    let s = s.trim().to_lowercase();
    let s = s.strip_prefix("to ").unwrap_or(&s).trim().to_string();
    let bad = s.is_empty()
        || s.contains("variant of")
        || s.contains("surname")
        || s.starts_with("cl:")
        || s.contains("abbr.")
        || s.contains("see ")
        || s.split_whitespace().count() > MAX_WORDS_PER_GLOSS
        || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-' || c == '\'');
    (!bad).then_some(s)
}

/// Corpus words and their frequencies (jieba's default cut, two characters or more),
/// counted one passage at a time.
#[derive(Debug, Default)]
pub struct WordCounts(HashMap<String, usize>);

impl WordCounts {
    pub fn add(&mut self, p: &Passage) {
        let text = normalize(&p.text);
        for run in plansearch_analysis::runs(&text).into_iter().filter(|r| r.kind == plansearch_analysis::RunKind::Han) {
            for t in jieba().cut(run.text, true) {
                if t.word.chars().count() >= 2 {
                    *self.0.entry(t.word.to_string()).or_default() += 1;
                }
            }
        }
    }
}

/// Build the vocabulary from the passages and the glossaries.
pub fn build(passages: &[Passage], glossary: Vec<(String, String)>) -> Vocabulary {
    let mut counts = WordCounts::default();
    passages.iter().for_each(|p| counts.add(p));
    build_from(counts, glossary)
}

/// Build the vocabulary from counted words and the glossaries.
pub fn build_from(counts: WordCounts, glossary: Vec<(String, String)>) -> Vocabulary {
    let freq = counts.0;
    let mut words: Vec<(&String, &usize)> = freq.iter().collect();
    words.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));

    let mut en_zh: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (word, _) in &words {
        for entry in chinese_dictionary::query_by_simplified(word) {
            for gloss in &entry.english {
                if let Some(key) = gloss_key(gloss) {
                    let list = en_zh.entry(key).or_default();
                    if list.len() < MAX_ZH_PER_KEY && !list.contains(word) {
                        list.push((*word).clone());
                    }
                }
            }
        }
    }

    // Pinyin of glossary terms first (plan terms), then of corpus words by frequency.
    let mut pinyin: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let terms = glossary.iter().map(|(zh, _)| zh.clone()).chain(words.iter().map(|(w, _)| (*w).clone()));
    for zh in terms {
        for key in pinyin::keys(&zh) {
            let list = pinyin.entry(key).or_default();
            if list.len() < MAX_ZH_PER_KEY && !list.contains(&zh) {
                list.push(zh.clone());
            }
        }
    }
    Vocabulary { glossary, en_zh, pinyin }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glosses_become_plain_keys() {
        assert_eq!(gloss_key("to develop").as_deref(), Some("develop"));
        assert_eq!(gloss_key("air quality (environment)").as_deref(), Some("air quality"));
        assert_eq!(gloss_key("variant of 發展|发展"), None);
        assert_eq!(gloss_key("CL:個|个[ge4]"), None);
    }
}
