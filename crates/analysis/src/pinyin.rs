//! The pinyin key: toneless pinyin, the one reading that the index side (the vocabulary's
//! pinyin → Chinese table, `index::vocab`) and the query side (typed pinyin, homophone
//! corrections, `search::bilingual` and `search::correct`) must agree on, defined once here
//! as the tokenizers are.
//!
//! It must never carry tones: a typed tone mark or tone number is folded away before the
//! lookup ([`fold_tone`]), and the Chinese side is read with the `pinyin` crate's `plain()`.

use std::collections::HashSet;

use ::pinyin::{ToPinyin, ToPinyinMulti};

use crate::is_han;

/// Toneless pinyin of a Chinese term, without spaces: 乡村振兴 → `xiangcunzhenxing`; `None`
/// when a character is not Chinese or has no reading.
pub fn key(zh: &str) -> Option<String> {
    let mut out = String::new();
    for c in zh.chars() {
        if !is_han(c) {
            return None;
        }
        out.push_str(c.to_pinyin()?.plain());
    }
    (!out.is_empty()).then_some(out)
}

/// Do two characters share a toneless reading (any of their readings: 率 is shuai and lü)?
/// The query side's homophone test, on the same pinyin as [`key`].
pub fn homophones(a: char, b: char) -> bool {
    let (Some(ra), Some(rb)) = (a.to_pinyin_multi(), b.to_pinyin_multi()) else { return false };
    ra.into_iter().any(|x| rb.into_iter().any(|y| x.plain() == y.plain()))
}

/// Every toneless pinyin syllable (`xiang`, `cun`, `lü`), from the readings of the common
/// Chinese characters.
pub fn syllables() -> HashSet<&'static str> {
    let mut out = HashSet::new();
    for c in ('\u{4e00}'..='\u{9fa5}').filter_map(|c| c.to_pinyin_multi()) {
        out.extend(c.into_iter().map(|p| p.plain()));
    }
    out
}

/// ā → a, ǚ → u …: a typed pinyin tone mark folded away, the query side's half of [`key`].
/// (ü folds to `u`, while [`key`] keeps it: 绿 is `lü`, so a typed `lü` or `lv` finds no key.)
pub fn fold_tone(c: char) -> char {
    match c {
        'ā' | 'á' | 'ǎ' | 'à' => 'a',
        'ē' | 'é' | 'ě' | 'è' => 'e',
        'ī' | 'í' | 'ǐ' | 'ì' => 'i',
        'ō' | 'ó' | 'ǒ' | 'ò' => 'o',
        'ū' | 'ú' | 'ǔ' | 'ù' | 'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' | 'ü' => 'u',
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
        assert_eq!(key("绿").as_deref(), Some("lü"));
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
