//! Records on the web: the /targets and /projects pages, their JSON and CSV, the citations
//! of a passage, the exact-quote check, and the target badges on search hits.
//!
//! Records are built once, when the app starts, from the passages in the index (the same
//! passages the CLI reads from the corpus, so the ids agree); every request is a lookup and a
//! filter. Charts are SVG drawn on the server with presentation attributes (`fill`, `width`):
//! the CSP forbids inline styles, and no chart script runs in the browser.

use std::collections::HashMap;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use minijinja::{context, Value};
use plansearch_corpus::Passage;
use plansearch_records::{
    cite, csv, projects as project_records, targets as target_records, Kind, Project, Target, TargetFilter, Verifier, VerifyError,
};
use plansearch_search::Engine;
use serde_json::json;

use crate::admission::Cost;
use crate::params::decode;
use crate::params::encode;
use crate::{AppError, AppState};

mod citations;
mod projects;
mod targets;

pub use citations::{citation_blocks, citation_downloads, cite_api, search_cite_api, verify_api};
pub use projects::{projects_api, projects_csv, projects_page};
pub use targets::{targets_api, targets_csv, targets_page};

/// One target as the page lists it.
pub struct Row {
    pub target: Target,
    /// The passage page with the number highlighted.
    pub href: String,
}

/// Everything built from the passages at start.
pub struct Records {
    pub rows: Vec<Row>,
    pub projects: Vec<Project>,
    pub verifier: Verifier,
    /// Target badges and answers on search responses.
    pub annotator: plansearch_records::Annotator,
    /// Each document's title, English title and year (see [`cite::doc_title`]).
    titles: HashMap<String, (String, Option<String>, Option<i32>)>,
    /// Every passage as (document, id), in reading order: the sitemap.
    pub passage_ids: Vec<(String, String)>,
}

impl Records {
    pub fn build(engine: &Engine) -> Result<Records, AppError> {
        let mut passages: Vec<Passage> = Vec::new();
        for d in &engine.outline().documents {
            passages.extend(engine.all(&d.slug)?);
        }
        Ok(Records::from_passages(&passages))
    }

    pub fn from_passages(passages: &[Passage]) -> Records {
        let text: HashMap<(&str, &str), &str> = passages.iter().map(|p| ((p.doc.as_str(), p.id.as_str()), p.text.as_str())).collect();
        let records = target_records::extract(passages);
        let annotator = plansearch_records::Annotator::new(&records);
        let mut rows = Vec::new();
        for t in records {
            let q = t.highlight_in(text.get(&(t.doc.as_str(), t.passage_id.as_str())).copied().unwrap_or(""));
            let href = format!("{}?q={}", plansearch_corpus::permalink_path(&t.doc, &t.passage_id), encode(&q));
            rows.push(Row { target: t, href });
        }
        let titles = passages
            .iter()
            .filter(|p| p.id == "0")
            .filter_map(|p| cite::doc_title(passages, &p.doc).map(|t| (p.doc.clone(), (t.zh.to_string(), t.en.map(str::to_string), t.year))))
            .collect();
        let passage_ids = passages.iter().map(|p| (p.doc.clone(), p.id.clone())).collect();
        Records { rows, projects: project_records::extract_projects(passages), verifier: Verifier::new(passages), annotator, titles, passage_ids }
    }

    /// Each hit with the badges of its passage's targets; a question about a figure with the
    /// target that answers it.
    pub fn annotate(&self, res: &mut plansearch_search::Response) {
        self.annotator.annotate(res);
    }

    pub(crate) fn title<'a>(&'a self, doc: &'a str) -> cite::DocTitle<'a> {
        match self.titles.get(doc) {
            Some((zh, en, year)) => cite::DocTitle { zh, en: en.as_deref(), year: *year },
            None => cite::DocTitle::from(doc),
        }
    }
}

/// Where permalinks point: `PLANSEARCH_BASE_URL`, else the host the request came to (when it
/// looks like a host name), else the local default.
pub fn base_url(headers: &HeaderMap) -> String {
    if let Some(b) = cite::configured_base_url() {
        return b;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.len() <= 255 && h.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)));
    match host {
        Some(h) => {
            let https = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https");
            format!("{}://{h}", if https { "https" } else { "http" })
        }
        None => cite::LOCAL_BASE_URL.to_string(),
    }
}
