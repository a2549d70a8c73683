//! `plansearch`: the one binary. It owns argument parsing, error display and exit codes; the
//! work is done by the crates under `crates/`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "plansearch",
    version,
    about = "Search the 14th Five-Year Plan of Caidian District, Wuhan (Chinese/English)"
)]
struct Cli {
    /// The corpus folder: one `<slug>/plan.zh.md` per plan.
    #[arg(long, global = true, default_value = "corpus")]
    corpus: PathBuf,
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`plansearch passages | head`) is not an error.
            if err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("plansearch: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Ingest => ingest(&cli.corpus),
        Command::Passages { json } => passages(&cli.corpus, json),
    }
}

fn ingest(corpus: &std::path::Path) -> anyhow::Result<ExitCode> {
    let dirs = plansearch_corpus::Corpus::document_dirs(corpus)
        .with_context(|| format!("reading {}", corpus.display()))?;
    let mut any = false;
    // A plan kept only as Markdown has nothing to ingest; one with a source or a panel map
    // must convert (a missing source is then an error, not a skip).
    let sources = dirs.iter().filter(|d| {
        d.join(plansearch_corpus::SOURCE_TXT).exists() || d.join("panels.tsv").exists()
    });
    for dir in sources {
        any = true;
        let outcome = plansearch_corpus::ingest(dir)?;
        let state = if outcome.changed {
            "written"
        } else {
            "unchanged"
        };
        println!(
            "{}: {state} ({} passages)",
            outcome.path.display(),
            outcome.passages
        );
    }
    if !any {
        anyhow::bail!(
            "no {}/<slug>/{} to ingest",
            corpus.display(),
            plansearch_corpus::SOURCE_TXT
        );
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
            writeln!(
                out,
                "{}/{}\t{}\t{}",
                p.doc,
                p.id,
                p.kind.as_str(),
                p.text.replace('\n', " ｜ ")
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
