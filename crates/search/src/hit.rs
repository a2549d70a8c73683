//! Hit making: a passage found becomes what the user reads — its breadcrumb, a snippet around
//! the best highlights, and highlight spans in Chinese and English, all character offsets on
//! the stored text (never HTML from the index).

use std::collections::HashMap;

use plansearch_analysis::normalize;
use plansearch_corpus::Passage;
use tantivy::Score;

use crate::prepare::{ranking_words, required_words, Alt, Prepared};
use crate::{highlight, Hit, Source, Tier, Translator, SNIPPET_CHARS};

/// Highlights: every occurrence of a unit (or an expansion) as typed; where a unit does not
/// occur whole, its words (longest first, single characters only when the unit is one).
pub fn highlight_spans(text: &str, units: &[(String, Vec<String>)]) -> (Vec<(usize, usize)>, Tier) {
    highlight_normalized(&normalize(text).chars().collect::<Vec<_>>(), units)
}

/// [`highlight_spans`] on text already normalized.
fn highlight_normalized(hay: &[char], units: &[(String, Vec<String>)]) -> (Vec<(usize, usize)>, Tier) {
    let mut spans = Vec::new();
    let mut tier = Tier::Exact;
    let squeezed = highlight::Squeezed::new(hay);
    for (unit, words) in units {
        let whole = squeezed.find_all(&unit.chars().collect::<Vec<_>>());
        if !whole.is_empty() {
            spans.extend(whole);
            continue;
        }
        let mut words: Vec<&String> = words.iter().collect();
        words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        let mut found_all = true;
        for w in words {
            let found = highlight::find_all(hay, &w.chars().collect::<Vec<_>>());
            found_all &= !found.is_empty();
            spans.extend(found);
        }
        tier = tier.min(if found_all { Tier::AllWords } else { Tier::Some });
    }
    (highlight::merge(spans), tier)
}

/// Highlight spans: `[start, end)` character offsets on a stored text.
pub type Spans = Vec<(usize, usize)>;

/// What a search marks in one passage: spans in its text and its translation, and the tier
/// they show it matched at. The one rule for hits and the passage page ([`crate::Engine::highlight`]).
pub(crate) struct Marks {
    pub(crate) zh: Spans,
    pub(crate) en: Spans,
    pub(crate) tier: Tier,
}

pub(crate) fn marks(p: &Passage, groups: &[Vec<Prepared>], translator: &Translator) -> Marks {
    // Chinese: for each group, the Chinese alternative that occurs (else the typed words).
    let hay = normalize(&p.text);
    let mut zh_units: Vec<(String, Vec<String>)> = Vec::new();
    let mut en_phrases: Vec<String> = Vec::new();
    let mut en_quotes: Vec<Vec<char>> = Vec::new();
    let mut tier = Tier::Exact;
    for g in groups {
        let present: Option<&Alt> = g.iter().flat_map(|u| u.alternatives.iter()).find(|a| !a.en && hay.contains(a.text.as_str()));
        let typed_en: Vec<&Alt> = g.iter().flat_map(|u| u.alternatives.iter()).filter(|a| a.en).collect();
        // Quoted English is marked where it stands as typed; other English by word stems.
        for u in g {
            for a in u.alternatives.iter().filter(|a| a.en) {
                if u.exact {
                    en_quotes.push(normalize(&a.text).chars().collect());
                } else {
                    en_phrases.push(a.text.clone());
                }
            }
        }
        match present {
            Some(a) => {
                zh_units.push((a.text.clone(), required_words(&a.text)));
                en_phrases.extend(translator.english_of(&a.text).map(str::to_string));
            }
            None => {
                // No alternative stands whole: the typed words; but when only some of them
                // occur, a synonym form whose words all do (城市内涝 → 城市 + 排涝).
                let typed = g.iter().flat_map(|u| u.alternatives.iter()).find(|a| !a.en && a.source == Source::Typed);
                let all_in = |words: &[String]| words.iter().all(|w| hay.contains(w.as_str()));
                let synonym = || {
                    g.iter().flat_map(|u| u.alternatives.iter()).filter(|a| !a.en && a.source == Source::Synonym).find_map(|a| {
                        let words = required_words(&a.text);
                        all_in(&words).then(|| (a.text.clone(), words))
                    })
                };
                match typed {
                    Some(a) if all_in(&required_words(&a.text)) => zh_units.push((a.text.clone(), ranking_words(&a.text))),
                    _ => match synonym() {
                        Some(unit) => zh_units.push(unit),
                        None => zh_units.extend(typed.map(|a| (a.text.clone(), ranking_words(&a.text)))),
                    },
                }
                if typed_en.is_empty() {
                    tier = tier.min(Tier::AllWords);
                }
            }
        }
    }
    let (highlights, zh_tier) = highlight_normalized(&hay.chars().collect::<Vec<_>>(), &zh_units);
    let highlights_en = p
        .text_en
        .as_deref()
        .map(|en| {
            let mut spans = english_spans(en, &en_phrases);
            if !en_quotes.is_empty() {
                let hay: Vec<char> = normalize(en).chars().collect();
                spans.extend(en_quotes.iter().flat_map(|q| highlight::find_all_ignoring_space(&hay, q)));
                spans = highlight::merge(spans);
            }
            spans
        })
        .unwrap_or_default();
    let tier = if highlights.is_empty() && !highlights_en.is_empty() {
        tier
    } else {
        tier.min(zh_tier.max(if highlights_en.is_empty() { Tier::Some } else { Tier::AllWords }))
    };
    Marks { zh: highlights, en: highlights_en, tier }
}

pub(crate) fn make_hit(p: Passage, score: Score, groups: &[Vec<Prepared>], translator: &Translator) -> Hit {
    let Marks { zh: highlights, en: highlights_en, tier } = marks(&p, groups, translator);
    let snip = highlight::snippet(&p.text, &highlights, SNIPPET_CHARS);
    let snippet: String = p.text.chars().skip(snip.start).take(snip.end - snip.start).collect();
    let (snippet_en, snippet_en_highlights, snippet_en_html) = match &p.text_en {
        Some(en) => {
            let s = highlight::snippet(en, &highlights_en, SNIPPET_CHARS * 2);
            let text: String = en.chars().skip(s.start).take(s.end - s.start).collect();
            let html = highlight::to_html(&text, &s.spans);
            (Some(text), s.spans, Some(html))
        }
        None => (None, vec![], None),
    };
    Hit {
        id: p.id.clone(),
        doc: p.doc.clone(),
        kind: p.kind.as_str(),
        url: plansearch_corpus::permalink_path(&p.doc, &p.id),
        breadcrumb: breadcrumb(&p),
        breadcrumb_en: breadcrumb_en(&p),
        chapter: p.chapter,
        section: p.section,
        panel: p.panel,
        snippet_html: highlight::to_html(&snippet, &snip.spans),
        snippet,
        snippet_highlights: snip.spans,
        snippet_start: snip.start,
        snippet_en,
        highlights_en,
        snippet_en_highlights,
        snippet_en_html,
        highlights,
        cells: p.cells,
        text: p.text,
        text_en: p.text_en,
        score,
        tier,
        targets: Vec::new(),
    }
}

/// Highlights in English text: every word whose stem is a stem of the phrases, with the
/// spaces between two highlighted words joined into one span (`air quality`).
pub fn english_spans(text: &str, phrases: &[String]) -> Vec<(usize, usize)> {
    let stems: std::collections::HashSet<String> =
        phrases.iter().flat_map(|p| plansearch_analysis::tokenizer::english_terms(p)).map(|(t, _, _)| t).collect();
    if stems.is_empty() {
        return vec![];
    }
    // Stemming changes only a word's ending, never its first letter: a word whose first
    // letter (ASCII, lowercased) begins no stem cannot match and is not stemmed at all.
    let firsts: Vec<char> = stems.iter().filter_map(|s| s.chars().next()).collect();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    // The byte where the last span ends, to join across whitespace and hyphens.
    let mut last_end_byte = 0;
    // The words of the text as the English analyzer would cut them (runs of letters and
    // digits), walked once with their character and byte offsets.
    let mut iter = text.char_indices().enumerate().peekable();
    while let Some((start, (byte_start, c))) = iter.next() {
        if !c.is_alphanumeric() {
            continue;
        }
        let (mut end, mut byte_end) = (start + 1, byte_start + c.len_utf8());
        while let Some(&(i, (b, d))) = iter.peek() {
            if !d.is_alphanumeric() {
                break;
            }
            (end, byte_end) = (i + 1, b + d.len_utf8());
            iter.next();
        }
        let first = c.to_ascii_lowercase();
        if first.is_ascii() && !firsts.contains(&first) {
            continue;
        }
        if !stem_in(&text[byte_start..byte_end], &stems) {
            continue;
        }
        match spans.last_mut() {
            Some(last) if text[last_end_byte..byte_start].chars().all(|c| c.is_whitespace() || c == '-') => last.1 = end,
            _ => spans.push((start, end)),
        }
        last_end_byte = byte_end;
    }
    spans
}

/// Is the English analyzer's term for one word (none for a stop word) among `stems`? Terms
/// are remembered per thread: the translation's vocabulary is small, and stemming every
/// word of every hit was most of a search's time.
fn stem_in(word: &str, stems: &std::collections::HashSet<String>) -> bool {
    thread_local! {
        static STEMS: std::cell::RefCell<HashMap<String, Option<String>>> = std::cell::RefCell::new(HashMap::new());
    }
    STEMS.with_borrow_mut(|cache| {
        if let Some(t) = cache.get(word) {
            return t.as_ref().is_some_and(|t| stems.contains(t));
        }
        if cache.len() > 100_000 {
            cache.clear();
        }
        let t = plansearch_analysis::tokenizer::english_terms(word).into_iter().next().map(|(t, _, _)| t);
        let found = t.as_ref().is_some_and(|t| stems.contains(t));
        cache.insert(word.to_string(), t);
        found
    })
}

/// `第四章 聚力实体经济… › 第一节 大力发展先进制造业 › 专栏 4-1 汽车…`, with "title not in
/// source" where the plan prints no title.
pub fn breadcrumb(p: &Passage) -> String {
    let missing = format!("（{}）", plansearch_corpus::missing_title());
    let missing = missing.as_str();
    let mut parts = Vec::new();
    if let Some(c) = &p.chapter {
        parts.push(format!("{} {}", c.label(), c.title.as_deref().unwrap_or(missing)));
    }
    if let Some(s) = &p.section {
        parts.push(format!("{} {}", s.label(), s.title.as_deref().unwrap_or(missing)));
    }
    if let Some(pr) = &p.panel {
        let title = if pr.title.is_empty() { missing } else { pr.title.as_str() };
        parts.push(if pr.numbered { format!("专栏 {} {}", pr.id, title) } else { format!("专栏 {title}") });
    }
    parts.join(" › ")
}

/// `Chapter 4 Focus on the Real Economy… › Section 1 … › Panel 4-1 …`, in English.
pub fn breadcrumb_en(p: &Passage) -> String {
    let missing = format!("({})", plansearch_corpus::MISSING_TITLE_EN);
    let missing = missing.as_str();
    let mut parts = Vec::new();
    if let Some(c) = &p.chapter {
        parts.push(
            format!("Chapter {} {}", c.number, c.title_en.as_deref().unwrap_or(if c.title.is_none() { missing } else { "" })).trim_end().to_string(),
        );
    }
    if let Some(s) = &p.section {
        let title = s.title_en.as_deref().unwrap_or(if s.title.is_none() { missing } else { "" });
        parts.push(format!("Section {} {title}", s.number.section).trim_end().to_string());
    }
    if let Some(pr) = &p.panel {
        let title = pr.title_en.as_deref().unwrap_or(if pr.title.is_empty() { missing } else { "" });
        parts.push(if pr.numbered { format!("Panel {} {title}", pr.id) } else { format!("Panel: {title}") }.trim_end().to_string());
    }
    parts.join(" › ")
}
