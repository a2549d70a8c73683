//! Search on the real corpus, with the expectations a user has: the right passage first,
//! every substring findable, exact quotes exact, filters obeyed, highlights whole.

use plansearch_corpus::PassageKind;
use plansearch_search::{Filters, Request, Response, Source, Tier};

use crate::util::{caidian, engine, repo};

fn search(q: &str, limit: usize) -> Response {
    engine().search(&Request { q: q.into(), limit, ..Default::default() }).unwrap()
}

fn ids(res: &Response) -> Vec<&str> {
    res.hits.iter().map(|h| h.id.as_str()).collect()
}

fn marked(res: &Response, hit: usize) -> Vec<String> {
    let h = &res.hits[hit];
    let chars: Vec<char> = h.text.chars().collect();
    h.highlights.iter().map(|&(s, e)| chars[s..e].iter().collect()).collect()
}

#[test]
fn air_quality_finds_the_review_paragraph_and_the_indicator() {
    let res = search("空气质量", 10);
    let found = ids(&res);
    assert!(found.contains(&"p2.r16"), "the indicator 空气质量优良天数比率: {found:?}");
    assert!(found.contains(&"1.1.6"), "the 十三五 review paragraph: {found:?}");
}

#[test]
fn gree_finds_its_row_in_panel_4_2() {
    let res = search("格力", 10);
    assert_eq!(res.hits[0].id, "p4-2.r1");
    assert_eq!(res.hits[0].panel.as_ref().unwrap().id, "4-2");
    assert!(res.hits[0].text.contains("项目名称：格力智能装备武汉产业园"), "table rows show their column names");
}

#[test]
fn an_exact_quote_finds_exactly_the_passage_that_says_it() {
    let res = search("\"全区粮食播种面积\"", 10);
    assert_eq!(res.total, 1, "{:?}", ids(&res));
    assert!(res.hits[0].text.contains("全区粮食播种面积稳定在31万亩"), "{}", res.hits[0].text);
    // A quote that is not in the plan finds nothing, even though its words are.
    assert_eq!(search("\"粮食播种全区面积\"", 10).total, 0);
}

#[test]
fn a_chapter_filter_keeps_results_inside_the_chapter() {
    let res = search("chapter:7 莲藕", 100);
    assert!(res.total > 3);
    assert!(res.hits.iter().all(|h| h.chapter.as_ref().map(|c| c.number) == Some(7)));
    assert_eq!(res.facets.chapters.len(), 1);
    let all = search("莲藕", 100);
    assert!(all.total > res.total, "the filter narrows");
}

#[test]
fn the_whole_name_is_highlighted_as_one_span() {
    let res = search("中法武汉生态示范城", 10);
    for (n, h) in res.hits.iter().enumerate().filter(|(_, h)| h.tier == Tier::Exact) {
        for m in marked(&res, n) {
            assert!(m.contains("中法武汉生态示范城"), "{}: mark {m:?}", h.id);
        }
        assert!(h.snippet_html.contains("<mark>中法武汉生态示范城</mark>"), "{}", h.snippet_html);
    }
}

#[test]
fn passages_with_the_exact_phrase_come_before_those_with_only_its_words() {
    // 公共服务体系 stands in 4 passages; 8 more have 公共服务 and 体系 apart.
    let res = search("公共服务体系", 50);
    let tiers: Vec<u8> = res.hits.iter().map(|h| h.tier as u8).collect();
    let mut sorted = tiers.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(tiers, sorted, "tiers out of order: {tiers:?}");
    let exact = caidian().passages().iter().filter(|p| p.text.contains("公共服务体系")).count();
    assert!(res.hits[..exact].iter().all(|h| h.text.contains("公共服务体系")));
    assert!(res.hits[exact..].iter().take(8).all(|h| h.text.contains("公共服务") && h.text.contains("体系")), "then all its words");
}

#[test]
fn sub_words_that_jieba_does_not_cut_are_found() {
    for q in ["小康", "生态城", "示范城", "区委", "莲", "藕带"] {
        let res = search(q, 100);
        let expected = caidian().passages().iter().filter(|p| p.text.contains(q)).count();
        let exact = res.hits.iter().filter(|h| h.text.contains(q)).count();
        assert_eq!(exact, expected.min(100), "{q}: {} of {expected} passages containing it", exact);
    }
}

#[test]
fn every_random_substring_finds_every_passage_that_contains_it() {
    // A fixed-seed generator: the same substrings each run, several hundred of them.
    let passages = caidian().passages();
    let mut seed: u64 = 0x9e3779b97f4a7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut checked = 0;
    while checked < 300 {
        let p = &passages[(next() % passages.len() as u64) as usize];
        let chars: Vec<char> = p.text.chars().collect();
        let len = 1 + (next() % 8) as usize;
        if chars.len() < len {
            continue;
        }
        let at = (next() % (chars.len() - len + 1) as u64) as usize;
        let sub: String = chars[at..at + len].iter().collect();
        if !sub.chars().all(plansearch_analysis::is_han) {
            continue;
        }
        let containing: Vec<&str> = passages.iter().filter(|q| q.text.contains(&sub)).map(|q| q.id.as_str()).collect();
        if containing.len() > 100 {
            continue; // single common characters: more than a page can hold
        }
        let res = search(&sub, 100);
        let found: Vec<&str> = ids(&res);
        for id in &containing {
            assert!(found.contains(id), "{sub:?}: passage {id} contains it but was not found ({} hits)", res.total);
        }
        checked += 1;
    }
}

/// A fixed-seed xorshift generator, so random tests check the same inputs each run.
fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}

/// Text as exact search reads it: normalized, whitespace gone.
fn squeezed(text: &str) -> String {
    plansearch_analysis::normalize(text).chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn a_quoted_random_stretch_of_text_finds_exactly_the_passages_that_hold_it() {
    // Any stretch of a passage, punctuation, digits and Latin included, as long as it does
    // not cut a number or a Latin word in two (those are whole words).
    let passages = caidian().passages();
    let texts: Vec<String> = passages.iter().map(|p| squeezed(&p.text)).collect();
    let mut next = xorshift(0x2545f4914f6cdd1d);
    let (mut checked, mut with_marks) = (0, 0);
    while checked < 200 {
        let p = &passages[(next() % passages.len() as u64) as usize];
        let normalized = plansearch_analysis::normalize(&p.text);
        let chars: Vec<char> = p.text.chars().collect();
        let len = 2 + (next() % 10) as usize;
        if chars.len() < len {
            continue;
        }
        let at = (next() % (chars.len() - len + 1) as u64) as usize;
        let inside_latin = |i: usize| {
            plansearch_analysis::runs(&normalized).iter().any(|r| r.kind == plansearch_analysis::RunKind::Latin && r.start < i && i < r.end)
        };
        let sub: String = chars[at..at + len].iter().collect();
        if inside_latin(at) || inside_latin(at + len) || sub.contains(['"', '“', '”']) || !sub.chars().any(char::is_alphanumeric) {
            continue;
        }
        let needle = squeezed(&sub);
        let expected = texts.iter().filter(|t| t.contains(&needle)).count();
        let res = search(&format!("\"{sub}\""), 10);
        assert_eq!(res.total, expected, "\"{sub}\": {} found, {expected} passages hold it", res.total);
        assert!(res.hits.iter().all(|h| squeezed(&h.text).contains(&needle)), "\"{sub}\": a hit without it");
        with_marks += usize::from(sub.chars().any(|c| !c.is_alphanumeric() && !c.is_whitespace()));
        checked += 1;
    }
    assert!(with_marks > 50, "the stretches should include punctuation often ({with_marks})");
}

#[test]
fn a_quote_holds_its_punctuation() {
    // 研发生产 and 研发、生产 are different texts to someone quoting; the plan has both.
    let plain = search("\"研发生产\"", 100);
    let marked = search("\"研发、生产\"", 100);
    assert!(plain.total > 0 && marked.total > 0, "{} {}", plain.total, marked.total);
    assert!(plain.hits.iter().all(|h| squeezed(&h.text).contains("研发生产")));
    assert!(marked.hits.iter().all(|h| squeezed(&h.text).contains("研发、生产")));
    assert_ne!(ids(&plain), ids(&marked));
}

/// A hit's English text as the quoted-English check reads it: normalized, single spaces.
fn squeezed_en(h: &plansearch_search::Hit) -> String {
    h.text_en.as_deref().map(plansearch_analysis::normalize).unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn quoted_english_finds_the_words_as_typed() {
    let passages = engine().all("caidian").unwrap();
    // Word sequences of the English text, stop words and all.
    let texts: Vec<String> = passages
        .iter()
        .map(|p| p.text_en.as_deref().map(plansearch_analysis::normalize).unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let holds = |t: &str, needle: &str| {
        t.match_indices(needle).any(|(i, _)| {
            let before = t[..i].chars().next_back().is_none_or(|c| !c.is_ascii_alphanumeric());
            let after = t[i + needle.len()..].chars().next().is_none_or(|c| !c.is_ascii_alphanumeric());
            before && after
        })
    };
    let mut next = xorshift(0x9e3779b97f4a7c15);
    let mut checked = 0;
    while checked < 60 {
        let t = &texts[(next() % texts.len() as u64) as usize];
        let words: Vec<&str> = t.split(' ').collect();
        let n = 2 + (next() % 3) as usize;
        if words.len() < n {
            continue;
        }
        let at = (next() % (words.len() - n + 1) as u64) as usize;
        let phrase = words[at..at + n].join(" ");
        if !phrase.chars().all(|c| c.is_ascii_alphabetic() || c == ' ') {
            continue;
        }
        let expected = texts.iter().filter(|t| holds(t, &phrase)).count();
        let res = search(&format!("\"{phrase}\""), 10);
        assert_eq!(res.total, expected, "\"{phrase}\"");
        checked += 1;
    }
    // Stop words inside a quote are part of it; unquoted, the phrase still ranks as a phrase.
    let quoted = search("\"Internet of Things\"", 100);
    assert_eq!(quoted.total, texts.iter().filter(|t| holds(t, "internet of things")).count());
    assert!(quoted.total > 0);
    // Each hit marks the phrase as one span, stop word and all.
    for h in &quoted.hits {
        let en: Vec<char> = h.text_en.as_deref().unwrap().chars().collect();
        let marked: Vec<String> = h.highlights_en.iter().map(|&(s, e)| en[s..e].iter().collect::<String>().to_lowercase()).collect();
        assert!(marked.iter().any(|m| m.contains("internet of things")), "{}: {marked:?}", h.id);
        assert!(h.snippet_en_html.as_deref().unwrap().to_lowercase().contains("<mark>internet of things"), "{}", h.id);
    }
    // And excluding the phrase excludes exactly the passages that hold it.
    let internet = search("internet", 100);
    let without = search("internet -\"Internet of Things\"", 100);
    assert!(without.hits.iter().all(|h| !holds(&squeezed_en(h), "internet of things")));
    assert_eq!(without.total + quoted.hits.iter().filter(|h| squeezed_en(h).contains("internet")).count(), internet.total);
    let plain = search("internet of things", 100);
    assert!(
        plain.hits[..quoted.total].iter().all(|h| h.tier == Tier::Exact),
        "the phrase itself first: {:?}",
        plain.hits.iter().map(|h| h.tier as u8).collect::<Vec<_>>()
    );
}

#[test]
fn space_separated_words_are_all_required_and_minus_excludes() {
    let res = search("乡村振兴 莲藕", 100);
    assert!(res.total > 0);
    for h in &res.hits {
        assert!(h.text.contains("乡村振兴") || h.text.contains("莲藕") && h.text.contains("振兴"), "{}", h.id);
        assert!(h.text.contains("莲藕") || h.text.contains('藕'), "{}: {}", h.id, h.text);
    }
    let without = search("莲藕 -蔡甸", 100);
    assert!(without.total > 0 && without.hits.iter().all(|h| !h.text.contains("蔡甸")));
    let either = search("格力 OR 京东", 100);
    assert!(ids(&either).contains(&"p4-2.r1") && either.hits.iter().any(|h| h.text.contains("京东")));
}

#[test]
fn filters_for_section_panel_and_kind() {
    let res = search("panel:4-1 电机", 100);
    assert!(res.total >= 1 && res.hits.iter().all(|h| h.panel.as_ref().is_some_and(|p| p.id == "4-1")));
    let res = search("kind:table 物流", 100);
    assert!(res.total >= 1 && res.hits.iter().all(|h| h.kind == "table_row"));
    let res = search("section:4.1 汽车", 100);
    assert!(res.total >= 1 && res.hits.iter().all(|h| h.section.as_ref().is_some_and(|s| s.number.to_string() == "4.1")));
    let res = engine()
        .search(&Request { q: "莲藕".into(), limit: 100, filters: Filters { chapter: Some(1), ..Default::default() }, ..Default::default() })
        .unwrap();
    assert!(res.hits.iter().all(|h| h.chapter.as_ref().unwrap().number == 1));
}

/// The outline in the index's metadata is what the stored passages give: made once at build
/// time, it matches walking every passage as the server once did at start.
#[test]
fn the_outline_built_with_the_index_is_the_stored_passages_outline() {
    let outline = engine().outline();
    assert_eq!(outline.documents.len(), 1);
    for d in &outline.documents {
        let passages = engine().all(&d.slug).unwrap();
        assert_eq!(*d, plansearch_corpus::OutlineDoc::new(&d.slug, &d.title, &passages));
    }
    let four_one = outline.section("caidian", "4.1".parse().unwrap()).unwrap();
    assert_eq!((four_one.part.label.as_str(), four_one.part.title.as_deref()), ("第一节", Some("大力发展先进制造业")));
    assert_eq!(four_one.part.panels.first().map(|p| p.id.as_str()), Some("4-1"));
}

/// Panel facets are named by number through the outline: browsing each panel counts its
/// passages under that panel, in its chapter, and no other.
#[test]
fn every_panel_facet_names_the_panel_its_passages_stand_in() {
    let outline = engine().outline();
    let panels: Vec<_> = outline.panels().collect();
    assert_eq!(panels.len(), 35, "the plan's 专栏, numbered and not");
    for at in panels {
        let filters = Filters { doc: Some(at.doc.slug.clone()), panel: Some(at.panel.id.clone()), ..Default::default() };
        let res = engine().search(&Request { q: String::new(), limit: 1, filters, ..Default::default() }).unwrap();
        let facets: Vec<_> = res.facets.panels.iter().map(|f| (f.id.as_str(), f.title.as_str(), f.chapter, f.count)).collect();
        assert_eq!(facets, [(at.panel.id.as_str(), at.panel.title.as_str(), at.chapter, at.panel.passages)], "panel {}", at.panel.id);
    }
}

#[test]
fn malformed_queries_degrade_and_say_how_they_were_read() {
    for q in [
        "\"莲藕",
        "莲藕 OR",
        "OR",
        "-",
        "chapter:abc 莲藕",
        "foo:bar 莲藕",
        "\u{1F600}莲藕",
        "莲藕\u{0000}\u{0007}",
        "（）【】",
        "<script>alert(1)</script>",
    ] {
        let res = search(q, 10);
        assert!(res.total > 0 || res.message.is_some(), "{q:?}: neither results nor a message");
    }
    assert!(!search("\"莲藕", 10).interpreted.notes.is_empty());
    assert!(search("\"莲藕", 10).total > 0, "a lone quote degrades to the word");
    let long: String = "莲藕".repeat(5_000);
    let res = search(&long, 10);
    assert!(!res.interpreted.notes.is_empty());
}

#[test]
fn empty_queries_give_an_empty_result_with_a_message() {
    for q in ["", "   ", "\u{3000}"] {
        let res = search(q, 10);
        assert_eq!(res.total, 0);
        assert!(res.message.is_some());
    }
}

#[test]
fn a_huge_limit_is_capped() {
    let res = search("发展", 100_000);
    assert_eq!(res.hits.len(), 100);
    assert!(res.total > 100);
}

#[test]
fn highlights_are_character_offsets_on_whole_characters_with_full_width_punctuation() {
    let res = search("“十四五”", 20);
    for h in &res.hits {
        let n = h.text.chars().count();
        for &(s, e) in &h.highlights {
            assert!(s < e && e <= n, "{}: span {s}..{e} of {n}", h.id);
        }
    }
    let res = search("营商环境", 5);
    let m = marked(&res, 0);
    assert!(m.iter().all(|m| m == "营商环境"), "{m:?}");
}

#[test]
fn short_forms_find_the_full_name_with_the_typed_form_first() {
    let res = search("中法生态城", 20);
    assert!(res.interpreted.expanded.iter().any(|e| e.to == "中法武汉生态示范城"));
    assert!(res.total > 10, "the full name is searched");
    let res = search("中德产业园", 20);
    assert!(res.hits.iter().any(|h| h.text.contains("中德国际产业园")));
}

#[test]
fn a_word_with_a_synonym_inside_a_longer_query_is_searched_both_ways() {
    // The plan says 排水防涝/排涝, readers say 内涝: 城市内涝 also searches 城市排涝 and says so.
    let res = search("城市内涝", 10);
    assert!(res.interpreted.expanded.iter().any(|e| e.from == "城市内涝" && e.to == "城市排涝"), "{:?}", res.interpreted.expanded);
    let n = res.hits.iter().position(|h| h.text.contains("城市排涝")).expect("the passage saying 城市排涝 in the top 10");
    assert!(marked(&res, n).iter().any(|m| m.contains("城市排涝")), "{:?}", marked(&res, n));
    assert!(ids(&res).contains(&"p10.5b.2"), "the 排水防涝 project row: {:?}", ids(&res));
}

#[test]
fn facets_count_matches_per_chapter_and_panel() {
    let res = search("莲藕", 10);
    let sum: usize = res.facets.chapters.iter().map(|c| c.count).sum();
    let in_chapters = res.total - res.hits.iter().filter(|h| h.chapter.is_none()).count();
    assert!(sum <= res.total && sum >= in_chapters.min(sum));
    assert!(res.facets.chapters.iter().any(|c| c.number == 7 && c.count >= 5));
    assert!(res.facets.panels.iter().any(|p| p.id == "7-2"));
    // One plan: every match is counted under it, and nothing is left out.
    assert_eq!(res.facets.documents.len(), 1);
    assert_eq!((res.facets.documents[0].doc.as_str(), res.facets.documents[0].count), ("caidian", res.total));
    assert_eq!(res.facets.more_documents + res.facets.more_chapters + res.facets.more_panels, 0);
}

#[test]
fn headings_of_inferred_chapters_say_the_title_is_not_in_the_source() {
    let res = search("生态示范城", 50);
    let h = res.hits.iter().find(|h| h.chapter.as_ref().is_some_and(|c| c.number == 5)).unwrap();
    assert!(h.breadcrumb.contains("title not in source"), "{}", h.breadcrumb);
    assert!(h.chapter.as_ref().unwrap().inferred);
}

/// The judged query set: success@10 (a relevant passage in the top 10) and MRR.
pub fn evaluate(path: &str) -> (usize, usize, f64, Vec<String>) {
    let text = std::fs::read_to_string(repo().join(path)).unwrap();
    let (mut ok, mut n, mut rr) = (0, 0, 0.0);
    let mut failures = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (q, relevant) = (cols[0], cols[1].split(',').map(str::trim).collect::<Vec<_>>());
        let res = search(q, 10);
        n += 1;
        match res.hits.iter().position(|h| relevant.contains(&h.id.as_str())) {
            Some(rank) => {
                ok += 1;
                rr += 1.0 / (rank + 1) as f64;
            }
            None => failures.push(format!("{q}: want {relevant:?}, got {:?}", ids(&res))),
        }
    }
    (ok, n, rr / n as f64, failures)
}

#[test]
fn judged_queries_succeed_at_ten_at_least_95_percent() {
    let (ok, n, mrr, failures) = evaluate("tests/relevance/queries.tsv");
    assert!(n >= 60, "the judged set has {n} queries");
    let rate = ok as f64 / n as f64;
    println!("relevance: success@10 {ok}/{n} = {:.1}%, MRR {mrr:.3}", rate * 100.0);
    assert!(rate >= 0.95, "success@10 {:.1}% (MRR {mrr:.3}); failures:\n{}", rate * 100.0, failures.join("\n"));
    // MRR 0.925 before questions were read as questions (issue 11), and after.
    assert!(mrr >= 0.92, "MRR {mrr:.3} fell below 0.92");
}

#[test]
fn a_second_judged_set_written_blind_succeeds_at_ten_at_least_95_percent() {
    // tests/relevance/blind.tsv: 100 queries (70 Chinese, 26 English, 4 pinyin) judged by
    // reading the plan, without running the engine. First run: 98.0%, MRR 0.967.
    let (ok, n, mrr, failures) = evaluate("tests/relevance/blind.tsv");
    let rate = ok as f64 / n as f64;
    println!("relevance (blind set): success@10 {ok}/{n} = {:.1}%, MRR {mrr:.3}", rate * 100.0);
    assert!(n >= 100 && rate >= 0.95, "success@10 {:.1}% (MRR {mrr:.3}); failures:\n{}", rate * 100.0, failures.join("\n"));
    assert!(mrr >= 0.97, "MRR {mrr:.3} fell below 0.97 (0.979 before issue 11 and after)");
}

#[test]
#[ignore = "prints a judged set's score and misses (RELEVANCE_SET, default the blind set); run with --ignored --nocapture"]
fn relevance_report() {
    let set = std::env::var("RELEVANCE_SET").unwrap_or_else(|_| "tests/relevance/blind.tsv".into());
    let (ok, n, mrr, failures) = evaluate(&set);
    println!("relevance ({set}): success@10 {ok}/{n} = {:.1}%, MRR {mrr:.3}", 100.0 * ok as f64 / n as f64);
    for f in &failures {
        println!("  {f}");
    }
}

#[test]
fn judged_english_queries_succeed_at_ten_at_least_90_percent() {
    let (ok, n, mrr, failures) = evaluate("tests/relevance/queries_en.tsv");
    assert!(n >= 40, "the English judged set has {n} queries");
    let rate = ok as f64 / n as f64;
    println!("relevance (English): success@10 {ok}/{n} = {:.1}%, MRR {mrr:.3}", rate * 100.0);
    assert!(rate >= 0.90, "success@10 {:.1}% (MRR {mrr:.3}); failures:\n{}", rate * 100.0, failures.join("\n"));
    assert!(mrr >= 0.915, "MRR {mrr:.3} fell below 0.915 (0.919 before issue 11 and after)");
}

#[test]
fn every_passage_kind_is_searchable() {
    for (q, kind) in [("城镇调查失业率", PassageKind::Indicator), ("十堰市明诚线缆有限公司", PassageKind::TableRow), ("专栏", PassageKind::Heading)]
    {
        let res = search(q, 100);
        assert!(res.hits.iter().any(|h| h.kind == kind.as_str()), "{q}: no {kind:?} among {:?}", ids(&res));
    }
}

#[test]
fn when_no_passage_has_every_term_those_with_some_come_with_a_note() {
    // No passage says 到2025年 and 森林覆盖率 together; the indicator row of 森林覆盖率 is
    // what a journalist checking the 2025 forest target wants.
    let res = search("到2025年 森林覆盖率", 10);
    assert!(res.total > 0);
    assert!(res.interpreted.notes.iter().any(|n| n.contains("some of them")), "{:?}", res.interpreted.notes);
    assert_eq!(res.hits[0].id, "p2.r18");
    assert!(res.hits.iter().all(|h| h.text.contains("森林覆盖率") || h.text.contains("2025")));
    // A query whose terms all occur together is never relaxed.
    assert!(search("莲藕 基地", 10).interpreted.notes.is_empty());
}

#[test]
fn english_and_pinyin_queries_find_chinese_passages_and_say_what_was_searched() {
    let res = search("air quality", 10);
    assert!(res.interpreted.expanded.iter().any(|e| e.to == "空气质量" && e.source == Source::Glossary), "{:?}", res.interpreted.expanded);
    assert!(ids(&res).contains(&"p2.r16"));
    let h = &res.hits[0];
    assert!(h.text_en.is_some() && !h.highlights_en.is_empty(), "English highlighted too");
    for q in ["xiangcun zhenxing", "xiāngcūn zhènxīng", "xiang1cun zhen4xing"] {
        let res = search(q, 10);
        assert!(res.hits.iter().any(|h| h.text.contains("乡村振兴")), "{q}");
    }
    assert!(search("lianou", 10).hits.iter().any(|h| h.text.contains("莲藕")));
    // ü as input methods type it (v), as printed (ü, with its tone) and as typed without it (u).
    for q in ["lvse fazhan", "lǜsè fāzhǎn", "lüse fazhan", "luse fazhan"] {
        let res = search(q, 10);
        assert!(res.interpreted.expanded.iter().any(|e| e.to == "绿色发展" && e.source == Source::Pinyin), "{q}: {:?}", res.interpreted.expanded);
        assert!(res.hits[0].text.contains("绿色发展"), "{q}");
    }
    assert!(search("鄉村振興", 10).hits[0].text.contains("乡村振兴"), "traditional characters fold");
    assert!(search("5G 基站", 10).hits.iter().any(|h| h.text.contains("5G") && h.text.contains("基站")));
}

#[test]
fn odd_english_input_is_handled() {
    // Unknown words, a very long English query, a word with hundreds of senses, mixed scripts.
    for q in ["zxqvw blorf", &"development of the district ".repeat(40), "make", "do", "the", "xiang1cun 振兴 lotus", "ＡＩＲ ＱＵＡＬＩＴＹ"]
    {
        let res = search(q, 10);
        let expanded = res.interpreted.expanded.len();
        assert!(expanded <= 4 * res.interpreted.groups.len().max(1) + 8, "{q}: {expanded} expansions");
        assert!(res.total > 0 || res.message.is_some(), "{q}");
    }
}

#[test]
fn english_highlights_match_stemming_every_word() {
    // english_spans skips words whose first letter begins no stem; the answer must be the
    // same as stemming every word of the text. Phrases are words of other passages.
    let stem = |w: &str| plansearch_analysis::tokenizer::english_terms(w).into_iter().next().map(|t| t.0);
    let reference = |text: &str, phrases: &[String]| {
        let stems: Vec<String> = phrases.iter().flat_map(|p| plansearch_analysis::tokenizer::english_terms(p)).map(|t| t.0).collect();
        let chars: Vec<char> = text.chars().collect();
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if !chars[i].is_alphanumeric() {
                i += 1;
                continue;
            }
            let s = i;
            while i < chars.len() && chars[i].is_alphanumeric() {
                i += 1;
            }
            let word: String = chars[s..i].iter().collect();
            if !stem(&word).is_some_and(|t| stems.contains(&t)) {
                continue;
            }
            match spans.last_mut() {
                Some(last) if chars[last.1..s].iter().all(|c| c.is_whitespace() || *c == '-') => last.1 = i,
                _ => spans.push((s, i)),
            }
        }
        spans
    };
    let passages = engine().all("caidian").unwrap();
    let texts: Vec<&str> = passages.iter().filter_map(|p| p.text_en.as_deref()).collect();
    let mut next = xorshift(0x51afd7ed558ccd);
    let mut marked = 0;
    for (n, text) in texts.iter().enumerate() {
        let other: Vec<&str> = texts[(n * 7 + 3) % texts.len()].split_whitespace().collect();
        let phrases: Vec<String> =
            (0..3).map(|_| other[(next() % other.len() as u64) as usize].to_string()).chain(["Yangtze River".to_string(), "élan".into()]).collect();
        let spans = plansearch_search::english_spans(text, &phrases);
        assert_eq!(spans, reference(text, &phrases), "{phrases:?} in {text}");
        marked += spans.len();
    }
    assert!(marked > 200, "the phrases should often be found ({marked})");
}

#[test]
fn the_command_line_search_shows_target_badges_like_the_api() {
    let index = tempfile::tempdir().unwrap();
    let out = crate::util::run_plansearch(&["--index", index.path().to_str().unwrap(), "search", "--json", "莲藕基地"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let res: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let hit = res["hits"].as_array().unwrap().iter().find(|h| h["id"] == "7.1.1").expect("7.1.1 among the hits");
    let badges: Vec<&str> = hit["targets"].as_array().unwrap().iter().map(|b| b.as_str().unwrap()).collect();
    assert!(badges.contains(&"莲藕基地 · ≥10万亩 · 2025"), "{badges:?}");
    // The same badges as the web app gives the same passage.
    let state = crate::util::web_state();
    assert_eq!(badges, state.records.annotator.badges("caidian", "7.1.1"));
}

#[test]
fn two_builds_of_the_same_corpus_rank_every_judged_query_the_same() {
    // Documents land in segments differently from build to build; ties must not follow them.
    let dir = tempfile::tempdir().unwrap();
    let corpus = repo().join("corpus");
    let (ix, _) = plansearch_index::ensure(&corpus, dir.path(), &mut |_| {}).unwrap();
    let other = plansearch_search::Engine::new(ix, plansearch_search::Synonyms::load(&corpus.join("synonyms.tsv")).unwrap());
    for set in ["tests/relevance/queries.tsv", "tests/relevance/queries_en.tsv"] {
        let text = std::fs::read_to_string(repo().join(set)).unwrap();
        for q in text.lines().skip(1).filter_map(|l| l.split('\t').next()).filter(|q| !q.is_empty() && !q.starts_with('#')) {
            let req = Request { q: q.into(), limit: 20, ..Default::default() };
            let (a, b) = (engine().search(&req).unwrap(), other.search(&req).unwrap());
            assert_eq!(ids(&a), ids(&b), "{q}");
        }
    }
}

#[test]
fn a_stored_passage_that_does_not_read_is_an_error_that_keeps_serde_s_cause_up_to_the_web() {
    let serde = serde_json::from_str::<plansearch_corpus::Passage>("{\"doc\":").unwrap_err();
    let err = plansearch_search::SearchError::from(serde);
    let cause = std::error::Error::source(&err).expect("the serde error is kept as the cause");
    assert!(cause.is::<serde_json::Error>(), "{cause:?}");
    assert!(err.to_string().starts_with("a stored passage could not be read: "), "{err}");
    // The web's error is an error too: it reads in a log as in the response body, and the
    // user sees no internals.
    let web: Box<dyn std::error::Error> = Box::new(plansearch_web::AppError::from(err));
    assert_eq!(web.to_string(), "500 Internal Server Error internal: Something went wrong on our side. 服务器内部错误。");
}

/// Three plans (the real one twice more under other names): enough passages hold
/// 社会发展 that the page never reaches those with only some of its words.
fn three_plans() -> &'static plansearch_search::Engine {
    static ENGINE: std::sync::OnceLock<(tempfile::TempDir, plansearch_search::Engine)> = std::sync::OnceLock::new();
    &ENGINE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let corpus = dir.path().join("corpus");
            crate::util::copy_dir(&repo().join("corpus"), &corpus);
            for copy in ["copy-a", "copy-b"] {
                std::fs::create_dir_all(corpus.join(copy)).unwrap();
                std::fs::copy(corpus.join("caidian/plan.zh.md"), corpus.join(copy).join("plan.zh.md")).unwrap();
            }
            let (ix, _) = plansearch_index::ensure(&corpus, &dir.path().join("index"), &mut |_| {}).unwrap();
            let synonyms = plansearch_search::Synonyms::load(&corpus.join("synonyms.tsv")).unwrap();
            (dir, plansearch_search::Engine::new(ix, synonyms))
        })
        .1
}

#[test]
fn passages_with_only_some_words_are_listed_only_while_few_passages_hold_the_query() {
    let q = "社会发展";
    let one = engine().search(&Request { q: q.into(), limit: 100, ..Default::default() }).unwrap();
    let holding = one.hits.iter().filter(|h| h.score >= plansearch_search::ALL_WORDS).count();
    assert!(holding < plansearch_search::PARTIAL_BELOW && one.total > holding, "one plan: {holding} hold it of {}", one.total);
    assert!(one.interpreted.notes.is_empty(), "{:?}", one.interpreted.notes);

    let three = three_plans().search(&Request { q: q.into(), limit: 100, ..Default::default() }).unwrap();
    // Every passage listed holds the query; the count is of those, and the note says so.
    assert_eq!(three.total, 3 * holding, "three copies of the plan hold it three times as often");
    assert!(three.hits.iter().all(|h| h.score >= plansearch_search::ALL_WORDS), "a partial match was listed");
    assert!(three.interpreted.notes.iter().any(|n| n.contains("only some of its words")), "{:?}", three.interpreted.notes);
    // The same passages come first as in one plan (each once per copy).
    let first: Vec<&str> = one.hits.iter().take(3).map(|h| h.id.as_str()).collect();
    let mut seen: Vec<&str> = three.hits.iter().take(9).map(|h| h.id.as_str()).collect();
    seen.dedup();
    assert_eq!(seen, first);
}

/// Every query of the judged sets and the benchmark list, with and without a filter and an
/// exclusion, on one plan and on three copies of it.
fn pruning_queries() -> Vec<String> {
    let mut qs: Vec<String> = Vec::new();
    for set in ["queries.tsv", "queries_en.tsv", "blind.tsv"] {
        let text = std::fs::read_to_string(repo().join("tests/relevance").join(set)).unwrap();
        qs.extend(text.lines().skip(1).filter_map(|l| l.split('\t').next()).filter(|q| !q.is_empty()).map(String::from));
    }
    let bench = std::fs::read_to_string(repo().join("benches/queries.txt")).unwrap();
    qs.extend(bench.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).map(String::from));
    let extra: Vec<String> = qs.iter().take(40).flat_map(|q| [format!("{q} chapter:7"), format!("{q} -发展"), format!("{q} doc:copy-a")]).collect();
    qs.extend(extra);
    qs
}

#[test]
fn the_pruned_search_gives_the_page_count_and_facets_of_scoring_every_match() {
    // A keyword query scores a passage only as far as it can still reach the page
    // (crates/search/src/topk.rs); scoring every match with tantivy must give the same.
    for (name, pruned) in [("one plan", engine()), ("three plans", three_plans())] {
        let full = pruned.exhaustive();
        for q in pruning_queries() {
            for (limit, offset) in [(10, 0), (3, 4), (100, 0)] {
                let req = Request { q: q.clone(), limit, offset, ..Default::default() };
                let (a, b) = (pruned.search(&req).unwrap(), full.search(&req).unwrap());
                let at = |r: &Response| r.hits.iter().map(|h| (h.doc.clone(), h.id.clone())).collect::<Vec<_>>();
                assert_eq!(a.total, b.total, "{name}: {q:?} (limit {limit}, offset {offset}): total");
                assert_eq!(serde_json::to_value(&a.facets).unwrap(), serde_json::to_value(&b.facets).unwrap(), "{name}: {q:?}: facets");
                assert_eq!(a.hits.len(), b.hits.len(), "{name}: {q:?}: hits");
                // The same scores, up to the order their parts are added in; the same passages
                // in the same order, but among scores that close (rounding may order them
                // otherwise), and at the end of the page.
                let close = |x: f32, y: f32| (x - y).abs() <= 1e-3 + 1e-5 * y.abs();
                for (x, y) in a.hits.iter().zip(&b.hits) {
                    assert!(close(x.score, y.score), "{name}: {q:?}: {} {} vs {} {}", x.id, x.score, y.id, y.score);
                }
                let mut start = 0;
                while start < b.hits.len() {
                    let mut end = start + 1;
                    while end < b.hits.len() && close(b.hits[end].score, b.hits[end - 1].score) {
                        end += 1;
                    }
                    if end < b.hits.len() {
                        let mut x = at(&a)[start..end].to_vec();
                        let mut y = at(&b)[start..end].to_vec();
                        x.sort();
                        y.sort();
                        assert_eq!(x, y, "{name}: {q:?} (limit {limit}, offset {offset}): hits {start}..{end}");
                    }
                    start = end;
                }
            }
        }
    }
}
