//! The JSON API. `GET /api/search` returns the same object as `plansearch search --json`,
//! each hit with the badges of its passage's targets added (`targets`).

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use plansearch_corpus::Passage;
use serde::Serialize;
use serde_json::json;

use crate::admission::Cost;
use crate::cache::{self, Answer};
use crate::params::{decode, SearchParams};
use crate::{AppError, AppState};

/// For load balancers: never waits behind searches, says nothing about the cache.
pub async fn healthz(State(state): State<AppState>) -> Response {
    let meta = &state.engine.index.meta;
    Json(json!({
        "status": "ok",
        "passages": meta.passages,
        "documents": meta.outline.documents.len(),
        "built_at_unix": meta.built_at_unix,
    }))
    .into_response()
}

/// The operator's counters (served on `--metrics-addr` only).
pub async fn metrics(State(state): State<AppState>) -> Response {
    Json(json!({
        "pool": state.pool.stats(),
        "cache": state.cache.stats(),
        "connections": state.connections.stats(),
    }))
    .into_response()
}

pub async fn search(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    let params = decode(raw.as_deref())?;
    let sp = SearchParams::from(&params, &state, 10)?;
    let key = cache::key("api", &sp);
    if let Some(answer) = state.cache.get(&key) {
        return Ok(answer.into_response());
    }
    state
        .in_pool(sp.cost(), move |state| {
            let req = plansearch_search::Request { q: sp.q, limit: sp.limit, offset: sp.offset, filters: sp.filters, lang: sp.lang };
            let mut res = state.engine.search(&req)?;
            state.records.annotate(&mut res);
            let body = serde_json::to_vec(&res).map_err(|e| AppError::internal(e.to_string()))?;
            let answer = Answer { content_type: "application/json", body: body.into() };
            state.cache.put(key, answer.clone());
            Ok(answer.into_response())
        })
        .await?
}

/// A passage with its neighbours, for the API and the passage page.
#[derive(Debug, Serialize)]
pub struct PassageView {
    #[serde(flatten)]
    pub passage: Passage,
    pub url: String,
    pub breadcrumb: String,
    pub breadcrumb_en: String,
    pub previous: Option<Passage>,
    pub next: Option<Passage>,
    /// Up to two passages before and after, in reading order.
    pub context_before: Vec<Passage>,
    pub context_after: Vec<Passage>,
}

/// Look a passage up; ids are short (`4.1.3`, `p4-1.r2`), anything else is simply unknown.
pub fn load_passage(state: &AppState, doc: &str, id: &str) -> Result<PassageView, AppError> {
    let plausible =
        |s: &str, max: usize| !s.is_empty() && s.len() <= max && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    let missing = || AppError::not_found("unknown_passage", format!("no passage {doc}/{id}"));
    if !plausible(doc, 64) || !plausible(id, 32) {
        return Err(missing());
    }
    let passage = state.engine.get(doc, id)?.ok_or_else(missing)?;
    let at = |k: isize| -> Result<Option<Passage>, AppError> {
        let order = passage.order as isize + k;
        if order < 0 {
            return Ok(None);
        }
        Ok(state.engine.at(doc, order as usize)?)
    };
    let mut before = Vec::new();
    for k in [-2, -1] {
        before.extend(at(k)?);
    }
    let mut after = Vec::new();
    for k in [1, 2] {
        after.extend(at(k)?);
    }
    Ok(PassageView {
        url: plansearch_records::cite::permalink_path(&passage.doc, &passage.id),
        breadcrumb: plansearch_search::breadcrumb(&passage),
        breadcrumb_en: plansearch_search::breadcrumb_en(&passage),
        previous: before.last().cloned(),
        next: after.first().cloned(),
        context_before: before,
        context_after: after,
        passage,
    })
}

pub async fn passage(State(state): State<AppState>, path: Result<Path<(String, String)>, PathRejection>) -> Result<Response, AppError> {
    let Path((doc, id)) = path.map_err(AppError::from)?;
    state.in_pool(Cost::Light, move |state| Ok(Json(load_passage(state, &doc, &id)?).into_response())).await?
}

pub async fn passage_default_doc(State(state): State<AppState>, path: Result<Path<String>, PathRejection>) -> Result<Response, AppError> {
    let Path(id) = path.map_err(AppError::from)?;
    let doc = state.outline().default_doc().to_string();
    state.in_pool(Cost::Light, move |state| Ok(Json(load_passage(state, &doc, &id)?).into_response())).await?
}

pub async fn outline(State(state): State<AppState>) -> Response {
    Json(state.outline()).into_response()
}

/// The OpenAPI document, kept beside the templates; a test checks it names every route.
pub const OPENAPI: &str = include_str!("../../../web/openapi.json");

pub async fn openapi() -> Response {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}
