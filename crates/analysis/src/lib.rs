//! Chinese (and English-in-Chinese) text analysis, defined once and used by both the index
//! and the query side.
//!
//! A key design decision: normalization maps every character to exactly one character
//! (full-width → half-width, Latin → lowercase, traditional → simplified), so a character
//! offset in normalized text is the same offset in the original. Matching and highlighting
//! therefore work on normalized text and report offsets into the stored original, and no
//! tokenizer ever has to carry an offset map.
//!
//! Two analyses feed the index:
//!
//! * **words** — jieba in search mode with HMM and the plan dictionary
//!   (`corpus/dict.txt`), so 中法武汉生态示范城 is one word and its parts are words too. Latin
//!   words and numbers (`5G`, `GDP`, `23.4`, `2025`) are kept whole, lowercased. For ranking.
//! * **grams** — every Chinese character (unigram) and every pair of adjacent Chinese
//!   characters (bigram) at the position of its first character, Latin words and numbers at
//!   their own position. A run of characters is then a phrase of bigrams, so any substring is
//!   found whatever jieba does with it (小康 inside 小康社会, 生态城, single characters).
//!
//!   Every other character except whitespace (punctuation, symbols: `，`, `、`, `%`) is a
//!   gram of its own at its own position, so a phrase of grams is exact: 绿色低碳 does not
//!   match 绿色、低碳, and 绿色、低碳 matches only with that mark. Whitespace takes no
//!   position (extraction scatters spaces through Chinese text), so phrases step over it.

pub mod pinyin;
pub mod tokenizer;

use std::sync::OnceLock;

use jieba_rs::Jieba;

/// The plan dictionary, one `word [freq [tag]]` per line (jieba's format).
pub const PLAN_DICT: &str = include_str!("../../../corpus/dict.txt");

/// Bumped whenever analysis changes what goes into the index, so old indexes are rebuilt.
pub const ANALYSIS_VERSION: u32 = 3;

/// Width folding, the one place it is defined: full-width ASCII (`ｃｈａｐｔｅｒ：７`, typed with
/// a Chinese input method) to ASCII, the ideographic space to a space; case is kept (a `doc:`
/// name keeps its case). [`fold_char`] adds lowercasing for matching.
pub fn fold_width(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Normalize one character: [`fold_width`], then Latin to lowercase. Traditional characters
/// are mapped by [`normalize`], which needs context.
pub fn fold_char(c: char) -> char {
    fold_width(c).to_ascii_lowercase()
}

/// Normalize text character for character: width folding, lowercase, traditional to
/// simplified. The result has exactly as many characters as the input.
pub fn normalize(text: &str) -> String {
    let folded: String = text.chars().map(fold_char).collect();
    // The plan is in simplified characters: convert only text that has a character the
    // conversion could change (a hash lookup or three per character, the most expensive
    // step of highlighting a hit).
    if !folded.chars().any(may_be_traditional) {
        return folded;
    }
    let simplified = fast2s::convert(&folded);
    debug_assert_eq!(simplified.chars().count(), folded.chars().count());
    simplified
}

/// Could `fast2s` change this character, in some context? It converts only characters of
/// three UTF-8 bytes (U+0800–U+FFFF): those it maps on their own, and those it maps or keeps
/// depending on their neighbours (its special cases, listed here).
fn may_be_traditional(c: char) -> bool {
    const CONTEXTUAL: &str = "兒覆夥藉瞭麽幺於乾著苧闔鍾讎畫";
    static TABLE: OnceLock<Vec<u64>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut bits = vec![0u64; 0x10000 / 64];
        let mut one = String::new();
        for c in (0x800..=0xffff).filter_map(char::from_u32) {
            one.clear();
            one.push(c);
            if CONTEXTUAL.contains(c) || fast2s::convert(&one) != one {
                bits[c as usize / 64] |= 1 << (c as usize % 64);
            }
        }
        bits
    });
    let n = c as usize;
    n < 0x10000 && table[n / 64] & (1 << (n % 64)) != 0
}

/// Chinese characters (CJK Unified Ideographs, Extension A, compatibility ideographs).
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

/// A run of normalized text of one kind, with its character span in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run<'a> {
    pub kind: RunKind,
    pub text: &'a str,
    /// Character offsets `[start, end)`.
    pub start: usize,
    pub end: usize,
    /// Byte offsets `[start, end)`.
    pub byte_start: usize,
    pub byte_end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    /// Chinese characters.
    Han,
    /// A Latin word or a number: ASCII letters and digits, with `.` inside a number
    /// (`23.4`, `1.5`).
    Latin,
}

/// Split normalized text into runs of Chinese and of Latin/digits; everything else
/// (punctuation, spaces, symbols) separates runs and is dropped.
pub fn runs(text: &str) -> Vec<Run<'_>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (b, c) = chars[i];
        let kind = if is_han(c) {
            RunKind::Han
        } else if c.is_ascii_alphanumeric() {
            RunKind::Latin
        } else {
            i += 1;
            continue;
        };
        let start = i;
        i += 1;
        while i < chars.len() {
            let c = chars[i].1;
            let more = match kind {
                RunKind::Han => is_han(c),
                RunKind::Latin => {
                    c.is_ascii_alphanumeric()
                        || (c == '.' && chars[i - 1].1.is_ascii_digit() && chars.get(i + 1).is_some_and(|n| n.1.is_ascii_digit()))
                }
            };
            if !more {
                break;
            }
            i += 1;
        }
        let byte_end = chars.get(i).map_or(text.len(), |x| x.0);
        out.push(Run { kind, text: &text[b..byte_end], start, end: i, byte_start: b, byte_end });
    }
    out
}

/// jieba with the default dictionary and the plan dictionary, built once.
pub fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(|| {
        let mut j = Jieba::new();
        for line in PLAN_DICT.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.split_whitespace();
            let word = parts.next().unwrap_or_default();
            let freq = parts.next().and_then(|f| f.parse().ok());
            j.add_word(&normalize(word), freq.or(Some(50_000)), None);
        }
        j
    })
}

/// A token: normalized text and character offsets into the (original or normalized) text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub byte_start: usize,
    pub byte_end: usize,
    /// Position for phrase matching (grams only; words count up).
    pub position: usize,
}

/// Single characters that say nothing on their own in a word query.
const STOP: &[&str] = &["的", "和", "与", "及", "等", "在", "了", "是", "为", "对", "将", "以", "并", "之", "或", "中", "其", "于", "把", "由"];

/// Is this word too common to be worth a term in a word query?
pub fn is_stop_word(word: &str) -> bool {
    STOP.contains(&word)
}

/// The word analysis of normalized text (see the crate docs).
pub fn word_tokens(normalized: &str) -> Vec<Token> {
    let mut out = Vec::new();
    for run in runs(normalized) {
        match run.kind {
            RunKind::Latin => out.push(Token {
                text: run.text.to_string(),
                start: run.start,
                end: run.end,
                byte_start: run.byte_start,
                byte_end: run.byte_end,
                position: out.len(),
            }),
            RunKind::Han => {
                for t in jieba().cut_for_search(run.text, true) {
                    out.push(Token {
                        text: t.word.to_string(),
                        start: run.start + t.start,
                        end: run.start + t.end,
                        byte_start: run.byte_start + t.byte_start,
                        byte_end: run.byte_start + t.byte_end,
                        position: out.len(),
                    });
                }
            }
        }
    }
    out
}

/// A piece of normalized text for the gram analysis: a run, or one mark (a character that
/// is neither whitespace nor part of a run).
enum Piece<'a> {
    Run(Run<'a>),
    Mark { text: &'a str, start: usize, byte_start: usize },
}

/// Runs and marks in text order; whitespace is dropped.
fn pieces(text: &str) -> Vec<Piece<'_>> {
    fn marks<'a>(text: &'a str, from: (usize, usize), upto: usize, out: &mut Vec<Piece<'a>>) {
        let (mut start, mut byte_start) = from;
        for c in text[byte_start..upto].chars() {
            if !c.is_whitespace() {
                out.push(Piece::Mark { text: &text[byte_start..byte_start + c.len_utf8()], start, byte_start });
            }
            start += 1;
            byte_start += c.len_utf8();
        }
    }
    let mut out = Vec::new();
    let mut at = (0, 0);
    for run in runs(text) {
        marks(text, at, run.byte_start, &mut out);
        at = (run.end, run.byte_end);
        out.push(Piece::Run(run));
    }
    marks(text, at, text.len(), &mut out);
    out
}

/// The gram analysis of normalized text (see the crate docs).
pub fn gram_tokens(normalized: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut position = 0;
    for piece in pieces(normalized) {
        let run = match piece {
            Piece::Mark { text, start, byte_start } => {
                out.push(Token { text: text.to_string(), start, end: start + 1, byte_start, byte_end: byte_start + text.len(), position });
                position += 1;
                continue;
            }
            Piece::Run(run) => run,
        };
        match run.kind {
            RunKind::Latin => {
                out.push(Token {
                    text: run.text.to_string(),
                    start: run.start,
                    end: run.end,
                    byte_start: run.byte_start,
                    byte_end: run.byte_end,
                    position,
                });
                position += 1;
            }
            RunKind::Han => {
                let chars: Vec<(usize, char)> = run.text.char_indices().collect();
                for (k, &(b, c)) in chars.iter().enumerate() {
                    let start = run.start + k;
                    let byte_start = run.byte_start + b;
                    out.push(Token { text: c.to_string(), start, end: start + 1, byte_start, byte_end: byte_start + c.len_utf8(), position });
                    if let Some(&(_, d)) = chars.get(k + 1) {
                        out.push(Token {
                            text: format!("{c}{d}"),
                            start,
                            end: start + 2,
                            byte_start,
                            byte_end: byte_start + c.len_utf8() + d.len_utf8(),
                            position,
                        });
                    }
                    position += 1;
                }
            }
        }
    }
    out
}

/// The gram terms of a query text, with their relative positions, for a phrase query that
/// finds the text as a substring (whitespace aside): bigrams at consecutive positions (a
/// lone character is a unigram), Latin words as themselves, marks as themselves. `None`
/// when the text has nothing to search.
pub fn gram_phrase(normalized: &str) -> Option<Vec<(usize, String)>> {
    let mut terms = Vec::new();
    let mut position = 0;
    for piece in pieces(normalized) {
        let run = match piece {
            Piece::Mark { text, .. } => {
                terms.push((position, text.to_string()));
                position += 1;
                continue;
            }
            Piece::Run(run) => run,
        };
        match run.kind {
            RunKind::Latin => {
                terms.push((position, run.text.to_string()));
                position += 1;
            }
            RunKind::Han => {
                let chars: Vec<char> = run.text.chars().collect();
                if chars.len() == 1 {
                    terms.push((position, chars[0].to_string()));
                } else {
                    for (k, w) in chars.windows(2).enumerate() {
                        terms.push((position + k, format!("{}{}", w[0], w[1])));
                    }
                }
                position += chars.len();
            }
        }
    }
    (!terms.is_empty()).then_some(terms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        word_tokens(&normalize(text)).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn plan_names_are_single_words() {
        for name in ["中法武汉生态示范城", "中德国际产业园", "蔡甸莲藕", "专精特新", "知音文化", "放管服"] {
            assert!(words(&format!("推进{name}建设")).contains(&name.to_string()), "{name}: {:?}", words(name));
        }
    }

    #[test]
    fn latin_words_and_numbers_stay_whole_and_fold() {
        assert_eq!(words("５Ｇ基站"), ["5g", "基站"]);
        assert_eq!(words("ＧＤＰ增长23.4％"), ["gdp", "增长", "23.4"]);
        assert_eq!(words("我从2025年开始学习Rust语言。"), ["我", "从", "2025", "年", "开始", "学习", "rust", "语言"]);
    }

    #[test]
    fn only_text_the_conversion_would_change_is_converted() {
        // The fast path must give what the conversion gives, context cases included.
        let reference = |t: &str| fast2s::convert(&t.chars().map(fold_char).collect::<String>());
        for t in ["乾隆年間", "乾燥", "藉口", "慰藉", "看著", "著作", "計畫", "回覆", "鄉村振興", "乡村振兴，ＧＤＰ", "𠀀鄉", ""]
        {
            assert_eq!(normalize(t), reference(t), "{t}");
        }
        for c in (0x800..=0xffff).filter_map(char::from_u32) {
            let t = format!("乡{c}村");
            assert_eq!(normalize(&t), reference(&t), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn normalization_keeps_one_character_for_one() {
        let text = "鄉村振興，ＧＤＰ　２０２５年";
        let n = normalize(text);
        assert_eq!(n.chars().count(), text.chars().count());
        assert_eq!(n, "乡村振兴,gdp 2025年");
    }

    #[test]
    fn grams_make_every_substring_a_phrase() {
        let grams = gram_tokens("小康社会");
        let bigrams: Vec<_> = grams.iter().filter(|t| t.text.chars().count() == 2).map(|t| (t.position, t.text.as_str())).collect();
        assert_eq!(bigrams, [(0, "小康"), (1, "康社"), (2, "社会")]);
        assert_eq!(gram_phrase("康社会"), Some(vec![(0, "康社".into()), (1, "社会".into())]));
        assert_eq!(gram_phrase("康"), Some(vec![(0, "康".into())]));
        assert_eq!(gram_phrase("  "), None);
    }

    #[test]
    fn marks_hold_their_position_and_spaces_do_not() {
        let grams: Vec<_> = gram_tokens(&normalize("绿色、低碳 5G")).into_iter().map(|t| (t.position, t.text, t.start)).collect();
        let at = |text: &str| grams.iter().find(|g| g.1 == text).map(|g| (g.0, g.2));
        assert_eq!(at("、"), Some((2, 2)));
        assert_eq!(at("低碳"), Some((3, 3)));
        assert_eq!(at("5g"), Some((5, 6)));
        assert_eq!(gram_phrase("色、低"), Some(vec![(0, "色".into()), (1, "、".into()), (2, "低".into())]));
        assert_eq!(gram_phrase("低 碳"), Some(vec![(0, "低".into()), (1, "碳".into())]));
        assert_eq!(gram_phrase(&normalize("，。")), Some(vec![(0, ",".into()), (1, "。".into())]));
    }

    #[test]
    fn offsets_are_characters_and_bytes_of_the_text() {
        let text = "建设５G基站";
        let t = word_tokens(&normalize(text));
        let g = t.iter().find(|t| t.text == "5g").unwrap();
        assert_eq!((g.start, g.end), (2, 4));
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(chars[g.start..g.end].iter().collect::<String>(), "５G");
    }
}
