//! The query language, and how a query was read.
//!
//! * Words and phrases separated by spaces are all required: `乡村振兴 莲藕`.
//! * `A OR B` accepts either; `-word` excludes passages containing it.
//! * `"…"` (or `“…”`) is exact text only, checked against the stored text.
//! * Filters: `chapter:4`, `section:4.1`, `panel:4-1`, `kind:table`, `doc:caidian`,
//!   `company:格力`.
//!
//! Malformed syntax is never an error: a lone quote, a dangling `OR` or `-`, an unknown
//! filter or a bad filter value degrades to plain text or is dropped, and [`Parsed::notes`]
//! says how the query was read.

use plansearch_analysis::normalize;
use plansearch_corpus::{PassageKind, SectionNumber};
use serde::Serialize;

/// The most characters of a query that are read; the web front end rejects longer ones.
pub const MAX_QUERY_CHARS: usize = 500;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Filters {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chapter: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<SectionNumber>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub panel: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
}

/// Every filter, in the order the query language shows them (`interpreted.query`) and links
/// write them: the one list that parsing, display, merging and the web's links all walk.
pub const FILTER_NAMES: &[&str] = &["doc", "chapter", "section", "panel", "kind", "company"];

impl Filters {
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }

    /// The value of the filter `name` as the query language writes it (`chapter` → `"7"`).
    pub fn get(&self, name: &str) -> Option<String> {
        match name {
            "doc" => self.doc.clone(),
            "chapter" => self.chapter.map(|c| c.to_string()),
            "section" => self.section.map(|s| s.to_string()),
            "panel" => self.panel.clone(),
            "kind" => self.kind.clone(),
            "company" => self.company.clone(),
            _ => None,
        }
    }

    /// Clear the filter `name`.
    pub fn remove(&mut self, name: &str) {
        match name {
            "doc" => self.doc = None,
            "chapter" => self.chapter = None,
            "section" => self.section = None,
            "panel" => self.panel = None,
            "kind" => self.kind = None,
            "company" => self.company = None,
            _ => {}
        }
    }

    /// The active filters as (name, value), in [`FILTER_NAMES`] order.
    pub fn pairs(&self) -> impl Iterator<Item = (&'static str, String)> + '_ {
        FILTER_NAMES.iter().filter_map(|&name| self.get(name).map(|v| (name, v)))
    }

    /// Take every filter `over` sets (the request's parameters win over the query's own).
    pub fn merge(&mut self, over: &Filters) {
        for (name, value) in over.pairs() {
            // A value read by `set` reads back unchanged (`every_filter_round_trips`).
            self.set(name, &value).expect("a filter's own value is valid");
        }
    }

    /// Set a filter from `name` and `value`; `Err` says why the value is not usable.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
        let value = value.trim();
        if value.is_empty() {
            return Err(format!("{name}: has no value"));
        }
        match name {
            "chapter" => {
                let n = parse_chapter(value).ok_or_else(|| format!("chapter:{value} is not a chapter number (1, 2, … or 第四章)"))?;
                self.chapter = Some(n);
            }
            "section" => {
                let n = value.parse().map_err(|_| format!("section:{value} is not a section number such as 4.1"))?;
                self.section = Some(n);
            }
            "panel" => {
                let v = value.trim_start_matches("专栏").trim();
                if v.is_empty() || v.chars().count() > 20 || !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.') {
                    return Err(format!("panel:{value} is not a panel number such as 4-1"));
                }
                self.panel = Some(v.to_string());
            }
            "kind" => {
                let k = PassageKind::parse(&value.to_ascii_lowercase())
                    .ok_or_else(|| format!("kind:{value} is not one of heading, paragraph, panel_item, table, indicator, note"))?;
                self.kind = Some(k.as_str().to_string());
            }
            "doc" => {
                if value.chars().count() > 64 || !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                    return Err(format!("doc:{value} is not a document name"));
                }
                self.doc = Some(value.to_string());
            }
            "company" => {
                if value.chars().count() > 100 {
                    return Err("company: the name is too long".into());
                }
                self.company = Some(value.to_string());
            }
            _ => return Err(format!("{name}: is not a filter")),
        }
        Ok(())
    }
}

fn parse_chapter(value: &str) -> Option<u32> {
    let v = value.trim();
    let n = v.parse::<u32>().ok().or_else(|| {
        let inner = v.strip_prefix('第').unwrap_or(v);
        let inner = inner.strip_suffix('章').unwrap_or(inner);
        plansearch_corpus::model::parse_chinese_number(inner)
    })?;
    (1..=99).contains(&n).then_some(n)
}

/// A search unit: a word or phrase as typed (normalized), and whether it must be exact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unit {
    pub text: String,
    pub exact: bool,
}

/// The parsed query: groups that are all required, each a set of alternatives.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Parsed {
    pub groups: Vec<Vec<Unit>>,
    pub exclude: Vec<Unit>,
    pub filters: Filters,
    /// How malformed parts were read, in plain words.
    pub notes: Vec<String>,
}

impl Parsed {
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

/// A token: what the lexer makes of a run of the query's characters.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// A word, as typed (for notes) and normalized. `field` holds the name of a word that
    /// reads `name:value` with an ASCII name but is no filter (an unknown name, or excluded).
    Word {
        typed: String,
        text: String,
        field: Option<String>,
    },
    /// The text between quote marks, trimmed and normalized.
    Quoted(String),
    /// A filter: its name folded to a [`FILTER_NAMES`] entry, its value folded to half width.
    Filter {
        name: &'static str,
        value: String,
    },
    Or,
}

/// The lexer's output: each token with whether a `-` excludes it, and the notes on what it
/// ignored.
struct Lexed {
    tokens: Vec<(bool, Tok)>,
    notes: Vec<String>,
}

/// Parse a query. Never fails: see the module docs. Two passes: `lex` reads characters into
/// tokens, `group` puts the tokens into OR-groups, exclusions and filters.
pub fn parse(input: &str) -> Parsed {
    group(lex(input))
}

/// The characters that open a quotation; `“` closes with `”` and `「` with `」`, and either
/// ASCII or full-width `"` closes any of them.
fn quote_close(open: char) -> Option<char> {
    match open {
        '"' | '＂' => Some(open),
        '“' => Some('”'),
        '「' => Some('」'),
        _ => None,
    }
}

/// Characters into tokens: quotations, `OR` and `|`, `-` before a token, filters, words
/// (normalized: width, case, traditional characters). Control characters and text past
/// twice [`MAX_QUERY_CHARS`] are dropped first; a quote mark without a partner and a `-`
/// before nothing are dropped with a note.
fn lex(input: &str) -> Lexed {
    let mut notes = Vec::new();
    let chars: Vec<char> = input.chars().filter(|c| !c.is_control() || c.is_whitespace()).take(MAX_QUERY_CHARS * 2).collect();
    if chars.len() < input.chars().count() {
        notes.push("control characters or text past the length limit were ignored".into());
    }
    let mut tokens: Vec<(bool, Tok)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || c == '\u{3000}' {
            i += 1;
            continue;
        }
        let negated = c == '-' && chars.get(i + 1).is_some_and(|n| !n.is_whitespace());
        let start = if negated { i + 1 } else { i };
        if let Some((q, close)) = chars.get(start).and_then(|&q| Some((q, quote_close(q)?))) {
            match chars[start + 1..].iter().position(|&d| d == close || d == '"' || d == '＂') {
                Some(len) => {
                    let text: String = chars[start + 1..start + 1 + len].iter().collect();
                    tokens.push((negated, Tok::Quoted(normalize(text.trim()))));
                    i = start + len + 2;
                }
                None => {
                    notes.push(format!("the quote mark {q} has no partner: it was ignored"));
                    i = start + 1;
                }
            }
            continue;
        }
        // A word runs to a space or a quote mark (a closing `”` too, but not `」`).
        let mut j = start;
        while j < chars.len() && !chars[j].is_whitespace() && !matches!(chars[j], '"' | '“' | '”' | '「' | '＂') {
            j += 1;
        }
        let word: String = chars[start..j].iter().collect();
        i = j.max(start + 1);
        if word.is_empty() {
            if negated {
                notes.push("a lone - was ignored".into());
            }
            continue;
        }
        if word == "OR" || word == "|" {
            if !negated {
                tokens.push((false, Tok::Or));
                continue;
            }
            notes.push("-OR was read as the word OR".into());
        }
        tokens.push((negated, word_token(word, negated)));
    }
    if chars.contains(&'-') && tokens.is_empty() {
        notes.push("a lone - was ignored".into());
    }
    Lexed { tokens, notes }
}

/// A word as a token: a filter when it reads `name:value` (or `name：value`) with a filter's
/// name in any width and no `-` before it, otherwise a word.
fn word_token(word: String, negated: bool) -> Tok {
    let mut field = None;
    if let Some((name, value)) = word.split_once([':', '：']) {
        // Full-width forms (`ｃｈａｐｔｅｒ：７`, typed with a Chinese input method) are the
        // filter they look like, as `interpreted.query` shows them.
        let lname: String = name.chars().map(plansearch_analysis::fold_char).collect();
        match FILTER_NAMES.iter().find(|&&f| f == lname) {
            Some(&filter) if !negated => return Tok::Filter { name: filter, value: half_width(value) },
            _ if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic()) && !value.is_empty() => field = Some(name.to_string()),
            _ => {}
        }
    }
    Tok::Word { text: normalize(&word), typed: word, field }
}

/// Tokens into the parsed query: each unit its own required group unless an `OR` joins it
/// to the one before; excluded units aside; filters set. An `OR` without a unit on both
/// sides, a bad filter value, an empty quotation and a word of punctuation alone are
/// dropped, each with a note after the lexer's.
fn group(lexed: Lexed) -> Parsed {
    let mut p = Parsed { notes: lexed.notes, ..Parsed::default() };
    let mut pending_or = false;
    for (negated, tok) in lexed.tokens {
        let unit = match tok {
            Tok::Or => {
                if p.groups.is_empty() || pending_or {
                    p.notes.push("OR needs a word on both sides: it was ignored".into());
                } else {
                    pending_or = true;
                }
                continue;
            }
            Tok::Filter { name, value } => {
                if let Err(why) = p.filters.set(name, &value) {
                    p.notes.push(format!("{why}: the filter was ignored"));
                }
                continue;
            }
            Tok::Quoted(text) => {
                if text.trim().is_empty() {
                    p.notes.push("an empty quotation was ignored".into());
                    continue;
                }
                Unit { text, exact: true }
            }
            Tok::Word { typed, text, field } => {
                if let Some(name) = field {
                    p.notes.push(format!("{name}: is not a filter ({}): searched as text", FILTER_NAMES.join(", ")));
                }
                // A word of punctuation alone searches nothing.
                if !text.chars().any(|c| c.is_alphanumeric()) {
                    p.notes.push(format!("{typed} has no letters or characters: ignored"));
                    continue;
                }
                Unit { text, exact: false }
            }
        };
        if negated {
            if pending_or {
                p.notes.push("OR before an excluded word was ignored".into());
                pending_or = false;
            }
            p.exclude.push(unit);
        } else if pending_or {
            p.groups.last_mut().expect("an OR follows a group").push(unit);
            pending_or = false;
        } else {
            p.groups.push(vec![unit]);
        }
    }
    if pending_or {
        p.notes.push("OR at the end of the query was ignored".into());
    }
    if p.groups.is_empty() && !p.exclude.is_empty() {
        p.notes.push("a query of only excluded words finds nothing: add a word to search for".into());
    }
    p
}

/// Full-width ASCII forms to ASCII, case kept (a `doc:` name keeps its case). A word holds no
/// ideographic space (the lexer splits there), so only the full-width forms change.
fn half_width(s: &str) -> String {
    s.chars().map(plansearch_analysis::fold_width).collect()
}

/// The query as read, in the query language: what the response's `interpreted.query` shows.
pub fn display(p: &Parsed) -> String {
    let unit = |u: &Unit| {
        if u.exact {
            format!("\"{}\"", u.text)
        } else {
            u.text.clone()
        }
    };
    let mut parts: Vec<String> = p.groups.iter().map(|g| g.iter().map(unit).collect::<Vec<_>>().join(" OR ")).collect();
    parts.extend(p.exclude.iter().map(|u| format!("-{}", unit(u))));
    parts.extend(p.filters.pairs().map(|(name, v)| format!("{name}:{v}")));
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(p: &Parsed) -> Vec<Vec<(&str, bool)>> {
        p.groups.iter().map(|g| g.iter().map(|u| (u.text.as_str(), u.exact)).collect()).collect()
    }

    #[test]
    fn spaces_or_and_minus() {
        let p = parse("乡村振兴 莲藕 OR 藕带 -养殖");
        assert_eq!(words(&p), vec![vec![("乡村振兴", false)], vec![("莲藕", false), ("藕带", false)]]);
        assert_eq!(p.exclude, vec![Unit { text: "养殖".into(), exact: false }]);
        assert!(p.notes.is_empty());
    }

    #[test]
    fn quotes_are_exact_in_either_script() {
        assert_eq!(words(&parse("\"全区粮食播种面积\"")), vec![vec![("全区粮食播种面积", true)]]);
        assert_eq!(words(&parse("“中法武汉生态示范城”")), vec![vec![("中法武汉生态示范城", true)]]);
    }

    #[test]
    fn filters_are_read_and_bad_ones_degrade() {
        let p = parse("chapter:7 莲藕 panel:4-1 kind:table section:4.1 company:格力");
        assert_eq!(p.filters.chapter, Some(7));
        assert_eq!(p.filters.panel.as_deref(), Some("4-1"));
        assert_eq!(p.filters.kind.as_deref(), Some("table_row"));
        assert_eq!(p.filters.section, Some(SectionNumber::new(4, 1)));
        assert_eq!(p.filters.company.as_deref(), Some("格力"));
        assert_eq!(words(&p), vec![vec![("莲藕", false)]]);
        let p = parse("chapter:abc 莲藕 foo:bar");
        assert_eq!(p.filters.chapter, None);
        assert_eq!(words(&p), vec![vec![("莲藕", false)], vec![("foo:bar", false)]]);
        assert_eq!(p.notes.len(), 2, "{:?}", p.notes);
        assert_eq!(parse("chapter:第七章").filters.chapter, Some(7));
        assert_eq!(parse("ｃｈａｐｔｅｒ：７ 莲藕").filters.chapter, Some(7));
    }

    #[test]
    fn every_filter_round_trips() {
        let p = parse("doc:caidian chapter:第七章 section:4.1 panel:专栏4-1 kind:table company:格力");
        let names: Vec<&str> = p.filters.pairs().map(|(n, _)| n).collect();
        assert_eq!(names, FILTER_NAMES, "every filter is read, shown and listed");
        let mut again = Filters::default();
        again.merge(&p.filters);
        assert_eq!(again, p.filters);
        assert_eq!(display(&p), "doc:caidian chapter:7 section:4.1 panel:4-1 kind:table_row company:格力");
        for name in FILTER_NAMES {
            again.remove(name);
        }
        assert!(again.is_empty());
    }

    #[test]
    fn malformed_syntax_degrades_with_a_note() {
        for q in ["\"莲藕", "OR 莲藕", "莲藕 OR", "- 莲藕", "莲藕 OR OR 藕", "\"\"", "-"] {
            let p = parse(q);
            assert!(!p.notes.is_empty(), "{q}: no note");
            assert!(p.groups.iter().flatten().any(|u| u.text.contains('莲')) || q == "\"\"" || q == "-", "{q}: {p:?}");
        }
    }

    #[test]
    fn width_is_folded_and_control_characters_dropped() {
        let p = parse("ＧＤＰ\u{0007}增长");
        assert_eq!(words(&p), vec![vec![("gdp增长", false)]]);
    }
}
