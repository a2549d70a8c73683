//! Query preparation: each unit of a parsed query becomes what it may match — the text as
//! typed, its synonyms, and for Latin words the English text and its Chinese translations —
//! with the words it requires and the words it is ranked by. Nothing here touches the index.

use plansearch_analysis::{jieba, normalize, runs, word_tokens, RunKind};

use crate::query::{Parsed, Unit};
use crate::{bilingual, Engine, Source};

/// At most this many alternatives of a unit come from synonyms of its words.
const WORD_SYNONYMS: usize = 4;

/// One thing a unit may match: Chinese text (as typed, a synonym, a translation) or
/// English text, with its weight.
#[derive(Debug, Clone)]
pub(crate) struct Alt {
    pub(crate) text: String,
    pub(crate) en: bool,
    pub(crate) weight: f32,
    pub(crate) source: Source,
}

/// One unit prepared for searching: what was typed and its alternatives.
pub(crate) struct Prepared {
    pub(crate) text: String,
    pub(crate) exact: bool,
    pub(crate) words: Vec<String>,
    pub(crate) alternatives: Vec<Alt>,
}

impl Engine {
    /// Cut a Chinese unit into words and add its expansions. A Latin word inside a Chinese
    /// query (`RCEP`, `lotus`) also searches the English text and its translations.
    pub(crate) fn prepare(&self, u: &Unit) -> Prepared {
        let mut alternatives = vec![Alt { text: u.text.clone(), en: false, weight: 1.0, source: Source::Typed }];
        let push = |alts: &mut Vec<Alt>, a: Alt| {
            if !alts.iter().any(|x| x.text == a.text && x.en == a.en) {
                alts.push(a);
            }
        };
        if !u.exact {
            for to in self.synonyms.expand(&u.text) {
                push(&mut alternatives, Alt { text: to, en: false, weight: 0.9, source: Source::Synonym });
            }
            // A word of a longer unit with a synonym: the unit with that word replaced
            // (城市内涝 also searches 城市排涝), below the whole-unit synonyms.
            let words = required_words(&u.text);
            if words.len() > 1 {
                let replaced =
                    words.iter().filter(|w| w.chars().count() >= 2).flat_map(|w| self.synonyms.expand(w).into_iter().map(move |to| (w, to)));
                for (w, to) in replaced.take(WORD_SYNONYMS) {
                    push(&mut alternatives, Alt { text: u.text.replacen(w.as_str(), &to, 1), en: false, weight: 0.85, source: Source::Synonym });
                }
            }
            if u.text.chars().all(|c| c.is_ascii_alphabetic()) && u.text.len() >= 3 {
                push(&mut alternatives, Alt { text: u.text.clone(), en: true, weight: 1.0, source: Source::Typed });
                for span in self.translator.translate(&bilingual::normalize_words(&u.text)) {
                    for (zh, w, src) in span.chinese {
                        push(&mut alternatives, Alt { text: zh, en: false, weight: w, source: src });
                    }
                }
            }
        }
        Prepared { text: u.text.clone(), exact: u.exact, words: required_words(&u.text), alternatives }
    }

    /// An English or pinyin query: the words of each run of plain units are read as phrases
    /// (`air quality` is one phrase of the glossary), each phrase a required group that
    /// matches the English text or any of its Chinese terms. Quoted text and `OR` groups
    /// keep their own shape.
    pub(crate) fn prepare_english(&self, parsed: &Parsed) -> Vec<Vec<Prepared>> {
        let mut out: Vec<Vec<Prepared>> = Vec::new();
        let mut run: Vec<String> = Vec::new();
        let flush = |run: &mut Vec<String>, out: &mut Vec<Vec<Prepared>>| {
            if run.is_empty() {
                return;
            }
            let words = bilingual::normalize_words(&run.join(" "));
            for span in self.translator.translate(&words) {
                if span.chinese.is_empty() && bilingual::STOP.contains(&span.english.as_str()) {
                    continue;
                }
                out.push(vec![self.english_unit(&span.english, false, span.chinese)]);
            }
            run.clear();
        };
        for g in &parsed.groups {
            if g.len() == 1 && !g[0].exact {
                run.push(g[0].text.clone());
                continue;
            }
            flush(&mut run, &mut out);
            out.push(
                g.iter()
                    .map(|u| {
                        let chinese = if u.exact {
                            vec![]
                        } else {
                            self.translator.translate(&bilingual::normalize_words(&u.text)).into_iter().flat_map(|s| s.chinese).collect()
                        };
                        self.english_unit(&u.text, u.exact, chinese)
                    })
                    .collect(),
            );
        }
        flush(&mut run, &mut out);
        out
    }

    fn english_unit(&self, text: &str, exact: bool, chinese: Vec<(String, f32, Source)>) -> Prepared {
        let mut alternatives = vec![Alt { text: text.to_string(), en: true, weight: 1.0, source: Source::Typed }];
        // The Latin word itself in Chinese text (GDP, 5G, RCEP) as typed.
        if !text.contains(' ') {
            alternatives.push(Alt { text: normalize(text), en: false, weight: 1.0, source: Source::Typed });
        }
        for (zh, w, src) in chinese {
            if !alternatives.iter().any(|a| !a.en && a.text == zh) {
                alternatives.push(Alt { text: zh, en: false, weight: w, source: src });
            }
        }
        let words = plansearch_analysis::tokenizer::english_terms(text).into_iter().map(|(t, _, _)| t).collect();
        Prepared { text: text.to_string(), exact, words, alternatives }
    }
}

/// The words a unit requires: jieba's default cut (non-overlapping), Latin words whole,
/// without stop words unless nothing else is left.
pub fn required_words(normalized: &str) -> Vec<String> {
    let mut words = Vec::new();
    for run in runs(normalized) {
        match run.kind {
            RunKind::Latin => words.push(run.text.to_string()),
            RunKind::Han => words.extend(jieba().cut(run.text, true).into_iter().map(|t| t.word.to_string())),
        }
    }
    let kept: Vec<String> = words.iter().filter(|w| !plansearch_analysis::is_stop_word(w)).cloned().collect();
    let mut out = if kept.is_empty() { words } else { kept };
    out.dedup();
    out
}

/// The words a unit is ranked by: jieba's search-mode cut, distinct.
pub(crate) fn ranking_words(normalized: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in word_tokens(normalized) {
        if !plansearch_analysis::is_stop_word(&t.text) && !out.contains(&t.text) {
            out.push(t.text);
        }
    }
    out
}
