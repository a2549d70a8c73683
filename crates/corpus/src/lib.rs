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
pub mod repairs;
pub mod text;

use std::io::Write;
use std::path::{Path, PathBuf};

pub use model::{
    Block, Chapter, ChapterRef, Document, Panel, PanelBlock, PanelRef, Passage, PassageKind,
    Section, SectionRef, Table,
};
pub use repairs::Repairs;

/// The file name of a document's corpus Markdown inside `corpus/<slug>/`.
pub const PLAN_MD: &str = "plan.zh.md";
/// The file name of the extracted source that `ingest` converts.
pub const SOURCE_TXT: &str = "source.txt";

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not UTF-8 text (first bad byte at offset {offset})", path.display())]
    NotUtf8 { path: PathBuf, offset: usize },
    #[error("{}:{line}: {message}", path.display())]
    Source {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}:{line}: {message}", path.display())]
    Repair {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}:{}", path.display(), source)]
    Markdown {
        path: PathBuf,
        source: markdown::ReadError,
    },
    #[error("{}: no documents (expected corpus/<slug>/{PLAN_MD})", path.display())]
    Empty { path: PathBuf },
}

/// Read a file as UTF-8, naming the file in any error.
pub fn read_utf8(path: &Path) -> Result<String, IngestError> {
    let bytes = std::fs::read(path).map_err(|e| IngestError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    String::from_utf8(bytes).map_err(|e| IngestError::NotUtf8 {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Convert `dir/source.txt` (with the repairs beside it) into a document.
pub fn convert_dir(dir: &Path) -> Result<convert::Converted, IngestError> {
    let slug = slug_of(dir);
    let source_path = dir.join(SOURCE_TXT);
    let source = read_utf8(&source_path)?;
    let repairs = Repairs::load(dir)?;
    convert::convert(&slug, &source_path.display().to_string(), &source, &repairs)
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
pub fn ingest(dir: &Path) -> Result<IngestOutcome, IngestError> {
    let doc = convert_dir(dir)?.document;
    let md = markdown::write(&doc);
    // Prove the Markdown reads back to the same document before it replaces anything.
    let back = markdown::read(&doc.slug, &md).map_err(|e| IngestError::Markdown {
        path: dir.join(PLAN_MD),
        source: e,
    })?;
    if back != doc {
        return Err(IngestError::Source {
            path: dir.join(PLAN_MD),
            line: 0,
            message: "the Markdown does not read back to the converted document".into(),
        });
    }
    let path = dir.join(PLAN_MD);
    let changed = std::fs::read(&path)
        .map(|old| old != md.as_bytes())
        .unwrap_or(true);
    if changed {
        write_atomic(&path, md.as_bytes())?;
    }
    Ok(IngestOutcome {
        path,
        changed,
        passages: doc.passages().len(),
    })
}

/// Write a file through a temporary file in the same folder and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), IngestError> {
    let io = |e: std::io::Error| IngestError::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

fn slug_of(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "plan".into())
}

/// All documents of a corpus folder: every `corpus/<slug>/plan.zh.md`, in slug order, with
/// `caidian` (the plan this product is about) first.
#[derive(Debug, Clone)]
pub struct Corpus {
    pub root: PathBuf,
    pub documents: Vec<Document>,
}

impl Corpus {
    pub fn load(root: &Path) -> Result<Corpus, IngestError> {
        let mut documents = Vec::new();
        for dir in Self::document_dirs(root)? {
            let path = dir.join(PLAN_MD);
            if !path.exists() {
                continue;
            }
            let md = read_utf8(&path)?;
            let doc = markdown::read(&slug_of(&dir), &md).map_err(|e| IngestError::Markdown {
                path: path.clone(),
                source: e,
            })?;
            documents.push(doc);
        }
        if documents.is_empty() {
            return Err(IngestError::Empty {
                path: root.to_path_buf(),
            });
        }
        Ok(Corpus {
            root: root.to_path_buf(),
            documents,
        })
    }

    /// The document folders under the corpus root, `caidian` first, then by name.
    pub fn document_dirs(root: &Path) -> Result<Vec<PathBuf>, IngestError> {
        let io = |e| IngestError::Io {
            path: root.to_path_buf(),
            source: e,
        };
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
            .map_err(io)?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort_by_key(|d| (slug_of(d) != "caidian", slug_of(d)));
        Ok(dirs)
    }

    pub fn passages(&self) -> Vec<Passage> {
        self.documents.iter().flat_map(|d| d.passages()).collect()
    }

    pub fn document(&self, slug: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.slug == slug)
    }

    /// The newest modification time of any corpus Markdown: an index older than this is stale.
    pub fn newest_mtime(root: &Path) -> Option<std::time::SystemTime> {
        Self::document_dirs(root)
            .ok()?
            .iter()
            .filter_map(|d| {
                std::fs::metadata(d.join(PLAN_MD))
                    .and_then(|m| m.modified())
                    .ok()
            })
            .max()
    }
}
