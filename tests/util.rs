//! Shared helpers: the repository root, the real corpus loaded once, temp copies, the binary.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use plansearch_corpus::Document;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The real plan, read from the committed Markdown.
pub fn caidian() -> &'static Document {
    static DOC: OnceLock<Document> = OnceLock::new();
    DOC.get_or_init(|| {
        let md = std::fs::read_to_string(repo().join("corpus/caidian/plan.zh.md")).unwrap();
        plansearch_corpus::markdown::read("caidian", &md).unwrap()
    })
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A temporary corpus root holding a copy of `corpus/caidian`.
pub fn temp_copy_of_caidian() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("corpus/caidian"), &dir.path().join("caidian"));
    dir
}

/// Run the real binary from the repository root.
pub fn run_plansearch(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_plansearch"))
        .args(args)
        .current_dir(repo())
        .output()
        .unwrap()
}

/// The search engine over the real corpus, with its index built once per test run into a
/// temporary folder (never the repository's `index/`).
pub fn engine() -> &'static plansearch_search::Engine {
    static ENGINE: OnceLock<(tempfile::TempDir, plansearch_search::Engine)> = OnceLock::new();
    &ENGINE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let corpus = repo().join("corpus");
            let (ix, _) = plansearch_index::ensure(&corpus, dir.path(), &mut |_| {}).unwrap();
            let synonyms = plansearch_search::Synonyms::load(&corpus.join("synonyms.tsv")).unwrap();
            (dir, plansearch_search::Engine::new(ix, synonyms))
        })
        .1
}
