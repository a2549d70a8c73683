//! `plansearch`: the one binary. It owns argument parsing, error display and exit codes; the
//! work is done by the crates under `crates/`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

mod records_cli;

#[derive(Parser)]
#[command(name = "plansearch", version, about = "Search the 14th Five-Year Plan of Caidian District, Wuhan (Chinese/English)")]
struct Cli {
    /// The corpus folder: one `<slug>/plan.zh.md` per plan.
    #[arg(long, global = true, default_value = "corpus")]
    corpus: PathBuf,
    /// The index folder (built by `build`, or by `search` and `serve` when missing or stale).
    #[arg(long, global = true, default_value = "index")]
    index: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Convert each `corpus/<slug>/source.txt` into `corpus/<slug>/plan.zh.md`.
    Ingest,
    /// Print every passage with its id and place (`--json` for one JSON object per line).
    Passages {
        #[arg(long)]
        json: bool,
    },
    /// Ingest the sources, then build the search index aside and swap it in.
    Build,
    /// Serve the search pages and the JSON API (builds the index first if needed).
    Serve(ServeArgs),
    /// Search the plan and print ranked passages (`--json`: the API's response object).
    Search {
        /// The query: words (all required), "exact phrases", A OR B, -excluded, chapter:4,
        /// section:4.1, panel:4-1, kind:table, company:格力.
        #[arg(required = true, num_args = 1.., allow_hyphen_values = true)]
        query: Vec<String>,
        #[arg(long)]
        json: bool,
        /// How many hits (at most 100).
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// The query's language: auto (decide from the letters), zh, or en (English or pinyin).
        #[arg(long, value_enum, default_value_t = LangArg::Auto)]
        lang: LangArg,
    },
    /// List the plan's quantitative targets (and, with --kind, the “十三五” results achieved).
    Targets {
        /// Words that must all occur in the metric, the sentence or the value.
        query: Vec<String>,
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// CSV (RFC 4180; formula-looking cells are prefixed with ').
        #[arg(long)]
        csv: bool,
        #[arg(long)]
        chapter: Option<u32>,
        #[arg(long)]
        year: Option<u32>,
        /// 约束性 (binding) or 预期性 (indicative), from the indicator table.
        #[arg(long)]
        binding: Option<String>,
        #[arg(long, value_enum, default_value_t = records_cli::KindArg::Target)]
        kind: records_cli::KindArg,
    },
    /// List the rows of the panels' project tables; QUERY words must all occur in a field.
    Projects {
        query: Vec<String>,
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        #[arg(long)]
        csv: bool,
    },
    /// Print a citation of a passage: ID is 4.1.3 or caidian/4.1.3.
    Cite {
        id: String,
        /// csl-json and ris are for reference managers (Zotero, Mendeley, pandoc; EndNote).
        #[arg(long, default_value = "gbt", value_parser = records_cli::cite_format())]
        format: plansearch_records::CiteFormat,
        /// Where permalinks point (default: $PLANSEARCH_BASE_URL, else http://127.0.0.1:8080).
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Check that a quote occurs verbatim in the plan (exit 0) or not (exit 1); `-` reads stdin.
    Verify {
        #[arg(allow_hyphen_values = true)]
        quote: String,
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`plansearch passages | head`) is not an error.
            if err.chain().any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)) {
                return ExitCode::SUCCESS;
            }
            eprintln!("plansearch: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// `--lang`: the spellings the command line accepts; the web's `lang=` also takes `cn`,
/// `chinese` and `english` (`Lang::parse`).
#[derive(Clone, Copy, clap::ValueEnum)]
enum LangArg {
    Auto,
    Zh,
    En,
}

impl From<LangArg> for plansearch_search::Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::Auto => plansearch_search::Lang::Auto,
            LangArg::Zh => plansearch_search::Lang::Zh,
            LangArg::En => plansearch_search::Lang::En,
        }
    }
}

#[derive(clap::Args)]
struct ServeArgs {
    /// The address to listen on; loopback unless you say otherwise.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: std::net::SocketAddr,
    /// Bytes of finished search answers (API and pages) kept for repeated queries (0: none).
    #[arg(long, default_value_t = plansearch_web::DEFAULT_CACHE_BYTES)]
    cache_bytes: usize,
    /// Requests worked on at once: searches, quote checks, pages (default: one per core).
    #[arg(long)]
    search_workers: Option<usize>,
    /// Requests that may wait for a worker in each lane (ordinary, costly); beyond, the answer
    /// is 503 with Retry-After.
    #[arg(long, default_value_t = plansearch_web::DEFAULT_QUEUE)]
    search_queue: usize,
    /// Seconds a client has to send a request's head; also how long an idle keep-alive
    /// connection is kept.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=60))]
    header_timeout: u64,
    /// Connections open at once; more wait to be accepted.
    #[arg(long, default_value_t = plansearch_web::ServeOptions::default().max_connections)]
    max_connections: usize,
    /// Also serve the operator's counters (`GET /metrics`: search pool, cache, connections)
    /// on this address. Off unless given; keep it on loopback.
    #[arg(long)]
    metrics_addr: Option<std::net::SocketAddr>,
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Ingest => ingest(&cli.corpus),
        Command::Passages { json } => passages(&cli.corpus, json),
        Command::Build => build(&cli.corpus, &cli.index),
        Command::Serve(args) => serve(&cli.corpus, &cli.index, args),
        Command::Search { query, json, limit, offset, lang } => search(&cli.corpus, &cli.index, &query.join(" "), json, limit, offset, lang.into()),
        Command::Targets { query, json, csv, chapter, year, binding, kind } => {
            let output = records_cli::Output::from_flags(json, csv);
            records_cli::targets(&cli.corpus, records_cli::TargetArgs { query: query.join(" "), chapter, year, binding, kind, output })
        }
        Command::Projects { query, json, csv } => records_cli::projects(&cli.corpus, &query.join(" "), records_cli::Output::from_flags(json, csv)),
        Command::Cite { id, format, base_url } => records_cli::cite(&cli.corpus, &id, format, base_url.as_deref()),
        Command::Verify { quote, json } => records_cli::verify(&cli.corpus, &quote, json),
    }
}

fn serve(corpus: &std::path::Path, index: &std::path::Path, args: ServeArgs) -> anyhow::Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "plansearch=info,plansearch_web=info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let engine = open_engine(corpus, index)?;
    let defaults = plansearch_web::Options::default();
    let options = plansearch_web::Options {
        cache_bytes: args.cache_bytes,
        workers: args.search_workers.unwrap_or(defaults.workers).max(1),
        queue: args.search_queue,
    };
    let serving = plansearch_web::ServeOptions {
        header_timeout: std::time::Duration::from_secs(args.header_timeout),
        max_connections: args.max_connections.max(1),
        ..Default::default()
    };
    tracing::info!(
        search_workers = options.workers,
        search_queue = options.queue,
        cache_bytes = options.cache_bytes,
        header_timeout_s = args.header_timeout,
        max_connections = serving.max_connections,
        "limits"
    );
    let state = plansearch_web::AppState::with_options(engine, options).map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let addr = args.addr;
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
        let local = listener.local_addr()?;
        // One signal stops both listeners.
        let (stop, stopped) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown_signal().await;
            let _ = stop.send(true);
        });
        let until_stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|s| *s).await;
        };
        if let Some(maddr) = args.metrics_addr {
            let mlistener = tokio::net::TcpListener::bind(maddr).await.with_context(|| format!("cannot listen on {maddr}"))?;
            tracing::info!("operator counters on http://{}/metrics", mlistener.local_addr()?);
            let (app, conns, opts, until) =
                (plansearch_web::operator_app(state.clone()), Default::default(), serving.clone(), until_stopped(stopped.clone()));
            tokio::spawn(async move { plansearch_web::serve(mlistener, app, opts, conns, until).await });
        }
        tracing::info!("serving on http://{local}/");
        println!("plansearch: serving on http://{local}/ (Ctrl-C to stop)");
        let connections = state.connections.clone();
        plansearch_web::serve(listener, plansearch_web::app(state), serving, connections, until_stopped(stopped)).await?;
        tracing::info!("stopped");
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

fn build(corpus: &std::path::Path, index: &std::path::Path) -> anyhow::Result<ExitCode> {
    ingest(corpus)?;
    let started = std::time::Instant::now();
    let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut progress = |done: usize, total: usize| {
        if tty {
            let width = 30;
            let filled = done * width / total.max(1);
            eprint!("\rindexing [{}{}] {done}/{total}", "#".repeat(filled), " ".repeat(width - filled));
        }
    };
    let meta = plansearch_index::build(corpus, index, &mut progress)?;
    if tty {
        eprintln!();
    }
    println!(
        "{}: {} passages from {} document(s) in {:.2}s",
        index.display(),
        meta.passages,
        meta.outline.documents.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// Open the index, building it when it is missing, broken or older than the corpus.
pub fn open_engine(corpus: &std::path::Path, index: &std::path::Path) -> anyhow::Result<plansearch_search::Engine> {
    let (ix, _) = plansearch_index::ensure(corpus, index, &mut |why| eprintln!("plansearch: {why}"))?;
    let synonyms_path = corpus.join("synonyms.tsv");
    let synonyms = if synonyms_path.exists() {
        plansearch_search::Synonyms::load(&synonyms_path).with_context(|| format!("reading {}", synonyms_path.display()))?
    } else {
        plansearch_search::Synonyms::builtin()
    };
    Ok(plansearch_search::Engine::new(ix, synonyms))
}

#[allow(clippy::too_many_arguments)]
fn search(
    corpus: &std::path::Path,
    index: &std::path::Path,
    q: &str,
    json: bool,
    limit: usize,
    offset: usize,
    lang: plansearch_search::Lang,
) -> anyhow::Result<ExitCode> {
    if q.chars().count() > plansearch_search::MAX_QUERY_CHARS {
        anyhow::bail!("the query has {} characters; the limit is {}", q.chars().count(), plansearch_search::MAX_QUERY_CHARS);
    }
    let engine = open_engine(corpus, index)?;
    let req = plansearch_search::Request { q: q.to_string(), limit: limit.min(plansearch_search::MAX_LIMIT), offset, lang, ..Default::default() };
    let mut res = engine.search(&req)?;
    // Target badges and answers, as the web API gives them: targets need the whole plan of
    // each hit.
    let mut docs: Vec<&str> = res.hits.iter().map(|h| h.doc.as_str()).collect();
    docs.sort_unstable();
    docs.dedup();
    let mut passages = Vec::new();
    for doc in docs {
        passages.extend(engine.all(doc)?);
    }
    plansearch_records::Annotator::new(&plansearch_records::extract(&passages)).annotate(&mut res);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if json {
        serde_json::to_writer_pretty(&mut out, &res)?;
        writeln!(out)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let bold = std::io::IsTerminal::is_terminal(&std::io::stdout());
    if let Some(a) = &res.answer {
        let figure = a.value.as_deref().map(|v| format!("{v}{} — ", a.unit.as_deref().unwrap_or(""))).unwrap_or_default();
        writeln!(out, "answer: {figure}{}  [{}/{}]\n", a.text.replace('\n', " ｜ "), a.doc, a.passage_id)?;
    }
    writeln!(out, "{} passages for {} ({:.2} ms)", res.total, res.interpreted.query, res.took_ms)?;
    for c in &res.interpreted.corrected {
        writeln!(out, "searched for {} instead of {}", c.to, c.from)?;
    }
    if !res.interpreted.dropped.is_empty() {
        let dropped: Vec<&str> = res.interpreted.dropped.iter().map(|d| d.word.as_str()).collect();
        writeln!(out, "read as a question; not searched for: {}", dropped.join(" "))?;
    }
    for note in &res.interpreted.notes {
        writeln!(out, "note: {note}")?;
    }
    for e in &res.interpreted.expanded {
        writeln!(out, "also searched: {} → {} ({})", e.from, e.to, e.source)?;
    }
    if let Some(m) = &res.message {
        writeln!(out, "{m}")?;
    }
    if let Some(sg) = &res.suggestion {
        writeln!(out, "try: {} ({} passages)", sg.q, sg.total)?;
    }
    for (n, hit) in res.hits.iter().enumerate() {
        writeln!(out, "\n{:>3}. {}/{}  {}", res.offset + n + 1, hit.doc, hit.id, hit.breadcrumb)?;
        let mut line = String::new();
        let chars: Vec<char> = hit.snippet.chars().collect();
        let mut at = 0;
        for &(s, e) in &hit.snippet_highlights {
            line.extend(&chars[at..s]);
            let m: String = chars[s..e].iter().collect();
            if bold {
                line.push_str(&format!("\x1b[1;31m{m}\x1b[0m"));
            } else {
                line.push_str(&format!("[{m}]"));
            }
            at = e;
        }
        line.extend(&chars[at..]);
        writeln!(out, "     {}", line.replace('\n', " ｜ "))?;
        if let Some(en) = &hit.snippet_en {
            writeln!(out, "     EN (unofficial translation): {}", en.replace('\n', " | "))?;
        }
        if !hit.targets.is_empty() {
            writeln!(out, "     targets: {}", hit.targets.join(" ; "))?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn ingest(corpus: &std::path::Path) -> anyhow::Result<ExitCode> {
    let dirs = plansearch_corpus::Corpus::document_dirs(corpus).with_context(|| format!("reading {}", corpus.display()))?;
    let mut any = false;
    // A plan kept only as Markdown has nothing to ingest; one with a source or a panel map
    // must convert (a missing source is then an error, not a skip).
    let sources = dirs.iter().filter(|d| d.join(plansearch_corpus::SOURCE_TXT).exists() || d.join("panels.tsv").exists());
    for dir in sources {
        any = true;
        let outcome = plansearch_corpus::ingest(dir)?;
        let state = if outcome.changed { "written" } else { "unchanged" };
        println!("{}: {state} ({} passages)", outcome.path.display(), outcome.passages);
    }
    if !any {
        anyhow::bail!("no {}/<slug>/{} to ingest", corpus.display(), plansearch_corpus::SOURCE_TXT);
    }
    Ok(ExitCode::SUCCESS)
}

fn passages(corpus: &std::path::Path, json: bool) -> anyhow::Result<ExitCode> {
    let corpus = plansearch_corpus::Corpus::load(corpus)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for p in corpus.passages() {
        if json {
            serde_json::to_writer(&mut out, &p)?;
            writeln!(out)?;
        } else {
            writeln!(out, "{}/{}\t{}\t{}", p.doc, p.id, p.kind.as_str(), p.text.replace('\n', " ｜ "))?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
