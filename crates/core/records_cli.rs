//! The record commands: `targets`, `projects`, `cite`, `verify`. They read the corpus
//! Markdown directly (no index needed) and build records with `plansearch_records`.

use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context};
use plansearch_corpus::{Corpus, Passage};
use plansearch_records::cite as citation;
use plansearch_records::{csv, projects, targets, CiteFormat, Kind, TargetFilter, Verdict, Verifier};

/// How records are printed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Text,
    Json,
    Csv,
}

impl Output {
    pub fn from_flags(json: bool, csv: bool) -> Output {
        match (json, csv) {
            (true, _) => Output::Json,
            (_, true) => Output::Csv,
            _ => Output::Text,
        }
    }
}

fn load(corpus: &Path) -> anyhow::Result<Vec<Passage>> {
    let c = Corpus::load(corpus).with_context(|| format!("reading the corpus in {}", corpus.display()))?;
    Ok(c.passages())
}

/// `--kind`: targets, the “十三五” results achieved, or both.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KindArg {
    Target,
    Achieved,
    All,
}

impl KindArg {
    /// The record kind to keep; `None` keeps both.
    fn kind(self) -> Option<Kind> {
        match self {
            KindArg::Target => Some(Kind::Target),
            KindArg::Achieved => Some(Kind::Achieved),
            KindArg::All => None,
        }
    }
}

pub struct TargetArgs {
    pub query: String,
    pub chapter: Option<u32>,
    pub year: Option<u32>,
    pub binding: Option<String>,
    pub kind: KindArg,
    pub output: Output,
}

pub fn targets(corpus: &Path, a: TargetArgs) -> anyhow::Result<ExitCode> {
    let binding = match a.binding.as_deref() {
        None => None,
        Some(b) => {
            Some(plansearch_records::Binding::parse(b).with_context(|| format!("--binding {b:?}: use 约束性 (binding) or 预期性 (indicative)"))?)
        }
    };
    let passages = load(corpus)?;
    if let Some(c) = a.chapter {
        if !passages.iter().any(|p| p.chapter.as_ref().is_some_and(|x| x.number == c)) {
            bail!("the plan has no chapter {c}");
        }
    }
    let all = targets::extract(&passages);
    let filter = TargetFilter { query: a.query.clone(), chapter: a.chapter, year: a.year, binding, kind: a.kind.kind() };
    let found = filter.apply(&all);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match a.output {
        Output::Json => {
            serde_json::to_writer_pretty(&mut out, &found)?;
            writeln!(out)?;
        }
        Output::Csv => out.write_all(csv::targets(found.iter().copied()).as_bytes())?,
        Output::Text => {
            for t in &found {
                let year = t.year.map(|y| y.to_string()).unwrap_or_else(|| "-".into());
                let binding = t.binding.map(|b| format!("  [{b}]")).unwrap_or_default();
                writeln!(out, "{}/{:<12} {:<5} {:<14} {}{binding}", t.doc, t.passage_id, year, t.amount(), t.metric)?;
            }
        }
    }
    out.flush()?;
    if found.is_empty() {
        eprintln!("plansearch: no {} match these filters ({} records in all)", if a.kind == KindArg::All { "records" } else { "targets" }, all.len());
    } else if a.output == Output::Text {
        eprintln!("{} of {} records", found.len(), all.len());
    }
    Ok(ExitCode::SUCCESS)
}

pub fn projects(corpus: &Path, query: &str, output: Output) -> anyhow::Result<ExitCode> {
    let passages = load(corpus)?;
    let all = projects::extract_projects(&passages);
    let found = projects::filter_projects(&all, query);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match output {
        Output::Json => {
            serde_json::to_writer_pretty(&mut out, &found)?;
            writeln!(out)?;
        }
        Output::Csv => out.write_all(csv::projects(&found).as_bytes())?,
        Output::Text => {
            for p in &found {
                writeln!(out, "{}/{}  专栏 {} {}", p.doc, p.passage_id, p.panel.id, p.panel.title)?;
                for (c, v) in &p.fields {
                    writeln!(out, "    {c}：{v}")?;
                }
            }
        }
    }
    out.flush()?;
    if found.is_empty() {
        eprintln!("plansearch: no project matches {query:?} ({} projects in all)", all.len());
    }
    Ok(ExitCode::SUCCESS)
}

/// `4.1.3` (the first document) or `caidian/4.1.3`.
fn find<'a>(passages: &'a [Passage], id: &str) -> anyhow::Result<&'a Passage> {
    let first = passages.first().map(|p| p.doc.clone()).unwrap_or_default();
    let (doc, pid) = match id.split_once('/') {
        Some((d, p)) => (d.to_string(), p),
        None => (first, id),
    };
    passages.iter().find(|p| p.doc == doc && p.id == pid).with_context(|| {
        format!("no passage {doc}/{pid}: ids look like 4.1.3, 4.0.2, p4-1.r2 or p2.r16, optionally after the document (caidian/4.1.3); `plansearch passages` lists them")
    })
}

/// `--format`: the formats of [`CiteFormat::ALL`], by name, listed in `--help`.
pub fn cite_format() -> impl clap::builder::TypedValueParser<Value = CiteFormat> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(CiteFormat::ALL.map(CiteFormat::as_str))
        .map(|name| CiteFormat::parse(&name).expect("every listed format name parses"))
}

pub fn cite(corpus: &Path, id: &str, format: CiteFormat, base_url: Option<&str>) -> anyhow::Result<ExitCode> {
    let passages = load(corpus)?;
    let p = find(&passages, id)?;
    let title = citation::doc_title(&passages, &p.doc).unwrap_or_else(|| citation::DocTitle::from(p.doc.as_str()));
    let base = base_url.map(str::to_string).or_else(citation::configured_base_url).unwrap_or_else(|| citation::LOCAL_BASE_URL.to_string());
    let text = citation::cite(p, title, &base, format);
    // RIS ends its record with a line break of its own.
    if text.ends_with('\n') {
        print!("{text}");
    } else {
        println!("{text}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Exit 0 only when the quote occurs verbatim.
pub fn verify(corpus: &Path, quote: &str, json: bool) -> anyhow::Result<ExitCode> {
    let quote = if quote == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).context("reading the quote from standard input")?;
        s
    } else {
        quote.to_string()
    };
    let passages = load(corpus)?;
    let v = Verifier::new(&passages).verify(&quote)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if json {
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
    } else {
        let verdict = match v.verdict {
            Verdict::Verbatim => "VERBATIM",
            Verdict::PunctuationWidth => "PUNCTUATION WIDTH DIFFERS",
            Verdict::NearMiss => "NEAR MISS",
            Verdict::NotFound => "NOT FOUND",
        };
        writeln!(out, "{verdict}: {}", v.message)?;
        for m in &v.matches {
            writeln!(out, "  {}/{} characters {}–{}: {}", m.doc, m.passage_id, m.start, m.end, m.text)?;
        }
        if let Some(c) = &v.closest {
            writeln!(out, "  closest {}/{} characters {}–{}", c.doc, c.passage_id, c.start, c.end)?;
            writeln!(out, "  plan:  {}", c.passage_marked)?;
            writeln!(out, "  quote: {}", c.quote_marked)?;
        }
    }
    out.flush()?;
    Ok(if v.verbatim { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
