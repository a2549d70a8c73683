//! The server under load, as a client sees it: a full search queue answers 503 with
//! `Retry-After` while health checks, static files and cached answers still come; the cache
//! keys on the parsed request and stays within its bytes; oversized requests and bare
//! errors get the site's headers and a body that says what happened; answers are compressed
//! on request; on a real socket, half-sent and idle connections are closed by the header
//! timeout and the server stops when told. Nothing here measures time: the timeouts are
//! made short so that the tests end, and a generous outer bound only turns a hang into a
//! failure.

use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use plansearch_web::admission::Cost;
use plansearch_web::{AppState, Options, ServeOptions};
use scraper::{Html, Selector};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::util::{enc, get, get_on, send, web_state_with, Reply};

/// A state with its own pool of `workers` and `queue`, and a cache of 4 MiB.
fn state(workers: usize, queue: usize) -> AppState {
    web_state_with(Options { cache_bytes: 4 << 20, workers, queue })
}

fn assert_security_headers(r: &Reply, what: &str) {
    for (name, value) in plansearch_web::security_headers() {
        assert_eq!(r.headers.get(&name), Some(&value), "{what}: {name}");
    }
}

fn h1(r: &Reply) -> String {
    let doc = Html::parse_document(&r.body);
    doc.select(&Selector::parse("h1").unwrap()).next().map(|e| e.text().collect()).unwrap_or_default()
}

/// A JSON error with this status and code, the security headers, and a message.
fn assert_json_error(r: &Reply, status: StatusCode, code: &str, what: &str) {
    assert_eq!(r.status, status, "{what}: {}", r.body);
    assert!(r.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/json"), "{what}");
    let v = r.json();
    assert_eq!(v["error"]["code"], code, "{what}: {}", r.body);
    assert!(!v["error"]["message"].as_str().unwrap_or_default().is_empty(), "{what}: says what happened");
    assert_security_headers(r, what);
}

/// The site's error page with this status, and the security headers.
fn assert_html_error(r: &Reply, status: StatusCode, what: &str) {
    assert_eq!(r.status, status, "{what}: {}", r.body);
    assert!(r.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"), "{what}");
    assert_eq!(h1(r), status.as_str(), "{what}");
    assert_security_headers(r, what);
}

async fn call(state: &AppState, req: Request<Body>) -> Reply {
    let (status, headers, bytes) = send(state.clone(), req).await;
    Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

// ---- the search pool ----------------------------------------------------------------------

#[tokio::test]
async fn a_full_search_queue_is_a_503_with_retry_after_while_health_static_files_and_cached_answers_still_come() {
    let state = state(2, 4);
    let cached = format!("/api/search?q={}", enc("乡村振兴"));
    let cached_page = format!("/search?q={}", enc("乡村振兴"));
    assert_eq!(get_on(&state, &cached).await.status, StatusCode::OK);
    assert_eq!(get_on(&state, &cached_page).await.status, StatusCode::OK);

    // Every worker busy, every place in the queues taken.
    let held = state.pool.fill();
    for uri in
        [format!("/api/search?q={}", enc("莲藕")), format!("/api/verify?quote={}", enc("莲藕基地达到10万亩")), "/api/passages/caidian/4.1.1".into()]
    {
        let r = get_on(&state, &uri).await;
        assert_json_error(&r, StatusCode::SERVICE_UNAVAILABLE, "busy", &uri);
        assert_eq!(r.headers[header::RETRY_AFTER], "1", "{uri}");
    }
    for uri in [format!("/search?q={}", enc("莲藕")), "/p/caidian/4.1.1".into(), "/outline".into(), "/targets".into()] {
        let r = get_on(&state, &uri).await;
        assert_html_error(&r, StatusCode::SERVICE_UNAVAILABLE, &uri);
        assert_eq!(r.headers[header::RETRY_AFTER], "1", "{uri}");
    }
    for uri in ["/healthz", "/static/app.js", "/api/outline", &cached, &cached_page] {
        assert_eq!(get_on(&state, uri).await.status, StatusCode::OK, "{uri} waits behind searches");
    }
    assert_eq!(state.pool.stats().rejected(), 7);

    drop(held);
    let r = get_on(&state, &format!("/api/search?q={}", enc("莲藕"))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.json()["total"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn a_search_waits_in_the_queue_and_is_answered_when_a_worker_frees() {
    let state = state(1, 1);
    let held = state.pool.admit(Cost::Light).await.unwrap();
    let waiting = tokio::spawn({
        let state = state.clone();
        async move { get_on(&state, &format!("/api/search?q={}", enc("莲藕"))).await }
    });
    while state.pool.stats().waiting() == 0 {
        tokio::task::yield_now().await;
    }
    // Worker busy, the one queue place taken: the next is refused at once.
    let refused = get_on(&state, &format!("/api/search?q={}", enc("汽车"))).await;
    assert_json_error(&refused, StatusCode::SERVICE_UNAVAILABLE, "busy", "the second waiting search");
    drop(held);
    let r = waiting.await.unwrap();
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.json()["hits"].as_array().unwrap().iter().any(|h| h["text"].as_str().unwrap().contains("莲藕")));
}

#[tokio::test]
async fn costly_searches_wait_in_their_own_lane_while_an_ordinary_one_is_answered() {
    let state = state(2, 4);
    // A costly search holds the one worker costly searches may use.
    let costly = state.pool.admit(Cost::Heavy).await.unwrap();
    let waiting = tokio::spawn({
        let state = state.clone();
        async move { get_on(&state, &format!("/api/search?q={}&limit=100", enc("发展"))).await }
    });
    while state.pool.stats().heavy.waiting == 0 {
        tokio::task::yield_now().await;
    }
    for uri in [format!("/api/search?q={}", enc("莲藕")), format!("/search?q={}", enc("莲藕")), "/p/caidian/4.1.1".into()] {
        assert_eq!(get_on(&state, &uri).await.status, StatusCode::OK, "{uri} waits behind costly searches");
    }
    // A long query is costly too; a quote of 2,000 characters (18 KB in the address) is checked.
    let long = format!("/api/search?q={}", enc(&"发展 ".repeat(20)));
    let quote = format!("/api/verify?quote={}", enc(&"蔡".repeat(2000)));
    let queued: Vec<_> = [long, quote]
        .into_iter()
        .map(|uri| {
            let state = state.clone();
            tokio::spawn(async move { get_on(&state, &uri).await })
        })
        .collect();
    while state.pool.stats().heavy.waiting < 3 {
        tokio::task::yield_now().await;
    }
    drop(costly);
    let r = waiting.await.unwrap();
    assert_eq!(r.json()["hits"].as_array().unwrap().len(), 100);
    for q in queued {
        assert_eq!(q.await.unwrap().status, StatusCode::OK);
    }
}

// ---- the cache ----------------------------------------------------------------------------

#[tokio::test]
async fn the_cache_keys_on_the_parsed_request_so_unknown_parameters_and_their_order_make_no_new_entry() {
    let state = state(2, 8);
    let q = enc("养老服务 机构");
    let first = get_on(&state, &format!("/api/search?q={q}&limit=3")).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(state.cache.stats().entries, 1);
    for uri in [
        format!("/api/search?limit=3&q={q}"),
        format!("/api/search?q={q}&limit=3&_=1699999999"),
        format!("/api/search?_=1&foo=bar&q={q}&limit=3"),
        format!("/api/search?q={q}&limit=3&limit=3"),
        format!("/api/search?q={q}&limit=03&page=1"),
    ] {
        let r = get_on(&state, &uri).await;
        assert_eq!(r.body, first.body, "{uri}");
        assert!(r.headers.get("x-cache").is_none(), "{uri}: no header tells a client about the cache");
    }
    let s = state.cache.stats();
    assert_eq!((s.entries, s.hits), (1, 5), "{s:?}");

    // Another request is another entry; errors are never kept.
    assert_ne!(get_on(&state, &format!("/api/search?q={q}&limit=4")).await.body, first.body);
    for _ in 0..2 {
        assert_eq!(get_on(&state, &format!("/api/search?q={q}&limit=abc")).await.status, StatusCode::BAD_REQUEST);
    }
    assert_eq!(state.cache.stats().entries, 2);

    // The search page is kept too, by the same rule.
    let page = get_on(&state, &format!("/search?q={q}")).await;
    let again = get_on(&state, &format!("/search?_=5&q={q}&page=1")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body, again.body);
    let s = state.cache.stats();
    assert_eq!((s.entries, s.hits), (3, 6), "{s:?}");
}

#[tokio::test]
async fn the_cache_stays_within_its_bytes_by_dropping_the_least_recently_used() {
    let budget = 120_000;
    let state = web_state_with(Options { cache_bytes: budget, workers: 2, queue: 8 });
    let queries = ["乡村振兴", "营商环境", "空气质量", "莲藕", "汽车", "生态环境", "养老服务", "高质量发展", "交通", "人才"];
    let mut sizes = 0;
    for q in queries {
        let r = get_on(&state, &format!("/api/search?q={}", enc(q))).await;
        assert_eq!(r.status, StatusCode::OK);
        sizes += r.body.len();
    }
    assert!(sizes > budget, "the answers ({sizes} bytes) must overflow the budget for this test");
    let s = state.cache.stats();
    assert!(s.bytes <= budget && s.evictions > 0 && s.entries < queries.len(), "{s:?}");
    // The most recent answer is kept, the first was dropped.
    get_on(&state, &format!("/api/search?q={}", enc("人才"))).await;
    assert_eq!(state.cache.stats().hits, 1);
    get_on(&state, &format!("/api/search?q={}", enc("乡村振兴"))).await;
    assert_eq!(state.cache.stats().hits, 1);
}

#[tokio::test]
async fn health_says_nothing_about_the_cache_and_the_operator_route_has_the_counters() {
    let h = get("/healthz").await.json();
    assert_eq!(h["status"], "ok");
    let keys: Vec<&String> = h.as_object().unwrap().keys().collect();
    assert!(!keys.iter().any(|k| k.contains("cache")), "{keys:?}");
    assert_eq!(get("/metrics").await.status, StatusCode::NOT_FOUND, "the counters are not on the public app");

    let state = state(3, 7);
    get_on(&state, &format!("/api/search?q={}", enc("莲藕"))).await;
    let req = Request::get("/metrics").body(Body::empty()).unwrap();
    let (status, _, body) = {
        use http_body_util::BodyExt;
        use tower::ServiceExt;
        let res = plansearch_web::operator_app(state.clone()).oneshot(req).await.unwrap();
        (res.status(), res.headers().clone(), res.into_body().collect().await.unwrap().to_bytes())
    };
    assert_eq!(status, StatusCode::OK);
    let m: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((m["pool"]["workers"].as_u64(), m["pool"]["queue"].as_u64()), (Some(3), Some(7)), "{m}");
    assert_eq!(m["pool"]["completed"], 1, "{m}");
    assert_eq!(m["pool"]["heavy_workers"], 2, "{m}");
    assert_eq!(m["pool"]["light"]["rejected"], 0, "{m}");
    assert_eq!(m["cache"]["entries"], 1, "{m}");
    assert_eq!(m["cache"]["misses"], 1, "{m}");
    assert!(m["connections"]["open"].is_u64(), "{m}");
}

// ---- complete error responses -------------------------------------------------------------

#[tokio::test]
async fn another_method_is_a_405_that_says_so_with_allow_and_the_headers() {
    let state = crate::util::web_state();
    for uri in ["/api/search?q=a", "/api/passages/caidian/4.1.1", "/healthz"] {
        let r = call(&state, Request::post(uri).body(Body::empty()).unwrap()).await;
        assert_json_error(&r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", uri);
        assert!(r.headers[header::ALLOW].to_str().unwrap().contains("GET"), "{uri}");
    }
    for uri in ["/search?q=a", "/p/caidian/4.1.1", "/"] {
        let r = call(&state, Request::delete(uri).body(Body::empty()).unwrap()).await;
        assert_html_error(&r, StatusCode::METHOD_NOT_ALLOWED, uri);
    }
}

#[tokio::test]
async fn an_address_over_32_kib_is_a_414_with_the_headers_and_a_query_of_500_characters_is_not() {
    let long = "a".repeat(plansearch_web::MAX_URI_BYTES);
    let r = get(&format!("/api/search?q={long}")).await;
    assert_json_error(&r, StatusCode::URI_TOO_LONG, "uri_too_long", "/api/search");
    let r = get(&format!("/search?q={long}")).await;
    assert_html_error(&r, StatusCode::URI_TOO_LONG, "/search");
    // The longest query the engine reads, percent-encoded (4.5 KB), is answered.
    let r = get(&format!("/api/search?q={}", enc(&"汽".repeat(500)))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn oversized_headers_are_a_431_and_an_announced_large_body_a_413_both_with_the_headers() {
    let state = crate::util::web_state();
    let big = "x".repeat(20 * 1024);
    let r = call(&state, Request::get("/api/search?q=a").header("x-padding", big.as_str()).body(Body::empty()).unwrap()).await;
    assert_json_error(&r, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large", "/api/search");
    let r = call(&state, Request::get("/").header("x-padding", big.as_str()).body(Body::empty()).unwrap()).await;
    assert_html_error(&r, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, "/");
    let r = call(&state, Request::post("/api/search").header(header::CONTENT_LENGTH, "10000000").body(Body::empty()).unwrap()).await;
    assert_json_error(&r, StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", "POST /api/search");
}

// ---- compression --------------------------------------------------------------------------

#[tokio::test]
async fn answers_are_compressed_on_request_and_say_they_vary_by_it() {
    use std::io::Read;
    let state = crate::util::web_state();
    let uri = format!("/api/search?q={}&limit=100", enc("发展"));
    let get_with = |enc: Option<&'static str>| {
        let mut req = Request::get(uri.as_str());
        if let Some(e) = enc {
            req = req.header(header::ACCEPT_ENCODING, e);
        }
        send(state.clone(), req.body(Body::empty()).unwrap())
    };
    let (status, plain_headers, plain) = get_with(None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(plain_headers.get(header::CONTENT_ENCODING).is_none());
    let vary =
        |h: &axum::http::HeaderMap| h.get_all(header::VARY).iter().any(|v| v.to_str().unwrap().to_ascii_lowercase().contains("accept-encoding"));
    assert!(vary(&plain_headers), "a cache in between must know the answer varies: {plain_headers:?}");

    let (_, headers, gz) = get_with(Some("gzip")).await;
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
    assert!(vary(&headers));
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(gz.as_slice()).read_to_end(&mut unzipped).unwrap();
    assert_eq!(unzipped, plain, "gzip gives back the same answer");
    assert!(gz.len() * 4 < plain.len(), "gzip {} of {} bytes", gz.len(), plain.len());

    let (_, headers, br) = get_with(Some("br;q=1.0, gzip;q=0.5")).await;
    assert_eq!(headers[header::CONTENT_ENCODING], "br");
    assert!(br.len() * 4 < plain.len(), "brotli {} of {} bytes", br.len(), plain.len());

    // Pages too.
    let page = send(state.clone(), Request::get("/outline").header(header::ACCEPT_ENCODING, "gzip").body(Body::empty()).unwrap()).await;
    assert_eq!(page.1[header::CONTENT_ENCODING], "gzip");
}

// ---- the server loop, on a real socket ----------------------------------------------------

/// The real server on a free loopback port, with a header timeout of 300 ms; the sender stops it.
async fn start(state: AppState) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<std::io::Result<()>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let options = ServeOptions { header_timeout: Duration::from_millis(300), ..Default::default() };
    let connections = state.connections.clone();
    let server = tokio::spawn(plansearch_web::serve(listener, plansearch_web::app(state), options, connections, async move {
        let _ = stopped.await;
    }));
    (addr, stop, server)
}

/// Everything the server sends until it closes the connection; a hang fails after 30 s.
async fn read_until_closed(stream: &mut tokio::net::TcpStream) -> String {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server never closed the connection; it sent {:?}", String::from_utf8_lossy(&answer));
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_half_sent_request_is_closed_by_the_header_timeout_unanswered() {
    let state = crate::util::web_state();
    let (addr, _stop, _server) = start(state).await;
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").await.unwrap();
    let answer = read_until_closed(&mut stream).await;
    assert!(!answer.contains("200 OK"), "{answer}");
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_its_answer() {
    let state = crate::util::web_state();
    let (addr, _stop, _server) = start(state.clone()).await;
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").await.unwrap();
    let answer = read_until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"status\":\"ok\""), "{answer}");
}

#[tokio::test]
async fn a_request_head_larger_than_hyper_buffers_is_refused_with_a_4xx() {
    let (addr, _stop, _server) = start(crate::util::web_state()).await;
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!("GET /api/search?q={} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", "a".repeat(100 * 1024));
    let _ = stream.write_all(req.as_bytes()).await;
    let answer = read_until_closed(&mut stream).await;
    let status: u16 = answer.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("no status line: {answer}"));
    assert!((400..500).contains(&status), "{status}: {answer}");
}

#[tokio::test]
async fn the_server_stops_when_told_after_answering() {
    let (addr, stop, server) = start(crate::util::web_state()).await;
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(b"GET /api/outline HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").await.unwrap();
    let answer = read_until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    stop.send(()).unwrap();
    let stopped = tokio::time::timeout(Duration::from_secs(30), server).await;
    assert!(matches!(stopped, Ok(Ok(Ok(())))), "{stopped:?}");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "nothing listens after the stop");
}
