//! What must hold for any input, checked by the fuzz targets (`fuzz_targets/*.rs`, with
//! cargo-fuzz on nightly) and by `examples/fuzz_stable.rs` (stable Rust, seeded random input).
//! Each function takes raw bytes and panics when an invariant breaks, so a crash of either
//! driver is a bug with its input saved.
//!
//! Only the contracts callers rely on are checked: the query parser never panics and reads
//! every unit as searchable text; highlight spans are merged, sorted, inside the text, and the
//! HTML holds no markup but `<mark>`; normalization keeps one character for one and every
//! token's offsets point at the token's own text.

use plansearch_analysis::{gram_phrase, gram_tokens, normalize, runs, word_tokens, RunKind};
use plansearch_search::highlight::{find_all, find_all_ignoring_space, merge, snippet, to_html};
use plansearch_search::{bilingual, highlight_spans, parse, query, required_words, Filters};

/// Pieces of input that reach the interesting branches: query syntax, filters, plan text,
/// HTML metacharacters, control and combining characters, full-width and traditional forms.
/// Shared by the stable fuzz driver and the property tests.
pub const PIECES: &[&str] = &[
    "\"",
    "“",
    "”",
    "「",
    "」",
    "＂",
    "-",
    " ",
    "\u{3000}",
    "OR",
    "|",
    " OR ",
    "chapter:",
    "section:",
    "panel:",
    "kind:",
    "doc:",
    "company:",
    "：",
    ":",
    "第",
    "章",
    "十",
    "九十九",
    "专栏",
    "4-1",
    "4.1",
    "7",
    "0",
    "99999999999999999999",
    "table",
    "caidian",
    "&",
    "<",
    ">",
    "'",
    "<mark>",
    "</mark>",
    "&amp;",
    "\n",
    "\t",
    "\r",
    "\u{0}",
    "\u{7}",
    "\u{200b}",
    "\u{feff}",
    "\u{301}",
    "😀",
    "\u{10ffff}",
    "ＧＤＰ",
    "５Ｇ",
    "ｃｈａｐｔｅｒ",
    "鄉村振興",
    "發展",
    "廣",
    "乡村振兴",
    "莲藕",
    "中法武汉生态示范城",
    "。",
    "；",
    "！",
    "？",
    ";",
    "23.4",
    "1.",
    ".5",
    "5g",
    "lianou",
    "xiāngcūn",
    "xiang1cun",
    "air quality",
    "the",
    "%",
    "%zz",
    "\\",
    "/",
    "..",
    "𠀀",
    "\u{2f00}",
    "\u{f900}",
    "ﬁ",
    "İ",
    "ß",
    "七",
    "abc",
];

/// The query parser: never panics, every unit is searchable text, the query as displayed
/// parses again, filters only take values they accept.
pub fn query_parser(data: &[u8]) {
    let q = String::from_utf8_lossy(data);
    let p = parse(&q);
    for g in &p.groups {
        assert!(!g.is_empty(), "an empty group: {q:?} → {p:?}");
    }
    for u in p.groups.iter().flatten().chain(&p.exclude) {
        assert!(!u.text.trim().is_empty(), "an empty unit: {q:?} → {p:?}");
        if !u.exact {
            assert!(u.text.chars().any(char::is_alphanumeric), "a unit without letters: {q:?} → {p:?}");
        }
        let _ = required_words(&u.text);
        let _ = bilingual::normalize_words(&u.text);
    }
    let shown = query::display(&p);
    let again = parse(&shown);
    // Past the length limit the parser stops reading, and filters are displayed last.
    if shown.chars().count() <= query::MAX_QUERY_CHARS {
        assert_eq!(again.filters, p.filters, "filters change when the query as displayed is parsed again: {q:?} → {shown:?}");
    }
    let units: Vec<&str> = p.groups.iter().flatten().map(|u| u.text.as_str()).collect();
    let _ = bilingual::looks_latin(&units);
    // Filters set by name straight from the input: no panic, and an accepted value is kept.
    if let Some((name, value)) = q.split_once(':') {
        for f in query::FILTER_NAMES {
            let mut filters = Filters::default();
            if filters.set(f, value).is_ok() {
                assert!(!filters.is_empty(), "{f}:{value:?} accepted but not kept");
            }
        }
        let _ = Filters::default().set(name, value);
    }
}

/// The highlighter: `merge` gives sorted, disjoint, non-touching, non-empty spans covering the
/// same characters; `to_html` escapes everything and adds only `<mark>`; snippets stay inside
/// the text and keep the match; `find_all` spans are the needle.
pub fn highlighter(data: &[u8]) {
    if data.len() < 3 {
        return;
    }
    let budget = data[0] as usize + 1;
    let n_spans = (data[1] % 8) as usize;
    let rest = &data[2..];
    let (span_bytes, text_bytes) = rest.split_at((2 * n_spans).min(rest.len()));
    let text = String::from_utf8_lossy(text_bytes);
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    // Raw spans, some past the end of the text on purpose.
    let raw: Vec<(usize, usize)> = span_bytes.chunks(2).map(|c| (c[0] as usize % (n + 3), c.get(1).map_or(0, |&b| b as usize % (n + 3)))).collect();

    let merged = merge(raw.clone());
    check_merged(&merged, usize::MAX);
    let covered = |spans: &[(usize, usize)], i: usize| spans.iter().any(|&(s, e)| s <= i && i < e);
    for i in 0..n + 3 {
        assert_eq!(covered(&raw, i), covered(&merged, i), "merge changed coverage at {i}: {raw:?} → {merged:?}");
    }

    let html = to_html(&text, &raw);
    check_html(&html, &text);

    let inside = merge(raw.iter().map(|&(s, e)| (s.min(n), e.min(n))).collect());
    let snip = snippet(&text, &inside, budget);
    assert!(snip.start <= snip.end && snip.end <= n, "snippet {}..{} of {n} characters", snip.start, snip.end);
    check_merged(&snip.spans, snip.end - snip.start);
    if !inside.is_empty() {
        assert!(!snip.spans.is_empty(), "the snippet lost every match: {text:?} {inside:?} budget {budget} → {snip:?}");
    }

    // A needle cut from the text is found where it is.
    if n > 0 {
        let a = span_bytes.first().map_or(0, |&b| b as usize % n);
        let b = (a + span_bytes.get(1).map_or(1, |&b| b as usize % 8 + 1)).min(n);
        let needle = &chars[a..b];
        let found = find_all(&chars, needle);
        assert!(!found.is_empty(), "{needle:?} not found in {text:?}");
        // Occurrences do not overlap, but may touch (`藕藕` in `藕藕藕藕`).
        for w in found.windows(2) {
            assert!(w[0].1 <= w[1].0, "occurrences overlap or go back: {found:?}");
        }
        for &(s, e) in &found {
            assert_eq!(&chars[s..e], needle);
        }
        let squeeze = |cs: &[char]| cs.iter().filter(|c| !c.is_whitespace()).copied().collect::<Vec<char>>();
        let spaced = find_all_ignoring_space(&chars, needle);
        if !squeeze(needle).is_empty() {
            assert!(!spaced.is_empty(), "{needle:?} not found ignoring space in {text:?}");
        }
        for &(s, e) in &spaced {
            assert!(s < e && e <= n);
            assert_eq!(squeeze(&chars[s..e]), squeeze(needle));
        }
        let unit = normalize(&needle.iter().collect::<String>());
        let (spans, tier) = highlight_spans(&text, &[(unit.clone(), required_words(&unit))]);
        check_merged(&spans, n);
        if !squeeze(needle).is_empty() {
            assert_eq!(tier, plansearch_search::Tier::Exact, "{needle:?} stands in {text:?}");
        }
        let bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).chain(std::iter::once(text.len())).collect();
        for &(s, e) in &spans {
            assert!(text.is_char_boundary(bytes[s]) && text.is_char_boundary(bytes[e]));
        }
        check_html(&to_html(&text, &spans), &text);
    }
}

/// Sorted, non-empty, disjoint and not touching (touching spans are merged), inside `len`.
fn check_merged(spans: &[(usize, usize)], len: usize) {
    for w in spans.windows(2) {
        assert!(w[0].1 < w[1].0, "spans not merged or not sorted: {spans:?}");
    }
    for &(s, e) in spans {
        assert!(s < e && e <= len, "span {s}..{e} empty or past {len}: {spans:?}");
    }
}

/// `html` is `text` escaped, with balanced `<mark>`…`</mark>` and no other markup.
pub fn check_html(html: &str, text: &str) {
    let mut plain = String::new();
    let mut rest = html;
    let mut open = false;
    while let Some(i) = rest.find(['<', '>']) {
        plain.push_str(&rest[..i]);
        rest = &rest[i..];
        if let Some(r) = rest.strip_prefix("<mark>") {
            assert!(!open, "nested <mark> in {html:?}");
            open = true;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("</mark>") {
            assert!(open, "</mark> without <mark> in {html:?}");
            open = false;
            rest = r;
        } else {
            panic!("markup other than <mark> in {html:?} (from {text:?})");
        }
    }
    plain.push_str(rest);
    assert!(!open, "unclosed <mark> in {html:?}");
    assert!(!plain.contains(['"', '\'']), "unescaped quote in {html:?}");
    let unescaped = plain.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
    assert_eq!(unescaped, text, "the HTML does not give back the text");
}

/// Normalization: one character for one; runs and tokens point at their own text, on char
/// boundaries, in order.
pub fn normalizer(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let n = normalize(&s);
    assert_eq!(n.chars().count(), s.chars().count(), "normalize changed the character count: {s:?} → {n:?}");
    let char_of_byte: std::collections::HashMap<usize, usize> =
        n.char_indices().map(|(b, _)| b).chain(std::iter::once(n.len())).enumerate().map(|(c, b)| (b, c)).collect();
    let at = |b: usize| *char_of_byte.get(&b).unwrap_or_else(|| panic!("byte {b} is not a char boundary of {n:?}"));

    let mut last = 0;
    for r in runs(&n) {
        assert_eq!(&n[r.byte_start..r.byte_end], r.text);
        assert_eq!((at(r.byte_start), at(r.byte_end)), (r.start, r.end));
        assert!(r.start >= last && r.start < r.end);
        last = r.end;
        let ok = match r.kind {
            RunKind::Han => r.text.chars().all(plansearch_analysis::is_han),
            RunKind::Latin => r.text.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'),
        };
        assert!(ok, "run {r:?}");
    }
    for t in word_tokens(&n).into_iter().chain(gram_tokens(&n)) {
        assert_eq!(&n[t.byte_start..t.byte_end], t.text, "token {t:?} of {n:?}");
        assert_eq!((at(t.byte_start), at(t.byte_end)), (t.start, t.end), "token {t:?} of {n:?}");
    }
    let grams = gram_tokens(&n);
    for w in grams.windows(2) {
        assert!(w[0].position <= w[1].position, "gram positions go back: {w:?}");
    }
    if let Some(terms) = gram_phrase(&n) {
        for w in terms.windows(2) {
            assert!(w[0].0 < w[1].0, "phrase positions: {terms:?}");
        }
    }
    let count = s.chars().count();
    for (_, a, b) in plansearch_analysis::tokenizer::english_terms(&s) {
        assert!(a <= b && b <= count);
    }
}
