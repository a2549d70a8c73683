//! The plan as records: quantitative targets, panel projects, citations and exact-quote
//! checks, for journalists, researchers and officials who need facts rather than passages.
//!
//! A key design decision: everything here is computed from [`Passage`]s, the same flat list
//! the index and the web use, and never from the source files. So the CLI (which reads the
//! corpus) and the web (which reads the index) build the same records with the same ids, and
//! every record points back at a passage a reader can open.
//!
//! This crate must never change a number: a target's `value` is a substring of its passage
//! (or table cell) exactly as printed, `low`/`high` are that text parsed, and units keep 万
//! and 亿 as written (`40` + `万亩`, never `400000` + `亩`). A heading the source lacks is
//! cited as missing, never given a title.

pub mod answers;
pub mod cite;
pub mod csv;
pub mod projects;
pub mod targets;
pub mod verify;

use plansearch_corpus::{Corpus, Passage};

pub use answers::Annotator;
pub use cite::{citations, cite, cite_many, cite_on, doc_title, Citations, CiteDate, CiteFormat, DocTitle};
pub use projects::{extract_projects, filter_projects, PanelInfo, Project};
pub use targets::{extract, Binding, Comparator, Kind, Source, Target, TargetFilter};
pub use verify::{Verdict, Verification, Verifier, VerifyError, MAX_QUOTE_CHARS};

/// Every target (and `achieved` result) of every document of a corpus.
pub fn extract_targets(corpus: &Corpus) -> Vec<Target> {
    targets::extract(&corpus.passages())
}

/// Check a quote against passages, building the search structures once for this call.
pub fn verify(passages: &[Passage], quote: &str) -> Result<Verification, VerifyError> {
    Verifier::new(passages).verify(quote)
}
