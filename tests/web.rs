//! The web front end and the JSON API, driven through `tower::ServiceExt::oneshot` on the
//! real corpus. Pages are parsed with `scraper` and checked on selectors for what a user
//! sees; the API is checked for its JSON shape and for a clear 4xx on every bad input.

use axum::http::StatusCode;
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;

use crate::util::{enc, get, repo, request, web_state, Reply};

// ---- helpers ------------------------------------------------------------------------------

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("bad selector {s:?}: {e:?}"))
}

fn all<'a>(doc: &'a Html, s: &str) -> Vec<ElementRef<'a>> {
    doc.select(&sel(s)).collect()
}

fn one<'a>(doc: &'a Html, s: &str) -> ElementRef<'a> {
    let found = all(doc, s);
    assert_eq!(found.len(), 1, "expected exactly one {s:?}, found {}", found.len());
    found[0]
}

fn within<'a>(el: ElementRef<'a>, s: &str) -> Vec<ElementRef<'a>> {
    el.select(&sel(s)).collect()
}

fn text(el: ElementRef) -> String {
    el.text().collect()
}

fn href(el: ElementRef) -> String {
    el.value().attr("href").unwrap_or_else(|| panic!("no href on {}", el.html())).to_string()
}

/// A page that must answer 200 with HTML.
async fn page(uri: &str) -> Html {
    let r = get(uri).await;
    assert_eq!(r.status, StatusCode::OK, "GET {uri}: {}", r.body);
    let ctype = r.headers["content-type"].to_str().unwrap();
    assert!(ctype.starts_with("text/html"), "GET {uri}: {ctype}");
    r.html()
}

/// An API answer that must be 200 JSON.
async fn api(uri: &str) -> Value {
    let r = get(uri).await;
    assert_eq!(r.status, StatusCode::OK, "GET {uri}: {}", r.body);
    let ctype = r.headers["content-type"].to_str().unwrap();
    assert!(ctype.starts_with("application/json"), "GET {uri}: {ctype}");
    r.json()
}

fn total(doc: &Html) -> usize {
    text(one(doc, "#total")).trim().parse().unwrap()
}

fn hit_ids(doc: &Html) -> Vec<String> {
    all(doc, "li.hit .id").into_iter().map(text).collect()
}

fn chars(s: &str, from: usize, to: usize) -> String {
    s.chars().skip(from).take(to - from).collect()
}

/// A user error: the given status, a JSON body `{"error": {"code", "message"}}`.
fn assert_json_error(r: &Reply, status: StatusCode, code: &str, what: &str) {
    assert_eq!(r.status, status, "{what}: {}", r.body);
    let v = r.json();
    assert_eq!(v["error"]["code"], code, "{what}: {}", r.body);
    let message = v["error"]["message"].as_str().unwrap_or_default();
    assert!(!message.is_empty(), "{what}: an error says what is wrong");
}

// ---- the search page ----------------------------------------------------------------------

#[tokio::test]
async fn home_page_shows_a_labelled_search_box_and_example_queries_that_find_something() {
    let doc = page("/").await;
    let input = one(&doc, "form[action='/search'] input#q");
    assert_eq!(input.value().attr("name"), Some("q"));
    let label = one(&doc, "label[for=q]");
    assert!(text(label).contains("Search"), "{}", label.html());
    assert!(all(&doc, "li.hit").is_empty());

    let examples = all(&doc, "ul.examples a");
    assert!(examples.len() >= 5, "{} examples", examples.len());
    for a in examples {
        let target = href(a);
        assert!(target.starts_with("/search?q="), "{target}");
        let res = page(&target).await;
        assert!(total(&res) > 0 && !hit_ids(&res).is_empty(), "the example {:?} finds nothing", text(a));
    }
    // An empty query shows the same start page.
    let empty = page("/search?q=").await;
    assert!(!all(&empty, "ul.examples a").is_empty());
    assert!(all(&empty, "#total").is_empty());
}

#[tokio::test]
async fn results_show_a_count_breadcrumbs_links_and_snippets_marking_the_query() {
    let q = "蔡甸莲藕";
    let doc = page(&format!("/search?q={}", enc(q))).await;
    let api = api(&format!("/api/search?q={}", enc(q))).await;
    assert_eq!(total(&doc), api["total"].as_u64().unwrap() as usize);
    assert_eq!(one(&doc, "input#q").value().attr("value"), Some(q));

    let hits = all(&doc, "li.hit");
    assert_eq!(hits.len(), 10, "a first page of ten");
    for (n, hit) in hits.iter().enumerate() {
        let crumb = text(within(*hit, ".crumb.zh")[0]);
        assert!(crumb.starts_with('第'), "hit {n}: breadcrumb {crumb:?}");
        let link = href(within(*hit, "a.hit-link")[0]);
        assert!(link.starts_with("/p/caidian/"), "hit {n}: {link}");
        assert_eq!(link.split('?').next().unwrap(), api["hits"][n]["url"].as_str().unwrap(), "hit {n}: the page and the API agree on the order");
        let marks: Vec<String> = within(*hit, ".snippet.zh mark").into_iter().map(text).collect();
        assert!(!marks.is_empty(), "hit {n}: nothing marked");
        for m in &marks {
            assert!(q.contains(m.as_str()), "hit {n}: marked {m:?}, not part of {q:?}");
        }
    }
    let first: Vec<String> = within(hits[0], ".snippet.zh mark").into_iter().map(text).collect();
    assert!(first.iter().any(|m| m == q), "first hit marks {first:?}");

    // The link opens the passage, with the query highlighted there too.
    let link = href(within(hits[0], "a.hit-link")[0]);
    let passage = page(&link).await;
    let marks: Vec<String> = all(&passage, ".text mark").into_iter().map(text).collect();
    assert!(marks.iter().any(|m| m == q), "{link}: {marks:?}");
}

#[tokio::test]
async fn a_long_name_is_marked_as_one_span_and_inferred_titles_say_so() {
    let q = "中法武汉生态示范城";
    let doc = page(&format!("/search?q={}", enc(q))).await;
    let hits = all(&doc, "li.hit");
    let marks: Vec<String> = within(hits[0], ".snippet.zh mark").into_iter().map(text).collect();
    assert!(!marks.is_empty() && marks.iter().all(|m| m == q), "the whole name as one mark each time: {marks:?}");
    for hit in &hits {
        for m in within(*hit, ".zh mark") {
            assert!(text(m).chars().count() > 1, "a one-character mark: {}", hit.html());
        }
    }
    // Chapter 5 prints no title: its breadcrumb says so rather than inventing one.
    let crumb = text(within(hits[0], ".crumb.zh")[0]);
    assert!(crumb.starts_with("第五章"), "{crumb}");
    assert!(crumb.contains("title not in source"), "{crumb}");
}

#[tokio::test]
async fn facets_list_chapters_and_panels_with_counts_that_their_links_find() {
    let q = "中法武汉生态示范城";
    let doc = page(&format!("/search?q={}", enc(q))).await;
    let facets = one(&doc, "aside.facets");
    let links = within(facets, "li");
    let with = |key: &str| -> Vec<ElementRef> { links.iter().copied().filter(|li| href(within(*li, "a")[0]).contains(key)).collect() };
    let (chapters, panels) = (with("chapter="), with("panel="));
    assert!(chapters.len() > 3, "{} chapter facets", chapters.len());
    assert!(!panels.is_empty(), "no panel facets");
    let count = |li: ElementRef| -> usize { text(within(li, ".badge")[0]).parse().unwrap() };
    let sum: usize = chapters.iter().map(|li| count(*li)).sum();
    assert!(sum <= total(&doc) && sum > 0);

    // Following a chapter facet finds exactly its count, all in that chapter.
    let five = *chapters.iter().find(|li| text(within(**li, "a")[0]).starts_with("第五章")).expect("chapter 5 facet");
    let target = href(within(five, "a")[0]);
    let filtered = page(&target).await;
    assert_eq!(total(&filtered), count(five), "{target}");
    for crumb in all(&filtered, "li.hit .crumb.zh") {
        assert!(text(crumb).starts_with("第五章"), "{}", text(crumb));
    }
    // The active filter shows as a chip that removes it.
    let chip = one(&filtered, ".active-filters a.chip");
    let unfiltered = page(&href(chip)).await;
    assert_eq!(total(&unfiltered), total(&doc));

    let panel = panels[0];
    let target = href(within(panel, "a")[0]);
    assert_eq!(total(&page(&target).await), count(panel), "{target}");
}

#[tokio::test]
async fn the_hit_map_has_one_bar_per_chapter_linking_to_its_filter() {
    let q = "中法武汉生态示范城";
    let doc = page(&format!("/search?q={}", enc(q))).await;
    let bars = all(&doc, ".hitmap .bar");
    assert_eq!(bars.len(), 15);
    for (n, bar) in bars.iter().enumerate() {
        let target = href(*bar);
        assert!(target.starts_with("/search?q="), "{target}");
        assert!(target.ends_with(&format!("&chapter={}", n + 1)), "{target}");
        assert_eq!(text(within(*bar, ".n")[0]), (n + 1).to_string());
    }
    // The fourth bar's count is what its link finds.
    let sr = text(within(bars[3], ".sr")[0]);
    let shown: usize = sr.split(':').nth(1).unwrap().trim().trim_end_matches('条').trim().parse().unwrap();
    assert!(shown > 0, "{sr}");
    assert_eq!(total(&page(&href(bars[3])).await), shown);
}

#[tokio::test]
async fn a_missing_title_is_said_in_the_same_words_on_every_page() {
    // Chapter 5 prints no title: the facet, the hit map, the outline and the targets filter say so.
    let missing = plansearch_corpus::missing_title();
    let doc = page(&format!("/search?q={}", enc("中法武汉生态示范城"))).await;
    let five = all(&doc, "aside.facets li a").into_iter().map(text).find(|t| t.starts_with("第五章")).expect("chapter 5 facet");
    assert_eq!(five, format!("第五章 （{missing}）"));
    let bar = all(&doc, ".hitmap .bar")[4].value().attr("title").unwrap().to_string();
    assert!(bar.starts_with(&format!("第五章 {missing}:")), "{bar}");
    let outline = page("/outline").await;
    assert!(all(&outline, "em.missing").into_iter().all(|e| text(e) == missing));
    let targets = page("/targets").await;
    let option = all(&targets, "select[name=chapter] option").into_iter().map(text).find(|t| t.starts_with("第五章")).expect("chapter 5 option");
    assert_eq!(option, format!("第五章 （{}）", plansearch_corpus::MISSING_TITLE_ZH));
}

#[tokio::test]
async fn a_broad_query_pages_by_ten_and_page_two_starts_at_eleven() {
    let q = "发展";
    let doc = page(&format!("/search?q={}", enc(q))).await;
    assert!(total(&doc) > 20);
    let pager = one(&doc, "nav.pager");
    assert!(within(pager, "a[rel=prev]").is_empty(), "no previous page on page 1");
    let next = href(within(pager, "a[rel=next]")[0]);
    let two = page(&next).await;
    assert_eq!(one(&two, "ol.hits").value().attr("start"), Some("11"));
    let (first, second) = (hit_ids(&doc), hit_ids(&two));
    assert_eq!(second.len(), 10);
    assert!(first.iter().all(|id| !second.contains(id)), "{first:?} {second:?}");
    let api = api(&format!("/api/search?q={}&offset=10", enc(q))).await;
    assert_eq!(second[0], api["hits"][0]["id"].as_str().unwrap());
    // Back from page 2 is page 1.
    let prev = href(within(one(&two, "nav.pager"), "a[rel=prev]")[0]);
    assert_eq!(hit_ids(&page(&prev).await), first);
}

#[tokio::test]
async fn every_link_of_a_filtered_search_keeps_its_filters() {
    // A company filter alone: one passage, every link of the page still filters by it.
    let company = format!("company={}", enc("格力"));
    let uri = format!("/search?q=&{company}");
    let doc = page(&uri).await;
    assert_eq!(total(&doc), 1);
    let chapters: Vec<String> = all(&doc, "aside.facets li a").into_iter().map(href).filter(|h| h.contains("chapter=")).collect();
    let views: Vec<String> = all(&doc, ".viewtoggle a").into_iter().map(href).collect();
    let bars: Vec<String> = all(&doc, ".hitmap .bar").into_iter().map(href).collect();
    assert!(!chapters.is_empty() && views.len() == 3 && bars.len() == 15, "{chapters:?} {views:?} {bars:?}");
    for h in chapters.iter().chain(&views).chain(&bars) {
        assert!(h.contains(&company), "{uri}: the link {h} drops the company filter");
    }
    assert_eq!(total(&page(&chapters[0]).await), 1, "{}", chapters[0]);
    let hidden: Vec<(String, String)> = all(&doc, "form.search input[type=hidden]")
        .into_iter()
        .map(|i| (i.value().attr("name").unwrap().to_string(), i.value().attr("value").unwrap().to_string()))
        .collect();
    assert!(hidden.contains(&("company".into(), "格力".into())), "the search box keeps the filter: {hidden:?}");

    // The pager too, with every other filter.
    let uri = format!("/search?q=&company={}&kind=table&limit=2", enc("汽车"));
    let doc = page(&uri).await;
    assert!(total(&doc) > 2, "{uri}");
    let next = href(one(&doc, "nav.pager a[rel=next]"));
    for part in [format!("company={}", enc("汽车")), "kind=table_row".to_string()] {
        assert!(next.contains(&part), "{uri}: the next page {next} drops {part}");
    }
    let two = page(&next).await;
    assert_eq!(total(&two), total(&doc), "{next}");
}

#[tokio::test]
async fn pagination_keeps_the_page_size_and_the_language() {
    let q = "发展";
    let doc = page(&format!("/search?q={}&limit=3&lang=zh", enc(q))).await;
    assert_eq!(hit_ids(&doc).len(), 3);
    let next = href(one(&doc, "nav.pager a[rel=next]"));
    assert!(next.contains("limit=3") && next.contains("lang=zh"), "{next}");
    let two = page(&next).await;
    assert_eq!(one(&two, "ol.hits").value().attr("start"), Some("4"), "{next}: page 2 starts at hit 4");
    let api = api(&format!("/api/search?q={}&offset=3&limit=3&lang=zh", enc(q))).await;
    let expected: Vec<&str> = api["hits"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(hit_ids(&two), expected);
    let prev = href(one(&two, "nav.pager a[rel=prev]"));
    assert!(prev.contains("limit=3") && prev.contains("lang=zh"), "{prev}");
    assert_eq!(hit_ids(&page(&prev).await), hit_ids(&doc));
    for h in all(&two, ".viewtoggle a").into_iter().map(href) {
        assert!(h.contains("limit=3") && h.contains("lang=zh"), "{h}");
    }
}

#[tokio::test]
async fn no_result_says_how_the_query_was_read_and_suggests_one_that_finds_something() {
    // Chapter 3 (innovation) never mentions lotus root.
    let q = "chapter:3 莲藕";
    let doc = page(&format!("/search?q={}", enc(q))).await;
    assert_eq!(total(&doc), 0);
    assert!(all(&doc, "li.hit").is_empty());
    let box_ = one(&doc, ".noresult");
    assert_eq!(text(within(box_, "code")[0]), "莲藕 chapter:3");
    let suggestion = within(box_, "a.suggestion");
    assert_eq!(suggestion.len(), 1, "{}", box_.html());
    let found = page(&href(suggestion[0])).await;
    assert!(total(&found) > 0);
    assert!(!hit_ids(&found).is_empty());
}

// ---- the passage page ---------------------------------------------------------------------

#[tokio::test]
async fn a_passage_page_shows_its_text_id_place_neighbours_and_context() {
    let doc = page("/p/caidian/4.1.1").await;
    let json = api("/api/passages/caidian/4.1.1").await;
    assert_eq!(text(one(&doc, ".text.zh")), json["text"].as_str().unwrap());
    assert!(text(one(&doc, ".text.zh")).starts_with("壮大汽车及零部件产业能级"));
    assert_eq!(text(one(&doc, "#pid")), "caidian/4.1.1");
    let crumb = text(one(&doc, "nav.crumb"));
    assert!(crumb.ends_with("第四章 聚力实体经济，加快构建现代产业体系 › 第一节 大力发展先进制造业"), "{crumb}");
    assert_eq!(href(one(&doc, "a[rel=prev]")), "/p/caidian/4.1");
    assert_eq!(href(one(&doc, "a[rel=next]")), "/p/caidian/p4-1");
    assert_eq!(all(&doc, ".context .ctx.before").len(), 2);
    assert_eq!(all(&doc, ".context .ctx.after").len(), 2);
    assert!(all(&doc, ".text mark").is_empty(), "nothing marked without a query");

    // Previous, then next, comes back.
    let prev = page("/p/caidian/4.1").await;
    assert_eq!(href(one(&prev, "a[rel=next]")), "/p/caidian/4.1.1");
}

#[tokio::test]
async fn a_passage_page_marks_the_query_and_keeps_it_on_its_links() {
    let doc = page(&format!("/p/caidian/4.1.1?q={}", enc("汽车"))).await;
    let body = text(one(&doc, ".text.zh"));
    let marks: Vec<String> = all(&doc, ".text mark").into_iter().map(text).collect();
    assert_eq!(marks.len(), body.matches("汽车").count(), "{marks:?}");
    assert!(marks.iter().all(|m| m == "汽车"), "{marks:?}");
    let next = href(one(&doc, "a[rel=next]"));
    assert_eq!(next, format!("/p/caidian/p4-1?q={}", enc("汽车")));
}

#[tokio::test]
async fn a_passage_page_marks_the_same_words_as_the_hit_that_linked_to_it() {
    // 城市内涝 is not in the plan; its synonym 城市排涝 is, and the hit marks that.
    let q = "城市内涝";
    let res = api(&format!("/api/search?q={}", enc(q))).await;
    let hits = res["hits"].as_array().unwrap();
    assert!(!hits.is_empty(), "{q}: no hit");
    let marked = |text: &str, spans: &Value| -> Vec<String> {
        spans.as_array().unwrap().iter().map(|s| chars(text, s[0].as_u64().unwrap() as usize, s[1].as_u64().unwrap() as usize)).collect()
    };
    let mut saw_synonym = false;
    for h in hits.iter().take(3) {
        let zh = marked(h["text"].as_str().unwrap(), &h["highlights"]);
        saw_synonym |= zh.iter().any(|m| m.contains("排涝"));
        let link = format!("{}?q={}", h["url"].as_str().unwrap(), enc(q));
        let doc = page(&link).await;
        let on_page: Vec<String> = all(&doc, ".text.zh mark").into_iter().map(text).collect();
        assert_eq!(on_page, zh, "{link}: the passage page marks other words than its hit");
        if let Some(en) = h["text_en"].as_str() {
            let on_page: Vec<String> = all(&doc, ".text.en mark").into_iter().map(text).collect();
            assert_eq!(on_page, marked(en, &h["highlights_en"]), "{link}: English marks differ from the hit's");
        }
    }
    assert!(saw_synonym, "{q}: no hit marks the synonym 城市排涝");
}

#[tokio::test]
async fn the_default_document_needs_no_name_and_an_unknown_passage_is_a_404_page() {
    let doc = page("/p/4.1.1").await;
    assert_eq!(text(one(&doc, "#pid")), "caidian/4.1.1");

    for uri in ["/p/caidian/9.9.9", "/p/nope", "/p/nodoc/4.1.1"] {
        let r = get(uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(r.headers["content-type"].to_str().unwrap().starts_with("text/html"));
        let doc = r.html();
        assert_eq!(text(one(&doc, "h1")), "404", "{uri}");
        assert!(!all(&doc, "a[href='/']").is_empty(), "{uri}: a way back");
    }
}

// ---- the outline --------------------------------------------------------------------------

#[tokio::test]
async fn the_outline_lists_fifteen_chapters_with_sections_panels_and_counts() {
    let doc = page("/outline").await;
    let json = api("/api/outline").await;
    let chapters = all(&doc, "ol.chapters > li");
    assert_eq!(chapters.len(), 15);
    let expected = &json["documents"][0]["chapters"];
    for (n, ch) in chapters.iter().enumerate() {
        let e = &expected[n];
        assert_eq!(ch.value().id(), Some(format!("ch{}", n + 1).as_str()));
        let first = href(within(*ch, "a")[0]);
        assert_eq!(first, format!("/p/caidian/{}", e["first"].as_str().unwrap()));
        let badge: usize = text(within(*ch, ".badge")[0]).parse().unwrap();
        assert_eq!(badge as u64, e["passages"].as_u64().unwrap());
        assert!(badge > 0);
        let sections = within(*ch, "ol.sections > li");
        assert_eq!(sections.len(), e["sections"].as_array().unwrap().len());
        assert!(!sections.is_empty(), "chapter {}", n + 1);
        let filter = within(*ch, "a.filter");
        assert!(href(filter[0]).contains(&format!("chapter={}", n + 1)));
        // The chapter's first passage opens.
        page(&first).await;
    }
    // Chapter 4: its sections, and panel 4-1 under the first.
    let four = chapters[3];
    assert!(text(within(four, "a")[0]).contains("聚力实体经济"));
    let first_section = within(four, "ol.sections > li")[0];
    assert!(text(first_section).contains("大力发展先进制造业"));
    let panels: Vec<String> = within(first_section, "ul.panels a").into_iter().map(text).collect();
    assert!(panels.iter().any(|p| p.starts_with("专栏 4-1")), "{panels:?}");
    // Chapter 5 prints no title in the source: the outline says so.
    let five = within(chapters[4], "a")[0];
    assert!(text(five).starts_with("第五章"));
    assert!(text(within(five, "em.missing")[0]).contains("title not in source"));
}

#[tokio::test]
async fn outline_section_and_panel_search_links_find_their_passages() {
    let doc = page("/outline").await;
    let filters = all(&doc, "ol.sections a.filter");
    let section = filters.iter().find(|a| href(**a).contains("section=4.1")).expect("a search link for section 4.1");
    let res = page(&format!("{}{}", href(*section), enc("汽车"))).await;
    assert!(total(&res) > 0);
    let panel = filters.iter().find(|a| href(**a).contains("panel=4-1")).expect("a search link for panel 4-1");
    let res = page(&format!("{}{}", href(*panel), enc("汽车"))).await;
    assert!(total(&res) > 0);
    for crumb in all(&res, "li.hit .crumb.zh") {
        assert!(text(crumb).contains("专栏 4-1"), "{}", text(crumb));
    }
}

/// The outline's "在本章检索 search here" link is `/search?chapter=N&q=`: a filter and no
/// words. The engine answers any query without words with nothing (plansearch_search::Engine::search
/// returns early when there are no groups, whatever the filters), so the page says
/// "No passage matches" for a chapter of 48 passages.
#[tokio::test]
async fn outline_chapter_search_links_find_the_chapters_passages() {
    let doc = page("/outline").await;
    let link = href(all(&doc, "ol.chapters > li#ch5 > a.filter")[0]);
    let res = page(&link).await;
    assert!(all(&res, ".noresult").is_empty(), "{link} says nothing matches");
    assert_eq!(total(&res), 48);
}

// ---- escaping -----------------------------------------------------------------------------

/// The only script a page may load is the site's own; a JSON-LD data block is data, which
/// the browser never runs, and must parse as JSON.
fn assert_only_own_script(doc: &Html, what: &str) {
    let (data, scripts): (Vec<ElementRef>, Vec<ElementRef>) =
        all(doc, "script").into_iter().partition(|s| s.value().attr("type") == Some("application/ld+json"));
    for d in data {
        serde_json::from_str::<Value>(&text(d)).unwrap_or_else(|e| panic!("{what}: a JSON-LD block that is not JSON ({e}): {}", d.html()));
    }
    assert_eq!(scripts.len(), 1, "{what}: {} scripts", scripts.len());
    assert_eq!(scripts[0].value().attr("src"), Some("/static/app.js"), "{what}");
    assert!(text(scripts[0]).is_empty());
    for el in doc.root_element().descendants().filter_map(ElementRef::wrap) {
        for (name, _) in el.value().attrs() {
            assert!(!name.starts_with("on"), "{what}: an event handler {}", el.html());
        }
    }
}

#[tokio::test]
async fn a_script_in_the_query_is_shown_as_text_never_run() {
    let q = "<script>alert(1)</script>";
    let r = get(&format!("/search?q={}", enc(q))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains(q), "the query appears unescaped");
    let doc = r.html();
    assert_only_own_script(&doc, "search");
    assert_eq!(one(&doc, "input#q").value().attr("value"), Some(q));
    assert!(text(one(&doc, "title")).contains(q));

    let r = get(&format!("/p/caidian/4.1.1?q={}", enc(q))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains(q));
    let doc = r.html();
    assert_only_own_script(&doc, "passage");
    assert!(all(&doc, "article a").into_iter().any(|a| text(a).contains(q)));

    // An error page echoing the path escapes it too.
    let r = get("/nope%3Cscript%3Ealert(1)%3C/script%3E").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(all(&r.html(), "script").len(), 0);
}

#[tokio::test]
async fn quotes_in_the_query_stay_inside_the_value_attribute() {
    for q in ["a\" autofocus onfocus=\"alert(1)", "a' onmouseover='alert(1)", "\"><img src=x onerror=alert(1)>"] {
        let doc = page(&format!("/search?q={}", enc(q))).await;
        let input = one(&doc, "input#q");
        assert_eq!(input.value().attr("value"), Some(q));
        assert_eq!(input.value().attr("autofocus"), None);
        assert!(all(&doc, "img").is_empty(), "{q}");
        assert_only_own_script(&doc, q);
        for a in all(&doc, "a.hit-link, .hitmap .bar") {
            assert!(href(a).starts_with('/'), "{}", a.html());
        }
    }
}

// ---- browsers and crawlers: OpenSearch, sitemap, robots.txt, JSON-LD, canonical links -------

/// `GET uri` with a `Host` header, as a browser or a crawler sends it.
async fn get_with_host(uri: &str, host: &str) -> Reply {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let req = axum::http::Request::builder().uri(uri).header("host", host).body(axum::body::Body::empty()).unwrap();
    let res = plansearch_web::app(web_state()).oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let body = String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    Reply { status, headers, body }
}

/// The base URL the app uses when a request names no host (and `PLANSEARCH_BASE_URL` is unset).
fn base() -> String {
    plansearch_records::cite::configured_base_url().unwrap_or_else(|| plansearch_records::cite::LOCAL_BASE_URL.to_string())
}

/// An XML answer: its status, media type and a parse that must succeed.
fn xml<'a>(r: &'a Reply, media: &str, what: &str) -> roxmltree::Document<'a> {
    assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.body);
    assert!(r.headers["content-type"].to_str().unwrap().starts_with(media), "{what}: {:?}", r.headers["content-type"]);
    roxmltree::Document::parse(&r.body).unwrap_or_else(|e| panic!("{what} is not well-formed XML: {e}"))
}

fn children<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Vec<roxmltree::Node<'a, 'i>> {
    node.children().filter(|c| c.is_element() && c.tag_name().name() == name).collect()
}

#[tokio::test]
async fn every_page_links_an_opensearch_description_that_searches_the_site() {
    for uri in
        ["/", "/search?q=%E8%8E%B2%E8%97%95", "/search?q=chapter%3A3%20%E8%8E%B2%E8%97%95", "/p/caidian/4.1.3", "/outline", "/targets", "/projects"]
    {
        let doc = page(uri).await;
        let link = one(&doc, "head link[rel=search]");
        assert_eq!(link.value().attr("type"), Some("application/opensearchdescription+xml"), "{uri}");
        assert_eq!(link.value().attr("href"), Some("/opensearch.xml"), "{uri}");
        assert!(!link.value().attr("title").unwrap_or("").is_empty(), "{uri}: a browser shows the title");
    }
    let missing = get("/p/caidian/9.9.9").await;
    assert_eq!(all(&missing.html(), "head link[rel=search]").len(), 1, "the error page too");

    let r = get_with_host("/opensearch.xml", "plans.example.org").await;
    let doc = xml(&r, "application/opensearchdescription+xml", "/opensearch.xml");
    let root = doc.root_element();
    assert_eq!((root.tag_name().namespace(), root.tag_name().name()), (Some("http://a9.com/-/spec/opensearch/1.1/"), "OpenSearchDescription"));
    let short = children(root, "ShortName")[0].text().unwrap_or("");
    assert!(!short.is_empty() && short.chars().count() <= 16, "ShortName {short:?}: at most 16 characters");
    assert!(!children(root, "Description")[0].text().unwrap_or("").is_empty());
    let urls = children(root, "Url");
    let html = urls.iter().find(|u| u.attribute("type") == Some("text/html")).expect("a text/html Url");
    let template = html.attribute("template").unwrap();
    assert!(template.starts_with("http://plans.example.org/search?") && template.contains("{searchTerms}"), "{template}");
    assert!(urls.iter().all(|u| u.attribute("type") != Some("application/x-suggestions+json")), "no suggestions endpoint exists");
    // The template, filled in as a browser does, finds the query.
    let filled = template.replace("{searchTerms}", &enc("蔡甸莲藕")).replace("http://plans.example.org", "");
    let res = page(&filled).await;
    assert!(total(&res) > 0, "{filled}");
}

#[tokio::test]
async fn the_sitemap_lists_every_passage_permalink_and_the_record_pages_with_the_build_time() {
    let r = get("/sitemap.xml").await;
    let doc = xml(&r, "application/xml", "/sitemap.xml");
    let root = doc.root_element();
    assert_eq!((root.tag_name().namespace(), root.tag_name().name()), (Some("http://www.sitemaps.org/schemas/sitemap/0.9"), "urlset"));
    let meta = &web_state().engine.index.meta;
    let day = plansearch_records::CiteDate::from_days((meta.built_at_unix / 86_400) as i64).iso();
    let mut locs = Vec::new();
    for url in children(root, "url") {
        let loc = children(url, "loc")[0].text().unwrap().to_string();
        let lastmod = children(url, "lastmod")[0].text().unwrap();
        assert!(lastmod.starts_with(&format!("{day}T")) && lastmod.ends_with('Z') && lastmod.len() == 20, "{loc}: lastmod {lastmod}");
        locs.push(loc);
    }
    let base = base();
    let passages: Vec<&String> = locs.iter().filter(|l| l.starts_with(&format!("{base}/p/"))).collect();
    assert_eq!(passages.len(), 468, "every passage of the Caidian plan");
    assert_eq!(passages.len(), meta.passages);
    let unique: std::collections::HashSet<&&String> = passages.iter().collect();
    assert_eq!(unique.len(), passages.len(), "no permalink twice");
    for page in ["/outline", "/targets", "/projects"] {
        assert!(locs.contains(&format!("{base}{page}")), "{page} in the sitemap");
    }
    assert!(locs.contains(&format!("{base}/p/caidian/4.1.3")) && locs.contains(&format!("{base}/p/caidian/p4-2.r1")));
    for loc in &locs {
        let path = loc.strip_prefix(&base).unwrap_or_else(|| panic!("{loc} is not under {base}"));
        assert!(path.bytes().all(|b| b.is_ascii_alphanumeric() || b"/-._~%".contains(&b)), "{loc}: percent-encoded");
    }
    // Every URL answers, as a crawler would find.
    for loc in &locs {
        let path = loc.strip_prefix(&base).unwrap();
        let r = get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{loc}");
    }
    // The URLs follow the host a request came to, like citations.
    let r = get_with_host("/sitemap.xml", "plans.example.org").await;
    let doc = xml(&r, "application/xml", "/sitemap.xml with a host");
    let first_passage = doc.descendants().filter(|n| n.tag_name().name() == "loc").filter_map(|n| n.text()).find(|t| t.contains("/p/"));
    assert_eq!(first_passage, Some("http://plans.example.org/p/caidian/0"));
}

#[tokio::test]
async fn robots_txt_points_at_the_sitemap_and_keeps_crawlers_off_the_api_and_search() {
    let r = get_with_host("/robots.txt", "plans.example.org").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers["content-type"].to_str().unwrap().starts_with("text/plain"));
    let rules: Vec<(String, String)> =
        r.body.lines().filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string())).collect();
    let values = |k: &str| rules.iter().filter(|(key, _)| key == k).map(|(_, v)| v.as_str()).collect::<Vec<_>>();
    assert_eq!(values("user-agent"), ["*"]);
    let disallowed = values("disallow");
    assert!(disallowed.contains(&"/api/") && disallowed.contains(&"/search"), "{disallowed:?}");
    assert!(!disallowed.iter().any(|d| "/p/caidian/4.1.3".starts_with(d) || "/sitemap.xml".starts_with(d)), "passages stay crawlable");
    assert_eq!(values("sitemap"), ["http://plans.example.org/sitemap.xml"]);
}

#[tokio::test]
async fn a_passage_page_describes_itself_in_json_ld_and_names_its_canonical_permalink() {
    let api = api("/api/passages/caidian/4.1.3").await;
    for uri in ["/p/caidian/4.1.3", "/p/4.1.3", "/p/caidian/4.1.3?q=%E5%AE%9E%E4%BD%93"] {
        let doc = page(uri).await;
        let canonical = one(&doc, "head link[rel=canonical]");
        assert_eq!(canonical.value().attr("href").map(str::to_string), Some(format!("{}/p/caidian/4.1.3", base())), "{uri}");
        let block = one(&doc, "script[type='application/ld+json']");
        let ld: Value = serde_json::from_str(&text(block)).unwrap_or_else(|e| panic!("{uri}: {e}"));
        assert_eq!(ld["@context"], "https://schema.org");
        assert_eq!(ld["@type"], "CreativeWork");
        assert_eq!(ld["name"], "第四章第一节，段落 4.1.3", "named as its citation names it");
        assert_eq!(ld["text"], api["text"], "{uri}: the passage's own text");
        assert_eq!(ld["inLanguage"], "zh-CN");
        assert_eq!(ld["url"].as_str(), canonical.value().attr("href"));
        assert_eq!(ld["isPartOf"]["name"], "蔡甸区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要");
        assert_eq!(ld["isPartOf"]["author"]["name"], "蔡甸区人民政府");
        assert_eq!(ld["workTranslation"]["text"], api["text_en"]);
        assert_eq!(ld["workTranslation"]["inLanguage"], "en");
    }
    // The data block is never script: the page still runs only the site's own file.
    let doc = page("/p/caidian/5.2.1").await;
    assert_only_own_script(&doc, "passage with JSON-LD");
    let ld: Value = serde_json::from_str(&text(one(&doc, "script[type='application/ld+json']"))).unwrap();
    assert_eq!(ld["name"], "第五章（标题缺失）第二节（标题缺失），段落 5.2.1", "a missing title stays missing");
}

// ---- accessibility (the browser test runs axe-core over the same pages) ------------------

#[tokio::test]
async fn every_page_has_one_main_heading() {
    for uri in [
        "/",
        "/search?q=%E8%8E%B2%E8%97%95",
        "/search?q=chapter%3A3%20%E8%8E%B2%E8%97%95",
        "/search?q=&chapter=4",
        "/search?q=%E8%8E%B2%E8%97%95&view=en",
        "/p/caidian/4.1.3",
        "/outline",
        "/targets",
        "/projects",
    ] {
        let doc = page(uri).await;
        assert!(!text(one(&doc, "h1")).trim().is_empty(), "{uri}: an empty h1");
    }
    let doc = page("/search?q=%E8%8E%B2%E8%97%95").await;
    assert_eq!(text(one(&doc, "h1 q")), "莲藕", "the heading names the query");
}

#[tokio::test]
async fn chart_links_are_not_hidden_inside_an_image() {
    let doc = page("/targets").await;
    let charts = all(&doc, "figure.chart svg");
    assert_eq!(charts.len(), 2);
    for svg in charts {
        // role=img makes its children presentational: a link inside would be unreachable.
        assert_ne!(svg.value().attr("role"), Some("img"), "{}", &svg.html()[..200]);
        assert!(svg.value().attr("aria-labelledby").is_some());
        let links = within(svg, "a[href]");
        assert!(!links.is_empty());
        for a in links {
            assert!(!text(within(a, "title")[0]).trim().is_empty(), "a chart link has a name: {}", a.html());
        }
    }
}

// ---- headers ------------------------------------------------------------------------------

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    for uri in [
        "/",
        "/search?q=%E8%8E%B2%E8%97%95",
        "/p/caidian/4.1.1",
        "/outline",
        "/static/app.js",
        "/static/style.css",
        "/api/search?q=a",
        "/api/passages/caidian/4.1.1",
        "/api/outline",
        "/api/openapi.json",
        "/healthz",
        "/nope",
        "/api/nope",
        "/search?q=%ff",
        "/api/search?limit=abc",
        "/p/caidian/nope",
    ] {
        let r = get(uri).await;
        let h = |name: &str| r.headers.get(name).unwrap_or_else(|| panic!("{uri}: no {name}")).to_str().unwrap().to_string();
        let csp = h("content-security-policy");
        let script_src =
            csp.split(';').map(str::trim).find(|d| d.starts_with("script-src")).unwrap_or_else(|| panic!("{uri}: no script-src in {csp}"));
        assert!(!script_src.contains("unsafe-inline"), "{uri}: {csp}");
        assert!(!csp.contains("unsafe-eval"), "{uri}: {csp}");
        assert!(csp.contains("object-src 'none'"), "{uri}: {csp}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{uri}");
        assert!(!h("referrer-policy").is_empty(), "{uri}");
    }
}

#[tokio::test]
async fn static_files_are_served_with_their_types() {
    let r = get("/static/app.js").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers["content-type"].to_str().unwrap().starts_with("text/javascript"));
    let r = get("/static/style.css").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers["content-type"].to_str().unwrap().starts_with("text/css"));
}

// ---- the JSON API -------------------------------------------------------------------------

#[tokio::test]
async fn api_search_answers_the_documented_shape() {
    let v = api(&format!("/api/search?q={}", enc("汽车"))).await;
    assert_eq!(v["query"], "汽车");
    assert!(v["interpreted"]["query"].is_string());
    assert!(v["interpreted"]["groups"].is_array());
    assert!(v["total"].as_u64().unwrap() >= 10);
    assert!(v["took_ms"].is_number());
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 10);
    for h in hits {
        for key in ["id", "doc", "kind", "url", "text", "snippet"] {
            assert!(h[key].is_string(), "{key}: {h}");
        }
        assert_eq!(h["url"].as_str().unwrap(), format!("/p/{}/{}", h["doc"].as_str().unwrap(), h["id"].as_str().unwrap()));
        assert!(h["chapter"]["number"].is_u64(), "{h}");
        assert!(h["chapter"].get("title").is_some(), "{h}");
        for key in ["section", "panel"] {
            assert!(h.get(key).is_some(), "{key} is present, maybe null: {h}");
            assert!(h[key].is_null() || h[key].is_object(), "{key}: {h}");
        }
        assert!(h["score"].is_number());
        let body = h["text"].as_str().unwrap();
        let spans = h["highlights"].as_array().unwrap();
        assert!(!spans.is_empty(), "{h}");
        for s in spans {
            let (a, b) = (s[0].as_u64().unwrap() as usize, s[1].as_u64().unwrap() as usize);
            assert!(a < b && b <= body.chars().count(), "{s} in {body}");
            assert_eq!(chars(body, a, b), "汽车", "highlight {s} is in characters");
        }
    }
    let facets = &v["facets"];
    let chapters = facets["chapters"].as_array().unwrap();
    assert!(!chapters.is_empty());
    for c in chapters {
        assert!(c["number"].is_u64() && c["count"].as_u64().unwrap() > 0, "{c}");
    }
    assert!(facets["panels"].is_array());
}

#[tokio::test]
async fn api_highlights_and_snippet_marks_point_at_the_same_characters() {
    for q in ["中法武汉生态示范城", "蔡甸莲藕", "营商环境", "5G 基站", "“十四五”"] {
        let v = api(&format!("/api/search?q={}&limit=20", enc(q))).await;
        for h in v["hits"].as_array().unwrap() {
            let body = h["text"].as_str().unwrap();
            let snippet = h["snippet"].as_str().unwrap();
            let start = h["snippet_start"].as_u64().unwrap() as usize;
            assert_eq!(chars(body, start, start + snippet.chars().count()), snippet);
            let spans: Vec<(usize, usize)> =
                h["highlights"].as_array().unwrap().iter().map(|s| (s[0].as_u64().unwrap() as usize, s[1].as_u64().unwrap() as usize)).collect();
            let html = Html::parse_fragment(h["snippet_html"].as_str().unwrap());
            let marks: Vec<String> = all(&html, "mark").into_iter().map(text).collect();
            let in_snippet: Vec<&Value> = h["snippet_highlights"].as_array().unwrap().iter().collect();
            assert_eq!(marks.len(), in_snippet.len(), "{q}: {h}");
            for (m, s) in marks.iter().zip(in_snippet) {
                let (a, b) = (s[0].as_u64().unwrap() as usize, s[1].as_u64().unwrap() as usize);
                assert_eq!(&chars(snippet, a, b), m, "{q}");
                assert!(spans.contains(&(start + a, start + b)), "{q}: a snippet highlight that is not a text highlight: {h}");
            }
        }
    }
}

#[tokio::test]
async fn api_passages_give_the_passage_its_place_and_neighbours() {
    let v = api("/api/passages/caidian/4.1.1").await;
    assert_eq!(v["doc"], "caidian");
    assert_eq!(v["id"], "4.1.1");
    assert_eq!(v["kind"], "paragraph");
    assert_eq!(v["url"], "/p/caidian/4.1.1");
    assert_eq!(v["chapter"]["number"], 4);
    assert_eq!(v["section"]["number"], "4.1");
    assert_eq!(v["breadcrumb"], "第四章 聚力实体经济，加快构建现代产业体系 › 第一节 大力发展先进制造业");
    assert_eq!(v["previous"]["id"], "4.1");
    assert_eq!(v["next"]["id"], "p4-1");
    let ids = |k: &str| -> Vec<String> { v[k].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_string()).collect() };
    assert_eq!(ids("context_before"), ["4.0.1", "4.1"]);
    assert_eq!(ids("context_after"), ["p4-1", "p4-1.r1"]);

    assert_eq!(api("/api/passages/4.1.1").await, v, "the default document");

    // The first passage of the plan has nothing before it.
    let first = web_state().engine.at("caidian", 0).unwrap().unwrap();
    let v = api(&format!("/api/passages/caidian/{}", first.id)).await;
    assert_eq!(v["previous"], Value::Null);
    assert_eq!(v["context_before"].as_array().unwrap().len(), 0);
    assert_eq!(v["context_after"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn api_outline_and_health_describe_the_index() {
    let v = api("/api/outline").await;
    let docs = v["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 1);
    let d = &docs[0];
    assert_eq!(d["slug"], "caidian");
    let chapters = d["chapters"].as_array().unwrap();
    assert_eq!(chapters.len(), 15);
    let in_chapters: u64 = chapters.iter().map(|c| c["passages"].as_u64().unwrap()).sum();
    assert!(in_chapters <= d["passages"].as_u64().unwrap());
    assert_eq!(chapters[4]["title"], Value::Null);
    assert_eq!(chapters[4]["inferred"], true);

    let h = api("/healthz").await;
    assert_eq!(h["status"], "ok");
    assert_eq!(h["passages"], d["passages"]);
    assert_eq!(h["documents"], 1);
    assert_eq!(h["passages"].as_u64().unwrap() as usize, web_state().engine.index.meta.passages);
}

/// The route paths of the API in `crates/web/src/lib.rs`, read from its source.
fn api_routes() -> Vec<String> {
    let src = std::fs::read_to_string(repo().join("crates/web/src/lib.rs")).unwrap();
    let routes: Vec<String> = src
        .match_indices(".route(\"")
        .map(|(at, m)| {
            let rest = &src[at + m.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .filter(|p| p.starts_with("/api/") || p == "/healthz")
        .collect();
    assert!(routes.len() >= 5, "routes read from lib.rs: {routes:?}");
    routes
}

#[tokio::test]
async fn the_openapi_document_names_every_api_route_and_every_path_it_names_answers() {
    let doc = api("/api/openapi.json").await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for route in api_routes() {
        assert!(paths.contains_key(&route), "{route} is served but not documented");
    }
    for (path, item) in paths {
        assert!(item.get("get").is_some(), "{path}");
        let uri = path.replace("{doc}", "caidian").replace("{id}", "4.1.1");
        // A path with a required parameter gets an example; a CSV path answers CSV.
        let uri = match path.as_str() {
            "/api/search" => format!("{uri}?q={}", enc("汽车")),
            "/api/verify" => format!("{uri}?quote={}", enc("莲藕基地达到10万亩")),
            "/api/search/cite" => format!("{uri}?q={}&format=csl-json", enc("汽车")),
            _ => uri,
        };
        let r = get(&uri).await;
        assert_eq!(r.status, StatusCode::OK, "{path} is documented; {uri}: {}", r.body);
        if !path.ends_with(".csv") {
            r.json();
        }
    }
}

// ---- errors -------------------------------------------------------------------------------

#[tokio::test]
async fn an_empty_query_is_a_valid_empty_answer_with_a_message() {
    for uri in ["/api/search?q=", "/api/search", "/api/search?q=%20%20", "/api/search?q=%22%22"] {
        let v = api(uri).await;
        assert_eq!(v["total"], 0, "{uri}");
        assert_eq!(v["hits"].as_array().unwrap().len(), 0, "{uri}");
        assert!(!v["message"].as_str().unwrap_or_default().is_empty(), "{uri}: {v}");
    }
}

#[tokio::test]
async fn bad_parameters_are_a_clear_400_never_a_5xx() {
    // Longer than the engine reads, shorter than the address limit (beyond it: 414, tests/load.rs).
    let long = "a".repeat(5_000);
    let cases: &[(&str, &str)] = &[
        (&format!("/api/search?q={long}"), "query_too_long"),
        (&format!("/api/search?q={}", "汽".repeat(501)), "query_too_long"),
        ("/api/search?q=%ff", "bad_encoding"),
        ("/api/search?q=%E4%B8", "bad_encoding"),
        ("/api/search?q=%zz", "bad_encoding"),
        ("/api/search?q=%", "bad_encoding"),
        ("/api/search?q=a&limit=-1", "bad_parameter"),
        ("/api/search?q=a&limit=abc", "bad_parameter"),
        ("/api/search?q=a&limit=0", "bad_parameter"),
        ("/api/search?q=a&limit=1.5", "bad_parameter"),
        ("/api/search?q=a&offset=-3", "bad_parameter"),
        ("/api/search?q=a&offset=99999999999999999999", "bad_parameter"),
        ("/api/search?q=a&offset=10001", "bad_parameter"),
        ("/api/search?q=a&page=99999999999999", "bad_parameter"),
        ("/api/search?q=a&page=x", "bad_parameter"),
        ("/api/search?q=a&chapter=99", "unknown_chapter"),
        ("/api/search?q=a&chapter=0", "bad_parameter"),
        ("/api/search?q=a&chapter=abc", "bad_parameter"),
        ("/api/search?q=a&section=99.9", "unknown_section"),
        ("/api/search?q=a&section=x", "bad_parameter"),
        ("/api/search?q=a&panel=99-9", "unknown_panel"),
        ("/api/search?q=a&panel=%3Cscript%3E", "bad_parameter"),
        ("/api/search?q=a&kind=foo", "bad_parameter"),
        ("/api/search?q=a&doc=nope", "unknown_document"),
        ("/api/search?q=a&doc=..%2F..", "bad_parameter"),
    ];
    for (uri, code) in cases {
        let what = &uri[..uri.len().min(80)];
        assert_json_error(&get(uri).await, StatusCode::BAD_REQUEST, code, what);
    }
}

#[tokio::test]
async fn odd_but_harmless_parameters_give_a_valid_answer() {
    let v = api("/api/search?q=%3Cscript%3E").await;
    assert_eq!(v["query"], "<script>");

    // A huge limit is capped.
    let v = api(&format!("/api/search?q={}&limit=100000", enc("发展"))).await;
    assert_eq!(v["limit"], 100);
    assert_eq!(v["hits"].as_array().unwrap().len(), 100);

    // Past the end: no hits, the total still told.
    let v = api(&format!("/api/search?q={}&offset=5000", enc("汽车"))).await;
    assert!(v["total"].as_u64().unwrap() > 0);
    assert_eq!(v["hits"].as_array().unwrap().len(), 0);
    let v = api(&format!("/api/search?q={}&offset=10000&limit=100", enc("发展"))).await;
    assert_eq!(v["hits"].as_array().unwrap().len(), 0);

    // Unknown parameters are ignored; empty ones are as if absent; the last repeat wins.
    let plain = api(&format!("/api/search?q={}", enc("汽车"))).await;
    for extra in ["&foo=bar", "&limit=", "&chapter=", "&&", "&=x", "&q"] {
        let v = api(&format!("/api/search?q={}{extra}", enc("汽车"))).await;
        if extra == "&q" {
            assert_eq!(v["total"], 0, "{extra}: q given twice, the last (empty) wins");
        } else {
            assert_eq!(v["total"], plain["total"], "{extra}");
        }
    }
    // `+` is a space, as in forms.
    let v = api(&format!("/api/search?q={}+{}", enc("莲藕"), enc("火箭"))).await;
    assert_eq!(v["interpreted"]["groups"].as_array().unwrap().len(), 2, "{v}");
    // A filter named in the query but unknown is a note, not an error.
    let v = api("/api/search?q=kind:foo").await;
    assert!(!v["interpreted"]["notes"].as_array().unwrap().is_empty(), "{v}");
}

#[tokio::test]
async fn the_pages_answer_bad_parameters_with_an_html_400() {
    for uri in ["/search?q=%ff", "/search?q=a&limit=abc", "/search?q=a&chapter=99", "/search?q=a&page=99999999999999", "/p/caidian/4.1.1?q=%E4%B8"] {
        let r = get(uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(r.headers["content-type"].to_str().unwrap().starts_with("text/html"));
        assert_eq!(text(one(&r.html(), "h1")), "400", "{uri}");
    }
    let r = get(&format!("/p/caidian/4.1.1?q={}", "a".repeat(600))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn paths_outside_the_site_are_not_found() {
    for uri in [
        "/p/../../etc/passwd",
        "/p/caidian/..%2f..%2fetc%2fpasswd",
        "/static/../Cargo.toml",
        "/static/..%2fCargo.toml",
        "/static/%2e%2e%2fCargo.toml",
        "/nope",
        "/p/caidian/4.1.1/extra",
    ] {
        let r = get(uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}: {}", r.body);
        assert!(!r.body.contains("[package]"), "{uri} leaks a file");
    }
    for (uri, code) in [
        ("/api/passages/caidian/..%2f..%2fetc", "unknown_passage"),
        ("/api/passages/..%2f..%2fetc", "unknown_passage"),
        ("/api/passages/caidian/9.9.9", "unknown_passage"),
        ("/api/nope", "not_found"),
        ("/static/nope.css", "static_not_found"),
    ] {
        assert_json_error(&get(uri).await, StatusCode::NOT_FOUND, code, uri);
    }
}

#[tokio::test]
async fn other_methods_are_refused_without_a_5xx() {
    for uri in ["/api/search?q=a", "/search?q=a", "/api/passages/caidian/4.1.1"] {
        let r = request("POST", uri).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{uri}");
    }
    let r = request("HEAD", "/healthz").await;
    assert_eq!(r.status, StatusCode::OK);
}

/// A path segment that is not UTF-8 once decoded is refused by axum's `Path` extractor
/// before the handler runs. It is a 400, never a 5xx.
#[tokio::test]
async fn a_path_that_is_not_utf8_is_a_400() {
    for uri in ["/api/passages/caidian/%E4%B8", "/api/passages/%ff", "/p/caidian/%E4%B8", "/p/%ff/4.1.1", "/static/%ff"] {
        let r = get(uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}: {}", r.body);
    }
}

/// The same answers, in the site's error format. Today they are axum's plain-text
/// rejection (`Invalid URL: Invalid UTF-8 in `id``), because the handlers take `Path<_>`
/// directly rather than `Result<Path<_>, PathRejection>` mapped to `AppError`.
#[tokio::test]
async fn a_path_that_is_not_utf8_gets_the_sites_error_format() {
    for uri in ["/api/passages/caidian/%E4%B8", "/api/passages/%ff"] {
        let r = get(uri).await;
        assert!(r.status.is_client_error(), "{uri}");
        assert!(r.json()["error"]["code"].is_string(), "{uri}: {}", r.body);
    }
    for uri in ["/p/caidian/%E4%B8", "/p/%ff/4.1.1"] {
        let r = get(uri).await;
        assert!(r.status.is_client_error(), "{uri}");
        assert!(r.headers["content-type"].to_str().unwrap().starts_with("text/html"), "{uri}: {}", r.body);
    }
}

#[tokio::test]
async fn with_two_plans_results_can_be_narrowed_to_one_plan() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let corpus = crate::util::temp_copy_of_caidian();
    crate::util::copy_dir(&repo().join("tests/fixtures/corpus/demo"), &corpus.path().join("demo"));
    let index = tempfile::tempdir().unwrap();
    let (ix, _) = plansearch_index::ensure(corpus.path(), index.path(), &mut |_| {}).unwrap();
    let synonyms = plansearch_search::Synonyms::load(&repo().join("corpus/synonyms.tsv")).unwrap();
    let state = plansearch_web::AppState::new(plansearch_search::Engine::new(ix, synonyms)).unwrap();
    let get = |uri: String| {
        let app = plansearch_web::app(state.clone());
        async move {
            let res = app.oneshot(axum::http::Request::get(uri).body(axum::body::Body::empty()).unwrap()).await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
        }
    };
    let api: Value = serde_json::from_str(&get(format!("/api/search?q={}", enc("莲藕"))).await).unwrap();
    let documents = api["facets"]["documents"].as_array().unwrap();
    let count = |slug: &str| documents.iter().find(|d| d["doc"] == slug).and_then(|d| d["count"].as_u64()).unwrap_or(0);
    assert!(count("caidian") > 0 && count("demo") > 0, "{documents:?}");
    assert_eq!(count("caidian") + count("demo"), api["total"].as_u64().unwrap());

    // The page lists both plans; following one keeps the query and narrows to that plan.
    let html = Html::parse_document(&get(format!("/search?q={}", enc("莲藕"))).await);
    let plans: Vec<String> = all(&html, ".facets a[href*='doc=']").into_iter().map(href).collect();
    assert_eq!(plans.len(), 2, "{plans:?}");
    let demo = plans.iter().find(|h| h.contains("doc=demo")).unwrap();
    let narrowed = Html::parse_document(&get(demo.replace("&amp;", "&")).await);
    let crumbs: Vec<String> = all(&narrowed, ".hit .crumb.zh").into_iter().map(text).collect();
    assert_eq!(crumbs.len() as u64, count("demo").min(10), "{crumbs:?}");
    let api: Value = serde_json::from_str(&get(format!("/api/search?q={}&doc=demo", enc("莲藕"))).await).unwrap();
    assert!(api["hits"].as_array().unwrap().iter().all(|h| h["doc"] == "demo"));
    assert_eq!(api["total"].as_u64().unwrap(), count("demo"));
}

#[tokio::test]
async fn a_question_about_a_figure_shows_the_answer_above_the_results_on_the_page_and_in_the_api() {
    let q = "全区卫生专业技术人员到2025年要达到多少人";
    let doc = page(&format!("/search?q={}", enc(q))).await;
    let answer = one(&doc, "section.answer");
    assert!(text(answer).contains("4000人"), "{}", answer.html());
    // The figure is marked, and the source link opens the passage it comes from.
    let marks: Vec<String> = within(answer, "mark").into_iter().map(text).collect();
    assert_eq!(marks, ["4000人"], "{}", answer.html());
    assert!(href(within(answer, ".answer-source a")[0]).starts_with("/p/caidian/p13.3a.1"), "{}", answer.html());
    // Above the results: the answer comes before the list of hits in the page.
    let html = doc.html();
    assert!(html.find("class=\"answer\"").unwrap() < html.find("class=\"hits").unwrap());
    // The page says how the question was read.
    assert!(text(one(&doc, ".reading")).contains("多少"), "the dropped question words are shown");

    let res = api(&format!("/api/search?q={}", enc(q))).await;
    assert_eq!(res["answer"]["kind"], "target");
    assert!(res["answer"]["text"].as_str().unwrap().contains("4000人"));
    assert_eq!(res["answer"]["value"], "4000");
    // A keyword query gets no answer.
    assert!(api("/api/search?q=%E4%B9%A1%E6%9D%91%E6%8C%AF%E5%85%B4").await["answer"].is_null());
}

#[tokio::test]
async fn a_corrected_query_says_what_was_searched_for() {
    let doc = page(&format!("/search?q={}", enc("精制农业"))).await;
    let said = text(one(&doc, ".corrected"));
    assert!(said.contains("精致农业") && said.contains("精制农业"), "{said}");
}
