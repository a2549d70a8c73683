//! # A one-table benchmark report
//!
//! `cargo run --release --example bench_report` measures, in one process and on the real
//! corpus, what `benches/search.rs` measures with criterion, and prints it as a Markdown
//! table that `scripts/bench.sh` and `scripts/scale.sh` show and record:
//!
//! * query latency through `Engine::search` (parse, search, stored passages, snippets,
//!   highlights, facets; limit 10) for each query of `benches/queries.txt`: each query is run
//!   once to warm up, then `--reps` times; its median is its latency, and the table gives
//!   p50/p99/max over the list;
//! * the same for the brute-force scan floor;
//! * the full build (ingest + index), `--builds` times, median, and MB/s of Markdown;
//! * jieba alone over the passage text, the floor for the build.
//!
//! `--json FILE` also writes the numbers for the scripts to compare against other systems.

#[path = "../benches/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::path::PathBuf;

use clap::Parser;

#[derive(Parser)]
struct Args {
    /// The corpus root.
    #[arg(long, default_value = "corpus")]
    corpus: PathBuf,
    /// An index to query (built there if missing or stale); default: a fresh temporary one.
    #[arg(long)]
    index: Option<PathBuf>,
    #[arg(long, default_value = "benches/queries.txt")]
    queries: PathBuf,
    /// Timed runs per query (after one warm-up run).
    #[arg(long, default_value_t = 20)]
    reps: usize,
    /// Timed full builds (0: no build measurements).
    #[arg(long, default_value_t = 3)]
    builds: usize,
    /// Leave out the scan floor (it holds every passage in memory).
    #[arg(long)]
    no_scan: bool,
    /// Put this before every query, e.g. `doc:caidian`.
    #[arg(long, default_value = "")]
    prefix: String,
    /// Hits per search.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Also write the numbers as JSON here.
    #[arg(long)]
    json: Option<PathBuf>,
}

fn main() {
    let args = Args::parse();
    let mut queries = common::queries(&args.queries);
    if !args.prefix.is_empty() {
        queries = queries.iter().map(|q| format!("{} {q}", args.prefix)).collect();
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let index = args.index.clone().unwrap_or_else(|| tmp.path().join("index"));
    let mut json = serde_json::Map::new();
    let mut rows: Vec<String> = Vec::new();
    let row =
        |what: &str, n: usize, (p50, p99, max): (f64, f64, f64), note: &str| format!("| {what} | {n} | {p50:.3} | {p99:.3} | {max:.3} | {note} |");

    // ## Queries through the engine
    let (open, engine) = common::time(|| common::engine(&args.corpus, &index));
    let passages = engine.index.meta.passages;
    let engine_ms = common::per_query_medians(&queries, args.reps, |q| {
        black_box(common::search(&engine, q, args.limit));
    });
    let totals: Vec<usize> = queries.iter().map(|q| common::search(&engine, q, args.limit)).collect();
    let s = common::summary(&engine_ms);
    rows.push(row("query, `Engine::search` (ms)", queries.len(), s, &format!("{passages} passages, limit {}", args.limit)));
    json.insert("engine_ms".into(), serde_json::json!({"p50": s.0, "p99": s.1, "max": s.2, "per_query": engine_ms}));
    json.insert("queries".into(), serde_json::json!(queries));
    json.insert("passages".into(), passages.into());
    json.insert("open_s".into(), open.as_secs_f64().into());
    let no_hits = queries.iter().zip(&totals).filter(|(_, &t)| t == 0).map(|(q, _)| q.as_str()).collect::<Vec<_>>();

    // ## The scan floor
    if !args.no_scan {
        let scan = common::Scan::new(&args.corpus);
        let scan_ms = common::per_query_medians(&queries, args.reps, |q| {
            black_box(scan.search(q));
        });
        let s = common::summary(&scan_ms);
        rows.push(row("query, scan floor (ms)", queries.len(), s, &format!("`str::contains` over {:.1} MB in memory", scan.bytes() as f64 / 1e6)));
        json.insert("scan_ms".into(), serde_json::json!({"p50": s.0, "p99": s.1, "max": s.2, "per_query": scan_ms}));
    }

    // ## The build, and jieba alone
    let mut build_line = String::new();
    if args.builds > 0 {
        let bytes = common::corpus_bytes(&args.corpus) as f64;
        let mut secs: Vec<f64> = (0..args.builds)
            .map(|_| {
                let dir = tempfile::tempdir().expect("tempdir");
                common::time(|| common::full_build(&args.corpus, dir.path())).0.as_secs_f64()
            })
            .collect();
        secs.sort_by(f64::total_cmp);
        let build = secs[secs.len() / 2];
        let texts = common::normalized_passages(&args.corpus);
        let mut jsecs: Vec<f64> = (0..args.builds.max(3))
            .map(|_| {
                common::time(|| {
                    black_box(common::jieba_alone(&texts));
                })
                .0
                .as_secs_f64()
            })
            .collect();
        jsecs.sort_by(f64::total_cmp);
        let jieba = jsecs[jsecs.len() / 2];
        let mbs = |s: f64| bytes / 1e6 / s;
        build_line = format!(
            "| full build (ingest + index), median of {} | {:.3} s | {:.2} MB/s |\n| jieba alone over the passage text (floor) | {:.3} s | {:.2} MB/s |\n| build / jieba | {:.1}× | |",
            args.builds,
            build,
            mbs(build),
            jieba,
            mbs(jieba),
            build / jieba
        );
        json.insert("build_s".into(), build.into());
        json.insert("jieba_s".into(), jieba.into());
        json.insert("markdown_bytes".into(), bytes.into());
    }

    println!("| in-process (ms) | queries | p50 | p99 | max | note |");
    println!("| --- | ---: | ---: | ---: | ---: | --- |");
    for r in &rows {
        println!("{r}");
    }
    if !build_line.is_empty() {
        println!();
        println!("| build | time | throughput (Markdown) |");
        println!("| --- | ---: | ---: |");
        println!("{build_line}");
    }
    println!();
    println!(
        "index opened in {:.2} s; {} of {} queries found nothing{}",
        open.as_secs_f64(),
        no_hits.len(),
        queries.len(),
        if no_hits.is_empty() { String::new() } else { format!(": {}", no_hits.join(" | ")) }
    );
    if let Some(path) = args.json {
        std::fs::write(&path, serde_json::to_vec_pretty(&json).expect("json")).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}
