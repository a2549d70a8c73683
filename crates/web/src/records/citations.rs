//! A passage's citations (every format, and downloads), a search's citations, the quote check.

use super::*;

// ---- citations and quotes ----------------------------------------------------------------------

/// The copy-ready citations of the passage page.
pub fn citation_blocks(state: &AppState, p: &Passage, headers: &HeaderMap) -> Vec<Value> {
    let base = base_url(headers);
    let title = state.records.title(&p.doc);
    let today = cite::CiteDate::today();
    [cite::CiteFormat::Gbt, cite::CiteFormat::Chicago, cite::CiteFormat::Bibtex]
        .iter()
        .map(|f| context! { format => f.as_str(), label => f.label(), text => cite::cite_on(p, title, &base, *f, today) })
        .collect()
}

/// The `format` parameter: `None` when absent, a clear 400 when it names no format.
fn cite_format(params: &HashMap<String, String>) -> Result<Option<cite::CiteFormat>, AppError> {
    match params.get("format").map(|f| f.trim()).filter(|f| !f.is_empty()) {
        None => Ok(None),
        Some(f) => cite::CiteFormat::parse(f)
            .map(Some)
            .ok_or_else(|| AppError::bad_request("unknown_format", format!("format must be one of {}, not {f:?}", cite::CiteFormat::names()))),
    }
}

/// A citation file to save: its media type, and `attachment` with a file name.
fn download(format: cite::CiteFormat, stem: &str, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{stem}.{}\"", format.extension());
    ([(header::CONTENT_TYPE, format.media_type().to_string()), (header::CONTENT_DISPOSITION, disposition)], body).into_response()
}

/// Every format as JSON; with `?format=`, that one format as a download.
pub async fn cite_api(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let format = cite_format(&decode(raw.as_deref())?)?;
    state
        .in_pool(Cost::Light, move |state| {
            let Path((doc, id)) = path.map_err(AppError::from)?;
            let view = crate::api::load_passage(state, &doc, &id)?;
            let (p, title, base, today) = (&view.passage, state.records.title(&view.passage.doc), base_url(&headers), cite::CiteDate::today());
            match format {
                // The passage id's characters are all safe in a file name (`load_passage` checks).
                Some(f) => Ok(download(f, &format!("{}-{}", p.doc, p.id), cite::cite_on(p, title, &base, f, today))),
                None => Ok(Json(cite::citations(p, title, &base, today)).into_response()),
            }
        })
        .await?
}

/// The citations of a search's hits in one file: the search parameters of `/api/search`
/// (`limit` defaults to and is capped at the page maximum) and a required `format`.
pub async fn search_cite_api(State(state): State<AppState>, RawQuery(raw): RawQuery, headers: HeaderMap) -> Result<Response, AppError> {
    let params = decode(raw.as_deref())?;
    let format = cite_format(&params)?
        .ok_or_else(|| AppError::bad_request("missing_format", format!("format is required: one of {}", cite::CiteFormat::names())))?;
    let sp = crate::params::SearchParams::from(&params, &state, plansearch_search::MAX_LIMIT)?;
    state
        .in_pool(sp.cost(), move |state| {
            let req = plansearch_search::Request { q: sp.q, limit: sp.limit, offset: sp.offset, filters: sp.filters, lang: sp.lang };
            let res = state.engine.search(&req)?;
            let mut passages = Vec::with_capacity(res.hits.len());
            for h in &res.hits {
                passages.extend(state.engine.get(&h.doc, &h.id)?);
            }
            let items: Vec<(&Passage, cite::DocTitle)> = passages.iter().map(|p| (p, state.records.title(&p.doc))).collect();
            Ok(download(format, "plansearch-results", cite::cite_many(&items, &base_url(&headers), format, cite::CiteDate::today())))
        })
        .await?
}

/// The passage page's download links, one per reference-manager format.
pub fn citation_downloads(p: &Passage) -> Vec<Value> {
    [cite::CiteFormat::Ris, cite::CiteFormat::CslJson, cite::CiteFormat::Bibtex]
        .iter()
        .map(|f| {
            context! { label => f.label(), href => format!("/api/passages/{}/{}/cite?format={}", encode(&p.doc), encode(&p.id), f.as_str()) }
        })
        .collect()
}

pub async fn verify_api(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    let params = decode(raw.as_deref())?;
    let quote = params.get("quote").cloned().unwrap_or_default();
    let cost = if quote.chars().count() > crate::params::LIGHT_MAX_QUOTE_CHARS { Cost::Heavy } else { Cost::Light };
    state
        .in_pool(cost, move |state| {
            let v = state.records.verifier.verify(&quote).map_err(|e| match e {
                VerifyError::Empty => AppError::bad_request("empty_quote", e.to_string()),
                VerifyError::TooLong { .. } => AppError::bad_request("quote_too_long", e.to_string()),
            })?;
            Ok(Json(v).into_response())
        })
        .await?
}
