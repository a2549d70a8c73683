//! Query-string parameters, parsed by hand so that every malformed one gets a clear 400:
//! invalid percent-escapes or UTF-8, non-numeric or negative numbers, unknown chapters,
//! panels and kinds, over-long queries.

use std::collections::HashMap;

use plansearch_search::{Filters, Lang, FILTER_NAMES, MAX_LIMIT, MAX_OFFSET, MAX_QUERY_CHARS};

use crate::admission::Cost;
use crate::{AppError, AppState};

/// A search asking for more hits than this is [`Cost::Heavy`]: making hits is most of a
/// search's cost (a page of 100 costs ~10× a page of 10).
pub const LIGHT_MAX_LIMIT: usize = 20;

/// A query longer than this is [`Cost::Heavy`]: every unit of a query is looked up, scored
/// and highlighted in every hit (160 units cost ~130 ms, a word ~1 ms). Every query of the
/// judged sets and `scripts/load.lua` is shorter.
pub const LIGHT_MAX_QUERY_CHARS: usize = 40;

/// A quote longer than this is a [`Cost::Heavy`] check (2,000 characters: ~40 ms).
pub const LIGHT_MAX_QUOTE_CHARS: usize = 200;

/// Decode a raw query string into parameters. The last value of a repeated name wins.
pub fn decode(raw: Option<&str>) -> Result<HashMap<String, String>, AppError> {
    let mut out = HashMap::new();
    let Some(raw) = raw else { return Ok(out) };
    if raw.len() > 64 * 1024 {
        return Err(AppError::bad_request("query_string_too_long", "the query string is too long"));
    }
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = unescape(k)?;
        let v = unescape(v).map_err(|_| AppError::bad_request("bad_encoding", format!("parameter {k:?} is not valid percent-encoded UTF-8")))?;
        out.insert(k, v);
    }
    Ok(out)
}

/// Percent-encode a query-string value (the one encoder of the permalinks too).
pub fn encode(s: &str) -> String {
    plansearch_corpus::percent_encode(s)
}

/// A form value: `+` is a space, then percent-escapes are decoded (so `%2B` is a `+`).
fn unescape(s: &str) -> Result<String, AppError> {
    let s = s.replace('+', " ");
    // The crate passes a `%` without two hex digits through as it is; here that is a 400.
    let broken = s.split('%').skip(1).any(|after| !after.as_bytes().get(..2).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)));
    if broken {
        return Err(AppError::bad_request("bad_encoding", "a broken percent-escape in the query string"));
    }
    match percent_encoding::percent_decode_str(&s).decode_utf8() {
        Ok(v) => Ok(v.into_owned()),
        Err(_) => Err(AppError::bad_request("bad_encoding", "the query string is not valid UTF-8")),
    }
}

/// The search parameters: `q`, `lang`, `limit`, `offset` (or `page`) and the filters ([`FILTER_NAMES`]).
#[derive(Debug, Clone, Default)]
pub struct SearchParams {
    pub q: String,
    pub lang: Lang,
    pub limit: usize,
    pub offset: usize,
    pub filters: Filters,
}

fn number(params: &HashMap<String, String>, name: &str) -> Result<Option<usize>, AppError> {
    match params.get(name).map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => {
            v.parse::<usize>().map(Some).map_err(|_| AppError::bad_request("bad_parameter", format!("{name} must be a whole number ≥ 0, not {v:?}")))
        }
    }
}

/// The `q` parameter (empty when absent), refused when over [`MAX_QUERY_CHARS`].
pub fn query(params: &HashMap<String, String>) -> Result<String, AppError> {
    let q = params.get("q").cloned().unwrap_or_default();
    let n = q.chars().count();
    if n > MAX_QUERY_CHARS {
        return Err(AppError::bad_request("query_too_long", format!("the query has {n} characters; the limit is {MAX_QUERY_CHARS}")));
    }
    Ok(q)
}

impl SearchParams {
    /// What the search will cost: heavy when it asks for many hits or has a long query.
    pub fn cost(&self) -> Cost {
        if self.limit > LIGHT_MAX_LIMIT || self.q.chars().count() > LIGHT_MAX_QUERY_CHARS {
            Cost::Heavy
        } else {
            Cost::Light
        }
    }

    /// The query string that asks for this search again: `q`, every active filter, `lang`
    /// unless it is `auto`, and `limit` unless it is `default_limit` (never, with `None`).
    /// Every link of the search page is built from it, so no link loses a parameter.
    pub fn query_string(&self, default_limit: Option<usize>) -> String {
        let mut parts = vec![format!("q={}", encode(&self.q))];
        parts.extend(self.filters.pairs().map(|(name, v)| format!("{name}={}", encode(&v))));
        if self.lang != Lang::Auto {
            parts.push(format!("lang={}", self.lang.as_str()));
        }
        if default_limit.is_some_and(|d| d != self.limit) {
            parts.push(format!("limit={}", self.limit));
        }
        parts.join("&")
    }

    pub fn from(params: &HashMap<String, String>, state: &AppState, default_limit: usize) -> Result<SearchParams, AppError> {
        let q = query(params)?;
        let limit = number(params, "limit")?.unwrap_or(default_limit);
        if limit == 0 {
            return Err(AppError::bad_request("bad_parameter", format!("limit must be between 1 and {MAX_LIMIT}")));
        }
        let limit = limit.min(MAX_LIMIT);
        let offset = match (number(params, "offset")?, number(params, "page")?) {
            (Some(o), _) => o,
            (None, Some(p)) => p.saturating_sub(1).saturating_mul(limit),
            (None, None) => 0,
        };
        if offset > MAX_OFFSET {
            return Err(AppError::bad_request("bad_parameter", format!("offset must be at most {MAX_OFFSET}")));
        }
        let mut filters = Filters::default();
        let outline = state.outline();
        for &name in FILTER_NAMES {
            let Some(v) = params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()) else {
                continue;
            };
            filters.set(name, v).map_err(|why| AppError::bad_request("bad_parameter", why))?;
        }
        let doc = filters.doc.clone().unwrap_or_else(|| outline.default_doc().to_string());
        if filters.doc.is_some() && outline.document(&doc).is_none() {
            return Err(AppError::bad_request("unknown_document", format!("no document {doc:?}")));
        }
        if let Some(c) = filters.chapter {
            if outline.chapter(&doc, c).is_none() {
                return Err(AppError::bad_request("unknown_chapter", format!("the plan has no chapter {c}")));
            }
        }
        if let Some(s) = filters.section {
            if outline.section(&doc, s).is_none() {
                return Err(AppError::bad_request("unknown_section", format!("the plan has no section {s}")));
            }
        }
        if let Some(p) = &filters.panel {
            if !outline.panels().any(|at| at.panel.id == *p) {
                return Err(AppError::bad_request("unknown_panel", format!("the plan has no panel {p}")));
            }
        }
        let lang_raw = params.get("lang").map(|s| s.trim().to_ascii_lowercase()).unwrap_or_default();
        let lang =
            Lang::parse(&lang_raw).ok_or_else(|| AppError::bad_request("bad_parameter", format!("lang must be auto, zh or en, not {lang_raw:?}")))?;
        Ok(SearchParams { q, lang, limit, offset, filters })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_decode_as_browsers_send_them() {
        let params = decode(Some("q=%E8%8E%B2%E8%97%95+%E8%97%95&section=4.1&x=a%2Bb%26c%3Dd%25%23%2F&empty=&flag")).unwrap();
        assert_eq!(params["q"], "莲藕 藕", "+ is a space");
        assert_eq!(params["section"], "4.1");
        assert_eq!(params["x"], "a+b&c=d%#/", "escaped + & = % # / are themselves");
        assert_eq!((params["empty"].as_str(), params["flag"].as_str()), ("", ""));
        assert_eq!(decode(Some("q=%e8%8e%b2")).unwrap()["q"], "莲", "lower-case hex too");
        for broken in ["q=%", "q=%E", "q=%zz", "q=%%41", "q=50%", "q=%ff", "q=%E8%8E", "%=1"] {
            assert!(decode(Some(broken)).is_err(), "{broken:?} is a 400");
        }
    }
}
