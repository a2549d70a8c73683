//! # Fuzzing on stable Rust
//!
//! cargo-fuzz needs nightly; this driver runs the same checks (`fuzz/src/lib.rs`) with a
//! seeded generator, so any machine can fuzz:
//!
//! ```text
//! cargo run --release --example fuzz_stable -- --minutes 10 query_parser highlighter normalizer search
//! ```
//!
//! Inputs mix the plan's own text, query syntax (quotes of every script, `OR`, `-`, filters,
//! full-width forms), HTML metacharacters, control characters, traditional characters and
//! random bytes, and are mutated from one another. `search` also runs whole queries through
//! `Engine::search` on an index of the real corpus and checks the hits' highlights and HTML.
//! A failing input is written to `target/fuzz-stable/` and printed as a Rust literal to paste
//! into `tests/properties.rs` as a regression test. The run is reproducible from `--seed`.

#[path = "../fuzz/src/lib.rs"]
mod checks;

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Parser;

#[derive(Parser)]
struct Args {
    /// Minutes per target.
    #[arg(long, default_value_t = 1.0)]
    minutes: f64,
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// The longest input, in bytes.
    #[arg(long, default_value_t = 600)]
    max_len: usize,
    /// Run these saved inputs (files) through the targets instead of generating any.
    #[arg(long)]
    replay: Vec<PathBuf>,
    /// query_parser, highlighter, normalizer, search (default: all).
    targets: Vec<String>,
}

/// One target: raw bytes in, a panic when a check fails.
type Check = Box<dyn Fn(&[u8])>;

struct Gen {
    rng: fastrand::Rng,
    plan: Vec<char>,
    max_len: usize,
    last: Vec<u8>,
}

impl Gen {
    fn input(&mut self) -> Vec<u8> {
        let out = match self.rng.u8(0..10) {
            // Raw bytes.
            0 => (0..self.rng.usize(0..self.max_len.min(64))).map(|_| self.rng.u8(..)).collect(),
            // Mutate the last input.
            1 | 2 if !self.last.is_empty() => {
                let mut v = self.last.clone();
                for _ in 0..self.rng.usize(1..8) {
                    let i = self.rng.usize(0..v.len().max(1));
                    match self.rng.u8(0..3) {
                        0 if i < v.len() => v[i] = self.rng.u8(..),
                        1 if i < v.len() => {
                            v.remove(i);
                        }
                        _ => v.insert(i.min(v.len()), self.rng.u8(..)),
                    }
                }
                v
            }
            // Pieces of syntax and of the plan, joined.
            _ => {
                let mut s = String::new();
                let parts = self.rng.usize(1..24);
                for _ in 0..parts {
                    if self.rng.bool() {
                        s.push_str(checks::PIECES[self.rng.usize(0..checks::PIECES.len())]);
                    } else {
                        let a = self.rng.usize(0..self.plan.len());
                        let n = self.rng.usize(1..12);
                        s.extend(self.plan[a..(a + n).min(self.plan.len())].iter());
                    }
                    if s.len() > self.max_len {
                        break;
                    }
                }
                s.into_bytes()
            }
        };
        let mut out = out;
        out.truncate(self.max_len);
        self.last = out.clone();
        out
    }
}

fn search_target(engine: &plansearch_search::Engine, data: &[u8]) {
    let q = String::from_utf8_lossy(data).into_owned();
    let lang = [plansearch_search::Lang::Auto, plansearch_search::Lang::Zh, plansearch_search::Lang::En][data.len() % 3];
    let limit = data.first().map_or(10, |&b| b as usize % 120);
    let offset = data.last().map_or(0, |&b| b as usize % 40);
    let res = engine
        .search(&plansearch_search::Request { q: q.clone(), limit, offset, lang, ..Default::default() })
        .unwrap_or_else(|e| panic!("search failed on {q:?}: {e}"));
    for h in &res.hits {
        let n = h.text.chars().count();
        for w in h.highlights.windows(2) {
            assert!(w[0].1 < w[1].0, "highlights not merged: {:?} for {q:?}", h.highlights);
        }
        assert!(h.highlights.iter().all(|&(s, e)| s < e && e <= n), "highlight past the text for {q:?}");
        let sn = h.snippet.chars().count();
        assert!(h.snippet_highlights.iter().all(|&(s, e)| s < e && e <= sn), "snippet highlight past the snippet for {q:?}");
        checks::check_html(&h.snippet_html, &h.snippet);
        if let (Some(html), Some(text)) = (&h.snippet_en_html, &h.snippet_en) {
            checks::check_html(html, text);
        }
    }
}

fn main() {
    let args = Args::parse();
    let targets = if args.targets.is_empty() {
        vec!["query_parser".into(), "highlighter".into(), "normalizer".into(), "search".into()]
    } else {
        args.targets.clone()
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let plan: Vec<char> = std::fs::read_to_string(root.join("corpus/caidian/plan.zh.md")).expect("plan").chars().collect();
    let out = root.join("target/fuzz-stable");
    std::fs::create_dir_all(&out).expect("target/fuzz-stable");

    // The panic message of the last failure, without the default hook's noise per case.
    let last_panic = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let sink = last_panic.clone();
    std::panic::set_hook(Box::new(move |info| {
        *sink.lock().unwrap_or_else(|e| e.into_inner()) = format!("{info}");
    }));

    let mut engine_dir = None;
    let mut failed = 0;
    for target in &targets {
        let engine = (target == "search").then(|| {
            let dir = tempfile::tempdir().expect("tempdir");
            let corpus = root.join("corpus");
            let (ix, _) = plansearch_index::ensure(&corpus, dir.path(), &mut |_| {}).expect("index");
            let syn = plansearch_search::Synonyms::load(&corpus.join("synonyms.tsv")).expect("synonyms");
            engine_dir = Some(dir);
            plansearch_search::Engine::new(ix, syn)
        });
        let run: Check = match target.as_str() {
            "query_parser" => Box::new(checks::query_parser),
            "highlighter" => Box::new(checks::highlighter),
            "normalizer" => Box::new(checks::normalizer),
            "search" => {
                let e = engine.expect("engine");
                Box::new(move |d: &[u8]| search_target(&e, d))
            }
            other => {
                eprintln!("fuzz_stable: no target {other}");
                std::process::exit(2);
            }
        };
        if !args.replay.is_empty() {
            for f in &args.replay {
                let input = std::fs::read(f).expect("replay input");
                let ok = std::panic::catch_unwind(AssertUnwindSafe(|| run(&input))).is_ok();
                let msg = last_panic.lock().unwrap_or_else(|e| e.into_inner()).clone();
                println!("fuzz_stable: {target}: {}: {}", f.display(), if ok { "ok".to_string() } else { format!("FAILED: {msg}") });
                failed += usize::from(!ok);
            }
            continue;
        }
        let mut gen = Gen { rng: fastrand::Rng::with_seed(args.seed), plan: plan.clone(), max_len: args.max_len, last: vec![] };
        let deadline = Instant::now() + Duration::from_secs_f64(args.minutes * 60.0);
        let (mut cases, mut crashes) = (0u64, std::collections::BTreeMap::<String, Vec<u8>>::new());
        while Instant::now() < deadline {
            for _ in 0..64 {
                let input = gen.input();
                cases += 1;
                if std::panic::catch_unwind(AssertUnwindSafe(|| run(&input))).is_err() {
                    let msg = last_panic.lock().unwrap_or_else(|e| e.into_inner()).clone();
                    // One input per distinct place of failure.
                    let place = msg.lines().next().unwrap_or_default().split(':').take(3).collect::<Vec<_>>().join(":");
                    crashes.entry(place).or_insert_with(|| {
                        let file = out.join(format!("{target}-{cases}.bin"));
                        let _ = std::fs::write(&file, &input);
                        eprintln!("fuzz_stable: {target}: FAILED on {:?}\n  {msg}\n  saved to {}", String::from_utf8_lossy(&input), file.display());
                        input.clone()
                    });
                }
            }
        }
        println!("fuzz_stable: {target}: {cases} inputs in {:.1} min, {} distinct failure(s)", args.minutes, crashes.len());
        failed += crashes.len();
    }
    drop(engine_dir);
    if failed > 0 {
        std::process::exit(1);
    }
}
