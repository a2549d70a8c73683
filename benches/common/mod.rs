//! The benchmark workload, shared by `benches/search.rs` (criterion) and
//! `examples/bench_report.rs` (one table for `scripts/bench.sh`): the fixed query list, an
//! engine over a freshly built index, and the two floors we compare against.
//!
//! The floors are what no search can beat on this machine: a brute-force substring scan of
//! every passage held in memory (for queries), and jieba's segmentation of the corpus text
//! alone (for the build, which must at least cut every passage into words).

#![allow(dead_code)] // Each including target uses a different part.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use plansearch_search::{Engine, Request};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The queries of `benches/queries.txt` (or another file): one per line, `#` lines skipped.
pub fn queries(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_string).collect()
}

/// The engine over the index of `corpus`, kept in `index` (built there when missing or
/// stale), with the synonyms the CLI uses.
pub fn engine(corpus: &Path, index: &Path) -> Engine {
    let (ix, _) = plansearch_index::ensure(corpus, index, &mut |why| eprintln!("bench: {why}")).expect("index");
    let synonyms_path = corpus.join("synonyms.tsv");
    let synonyms = if synonyms_path.exists() {
        plansearch_search::Synonyms::load(&synonyms_path).expect("synonyms")
    } else {
        plansearch_search::Synonyms::builtin()
    };
    Engine::new(ix, synonyms)
}

/// One search as the web API runs it: parse, search, stored passages, snippets, highlights,
/// facets. Returns the total, so the work cannot be optimised away.
pub fn search(engine: &Engine, q: &str, limit: usize) -> usize {
    let res = engine.search(&Request { q: q.to_string(), limit, ..Default::default() }).expect("search");
    res.total + res.hits.len()
}

/// The query floor: every passage's normalized Chinese and English text in memory, and a
/// query answered by `str::contains` on each — no index, no ranking, no snippets. A passage
/// matches when each group of the parsed query has an alternative it contains and it contains
/// no excluded unit (filters are ignored: the scan is a lower bound, not a reimplementation).
pub struct Scan {
    texts: Vec<String>,
}

impl Scan {
    pub fn new(corpus: &Path) -> Scan {
        let corpus = plansearch_corpus::Corpus::load(corpus).expect("corpus");
        let texts = corpus
            .passages()
            .iter()
            .map(|p| {
                let mut t = plansearch_analysis::normalize(&p.text);
                if let Some(en) = &p.text_en {
                    t.push('\n');
                    t.push_str(&plansearch_analysis::normalize(en));
                }
                t
            })
            .collect();
        Scan { texts }
    }

    pub fn bytes(&self) -> usize {
        self.texts.iter().map(String::len).sum()
    }

    /// How many passages match (the first `limit` are all a caller would take, but counting
    /// every match is what the engine does too).
    pub fn search(&self, q: &str) -> usize {
        let parsed = plansearch_search::parse(q);
        if parsed.groups.is_empty() {
            return 0;
        }
        self.texts
            .iter()
            .filter(|t| {
                parsed.groups.iter().all(|g| g.iter().any(|u| t.contains(u.text.as_str())))
                    && !parsed.exclude.iter().any(|u| t.contains(u.text.as_str()))
            })
            .count()
    }
}

/// The build floor: jieba (search mode, with the plan dictionary) over every passage's
/// normalized text, which the build must do at least once. Returns the number of words.
pub fn jieba_alone(texts: &[String]) -> usize {
    texts.iter().map(|t| plansearch_analysis::word_tokens(t).len()).sum()
}

/// Every passage's normalized text, the input of [`jieba_alone`].
pub fn normalized_passages(corpus: &Path) -> Vec<String> {
    let corpus = plansearch_corpus::Corpus::load(corpus).expect("corpus");
    corpus.passages().iter().map(|p| plansearch_analysis::normalize(&p.text)).collect()
}

/// The full build as `plansearch build` does it: convert each source to Markdown (ingest, not
/// written back), then index the corpus into a new directory under `index` and swap it in.
pub fn full_build(corpus: &Path, index: &Path) -> usize {
    for dir in plansearch_corpus::Corpus::document_dirs(corpus).expect("corpus") {
        if dir.join(plansearch_corpus::SOURCE_TXT).exists() {
            plansearch_corpus::convert_dir(&dir).expect("ingest");
        }
    }
    plansearch_index::build(corpus, index, &mut |_, _| {}).expect("build").passages
}

/// The Chinese Markdown bytes of the corpus: what "MB/s of source" divides by.
pub fn corpus_bytes(corpus: &Path) -> u64 {
    plansearch_corpus::Corpus::document_dirs(corpus)
        .expect("corpus")
        .iter()
        .filter_map(|d| std::fs::metadata(d.join(plansearch_corpus::PLAN_MD)).ok())
        .map(|m| m.len())
        .sum()
}

/// Time `f` once.
pub fn time<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let t = Instant::now();
    let out = f();
    (t.elapsed(), out)
}

/// The `p`-th percentile (0–100) of sorted values, nearest rank.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Per-query latency over a list: each query run `reps` times after one warm-up run; the
/// per-query median is that query's latency. Returns the medians in milliseconds, in list order.
pub fn per_query_medians(queries: &[String], reps: usize, mut run: impl FnMut(&str)) -> Vec<f64> {
    queries
        .iter()
        .map(|q| {
            run(q);
            let mut t: Vec<f64> = (0..reps.max(1))
                .map(|_| {
                    let s = Instant::now();
                    run(q);
                    s.elapsed().as_secs_f64() * 1000.0
                })
                .collect();
            t.sort_by(f64::total_cmp);
            t[t.len() / 2]
        })
        .collect()
}

/// p50, p99 and max over the list of per-query latencies.
pub fn summary(ms: &[f64]) -> (f64, f64, f64) {
    let mut s = ms.to_vec();
    s.sort_by(f64::total_cmp);
    (percentile(&s, 50.0), percentile(&s, 99.0), s.last().copied().unwrap_or(f64::NAN))
}
