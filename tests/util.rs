//! Shared helpers: the repository root, the real corpus loaded once, temp copies, the binary.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use plansearch_corpus::Document;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The real plan, read from the committed Markdown.
pub fn caidian() -> &'static Document {
    static DOC: OnceLock<Document> = OnceLock::new();
    DOC.get_or_init(|| {
        let md = std::fs::read_to_string(repo().join("corpus/caidian/plan.zh.md")).unwrap();
        plansearch_corpus::markdown::read("caidian", &md).unwrap()
    })
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A temporary corpus root holding a copy of `corpus/caidian`.
pub fn temp_copy_of_caidian() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("corpus/caidian"), &dir.path().join("caidian"));
    dir
}

/// Run the real binary from the repository root.
pub fn run_plansearch(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_plansearch")).args(args).current_dir(repo()).output().unwrap()
}

/// The search engine over the real corpus, with its index built once per test run into a
/// temporary folder (never the repository's `index/`).
pub fn engine() -> &'static plansearch_search::Engine {
    static ENGINE: OnceLock<(tempfile::TempDir, plansearch_search::Engine)> = OnceLock::new();
    &ENGINE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let corpus = repo().join("corpus");
            let (ix, _) = plansearch_index::ensure(&corpus, dir.path(), &mut |_| {}).unwrap();
            let synonyms = plansearch_search::Synonyms::load(&corpus.join("synonyms.tsv")).unwrap();
            (dir, plansearch_search::Engine::new(ix, synonyms))
        })
        .1
}

/// The web state over [`engine`], built once per test run.
pub fn web_state() -> plansearch_web::AppState {
    static STATE: OnceLock<plansearch_web::AppState> = OnceLock::new();
    STATE.get_or_init(|| plansearch_web::AppState::new(engine().clone()).unwrap()).clone()
}

/// A web state of its own (its own cache and search pool) over the shared engine.
pub fn web_state_with(options: plansearch_web::Options) -> plansearch_web::AppState {
    plansearch_web::AppState::with_options(engine().clone(), options).unwrap()
}

/// One answer of the web app: status, headers and body as text.
pub struct Reply {
    pub status: axum::http::StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", &self.body))
    }

    pub fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }
}

/// Send one request to the app, without a socket. `uri` is sent as written.
pub async fn request(method: &str, uri: &str) -> Reply {
    let req = axum::http::Request::builder()
        .method(method)
        .uri(uri)
        .body(axum::body::Body::empty())
        .unwrap_or_else(|e| panic!("cannot build a request for {uri}: {e}"));
    let (status, headers, bytes) = send(web_state(), req).await;
    let body = String::from_utf8(bytes).unwrap();
    Reply { status, headers, body }
}

/// Send a request to the app over `state`, without a socket: status, headers, body bytes.
pub async fn send(
    state: plansearch_web::AppState,
    req: axum::http::Request<axum::body::Body>,
) -> (axum::http::StatusCode, axum::http::HeaderMap, Vec<u8>) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let res = plansearch_web::app(state).oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, headers, bytes.to_vec())
}

/// `GET uri` on the app over `state`, as text.
pub async fn get_on(state: &plansearch_web::AppState, uri: &str) -> Reply {
    let req = axum::http::Request::get(uri).body(axum::body::Body::empty()).unwrap();
    let (status, headers, bytes) = send(state.clone(), req).await;
    Reply { status, headers, body: String::from_utf8(bytes).unwrap() }
}

/// `GET uri` on the app.
pub async fn get(uri: &str) -> Reply {
    request("GET", uri).await
}

/// Percent-encode a query-string value (the app's encoder; its expected outputs are tested
/// in `plansearch_corpus::model`).
pub fn enc(s: &str) -> String {
    plansearch_corpus::percent_encode(s)
}
