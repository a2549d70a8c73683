//! Highlight spans and snippets, as character offsets into the stored text.
//!
//! Spans are found on the normalized text (one character for one, see
//! `plansearch-analysis`), so they are offsets into the original as stored. Overlapping and
//! adjacent spans merge, so the user's matched string is one span (`中法武汉生态示范城`,
//! never one mark per character or per word). HTML is made from offsets on the stored text:
//! the text is escaped, and `<mark>` is the only markup added.

/// Merge spans: sort, then join those that overlap or touch. Empty spans go.
pub fn merge(mut spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    spans.retain(|(s, e)| s < e);
    spans.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// Every occurrence of `needle` in `hay` (both normalized), as character spans.
pub fn find_all(hay: &[char], needle: &[char]) -> Vec<(usize, usize)> {
    if needle.is_empty() || needle.len() > hay.len() {
        return vec![];
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        if hay[i..i + needle.len()] == *needle {
            out.push((i, i + needle.len()));
            i += needle.len();
        } else {
            i += 1;
        }
    }
    out
}

/// Like [`find_all`], but whitespace in the text is skipped: the needle `全区粮食` matches
/// `全区 粮食` and a line break inside it. Returns spans over the text.
pub fn find_all_ignoring_space(hay: &[char], needle: &[char]) -> Vec<(usize, usize)> {
    Squeezed::new(hay).find_all(needle)
}

/// A text without its whitespace, made once and searched for many needles (a hit's every
/// unit and expansion), with the way back to the text's offsets.
pub struct Squeezed {
    kept: Vec<usize>,
    chars: Vec<char>,
}

impl Squeezed {
    pub fn new(hay: &[char]) -> Squeezed {
        let kept: Vec<usize> = (0..hay.len()).filter(|&i| !hay[i].is_whitespace()).collect();
        let chars = kept.iter().map(|&i| hay[i]).collect();
        Squeezed { kept, chars }
    }

    /// [`find_all_ignoring_space`] on this text.
    pub fn find_all(&self, needle: &[char]) -> Vec<(usize, usize)> {
        let needle: Vec<char> = needle.iter().copied().filter(|c| !c.is_whitespace()).collect();
        if needle.is_empty() {
            return vec![];
        }
        find_all(&self.chars, &needle).into_iter().map(|(s, e)| (self.kept[s], self.kept[e - 1] + 1)).collect()
    }
}

/// Escape text for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The text as HTML with each span in `<mark>`; spans are merged and clipped first.
pub fn to_html(text: &str, spans: &[(usize, usize)]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let spans = merge(spans.iter().map(|&(s, e)| (s.min(chars.len()), e.min(chars.len()))).collect());
    let mut out = String::with_capacity(text.len() + spans.len() * 13);
    let mut at = 0;
    for (s, e) in spans {
        out.push_str(&escape(&chars[at..s].iter().collect::<String>()));
        out.push_str("<mark>");
        out.push_str(&escape(&chars[s..e].iter().collect::<String>()));
        out.push_str("</mark>");
        at = e;
    }
    out.push_str(&escape(&chars[at..].iter().collect::<String>()));
    out
}

/// A snippet: whole sentences around the best match, sized for a result list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// Character offsets of the snippet in the text.
    pub start: usize,
    pub end: usize,
    /// Spans relative to the snippet.
    pub spans: Vec<(usize, usize)>,
}

/// Sentence boundaries: after 。；！？ and at line ends.
fn sentence_ends(chars: &[char]) -> Vec<usize> {
    let mut ends: Vec<usize> =
        chars.iter().enumerate().filter(|(_, c)| matches!(c, '。' | '；' | '！' | '？' | '\n' | ';' | '!' | '?')).map(|(i, _)| i + 1).collect();
    if ends.last() != Some(&chars.len()) {
        ends.push(chars.len());
    }
    ends
}

/// Choose the snippet: the sentence holding the longest span (the first one if tied), then
/// neighbouring sentences while the snippet stays under `budget` characters. A sentence
/// longer than the budget is cut around the match.
pub fn snippet(text: &str, spans: &[(usize, usize)], budget: usize) -> Snippet {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    if n <= budget {
        return Snippet { start: 0, end: n, spans: spans.to_vec() };
    }
    let best = spans.iter().copied().max_by_key(|&(s, e)| (e - s, std::cmp::Reverse(s)));
    let ends = sentence_ends(&chars);
    let starts: Vec<usize> = std::iter::once(0).chain(ends.iter().copied()).take(ends.len()).collect();
    let (focus_s, focus_e) = best.unwrap_or((0, 0));
    let k = ends.iter().position(|&e| e > focus_s).unwrap_or(0);
    let (mut s, mut e) = (starts[k], ends[k]);
    if e - s > budget {
        // Cut a window around the match inside the long sentence.
        let half = budget.saturating_sub(focus_e - focus_s) / 2;
        s = focus_s.saturating_sub(half).max(starts[k]);
        e = (s + budget).min(ends[k]).max(focus_e.min(n));
        // In text with spaces (English), cut between words, never inside one.
        if s > starts[k] && chars[s - 1..s + 1].iter().all(|c| c.is_ascii_alphanumeric()) {
            if let Some(next) = (s..focus_s.min(s + 20)).find(|&i| chars[i].is_whitespace()) {
                s = next + 1;
            }
        }
        if e < ends[k] && e > 0 && chars[e - 1..e + 1].iter().all(|c| c.is_ascii_alphanumeric()) {
            if let Some(prev) = (focus_e.max(e.saturating_sub(20))..e).rev().find(|&i| chars[i].is_whitespace()) {
                e = prev;
            }
        }
    } else {
        let (mut lo, mut hi) = (k, k);
        loop {
            let grow_after = hi + 1 < ends.len() && ends[hi + 1] - s <= budget;
            if grow_after {
                hi += 1;
                e = ends[hi];
            }
            let grow_before = lo > 0 && e - starts[lo - 1] <= budget;
            if grow_before {
                lo -= 1;
                s = starts[lo];
            }
            if !grow_after && !grow_before {
                break;
            }
        }
    }
    let spans = spans.iter().filter(|&&(a, b)| b > s && a < e).map(|&(a, b)| (a.max(s) - s, b.min(e) - s)).collect();
    Snippet { start: s, end: e, spans }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_and_adjacent_spans_merge_into_one() {
        assert_eq!(merge(vec![(4, 6), (0, 2), (2, 4), (10, 12), (11, 13), (20, 20)]), vec![(0, 6), (10, 13)]);
    }

    #[test]
    fn html_escapes_everything_and_adds_only_marks() {
        let html = to_html("<b>中法武汉生态示范城</b>，“＆”", &[(3, 7), (7, 12)]);
        assert_eq!(html, "&lt;b&gt;<mark>中法武汉生态示范城</mark>&lt;/b&gt;，“＆”");
    }

    #[test]
    fn full_width_punctuation_keeps_offsets_in_characters() {
        let text: Vec<char> = "（一）中法城，中法城。".chars().collect();
        let needle: Vec<char> = "中法城".chars().collect();
        assert_eq!(find_all(&text, &needle), vec![(3, 6), (7, 10)]);
    }

    #[test]
    fn whitespace_is_skipped_when_matching_quotes() {
        let hay: Vec<char> = "全区 粮食\n播种".chars().collect();
        assert_eq!(find_all_ignoring_space(&hay, &"粮食播种".chars().collect::<Vec<_>>()), vec![(3, 8)]);
    }

    #[test]
    fn english_snippets_cut_between_words() {
        let text = "Build a window for opening-up and cooperation with the Sino-French Wuhan Ecological Demonstration City as the focus and carry out cooperation extensively in many areas of the economy.";
        let at = text.find("Ecological").unwrap();
        let s = snippet(text, &[(at, at + 10)], 60);
        let cut: Vec<char> = text.chars().collect();
        assert!(s.start == 0 || cut[s.start - 1] == ' ', "starts inside a word: {:?}", &text[s.start..]);
        assert!(s.end == cut.len() || cut[s.end] == ' ' || !cut[s.end].is_alphanumeric(), "ends inside a word");
    }

    #[test]
    fn snippets_are_whole_sentences_around_the_match() {
        let text = "第一句很长很长很长。第二句有莲藕。第三句。第四句也很长很长很长很长。";
        let s = snippet(text, &[(14, 16)], 20);
        let cut: String = text.chars().skip(s.start).take(s.end - s.start).collect();
        assert!(cut.contains("第二句有莲藕。"), "{cut}");
        assert!(cut.ends_with('。'));
        assert_eq!(s.spans.len(), 1);
    }
}
