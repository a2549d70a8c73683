//! English and pinyin queries: how words typed in Latin letters become Chinese terms.
//!
//! A run of Latin words is read greedily, longest phrase first, against three sources of
//! the index's vocabulary: the reviewed glossary (weight 1.0), toneless pinyin of plan terms
//! and corpus words (0.95), and CC-CEDICT senses of corpus words (0.6). Glossary terms thus
//! rank above dictionary guesses. A phrase the glossary holds only within a longer term
//! ("Sino-German industrial park" within "Sino-German International Industrial Park") finds
//! that term too (0.8). Expansions are capped, so a word the dictionary maps to hundreds of
//! Chinese words costs no more than a few.

use std::collections::HashMap;

use plansearch_analysis::pinyin::fold_tone;
use plansearch_index::Vocabulary;

pub use crate::Source;

pub const GLOSSARY: f32 = 1.0;
pub const PINYIN: f32 = 0.95;
pub const GLOSSARY_PART: f32 = 0.8;
pub const DICTIONARY: f32 = 0.6;
/// The most Chinese terms one English phrase expands to.
pub const MAX_PER_PHRASE: usize = 4;
/// The longest phrase looked up, in words.
const MAX_PHRASE: usize = 6;

/// A span of the typed words and the Chinese terms it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// The typed words of the span, joined by spaces.
    pub english: String,
    pub chinese: Vec<(String, f32, Source)>,
}

/// English words as looked up: lowercase, ASCII letters and digits, a plural `s` dropped,
/// hyphenated words split, tone marks and tone numbers of pinyin removed.
pub fn normalize_words(text: &str) -> Vec<String> {
    let folded: String = text.chars().map(fold_tone).collect();
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.to_ascii_lowercase();
            // xiang1cun → xiangcun: tone numbers inside a word of letters.
            let w: String = if tone_numbered(&w) { w.chars().filter(|c| !c.is_ascii_digit()).collect() } else { w };
            singular(&w)
        })
        .collect()
}

/// `xiang1cun`, `zhen4xing`: letters, each digit a single tone 1–5 after a letter.
fn tone_numbered(w: &str) -> bool {
    let chars: Vec<char> = w.chars().collect();
    chars.first().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.iter().any(|c| c.is_ascii_digit())
        && chars.iter().enumerate().all(|(i, c)| {
            !c.is_ascii_digit()
                || (matches!(c, '1'..='5') && chars[i - 1].is_ascii_alphabetic() && chars.get(i + 1).is_none_or(|n| n.is_ascii_alphabetic()))
        })
}

fn singular(w: &str) -> String {
    if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        if let Some(stem) = w.strip_suffix("ies") {
            return format!("{stem}y");
        }
        return w[..w.len() - 1].to_string();
    }
    w.to_string()
}

/// The index's vocabulary, arranged for lookups.
#[derive(Debug, Default)]
pub struct Translator {
    /// Normalized English phrase → Chinese terms from the glossary.
    glossary: HashMap<String, Vec<String>>,
    /// Glossary entries as word lists, for phrases found inside longer terms.
    glossary_words: Vec<(Vec<String>, String)>,
    /// Chinese term → its glossary English, for highlighting English text.
    english_of: HashMap<String, String>,
    en_zh: HashMap<String, Vec<String>>,
    pinyin: HashMap<String, Vec<String>>,
}

impl Translator {
    pub fn new(v: &Vocabulary) -> Translator {
        let mut t = Translator::default();
        for (zh, en) in &v.glossary {
            let words = normalize_words(en);
            if words.is_empty() {
                continue;
            }
            let list = t.glossary.entry(words.join(" ")).or_default();
            if !list.contains(zh) {
                list.push(zh.clone());
            }
            t.glossary_words.push((words, zh.clone()));
            t.english_of.entry(zh.clone()).or_insert_with(|| en.clone());
        }
        for (k, v) in &v.en_zh {
            t.en_zh.insert(normalize_words(k).join(" "), v.clone());
        }
        t.pinyin = v.pinyin.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        t
    }

    /// The glossary English of a Chinese term.
    pub fn english_of(&self, zh: &str) -> Option<&str> {
        self.english_of.get(zh).map(String::as_str)
    }

    /// Read typed Latin words as spans with their Chinese terms (see the module docs).
    /// Words with no translation are spans with no Chinese.
    pub fn translate(&self, words: &[String]) -> Vec<Span> {
        let mut spans = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let mut found = None;
            for len in (1..=MAX_PHRASE.min(words.len() - i)).rev() {
                let phrase = words[i..i + len].join(" ");
                let mut chinese: Vec<(String, f32, Source)> = Vec::new();
                let add = |zh: &String, w: f32, s: Source, chinese: &mut Vec<(String, f32, Source)>| {
                    if chinese.len() < MAX_PER_PHRASE && !chinese.iter().any(|(c, _, _)| c == zh) {
                        chinese.push((zh.clone(), w, s));
                    }
                };
                for zh in self.glossary.get(&phrase).into_iter().flatten() {
                    add(zh, GLOSSARY, Source::Glossary, &mut chinese);
                }
                for zh in self.pinyin.get(&words[i..i + len].concat()).into_iter().flatten() {
                    add(zh, PINYIN, Source::Pinyin, &mut chinese);
                }
                if len >= 2 {
                    for zh in self.glossary_containing(&words[i..i + len]) {
                        add(&zh, GLOSSARY_PART, Source::Glossary, &mut chinese);
                    }
                }
                for zh in self.en_zh.get(&phrase).into_iter().flatten().take(MAX_PER_PHRASE) {
                    add(zh, DICTIONARY, Source::Dictionary, &mut chinese);
                }
                if !chinese.is_empty() {
                    found = Some((len, Span { english: phrase, chinese }));
                    break;
                }
            }
            match found {
                Some((len, span)) => {
                    spans.push(span);
                    i += len;
                }
                None => {
                    spans.push(Span { english: words[i].clone(), chinese: vec![] });
                    i += 1;
                }
            }
        }
        spans
    }

    /// Glossary terms whose English holds all these words (in any order), shortest first.
    fn glossary_containing(&self, words: &[String]) -> Vec<String> {
        let content: Vec<&String> = words.iter().filter(|w| !STOP.contains(&w.as_str())).collect();
        if content.len() < 2 {
            return vec![];
        }
        let mut hits: Vec<(usize, &String)> =
            self.glossary_words.iter().filter(|(ws, _)| content.iter().all(|w| ws.contains(w))).map(|(ws, zh)| (ws.len(), zh)).collect();
        hits.sort();
        hits.into_iter().map(|(_, zh)| zh.clone()).take(3).collect()
    }
}

/// English words that carry no meaning on their own in a lookup.
pub const STOP: &[&str] = &["the", "a", "an", "of", "and", "or", "in", "on", "for", "to", "with", "by", "at", "from", "is", "are", "be"];

/// Does this query look like English or pinyin rather than Chinese? All units are Latin
/// letters, digits and punctuation, and at least one has three letters or more.
pub fn looks_latin(units: &[&str]) -> bool {
    !units.is_empty()
        && units.iter().all(|u| u.chars().all(|c| c.is_ascii() || fold_tone(c) != c))
        && units.iter().any(|u| u.chars().filter(|c| c.is_ascii_alphabetic() || fold_tone(*c) != *c).count() >= 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn translator() -> Translator {
        let mut v = Vocabulary {
            glossary: vec![
                ("空气质量".into(), "air quality".into()),
                ("中德国际产业园".into(), "Sino-German International Industrial Park".into()),
                ("养老服务".into(), "elderly care services".into()),
            ],
            ..Default::default()
        };
        v.en_zh.insert("quality".into(), vec!["质量".into()]);
        v.pinyin.insert("xiangcunzhenxing".into(), vec!["乡村振兴".into()]);
        v.pinyin.insert("lianou".into(), vec!["莲藕".into()]);
        Translator::new(&v)
    }

    #[test]
    fn glossary_phrases_win_over_single_words() {
        let t = translator();
        let spans = t.translate(&normalize_words("air quality"));
        assert_eq!(spans.len(), 1);
        assert_eq!(spans[0].chinese[0], ("空气质量".into(), GLOSSARY, Source::Glossary));
    }

    #[test]
    fn partial_glossary_names_and_plurals() {
        let t = translator();
        let spans = t.translate(&normalize_words("Sino-German industrial parks"));
        assert_eq!(spans.len(), 1, "{spans:?}");
        assert_eq!(spans[0].chinese[0].0, "中德国际产业园");
        assert_eq!(t.translate(&normalize_words("elderly care service"))[0].chinese[0].0, "养老服务");
    }

    #[test]
    fn pinyin_with_or_without_tones() {
        let t = translator();
        for q in ["xiangcun zhenxing", "xiāngcūn zhènxīng", "xiang1cun zhen4xing", "lianou"] {
            let spans = t.translate(&normalize_words(q));
            assert!(
                spans.iter().any(|s| s.chinese.iter().any(|(z, _, src)| *src == Source::Pinyin && (z == "乡村振兴" || z == "莲藕"))),
                "{q}: {spans:?}"
            );
        }
    }

    #[test]
    fn latin_queries_are_recognised() {
        assert!(looks_latin(&["air", "quality"]));
        assert!(looks_latin(&["xiāngcūn"]));
        assert!(!looks_latin(&["5g", "基站"]));
        assert!(!looks_latin(&["5g"]));
    }
}
