//! The plan corpus: from the text extracted from the plan's Word/PDF original to clean,
//! structured Markdown, and from that Markdown to the document model that the rest of
//! plansearch uses.
//!
//! A key design decision: the Markdown in `corpus/<slug>/plan.zh.md` is the corpus. It is
//! made once from the source by [`ingest`] (general repair rules plus the reviewed panel map
//! in `corpus/<slug>/panels.tsv`), committed, and read back with pulldown-cmark by
//! [`Corpus::load`]. Everything downstream — passage ids, the index, the web — reads only the
//! Markdown, so a further plan needs nothing but a Markdown file of the same shape.
//!
//! This crate must never invent text: a heading the source lacks is recovered as a number
//! marked inferred, with no title.

pub mod convert;
pub mod markdown;
pub mod model;
pub mod outline;
pub mod repairs;
pub mod text;

use std::io::Write;
use std::path::{Path, PathBuf};

pub use model::{
    missing_title, percent_encode, permalink_path, Block, Chapter, ChapterRef, Document, Panel, PanelBlock, PanelRef, Passage, PassageKind, Section,
    SectionNumber, SectionRef, Table, MISSING_TITLE_EN, MISSING_TITLE_ZH,
};
pub use outline::{Outline, OutlineChapter, OutlineDoc, OutlinePanel, OutlinePart, OutlineSection, PanelAt};
pub use repairs::Repairs;

/// The file name of a document's corpus Markdown inside `corpus/<slug>/`.
pub const PLAN_MD: &str = "plan.zh.md";
/// The file name of the extracted source that `ingest` converts.
pub const SOURCE_TXT: &str = "source.txt";

/// What went wrong reading or converting the corpus (ingesting and loading alike), naming
/// the file and, where there is one, the line.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: not UTF-8 text (first bad byte at offset {offset})", path.display())]
    NotUtf8 { path: PathBuf, offset: usize },
    #[error("{}:{line}: {message}", path.display())]
    Source { path: PathBuf, line: usize, message: String },
    #[error("{}:{line}: {message}", path.display())]
    Repair { path: PathBuf, line: usize, message: String },
    #[error("{}:{line}: {message}", path.display())]
    Markdown { path: PathBuf, line: usize, message: String },
    /// The Markdown written for a document does not read back to it: a bug of the writer or
    /// the reader, not of any line of the source.
    #[error("{}: the Markdown written for the converted source does not read back to the same document", path.display())]
    ReadBack { path: PathBuf },
    #[error("{}: no documents (expected corpus/<slug>/{PLAN_MD})", path.display())]
    Empty { path: PathBuf },
}

/// Read a file as UTF-8, naming the file in any error.
pub fn read_utf8(path: &Path) -> Result<String, CorpusError> {
    let bytes = std::fs::read(path).map_err(|e| CorpusError::Io { path: path.to_path_buf(), source: e })?;
    String::from_utf8(bytes).map_err(|e| CorpusError::NotUtf8 { path: path.to_path_buf(), offset: e.utf8_error().valid_up_to() })
}

/// Convert `dir/source.txt` (with the repairs beside it) into a document.
pub fn convert_dir(dir: &Path) -> Result<convert::Converted, CorpusError> {
    let slug = slug_of(dir);
    let source_path = dir.join(SOURCE_TXT);
    let source = read_utf8(&source_path)?;
    let repairs = Repairs::load(dir)?;
    convert::convert(&slug, &source_path, &source, &repairs)
}

/// What `ingest` did to one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestOutcome {
    pub path: PathBuf,
    pub changed: bool,
    pub passages: usize,
}

/// Convert `dir/source.txt` and write `dir/plan.zh.md` atomically (a temporary file renamed
/// into place), only when it differs. On any error nothing is written.
pub fn ingest(dir: &Path) -> Result<IngestOutcome, CorpusError> {
    let doc = convert_dir(dir)?.document;
    let md = markdown::write(&doc);
    // Prove the Markdown reads back to the same document before it replaces anything.
    let back = markdown::read(&doc.slug, &md).map_err(|e| e.in_file(&dir.join(PLAN_MD)))?;
    if back != doc {
        return Err(CorpusError::ReadBack { path: dir.join(PLAN_MD) });
    }
    let path = dir.join(PLAN_MD);
    let changed = std::fs::read(&path).map(|old| old != md.as_bytes()).unwrap_or(true);
    if changed {
        write_atomic(&path, md.as_bytes())?;
    }
    Ok(IngestOutcome { path, changed, passages: doc.passages().len() })
}

/// Write a file through a temporary file in the same folder and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CorpusError> {
    let io = |e: std::io::Error| CorpusError::Io { path: path.to_path_buf(), source: e };
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

fn slug_of(dir: &Path) -> String {
    dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "plan".into())
}

/// All documents of a corpus folder: every `corpus/<slug>/plan.zh.md`, in slug order, with
/// `caidian` (the plan this product is about) first.
#[derive(Debug, Clone)]
pub struct Corpus {
    pub root: PathBuf,
    pub documents: Vec<Document>,
    /// English translations by (document, passage id), from `corpus/<slug>/en/*.jsonl`.
    pub translations: std::collections::HashMap<(String, String), Translation>,
}

/// One line of a translation file: the passage id, the Chinese it translates (so that a
/// changed passage shows up as a stale translation) and the English.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct Translation {
    pub id: String,
    pub zh: String,
    pub en: String,
}

/// The folder of English translation files inside a document folder.
pub const EN_DIR: &str = "en";

/// Read every `*.jsonl` translation file of a document folder, in file-name order.
pub fn load_translations(dir: &Path) -> Result<Vec<Translation>, CorpusError> {
    let en = dir.join(EN_DIR);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&en) {
        Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "jsonl")).collect(),
        Err(_) => return Ok(vec![]),
    };
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = read_utf8(&f)?;
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let t: Translation =
                serde_json::from_str(line).map_err(|e| CorpusError::Repair { path: f.clone(), line: n + 1, message: e.to_string() })?;
            out.push(t);
        }
    }
    Ok(out)
}

/// `Chapter 4 Focus on…` → `Focus on…`: the title part of an English heading.
fn english_title(heading: &str) -> Option<String> {
    let mut words = heading.splitn(3, ' ');
    let first = words.next()?;
    let title = if matches!(first, "Chapter" | "Section" | "Panel") {
        let _number = words.next()?;
        words.next().unwrap_or("")
    } else {
        heading
    };
    let title = title.trim();
    (!title.is_empty()).then(|| title.to_string())
}

impl Corpus {
    pub fn load(root: &Path) -> Result<Corpus, CorpusError> {
        let mut documents = Vec::new();
        let mut translations = std::collections::HashMap::new();
        for dir in Self::document_dirs(root)? {
            let path = dir.join(PLAN_MD);
            if !path.exists() {
                continue;
            }
            let md = read_utf8(&path)?;
            let doc = markdown::read(&slug_of(&dir), &md).map_err(|e| e.in_file(&path))?;
            for t in load_translations(&dir)? {
                translations.insert((doc.slug.clone(), t.id.clone()), t);
            }
            documents.push(doc);
        }
        if documents.is_empty() {
            return Err(CorpusError::Empty { path: root.to_path_buf() });
        }
        Ok(Corpus { root: root.to_path_buf(), documents, translations })
    }

    /// The document folders under the corpus root, `caidian` first, then by name.
    pub fn document_dirs(root: &Path) -> Result<Vec<PathBuf>, CorpusError> {
        let io = |e| CorpusError::Io { path: root.to_path_buf(), source: e };
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(root).map_err(io)?.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_dir()).collect();
        dirs.sort_by_key(|d| (slug_of(d) != "caidian", slug_of(d)));
        Ok(dirs)
    }

    /// Every passage of every document, with its English where a translation of the same
    /// Chinese exists (a translation of changed text is left out, not shown stale).
    pub fn passages(&self) -> Vec<Passage> {
        self.documents.iter().flat_map(|d| self.passages_of(d)).collect()
    }

    /// The passages of one document, as [`Corpus::passages`] gives them: a build goes one
    /// document at a time, so it never holds every passage of a large corpus at once.
    pub fn passages_of(&self, document: &Document) -> Vec<Passage> {
        let mut all = document.passages();
        let en =
            |doc: &str, id: &str, zh: &str| self.translations.get(&(doc.to_string(), id.to_string())).filter(|t| t.zh == zh).map(|t| t.en.clone());
        let heading_en: std::collections::HashMap<String, Option<String>> = all
            .iter()
            .filter(|p| p.kind == PassageKind::Heading)
            .map(|p| (p.id.clone(), en(&p.doc, &p.id, &p.text).and_then(|h| english_title(&h))))
            .collect();
        let title = |id: String| heading_en.get(&id).cloned().flatten();
        for p in &mut all {
            p.text_en = en(&p.doc, &p.id, &p.text).filter(|e| !e.is_empty());
            if let Some(c) = p.chapter.as_mut() {
                c.title_en = title(c.number.to_string());
            }
            if let Some(s) = p.section.as_mut() {
                s.title_en = title(s.number.to_string());
            }
            if let Some(pr) = p.panel.as_mut() {
                pr.title_en = title(format!("p{}", pr.id));
            }
        }
        all
    }
}
