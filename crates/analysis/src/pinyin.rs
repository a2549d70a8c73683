//! The pinyin key: toneless pinyin, the one reading that the index side (the vocabulary's
//! pinyin → Chinese table, `index::vocab`) and the query side (typed pinyin, homophone
//! corrections, `search::bilingual` and `search::correct`) must agree on, defined once here
//! as the tokenizers are.
//!
//! It must never carry tones: a typed tone mark or tone number is folded away before the
//! lookup ([`fold_tone`]), and the Chinese side is read with the `pinyin` crate's `plain()`.
//! ü is written `v`, as every pinyin input method types it (绿色 is `lvse`); [`keys`] also
//! gives the form typed without it (`luse`).

use std::collections::HashSet;

use ::pinyin::{ToPinyin, ToPinyinMulti};

use crate::is_han;

/// Toneless pinyin of a Chinese term, without spaces, ü as `v`: 乡村振兴 →
/// `xiangcunzhenxing`, 绿色 → `lvse`; `None` when a character is not Chinese or has no
/// reading.
pub fn key(zh: &str) -> Option<String> {
    let mut out = String::new();
    for c in zh.chars() {
        if !is_han(c) {
            return None;
        }
        out.push_str(&plain(c.to_pinyin()?));
    }
    (!out.is_empty()).then_some(out)
}

/// The keys a term is found by: [`key`], and when it has a ü, the same with `u` for it, as
/// people type it without a ü key (绿色: `lvse`, `luse`).
pub fn keys(zh: &str) -> Vec<String> {
    let Some(k) = key(zh) else { return vec![] };
    let without = k.replace('v', "u");
    if without == k {
        vec![k]
    } else {
        vec![k, without]
    }
}

/// A reading without its tone, ü as `v`.
fn plain(p: ::pinyin::Pinyin) -> String {
    p.plain().replace('ü', "v")
}

/// Do two characters share a toneless reading (any of their readings: 率 is shuai and lü)?
/// The query side's homophone test, on the same pinyin as [`key`].
pub fn homophones(a: char, b: char) -> bool {
    let (Some(ra), Some(rb)) = (a.to_pinyin_multi(), b.to_pinyin_multi()) else { return false };
    ra.into_iter().any(|x| rb.into_iter().any(|y| x.plain() == y.plain()))
}

/// Every toneless pinyin syllable (`xiang`, `cun`, `lv`), from the readings of the common
/// Chinese characters.
pub fn syllables() -> HashSet<String> {
    let mut out = HashSet::new();
    for c in ('\u{4e00}'..='\u{9fa5}').filter_map(|c| c.to_pinyin_multi()) {
        out.extend(c.into_iter().map(plain));
    }
    out
}

/// ā → a, ǚ → v …: a typed pinyin tone mark folded away, the query side's half of [`key`]
/// (ü, with or without a tone, is `v` as in the key).
pub fn fold_tone(c: char) -> char {
    match c {
        'ā' | 'á' | 'ǎ' | 'à' => 'a',
        'ē' | 'é' | 'ě' | 'è' => 'e',
        'ī' | 'í' | 'ǐ' | 'ì' => 'i',
        'ō' | 'ó' | 'ǒ' | 'ò' => 'o',
        'ū' | 'ú' | 'ǔ' | 'ù' => 'u',
        'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' | 'ü' => 'v',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_toneless_and_joined() {
        assert_eq!(key("乡村振兴").as_deref(), Some("xiangcunzhenxing"));
        assert_eq!(key("莲藕").as_deref(), Some("lianou"));
        assert_eq!(key("5G"), None);
        assert_eq!(key("绿").as_deref(), Some("lv"));
        assert_eq!(keys("绿色"), vec!["lvse".to_string(), "luse".to_string()]);
        assert_eq!(keys("乡村"), vec!["xiangcun".to_string()]);
        let typed: String = "lǜsè".chars().map(fold_tone).collect();
        assert_eq!(typed, "lvse");
    }

    #[test]
    fn typed_tones_fold_to_the_key() {
        let typed: String = "xiāngcūn zhènxīng".chars().map(fold_tone).collect();
        assert_eq!(typed.replace(' ', ""), key("乡村振兴").unwrap());
    }

    #[test]
    fn homophones_share_any_reading() {
        assert!(homophones('率', '帅'));
        assert!(!homophones('乡', '村'));
        assert!(syllables().contains("xiang"));
    }
}
