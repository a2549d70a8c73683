//! Search benchmarks (criterion): `cargo bench --bench search`.
//!
//! * `queries/engine` — every query of `benches/queries.txt` once through
//!   `Engine::search` (parse, search, stored passages, snippets, highlights, facets),
//!   limit 10: the time per list, and per query by throughput.
//! * `queries/scan_floor` — the same queries as a brute-force substring scan of every
//!   passage in memory: what a search without an index costs here.
//! * `build/full` — ingest (convert the source, not written) and index into a new
//!   directory, swapped in: `plansearch build`.
//! * `build/jieba_floor` — jieba's segmentation of every passage alone, which any build
//!   must pay.
//!
//! Before criterion runs, the per-query latency distribution (p50/p99 over the list of
//! per-query medians) is printed, since criterion reports means per benchmark.
//! `scripts/bench.sh` prints all of it, plus HTTP and a SQLite FTS5 peer, in one table.

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

fn benches(c: &mut Criterion) {
    let corpus = common::repo().join("corpus");
    let queries = common::queries(&common::repo().join("benches/queries.txt"));
    let index = tempfile::tempdir().unwrap();
    let engine = common::engine(&corpus, index.path());
    let scan = common::Scan::new(&corpus);

    // The per-query distribution first.
    let engine_ms = common::per_query_medians(&queries, 20, |q| {
        black_box(common::search(&engine, q, 10));
    });
    let scan_ms = common::per_query_medians(&queries, 20, |q| {
        black_box(scan.search(q));
    });
    for (name, ms) in [("engine", &engine_ms), ("scan floor", &scan_ms)] {
        let (p50, p99, max) = common::summary(ms);
        println!("per-query {name}: {} queries, p50 {p50:.3} ms, p99 {p99:.3} ms, max {max:.3} ms", queries.len());
    }

    let mut g = c.benchmark_group("queries");
    g.throughput(Throughput::Elements(queries.len() as u64));
    g.bench_function("engine", |b| {
        b.iter(|| {
            for q in &queries {
                black_box(common::search(&engine, q, 10));
            }
        })
    });
    g.bench_function("scan_floor", |b| {
        b.iter(|| {
            for q in &queries {
                black_box(scan.search(q));
            }
        })
    });
    g.finish();

    let texts = common::normalized_passages(&corpus);
    let mut g = c.benchmark_group("build");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Bytes(common::corpus_bytes(&corpus)));
    g.bench_function("full", |b| {
        b.iter_batched(|| tempfile::tempdir().unwrap(), |dir| black_box(common::full_build(&corpus, dir.path())), BatchSize::PerIteration)
    });
    g.bench_function("jieba_floor", |b| b.iter(|| black_box(common::jieba_alone(&texts))));
    g.finish();
}

criterion_group!(search, benches);
criterion_main!(search);
