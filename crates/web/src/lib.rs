//! The web front end and JSON API of plansearch, on axum.
//!
//! [`app`] builds the whole application from an [`AppState`], so tests drive it with
//! `tower::ServiceExt::oneshot` and no socket. Pages are rendered server-side from the
//! templates in `web/templates` and work without JavaScript; `web/static` holds the CSS and
//! the small script that adds search-as-you-type and keyboard use. Templates and static
//! files are compiled into the binary, so static serving is a lookup in a fixed table:
//! there is no path to traverse.
//!
//! Bad input never causes a 5xx: every parameter is parsed by hand into a clear 400 with a
//! JSON body `{"error": {"code", "message"}}` (an HTML page for page routes). Every user
//! string is escaped by the template engine; highlights arrive as HTML built from offsets
//! on the stored text, escaped, with `<mark>` as the only markup.
//!
//! Under load it protects itself: searches and page rendering run in a bounded pool with a
//! bounded queue ([`admission`]; full: 503 with `Retry-After`), finished search answers are
//! kept in a cache bounded in bytes ([`cache`]), every response passes one envelope of
//! security headers and size limits ([`envelope`]), and [`serve`] cuts off clients that do
//! not send their request in time.

pub mod admission;
mod api;
pub mod cache;
mod crawl;
mod envelope;
mod error;
mod pages;
mod params;
mod records;
pub mod server;

use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use plansearch_corpus::Outline;
use plansearch_search::Engine;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use cache::DEFAULT_CACHE_BYTES;
pub use envelope::{security_headers, MAX_URI_BYTES};
pub use error::AppError;
pub use server::{serve, ServeOptions};

/// How long one request may take before it is answered with 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Everything the handlers share; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub engine: Arc<Engine>,
    /// Targets, projects and the quote checker, built from the passages at start.
    pub records: Arc<records::Records>,
    /// Finished search answers (API and page), by parsed request.
    pub cache: Arc<cache::ResponseCache>,
    /// Where searches and rendering run.
    pub pool: Arc<admission::Pool>,
    /// Counted by [`serve`], shown on the operator's `/metrics`.
    pub connections: Arc<server::Connections>,
    templates: Arc<minijinja::Environment<'static>>,
}

/// How many requests wait for a search worker by default in each lane, beyond those running.
pub const DEFAULT_QUEUE: usize = 64;

/// What the state is sized by.
#[derive(Debug, Clone)]
pub struct Options {
    /// The response cache's budget in bytes (0: no cache).
    pub cache_bytes: usize,
    /// Search workers: requests worked on at once.
    pub workers: usize,
    /// Requests that may wait for a worker in each lane; more are answered 503.
    pub queue: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options { cache_bytes: DEFAULT_CACHE_BYTES, workers: admission::Pool::default_workers(), queue: DEFAULT_QUEUE }
    }
}

impl AppState {
    /// Build the state: load templates and make the records from the index.
    pub fn new(engine: Engine) -> Result<AppState, AppError> {
        AppState::with_options(engine, Options::default())
    }

    pub fn with_options(engine: Engine, options: Options) -> Result<AppState, AppError> {
        let records = records::Records::build(&engine)?;
        Ok(AppState {
            engine: Arc::new(engine),
            records: Arc::new(records),
            cache: Arc::new(cache::ResponseCache::new(options.cache_bytes)),
            pool: Arc::new(admission::Pool::new(options.workers, options.queue)),
            connections: Arc::default(),
            templates: Arc::new(templates()),
        })
    }

    /// The plan's table of contents, from the index's metadata.
    pub fn outline(&self) -> &Outline {
        self.engine.outline()
    }

    /// Run `work` in the search pool's lane for `cost`, off the async workers; a full queue
    /// is a 503 (JSON: pages map it with [`AppError::html`]).
    pub(crate) async fn in_pool<T: Send + 'static>(
        &self,
        cost: admission::Cost,
        work: impl FnOnce(&AppState) -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let state = self.clone();
        self.pool.run(cost, move || work(&state)).await
    }

    pub(crate) fn render(&self, name: &str, ctx: minijinja::Value) -> Result<Response, AppError> {
        let html = self.render_html(name, ctx)?;
        Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response())
    }

    pub(crate) fn render_html(&self, name: &str, ctx: minijinja::Value) -> Result<String, AppError> {
        // A page that fails is answered with the site's error page, not JSON.
        let tmpl = self.templates.get_template(name).map_err(|e| AppError::internal(format!("template {name}: {e}")).html())?;
        tmpl.render(ctx).map_err(|e| AppError::internal(format!("template {name}: {e:#}")).html())
    }
}

/// The templates, compiled in from `web/templates`.
fn templates() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    // The missing-title wording comes from the corpus crate, never a literal in a template:
    // `{{ title|or_missing }}` is the title, or `（标题缺失 title not in source）`.
    let missing = plansearch_corpus::missing_title();
    env.add_global("missing_title", missing.clone());
    env.add_global("missing_title_zh", plansearch_corpus::MISSING_TITLE_ZH);
    // Permalinks are formatted in one place (`corpus::permalink_path`), templates included.
    env.add_function("permalink", |doc: String, id: String| plansearch_corpus::permalink_path(&doc, &id));
    env.add_filter("or_missing", move |title: minijinja::Value| -> minijinja::Value {
        if title.is_true() {
            title
        } else {
            minijinja::Value::from(format!("（{missing}）"))
        }
    });
    for (name, src) in TEMPLATES {
        env.add_template(name, src).expect("templates parse");
    }
    env
}

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../../web/templates/base.html")),
    ("search.html", include_str!("../../../web/templates/search.html")),
    ("passage.html", include_str!("../../../web/templates/passage.html")),
    ("outline.html", include_str!("../../../web/templates/outline.html")),
    ("targets.html", include_str!("../../../web/templates/targets.html")),
    ("projects.html", include_str!("../../../web/templates/projects.html")),
];

/// The static files, compiled in from `web/static`: name, content type, bytes.
const STATIC: &[(&str, &str, &[u8])] = &[
    ("style.css", "text/css; charset=utf-8", include_bytes!("../../../web/static/style.css")),
    ("app.js", "text/javascript; charset=utf-8", include_bytes!("../../../web/static/app.js")),
];

/// The application.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::search))
        .route("/search", get(pages::search))
        .route("/p/{doc}/{id}", get(pages::passage))
        .route("/p/{id}", get(pages::passage_default_doc))
        .route("/outline", get(pages::outline))
        .route("/targets", get(records::targets_page))
        .route("/projects", get(records::projects_page))
        .route("/static/{file}", get(static_file))
        .route("/healthz", get(api::healthz))
        .route("/api/search", get(api::search))
        .route("/api/passages/{doc}/{id}", get(api::passage))
        .route("/api/passages/{id}", get(api::passage_default_doc))
        .route("/api/outline", get(api::outline))
        .route("/api/targets", get(records::targets_api))
        .route("/api/targets.csv", get(records::targets_csv))
        .route("/api/projects", get(records::projects_api))
        .route("/api/projects.csv", get(records::projects_csv))
        .route("/api/passages/{doc}/{id}/cite", get(records::cite_api))
        .route("/api/verify", get(records::verify_api))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/search/cite", get(records::search_cite_api))
        .route("/opensearch.xml", get(crawl::opensearch))
        .route("/sitemap.xml", get(crawl::sitemap))
        .route("/robots.txt", get(crawl::robots))
        .fallback(not_found)
        .with_state(state)
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(axum::middleware::from_fn(envelope::envelope))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
}

/// The operator's routes, served only on `serve --metrics-addr`: counters of the search
/// pool, the cache and the connections. Not on the public app, because cache counters tell
/// whether a query was searched recently.
pub fn operator_app(state: AppState) -> Router {
    Router::new().route("/metrics", get(api::metrics)).fallback(not_found).with_state(state).layer(axum::middleware::from_fn(envelope::envelope))
}

async fn static_file(path: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>) -> Response {
    let axum::extract::Path(file) = match path {
        Ok(p) => p,
        Err(rejection) => return AppError::from(rejection).into_response(),
    };
    match STATIC.iter().find(|(name, _, _)| *name == file) {
        Some((_, ctype, bytes)) => ([(header::CONTENT_TYPE, *ctype), (header::CACHE_CONTROL, "public, max-age=3600")], *bytes).into_response(),
        None => AppError::not_found("static_not_found", format!("no static file {file:?}")).into_response(),
    }
}

async fn not_found(uri: axum::http::Uri) -> Response {
    AppError::not_found("not_found", format!("no page at {}", uri.path())).for_path(uri.path()).into_response()
}
