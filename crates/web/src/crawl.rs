//! What browsers and crawlers read: the OpenSearch description (`/opensearch.xml`, so the
//! site can be added as a search engine), the sitemap (`/sitemap.xml`: every passage
//! permalink and the outline, targets and projects pages, with the index's build time as
//! `lastmod`), `/robots.txt`, and the JSON-LD data block of a passage page.
//!
//! Absolute URLs use the base URL of citations ([`crate::records::base_url`]) and passage
//! URLs are the permalinks of citations ([`cite::permalink`]), so a crawler is sent where a
//! citation points. This module must never write XML by pasting unescaped text: every value
//! goes through [`xml_escape`]. There is no suggestions endpoint, so the OpenSearch
//! description names none.

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use plansearch_records::cite;

use crate::records::base_url;
use crate::AppState;

/// The browser's name for the search engine (OpenSearch allows 16 characters).
pub const SHORT_NAME: &str = "蔡甸规划检索";

/// Escape the five XML special characters.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

/// JSON for a `<script type="application/ld+json">` block: `<`, `>` and `&` are written as
/// JSON escapes, so no text can close the element (`</script>`) or open a comment.
pub fn json_ld(value: &serde_json::Value) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_string());
    json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

/// `2025-11-29T08:30:00Z`: a W3C datetime, as the sitemap protocol wants.
fn w3c_datetime(unix: u64) -> String {
    let date = cite::CiteDate::from_days((unix / 86_400) as i64);
    let secs = unix % 86_400;
    format!("{}T{:02}:{:02}:{:02}Z", date.iso(), secs / 3600, secs / 60 % 60, secs % 60)
}

pub async fn opensearch(headers: HeaderMap) -> Response {
    let base = xml_escape(&base_url(&headers));
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
  <ShortName>{short}</ShortName>
  <Description>蔡甸区“十四五”规划全文检索 Full-text search of the 14th Five-Year Plan of Caidian District, Wuhan (Chinese and English)</Description>
  <Tags>蔡甸 十四五 规划 Caidian plan</Tags>
  <Language>zh-CN</Language>
  <Language>en</Language>
  <InputEncoding>UTF-8</InputEncoding>
  <OutputEncoding>UTF-8</OutputEncoding>
  <Url type="text/html" method="get" template="{base}/search?q={{searchTerms}}"/>
  <Url type="application/opensearchdescription+xml" rel="self" template="{base}/opensearch.xml"/>
</OpenSearchDescription>
"#,
        short = xml_escape(SHORT_NAME),
    );
    ([(header::CONTENT_TYPE, "application/opensearchdescription+xml; charset=utf-8")], body).into_response()
}

pub async fn sitemap(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let base = base_url(&headers);
    let lastmod = w3c_datetime(state.engine.index.meta.built_at_unix);
    let mut body = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut url = |loc: String| {
        body.push_str(&format!("  <url><loc>{}</loc><lastmod>{lastmod}</lastmod></url>\n", xml_escape(&loc)));
    };
    for page in ["/", "/outline", "/targets", "/projects"] {
        url(format!("{base}{page}"));
    }
    for (doc, id) in &state.records.passage_ids {
        url(format!("{base}{}", cite::permalink_path(doc, id)));
    }
    body.push_str("</urlset>\n");
    ([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], body).into_response()
}

pub async fn robots(headers: HeaderMap) -> Response {
    let body = format!("User-agent: *\nDisallow: /api/\nDisallow: /search\n\nSitemap: {}/sitemap.xml\n", base_url(&headers));
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_times_are_w3c_datetimes() {
        assert_eq!(w3c_datetime(0), "1970-01-01T00:00:00Z");
        assert_eq!(w3c_datetime(1_764_405_045), "2025-11-29T08:30:45Z");
    }

    #[test]
    fn json_ld_cannot_close_its_script_element() {
        let v = serde_json::json!({"text": "</script><script>alert(1)</script> & <!--"});
        let out = json_ld(&v);
        assert!(!out.contains('<') && !out.contains('>') && !out.contains('&'), "{out}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&out).unwrap(), v, "still the same JSON");
    }
}
