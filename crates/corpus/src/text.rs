//! Text repair rules shared by the converter and the table transcriptions.
//!
//! One rule for spaces, applied everywhere: runs of whitespace collapse, and a space survives
//! only between two ASCII characters (`3000 吨TRF` → `3000吨TRF`, `5G 基站` → `5G基站`,
//! `MES 系统` → `MES系统`, but `[ ]` and `2500T OA` keep theirs). Chinese typesetting puts no
//! space between a Chinese character and a Latin word or a number; the source's spaces there
//! come from justified PDF lines, not from the authors. This rule never touches a counted
//! character (Chinese, digits, Latin letters).

use plansearch_analysis::is_han;

/// The characters that the "nothing lost, nothing invented" check counts: Chinese
/// characters, digits and Latin letters, in either width.
pub fn is_counted(c: char) -> bool {
    is_han(c) || c.is_ascii_alphanumeric() || matches!(c, '\u{ff10}'..='\u{ff19}' | '\u{ff21}'..='\u{ff3a}' | '\u{ff41}'..='\u{ff5a}')
}

/// Apply the space rule to one run of text (see the module docs).
pub fn normalize_spaces(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            let before = out.chars().next_back();
            let after = chars.get(j).copied();
            if let (Some(b), Some(a)) = (before, after) {
                if b.is_ascii_graphic() && a.is_ascii_graphic() {
                    out.push(' ');
                }
            }
            i = j;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Remove the `[bookmark: …]` tags that the Word export left in front of headings.
pub fn strip_bookmarks(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("[bookmark:") {
        out.push_str(&rest[..at]);
        match rest[at..].find(']') {
            Some(end) => rest = &rest[at + end + 1..],
            None => {
                rest = &rest[at..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Does a paragraph end here? A line that ends in 。！？ (possibly followed by closing
/// quotes or brackets) closes its paragraph; anything else was wrapped mid-sentence.
pub fn ends_sentence(text: &str) -> bool {
    let t = text.trim_end();
    let t = t.trim_end_matches(['”', '’', '」', '』', '）', ')']);
    t.ends_with(['。', '！', '？', '!', '?'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_between_chinese_and_numbers_go() {
        assert_eq!(normalize_spaces("达到 400 亿元"), "达到400亿元");
        assert_eq!(normalize_spaces("3000 吨TRF，600 吨 BLK"), "3000吨TRF，600吨BLK");
        assert_eq!(normalize_spaces("研 发"), "研发");
    }

    #[test]
    fn spaces_between_latin_words_stay_single() {
        assert_eq!(normalize_spaces("SAP  OA"), "SAP OA");
        assert_eq!(normalize_spaces("[ ]为五年累计数"), "[ ]为五年累计数");
        assert_eq!(normalize_spaces("  前后  "), "前后");
    }

    #[test]
    fn bookmarks_vanish_and_text_stays() {
        assert_eq!(strip_bookmarks("[bookmark: 第一节指导思想]第一节\t指导思想"), "第一节\t指导思想");
        assert_eq!(strip_bookmarks("[bookmark: _a][bookmark: _b]x"), "x");
        assert_eq!(strip_bookmarks("无标签"), "无标签");
    }

    #[test]
    fn sentence_ends() {
        assert!(ends_sentence("目标。"));
        assert!(ends_sentence("“立功单位”。"));
        assert!(ends_sentence("（见专栏。）"));
        assert!(!ends_sentence("三次产"));
        assert!(!ends_sentence("体系；"));
    }
}
