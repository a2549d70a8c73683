//! The HTML pages: search, passage, outline.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use minijinja::{context, Value};
use plansearch_search::{highlight, Request};

use crate::admission::Cost;
use crate::api::load_passage;
use crate::cache::{self, Answer};
use crate::params::{decode, encode, SearchParams};
use crate::{AppError, AppState};

/// Queries a newcomer can click on the empty page.
const EXAMPLES: &[&str] =
    &["乡村振兴", "营商环境", "中德国际产业园", "蔡甸莲藕", "空气质量", "\"全区粮食播种面积\"", "chapter:7 莲藕", "格力", "5G 基站", "养老服务"];

const PAGE_SIZE: usize = 10;

/// The search page: parsed here, answered from the cache or rendered in the search pool.
pub async fn search(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    let params = decode(raw.as_deref()).map_err(AppError::html)?;
    let sp = SearchParams::from(&params, &state, PAGE_SIZE).map_err(AppError::html)?;
    let view = match params.get("view").map(String::as_str) {
        None | Some("") | Some("both") => "both",
        Some("zh") => "zh",
        Some("en") => "en",
        Some(other) => return Err(AppError::bad_request("bad_parameter", format!("view must be both, zh or en, not {other:?}")).html()),
    };
    let key = cache::key("page", &(view, &sp));
    if let Some(answer) = state.cache.get(&key) {
        return Ok(answer.into_response());
    }
    state
        .in_pool(sp.cost(), move |state| {
            let html = search_page(state, &sp, view)?;
            let answer = Answer { content_type: "text/html; charset=utf-8", body: html.into() };
            state.cache.put(key, answer.clone());
            Ok(answer.into_response())
        })
        .await
        .map_err(AppError::html)?
}

fn search_page(state: &AppState, sp: &SearchParams, view: &str) -> Result<String, AppError> {
    let doc = state.outline().default_doc().to_string();
    if sp.q.trim().is_empty() && sp.filters.is_empty() {
        return state.render_html("search.html", context! { examples => EXAMPLES, q => "", outline => state.outline() });
    }
    let req = Request { q: sp.q.clone(), limit: sp.limit, offset: sp.offset, filters: sp.filters.clone(), lang: sp.lang };
    let mut res = state.engine.search(&req).map_err(|e| AppError::from(e).html())?;
    state.records.annotate(&mut res);
    let suggestion = res.suggestion.as_ref().map(|sg| context! { q => &sg.q, href => format!("/search?q={}", encode(&sg.q)), total => sg.total });
    // The answer above the hits, marked from its offsets like every highlight.
    let answer = res.answer.as_ref().map(|a| {
        context! { a => a, html => Value::from_safe_string(highlight::to_html(&a.text, &a.highlights)), source_href => format!("{}?q={}", a.url, encode(&sp.q)) }
    });

    // Every link of the page is this search again (`SearchParams::query_string`, which
    // keeps every filter, the language and the page size), with one filter set or cleared.
    let filter_query = |name: &str, value: &str| -> String {
        let mut other = sp.clone();
        if value.is_empty() {
            other.filters.remove(name);
        } else if other.filters.set(name, value).is_err() {
            // A facet's own value is always a valid filter; were it not, the link keeps the search.
            return format!("/search?{}", sp.query_string(Some(PAGE_SIZE)));
        }
        format!("/search?{}", other.query_string(Some(PAGE_SIZE)))
    };
    // The hit map: every chapter of the plan, with its count and its share of the largest.
    let chapters = &state.outline().document(&doc).map(|d| d.chapters.clone()).unwrap_or_default();
    let max = res.facets.chapters.iter().map(|c| c.count).max().unwrap_or(0).max(1);
    let hitmap: Vec<Value> = chapters
        .iter()
        .map(|c| {
            let count = res.facets.chapters.iter().find(|f| f.doc == doc && f.number == c.number).map_or(0, |f| f.count);
            context! {
                number => c.number, label => &c.part.label, title => &c.part.title, count => count,
                height => if count == 0 { 0 } else { 8 + count * 92 / max }, href => filter_query("chapter", &c.number.to_string()),
            }
        })
        .collect();
    let hits: Vec<Value> = res
        .hits
        .iter()
        .map(|h| {
            context! {
                hit => h,
                snippet_html => Value::from_safe_string(h.snippet_html.clone()),
                snippet_en_html => h.snippet_en_html.clone().map(Value::from_safe_string),
                en_cut_before => matches!((&h.text_en, &h.snippet_en), (Some(t), Some(s)) if !t.starts_with(s.as_str())),
                en_cut_after => matches!((&h.text_en, &h.snippet_en), (Some(t), Some(s)) if !t.ends_with(s.as_str())),
            }
        })
        .collect();
    let page = res.offset / res.limit + 1;
    let pages = res.total.div_ceil(res.limit).min(plansearch_search::MAX_OFFSET / res.limit + 1);
    let chapter_links: Vec<Value> = res
        .facets
        .chapters
        .iter()
        .map(|c| context! { facet => c, label => format!("第{}章", plansearch_corpus::model::chinese_number(c.number)), href => filter_query("chapter", &c.number.to_string()) })
        .collect();
    let panel_links: Vec<Value> = res.facets.panels.iter().map(|p| context! { facet => p, href => filter_query("panel", &p.id) }).collect();
    // Documents only when the index holds more than one plan.
    let document_links: Vec<Value> = if state.outline().documents.len() > 1 {
        res.facets.documents.iter().map(|d| context! { facet => d, href => filter_query("doc", &d.doc) }).collect()
    } else {
        vec![]
    };
    let with_view = |href: String| if view == "both" { href } else { format!("{href}&view={view}") };
    let page_link = |n: usize| with_view(format!("{}&page={n}", filter_query("", "")));
    state.render_html(
        "search.html",
        context! {
            q => &sp.q,
            res => &res,
            hits => hits,
            hitmap => hitmap,
            chapter_links => chapter_links,
            document_links => document_links,
            panel_links => panel_links,
            clear_chapter => filter_query("chapter", ""),
            clear_panel => filter_query("panel", ""),
            filters => &sp.filters,
            page => page,
            pages => pages,
            prev_href => (page > 1).then(|| page_link(page - 1)),
            next_href => (page < pages).then(|| page_link(page + 1)),
            suggestion => suggestion,
            answer => answer,
            examples => EXAMPLES,
            view => view,
            view_href => filter_query("", ""),
            // The export asks for every hit (up to its cap), whatever this page's size.
            export_query => sp.query_string(None),
            hidden_filters => sp.filters.pairs().collect::<Vec<_>>(),
            export_max => plansearch_search::MAX_LIMIT,
        },
    )
}

pub async fn passage(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: axum::http::HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let Path((doc, id)) = path.map_err(|e| AppError::from(e).html())?;
    state.in_pool(Cost::Light, move |state| render_passage(state, &doc, &id, raw.as_deref(), &headers)).await.map_err(AppError::html)?
}

pub async fn passage_default_doc(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    headers: axum::http::HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let Path(id) = path.map_err(|e| AppError::from(e).html())?;
    let doc = state.outline().default_doc().to_string();
    state.in_pool(Cost::Light, move |state| render_passage(state, &doc, &id, raw.as_deref(), &headers)).await.map_err(AppError::html)?
}

fn render_passage(state: &AppState, doc: &str, id: &str, raw: Option<&str>, headers: &axum::http::HeaderMap) -> Result<Response, AppError> {
    let params = decode(raw).map_err(AppError::html)?;
    let view = load_passage(state, doc, id).map_err(AppError::html)?;
    let q = crate::params::query(&params).map_err(AppError::html)?;
    // The engine marks what the hit that linked here marked (synonyms, translations…).
    let (spans, spans_en) = state.engine.highlight(&view.passage, &q);
    let text_html = Value::from_safe_string(highlight::to_html(&view.passage.text, &spans));
    let text_en_html = Value::from_safe_string(highlight::to_html(view.passage.text_en.as_deref().unwrap_or(""), &spans_en));
    let mut ctx_doc = state.outline().document(doc).map(|d| d.title.clone()).unwrap_or_default();
    if ctx_doc.is_empty() {
        ctx_doc = doc.to_string();
    }
    let citations = crate::records::citation_blocks(state, &view.passage, headers);
    let downloads = crate::records::citation_downloads(&view.passage);
    let base = crate::records::base_url(headers);
    let title = state.records.title(&view.passage.doc);
    state.render(
        "passage.html",
        context! {
            v => &view, text_html => text_html, text_en_html => text_en_html, q => &q, doc_title => ctx_doc,
            citations => citations, downloads => downloads,
            canonical => plansearch_records::cite::permalink(&view.passage, &base),
            json_ld => Value::from_safe_string(crate::crawl::json_ld(&plansearch_records::cite::schema_org(&view.passage, title, &base))),
        },
    )
}

pub async fn outline(State(state): State<AppState>) -> Result<Response, AppError> {
    state.in_pool(Cost::Light, |state| state.render("outline.html", context! { outline => state.outline() })).await.map_err(AppError::html)?
}
