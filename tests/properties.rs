//! Hostile input, as properties: whatever is typed, the query parser does not panic and says
//! how it read malformed syntax; highlight spans are merged, sorted and inside the text;
//! the HTML holds only `<mark>` and escaped text; normalization keeps one character for one.
//! The checks are the fuzz targets' (`fuzz/src/lib.rs`); 256 cases each keeps this fast.
//! Inputs that once failed are kept at the end as regression tests.

#[path = "../fuzz/src/lib.rs"]
mod checks;

use plansearch_search::highlight::to_html;
use plansearch_search::parse;
use proptest::prelude::*;

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(checks::PIECES).prop_map(str::to_string),
        1 => any::<char>().prop_map(|c| c.to_string()),
        1 => proptest::char::range('\u{4e00}', '\u{9fff}').prop_map(|c| c.to_string()),
    ]
}

/// A string made of [`checks::PIECES`] and random characters.
fn hostile() -> impl Strategy<Value = String> {
    proptest::collection::vec(piece(), 0..24).prop_map(|v| v.concat())
}

/// A plain word that the parser keeps: Chinese or Latin letters.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[\u{4e00}-\u{9fa5}]{1,6}",
        "[a-z]{3,8}",
        proptest::sample::select(&["莲藕", "乡村振兴", "GDP", "5G基站"][..]).prop_map(str::to_string)
    ]
}

fn config() -> ProptestConfig {
    ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_query_parser_never_panics_on_any_text(q in prop_oneof![hostile(), any::<String>()]) {
        checks::query_parser(q.as_bytes());
    }

    #[test]
    fn malformed_syntax_is_read_with_a_note(w in word(), form in 0usize..6) {
        let q = match form {
            0 => format!("\"{w}"),
            1 => format!("OR {w}"),
            2 => format!("{w} OR"),
            3 => format!("{w} chapter:x{w}"),
            4 => format!("{w} OR OR {w}"),
            _ => format!("{w} \"\""),
        };
        let p = parse(&q);
        prop_assert!(!p.notes.is_empty(), "{q:?}: no note: {p:?}");
        // The word is still searched.
        let searched = plansearch_analysis::normalize(&w);
        prop_assert!(p.groups.iter().flatten().any(|u| u.text == searched), "{q:?}: {w} not searched: {p:?}");
    }

    #[test]
    fn highlight_spans_are_merged_sorted_and_inside_the_text(
        budget in any::<u8>(),
        spans in proptest::collection::vec((0u8..=255, 0u8..=255), 0..8),
        text in hostile(),
    ) {
        let mut data = vec![budget, spans.len() as u8];
        data.extend(spans.iter().flat_map(|&(a, b)| [a, b]));
        data.extend(text.as_bytes());
        checks::highlighter(&data);
    }

    #[test]
    fn highlighter_survives_any_bytes(data in proptest::collection::vec(any::<u8>(), 0..200)) {
        checks::highlighter(&data);
    }

    #[test]
    fn html_holds_only_marks_and_escaped_text(text in hostile(), spans in proptest::collection::vec((0usize..40, 0usize..40), 0..6)) {
        checks::check_html(&to_html(&text, &spans), &text);
    }

    #[test]
    fn normalization_keeps_one_character_for_one(s in prop_oneof![hostile(), any::<String>()]) {
        checks::normalizer(s.as_bytes());
    }
}

/// Inputs that failed once (found by fuzzing), kept in `fuzz/regressions/<target>/` so they
/// never fail again:
///
/// * `query_parser/full-width-filter-name`: `ｃｈａｐｔｅｒ:7` was searched as text while the
///   query was displayed as the filter `chapter:7` (fixed in the parser: filter names fold).
/// * `query_parser/filters-displayed-past-the-length-limit`: a check too strict (a display
///   longer than the limit cannot parse to the same filters).
/// * `highlighter/touching-occurrences`: a check too strict (occurrences may touch).
#[test]
fn inputs_that_once_failed() {
    let dir = crate::util::repo().join("fuzz/regressions");
    type Target = (&'static str, fn(&[u8]));
    let targets: [Target; 3] = [("query_parser", checks::query_parser), ("highlighter", checks::highlighter), ("normalizer", checks::normalizer)];
    let mut n = 0;
    for (target, check) in targets {
        // A target with no saved input has no folder in git.
        let Ok(entries) = std::fs::read_dir(dir.join(target)) else { continue };
        for f in entries {
            let path = f.unwrap().path();
            let input = std::fs::read(&path).unwrap();
            for (_, other) in targets {
                other(&input);
            }
            check(&input);
            n += 1;
        }
    }
    assert!(n >= 3, "the regression inputs are missing from {}", dir.display());
    assert_eq!(parse("ｃｈａｐｔｅｒ：７ 莲藕").filters.chapter, Some(7));
}
