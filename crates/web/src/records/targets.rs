//! The /targets page, its JSON and CSV: filters, sorting and the server-drawn charts.

use super::*;

// ---- targets --------------------------------------------------------------------------------

const SORTS: &[&str] = &["order", "metric", "value", "unit", "year", "chapter", "binding", "kind", "source", "comparator"];

struct TargetQuery {
    filter: TargetFilter,
    kind: String,
    sort: String,
    desc: bool,
}

fn bad(message: String) -> AppError {
    AppError::bad_request("bad_parameter", message)
}

fn target_query(state: &AppState, params: &HashMap<String, String>) -> Result<TargetQuery, AppError> {
    let get = |k: &str| params.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let q = crate::params::query(params)?;
    let mut filter = TargetFilter { query: q, ..Default::default() };
    if let Some(c) = get("chapter") {
        let mut f = plansearch_search::Filters::default();
        f.set("chapter", c).map_err(bad)?;
        let c = f.chapter.unwrap_or(0);
        if state.outline().chapter(state.outline().default_doc(), c).is_none() {
            return Err(AppError::bad_request("unknown_chapter", format!("the plan has no chapter {c}")));
        }
        filter.chapter = Some(c);
    }
    if let Some(y) = get("year") {
        let year = y.parse::<u32>().ok().filter(|y| (1949..=2100).contains(y) && y.to_string().len() == 4);
        filter.year = Some(year.ok_or_else(|| bad(format!("year must be a year such as 2025, not {y:?}")))?);
    }
    if let Some(b) = get("binding") {
        let b = plansearch_records::Binding::parse(b)
            .ok_or_else(|| bad(format!("binding must be 约束性 (binding) or 预期性 (indicative), not {b:?}")))?;
        filter.binding = Some(b);
    }
    let kind = get("kind").unwrap_or("target").to_ascii_lowercase();
    filter.kind = match kind.as_str() {
        "all" => None,
        k => Some(Kind::parse(k).ok_or_else(|| bad(format!("kind must be target, achieved or all, not {k:?}")))?),
    };
    let sort = get("sort").unwrap_or("order").to_ascii_lowercase();
    if !SORTS.contains(&sort.as_str()) {
        return Err(bad(format!("sort must be one of {}, not {sort:?}", SORTS.join(", "))));
    }
    let desc = match get("dir").map(|d| d.to_ascii_lowercase()).as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(d) => return Err(bad(format!("dir must be asc or desc, not {d:?}"))),
    };
    Ok(TargetQuery { filter, kind, sort, desc })
}

fn select<'a>(state: &'a AppState, tq: &TargetQuery) -> Vec<&'a Row> {
    let mut rows: Vec<&Row> = state.records.rows.iter().filter(|r| tq.filter.matches(&r.target)).collect();
    let by = |r: &&Row| -> (Option<f64>, String) {
        let t = &r.target;
        match tq.sort.as_str() {
            "metric" => (None, t.metric.clone()),
            "value" => (t.low.or(t.high), String::new()),
            "unit" => (None, t.unit.clone()),
            "year" => (t.year.map(f64::from), String::new()),
            "chapter" => (t.chapter.map(f64::from), String::new()),
            "binding" => (None, t.binding.map(|b| b.as_str()).unwrap_or_default().to_string()),
            "kind" => (None, t.kind.as_str().to_string()),
            "source" => (None, t.source.as_str().to_string()),
            "comparator" => (None, t.comparator.as_str().to_string()),
            _ => (None, String::new()),
        }
    };
    if tq.sort != "order" {
        // Missing values last, whichever the direction; ties keep reading order.
        rows.sort_by(|a, b| {
            let (ka, kb) = (by(a), by(b));
            let missing = |k: &(Option<f64>, String)| k.0.is_none() && k.1.is_empty();
            match (missing(&ka), missing(&kb)) {
                (true, false) => return std::cmp::Ordering::Greater,
                (false, true) => return std::cmp::Ordering::Less,
                _ => {}
            }
            let o = ka.0.partial_cmp(&kb.0).unwrap_or(std::cmp::Ordering::Equal).then_with(|| ka.1.cmp(&kb.1));
            if tq.desc {
                o.reverse()
            } else {
                o
            }
        });
    } else if tq.desc {
        rows.reverse();
    }
    rows
}

const NO_MATCH: &str = "No targets match these filters. 没有符合条件的目标。";

pub async fn targets_api(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    state
        .in_pool(Cost::Light, move |state| {
        let params = decode(raw.as_deref())?;
        let tq = target_query(state, &params)?;
        let rows = select(state, &tq);
        let list: Vec<&Target> = rows.iter().map(|r| &r.target).collect();
        let mut body = json!({
            "total": list.len(),
            "filters": {"q": tq.filter.query, "chapter": tq.filter.chapter, "year": tq.filter.year, "binding": tq.filter.binding, "kind": tq.kind},
            "targets": list,
        });
        if list.is_empty() {
            body["message"] = json!(NO_MATCH);
        }
        Ok(Json(body).into_response())
        })
        .await?
}

pub async fn targets_csv(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    state
        .in_pool(Cost::Light, move |state| {
            let params = decode(raw.as_deref())?;
            let tq = target_query(state, &params)?;
            let rows = select(state, &tq);
            // A byte-order mark, so that spreadsheet programs read the Chinese as UTF-8.
            let body = format!("\u{feff}{}", csv::targets(rows.iter().map(|r| &r.target)));
            Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8"), (header::CONTENT_DISPOSITION, "attachment; filename=\"targets.csv\"")], body)
                .into_response())
        })
        .await?
}

/// The query string of the current filters, with `extra` set (and the rest kept).
fn target_link(tq: &TargetQuery, extra: &[(&str, String)]) -> String {
    let mut parts: Vec<(String, String)> = vec![
        ("q".into(), tq.filter.query.clone()),
        ("chapter".into(), tq.filter.chapter.map(|c| c.to_string()).unwrap_or_default()),
        ("year".into(), tq.filter.year.map(|y| y.to_string()).unwrap_or_default()),
        ("binding".into(), tq.filter.binding.map(|b| b.as_str()).unwrap_or_default().to_string()),
        ("kind".into(), if tq.kind == "target" { String::new() } else { tq.kind.clone() }),
        ("sort".into(), if tq.sort == "order" { String::new() } else { tq.sort.clone() }),
        ("dir".into(), if tq.desc { "desc".into() } else { String::new() }),
    ];
    for (k, v) in extra {
        if let Some(p) = parts.iter_mut().find(|(pk, _)| pk == k) {
            p.1 = v.clone();
        }
    }
    parts.into_iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={}", encode(&v))).collect::<Vec<_>>().join("&")
}

/// 专栏 2 drawn as 2020 value against 2025 target, one row per indicator with both numbers.
fn indicator_chart(state: &AppState) -> Value {
    const BAR: f64 = 300.0;
    let mut by_passage: Vec<(&Row, Option<&Row>)> = Vec::new();
    for r in state.records.rows.iter().filter(|r| r.target.source == target_records::Source::IndicatorTable && r.target.kind == Kind::Target) {
        let base = state.records.rows.iter().find(|b| b.target.passage_id == r.target.passage_id && b.target.kind == Kind::Achieved);
        by_passage.push((r, base));
    }
    let mut bars = Vec::new();
    for (t, b) in by_passage {
        let (Some(v25), Some(v20)) = (t.target.low.or(t.target.high), b.and_then(|b| b.target.low)) else { continue };
        let max = v25.max(v20).max(f64::MIN_POSITIVE);
        let y = bars.len() * 46 + 24;
        bars.push(context! {
            metric => &t.target.metric,
            unit => &t.target.unit,
            href => &t.href,
            y => y,
            w2020 => (v20 / max * BAR).round().max(1.0),
            w2025 => (v25 / max * BAR).round().max(1.0),
            label2020 => format!("2020 {}{}", b.map(|b| b.target.value.as_str()).unwrap_or(""), t.target.unit),
            label2025 => format!("2025 {}", t.target.amount()),
            binding => &t.target.binding,
        });
    }
    let height = bars.len() * 46 + 30;
    context! { bars => bars, height => height }
}

/// The number of targets in each chapter, as bars linking to the chapter's filter.
fn chapter_chart(state: &AppState) -> Value {
    let doc = state.outline().default_doc();
    let chapters = state.outline().document(doc).map(|d| d.chapters.clone()).unwrap_or_default();
    let counts: Vec<usize> = chapters
        .iter()
        .map(|c| state.records.rows.iter().filter(|r| r.target.kind == Kind::Target && r.target.chapter == Some(c.number)).count())
        .collect();
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let slot = 760 / chapters.len().max(1);
    let bars: Vec<Value> = chapters
        .iter()
        .zip(&counts)
        .enumerate()
        .map(|(i, (c, &n))| {
            let h = if n == 0 { 0 } else { (n * 120 / max).max(2) };
            context! {
                number => c.number, label => &c.part.label, title => &c.part.title, count => n,
                x => i * slot + 4, w => slot - 8, y => 140 - h, h => h, cx => i * slot + slot / 2,
                href => format!("/targets?chapter={}", c.number),
            }
        })
        .collect();
    context! { bars => bars, total => counts.iter().sum::<usize>() }
}

pub async fn targets_page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    state
        .in_pool(Cost::Light, move |state| {
        let params = decode(raw.as_deref()).map_err(AppError::html)?;
        let tq = target_query(state, &params).map_err(AppError::html)?;
        let rows = select(state, &tq);
        let list: Vec<Value> = rows
            .iter()
            .map(|r| context! { t => &r.target, href => &r.href, amount => r.target.amount(), comparator => r.target.comparator.as_str(), kind => r.target.kind.as_str(), source => r.target.source.as_str() })
            .collect();
        let columns: Vec<Value> = [
            ("metric", "指标 Metric"),
            ("value", "数值 Value"),
            ("year", "年份 Year"),
            ("binding", "属性 Binding"),
            ("kind", "类型 Kind"),
            ("source", "来源 Source"),
            ("chapter", "章 Chapter"),
            ("order", "段落 Passage"),
        ]
        .iter()
        .map(|(key, label)| {
            let current = tq.sort == *key;
            let dir = if current && !tq.desc { "desc" } else { "" };
            let aria = if current {
                if tq.desc {
                    "descending"
                } else {
                    "ascending"
                }
            } else {
                "none"
            };
            context! { key => key, label => label, href => format!("/targets?{}", target_link(&tq, &[("sort", if *key == "order" { String::new() } else { key.to_string() }), ("dir", dir.to_string())])), aria => aria }
        })
        .collect();
        let doc = state.outline().default_doc();
        let chapters: Vec<Value> = state
            .outline()
            .document(doc)
            .into_iter()
            .flat_map(|d| &d.chapters)
            .map(|c| context! { number => c.number, label => &c.part.label, title => &c.part.title })
            .collect();
        let mut years: Vec<u32> = state.records.rows.iter().filter_map(|r| r.target.year).collect();
        years.sort_unstable();
        years.dedup();
        state.render(
            "targets.html",
            context! {
                rows => list,
                total => rows.len(),
                all => state.records.rows.iter().filter(|r| r.target.kind == Kind::Target).count(),
                columns => columns,
                q => &tq.filter.query,
                chapter => tq.filter.chapter,
                year => tq.filter.year,
                binding => &tq.filter.binding,
                kind => &tq.kind,
                sort => &tq.sort,
                dir => if tq.desc { "desc" } else { "asc" },
                chapters => chapters,
                years => years,
                csv_href => format!("/api/targets.csv?{}", target_link(&tq, &[])),
                json_href => format!("/api/targets?{}", target_link(&tq, &[])),
                indicators => indicator_chart(state),
                per_chapter => chapter_chart(state),
                message => rows.is_empty().then_some(NO_MATCH),
            },
        )
        })
        .await.map_err(AppError::html)?
}
