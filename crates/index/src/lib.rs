//! The on-disk tantivy index of the corpus: its schema, how it is built, and how it is
//! opened.
//!
//! A key design decision: a build never touches the index being served. Each build goes
//! into a fresh directory `index/build-<time>-<pid>/`, and only when it is complete (tantivy
//! commit, metadata written and synced) does the pointer file `index/CURRENT` switch to it,
//! by an atomic rename. A build killed at any moment leaves `CURRENT` on the previous
//! complete index; a lock file stops two builds at once; old builds are removed after a
//! swap. An index whose metadata names another schema, analysis or corpus is rebuilt.
//!
//! One document per passage. Stored: the passage as JSON (the search crate gives it back
//! whole). Indexed: `words` (jieba words of the text) and `heading` (the chapter, section
//! and panel titles it stands under) for ranking, `grams` (characters and bigrams with
//! positions) for exact substrings, `en` (English words, stemmed) and `en_grams` (English
//! words and marks as they are, for quoted English), `company` for the `company:` filter,
//! and keys for filters, neighbours and facets.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use plansearch_analysis::tokenizer::{self, ENGLISH, GRAMS, WORDS};

pub mod vocab;
use plansearch_corpus::outline::panel_key;
use plansearch_corpus::{Corpus, Outline, OutlineDoc, Passage, SectionNumber};
use serde::{Deserialize, Serialize};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING};
use tantivy::{doc, Index, IndexReader, ReloadPolicy, TantivyDocument};
pub use vocab::Vocabulary;

/// Bumped whenever the schema or what is stored changes.
pub const SCHEMA_VERSION: u32 = 8;
const META: &str = "plansearch.json";
const VOCAB: &str = "vocab.json";
const CURRENT: &str = "CURRENT";
const LOCK: &str = ".build.lock";

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("the index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error(transparent)]
    Corpus(#[from] plansearch_corpus::CorpusError),
    #[error("no index in {} (run `plansearch build`)", .0.display())]
    Missing(PathBuf),
    #[error("the index in {} is unusable: {why}", path.display())]
    Broken { path: PathBuf, why: String },
    #[error("passage {doc}/{id} could not be stored as JSON: {source}")]
    Stored { doc: String, id: String, source: serde_json::Error },
    #[error("another build of {} is running (lock file {}); wait for it to finish", dir.display(), dir.join(LOCK).display())]
    Busy { dir: PathBuf },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> IndexError + '_ {
    move |source| IndexError::Io { path: path.to_path_buf(), source }
}

/// The fields of the schema, looked up once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub key: Field,
    pub doc: Field,
    pub doc_no: Field,
    pub kind: Field,
    pub chapter: Field,
    pub section: Field,
    pub panel: Field,
    pub panel_no: Field,
    pub seq: Field,
    /// Reading order across the corpus (document number, then place), for browsing.
    pub seq_no: Field,
    pub words: Field,
    pub heading: Field,
    pub grams: Field,
    pub company: Field,
    pub en: Field,
    /// The English text in the gram analysis (whole words, marks, no stemming): quoted
    /// English is a phrase here, exact by construction.
    pub en_grams: Field,
    pub heading_en: Field,
    /// On the paragraph that opens a chapter or section (its first passage after the
    /// heading): the title of that part, so a query naming a topic finds where the plan
    /// starts to treat it, not only the heading.
    pub opens: Field,
    pub opens_en: Field,
    pub json: Field,
}

/// The schema: the one place where fields are defined.
pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tok: &str, record: IndexRecordOption| {
        TextOptions::default().set_indexing_options(TextFieldIndexing::default().set_tokenizer(tok).set_index_option(record))
    };
    let fields = Fields {
        key: b.add_text_field("key", STRING | STORED),
        doc: b.add_text_field("doc", STRING | STORED),
        doc_no: b.add_u64_field("doc_no", FAST),
        kind: b.add_text_field("kind", STRING),
        chapter: b.add_u64_field("chapter", INDEXED | FAST),
        section: b.add_text_field("section", STRING),
        panel: b.add_text_field("panel", STRING),
        panel_no: b.add_u64_field("panel_no", FAST),
        seq: b.add_text_field("seq", STRING),
        seq_no: b.add_u64_field("seq_no", FAST),
        words: b.add_text_field("words", text(WORDS, IndexRecordOption::WithFreqs)),
        heading: b.add_text_field("heading", text(WORDS, IndexRecordOption::WithFreqs)),
        grams: b.add_text_field("grams", text(GRAMS, IndexRecordOption::WithFreqsAndPositions)),
        company: b.add_text_field("company", text(GRAMS, IndexRecordOption::WithFreqsAndPositions)),
        en: b.add_text_field("en", text(ENGLISH, IndexRecordOption::WithFreqsAndPositions)),
        en_grams: b.add_text_field("en_grams", text(GRAMS, IndexRecordOption::WithFreqsAndPositions)),
        heading_en: b.add_text_field("heading_en", text(ENGLISH, IndexRecordOption::WithFreqs)),
        opens: b.add_text_field("opens", text(WORDS, IndexRecordOption::Basic)),
        opens_en: b.add_text_field("opens_en", text(ENGLISH, IndexRecordOption::Basic)),
        json: b.add_text_field("json", STORED),
    };
    (b.build(), fields)
}

/// What the index knows besides its documents: the versions it was built with, the corpus
/// it was built from, and the outline that pages and facets refer to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Meta {
    pub schema_version: u32,
    pub analysis_version: u32,
    pub corpus_fingerprint: String,
    pub built_at_unix: u64,
    pub build_seconds: f64,
    pub passages: usize,
    /// The table of contents, made from the passages as they were indexed; a document's
    /// `doc_no` is its position in `outline.documents`, a passage's `panel_no` its panel's
    /// position in [`Outline::panels`] plus one.
    pub outline: Outline,
}

/// A fingerprint of everything an index is built from: the corpus Markdown files, the plan
/// dictionary and the versions. FNV-1a, stable across runs and platforms.
pub fn corpus_fingerprint(corpus_root: &Path) -> Result<String, IndexError> {
    let mut h: u64 = 0xcbf29ce484222325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
    };
    eat(format!("schema {SCHEMA_VERSION} analysis {}", plansearch_analysis::ANALYSIS_VERSION).as_bytes());
    eat(plansearch_analysis::PLAN_DICT.as_bytes());
    for dir in Corpus::document_dirs(corpus_root)? {
        let md = dir.join(plansearch_corpus::PLAN_MD);
        if !md.exists() {
            continue;
        }
        eat(dir.file_name().unwrap_or_default().as_encoded_bytes());
        let mut files = vec![md, dir.join("glossary.tsv")];
        if let Ok(rd) = std::fs::read_dir(dir.join(plansearch_corpus::EN_DIR)) {
            // Only the translations (`*.jsonl`, what `load_translations` reads): the term lists
            // and reviewed exceptions beside them are for the tests and change no index.
            let mut en: Vec<PathBuf> = rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "jsonl")).collect();
            en.sort();
            files.extend(en);
        }
        for f in files.iter().filter(|f| f.is_file()) {
            eat(f.file_name().unwrap_or_default().as_encoded_bytes());
            eat(&std::fs::read(f).map_err(io(f))?);
        }
    }
    Ok(format!("{h:016x}"))
}

/// An open, searchable index.
#[derive(Clone)]
pub struct PlanIndex {
    pub dir: PathBuf,
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    pub meta: Meta,
    pub vocab: std::sync::Arc<Vocabulary>,
}

impl std::fmt::Debug for PlanIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlanIndex").field("dir", &self.dir).field("passages", &self.meta.passages).finish()
    }
}

/// A finished build, opened to be read. Nothing writes to a build after the swap, so the
/// lock tantivy takes while it opens segment readers (against a writer's garbage
/// collection) guards nothing here; and taking it creates and opens a lock file for writing,
/// which fails when the index folder is read-only. So that lock is a no-op; everything else
/// goes to the mmap directory.
#[derive(Debug, Clone)]
struct ReadOnly(tantivy::directory::MmapDirectory);

impl tantivy::Directory for ReadOnly {
    fn get_file_handle(&self, path: &Path) -> Result<std::sync::Arc<dyn tantivy::directory::FileHandle>, tantivy::directory::error::OpenReadError> {
        self.0.get_file_handle(path)
    }
    fn delete(&self, path: &Path) -> Result<(), tantivy::directory::error::DeleteError> {
        self.0.delete(path)
    }
    fn exists(&self, path: &Path) -> Result<bool, tantivy::directory::error::OpenReadError> {
        self.0.exists(path)
    }
    fn open_write(&self, path: &Path) -> Result<tantivy::directory::WritePtr, tantivy::directory::error::OpenWriteError> {
        self.0.open_write(path)
    }
    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, tantivy::directory::error::OpenReadError> {
        self.0.atomic_read(path)
    }
    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.0.atomic_write(path, data)
    }
    fn sync_directory(&self) -> std::io::Result<()> {
        self.0.sync_directory()
    }
    fn acquire_lock(&self, _lock: &tantivy::directory::Lock) -> Result<tantivy::directory::DirectoryLock, tantivy::directory::error::LockError> {
        Ok(tantivy::directory::DirectoryLock::from(Box::new(())))
    }
    fn watch(&self, callback: tantivy::directory::WatchCallback) -> tantivy::Result<tantivy::directory::WatchHandle> {
        self.0.watch(callback)
    }
}

/// The directory the pointer names, if there is a pointer.
fn current_dir(root: &Path) -> Option<PathBuf> {
    let name = std::fs::read_to_string(root.join(CURRENT)).ok()?;
    let name = name.trim();
    (!name.is_empty() && !name.contains(['/', '\\']) && name != "..").then(|| root.join(name))
}

impl PlanIndex {
    /// Open the current index under `root`, checking its files and metadata.
    pub fn open(root: &Path) -> Result<PlanIndex, IndexError> {
        let dir = current_dir(root).ok_or_else(|| IndexError::Missing(root.to_path_buf()))?;
        let broken = |why: String| IndexError::Broken { path: dir.clone(), why };
        let meta_path = dir.join(META);
        let meta: Meta = serde_json::from_slice(&std::fs::read(&meta_path).map_err(|e| broken(format!("{}: {e}", meta_path.display())))?)
            .map_err(|e| broken(format!("{}: {e}", meta_path.display())))?;
        let mmap = tantivy::directory::MmapDirectory::open(&dir).map_err(|e| broken(e.to_string()))?;
        let index = Index::open(ReadOnly(mmap)).map_err(|e| broken(e.to_string()))?;
        let bad = index.validate_checksum().map_err(|e| broken(e.to_string()))?;
        if !bad.is_empty() {
            return Err(broken(format!("files fail their checksum: {bad:?}")));
        }
        let (schema, fields) = schema();
        if index.schema() != schema {
            return Err(broken("built with another schema".into()));
        }
        tokenizer::register(&index);
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(|e| broken(e.to_string()))?;
        let docs = reader.searcher().num_docs() as usize;
        if docs != meta.passages {
            return Err(broken(format!("{docs} documents, metadata says {}", meta.passages)));
        }
        let vocab_path = dir.join(VOCAB);
        let vocab: Vocabulary = serde_json::from_slice(&std::fs::read(&vocab_path).map_err(|e| broken(format!("{}: {e}", vocab_path.display())))?)
            .map_err(|e| broken(format!("{}: {e}", vocab_path.display())))?;
        Ok(PlanIndex { dir, index, reader, fields, meta, vocab: std::sync::Arc::new(vocab) })
    }

    /// Is this index built from exactly this corpus with this version of plansearch?
    pub fn is_fresh(&self, corpus_root: &Path) -> Result<bool, IndexError> {
        Ok(self.meta.schema_version == SCHEMA_VERSION
            && self.meta.analysis_version == plansearch_analysis::ANALYSIS_VERSION
            && self.meta.corpus_fingerprint == corpus_fingerprint(corpus_root)?)
    }
}

/// What [`ensure`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ensured {
    Fresh,
    Built,
}

/// Open the index under `root`, building it first when it is missing, broken or stale.
/// `log` receives one line saying why a build happens.
pub fn ensure(corpus_root: &Path, root: &Path, log: &mut dyn FnMut(&str)) -> Result<(PlanIndex, Ensured), IndexError> {
    match PlanIndex::open(root) {
        Ok(ix) if ix.is_fresh(corpus_root)? => return Ok((ix, Ensured::Fresh)),
        Ok(_) => log("the index is older than the corpus or this version of plansearch: rebuilding"),
        Err(IndexError::Missing(_)) => log("no index yet: building it"),
        Err(e) => log(&format!("{e}: rebuilding")),
    }
    build(corpus_root, root, &mut |_, _| {})?;
    Ok((PlanIndex::open(root)?, Ensured::Built))
}

/// Build the index of the corpus under `root` and swap it in. `progress(done, total)` is
/// called as passages are added.
pub fn build(corpus_root: &Path, root: &Path, progress: &mut dyn FnMut(usize, usize)) -> Result<Meta, IndexError> {
    let started = std::time::Instant::now();
    std::fs::create_dir_all(root).map_err(io(root))?;
    let lock_path = root.join(LOCK);
    let lock = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path).map_err(io(&lock_path))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => return Err(IndexError::Busy { dir: root.to_path_buf() }),
        Err(std::fs::TryLockError::Error(e)) => return Err(io(&lock_path)(e)),
    }

    let fingerprint = corpus_fingerprint(corpus_root)?;
    let corpus = Corpus::load(corpus_root)?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let name = format!("build-{now}-{}", std::process::id());
    let dir = root.join(&name);
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let result = write_index(&corpus, &dir, &fingerprint, started, progress);
    let meta = match result {
        Ok(meta) => meta,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e);
        }
    };
    readable_like_its_folder(&dir)?;
    // Swap: write the pointer aside, sync, rename over the old pointer.
    let tmp = root.join(format!("{CURRENT}.{}", std::process::id()));
    std::fs::write(&tmp, format!("{name}\n")).map_err(io(&tmp))?;
    std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(io(&tmp))?;
    std::fs::rename(&tmp, root.join(CURRENT)).map_err(io(root))?;
    if let Ok(d) = std::fs::File::open(root) {
        let _ = d.sync_all();
    }
    remove_old_builds(root, &name);
    drop(lock);
    Ok(meta)
}

/// tantivy writes some files (`meta.json`, `.managed.json`) readable by their owner only;
/// give every file of a finished build the permissions its folder got from the umask,
/// without execute bits, so that a server running as another user can read the index.
#[cfg(unix)]
fn readable_like_its_folder(dir: &Path) -> Result<(), IndexError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir).map_err(io(dir))?.permissions().mode() & 0o666;
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        if path.is_file() {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).map_err(io(&path))?;
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn readable_like_its_folder(_dir: &Path) -> Result<(), IndexError> {
    Ok(())
}

/// Remove every build directory but the current one (and leftovers of killed builds).
fn remove_old_builds(root: &Path, keep: &str) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("build-") && name != keep {
            let _ = std::fs::remove_dir_all(e.path());
        }
        if name.starts_with("CURRENT.") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

fn write_index(
    corpus: &Corpus,
    dir: &Path,
    fingerprint: &str,
    started: std::time::Instant,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Meta, IndexError> {
    let (schema, f) = schema();
    let index = Index::create_in_dir(dir, schema)?;
    tokenizer::register(&index);
    let threads = std::thread::available_parallelism().map(|n| n.get().min(4)).unwrap_or(1);
    let mut writer: tantivy::IndexWriter<TantivyDocument> = index.writer_with_num_threads(threads, 64_000_000 * threads)?;

    let mut outline = Outline::default();
    let mut panels_before = 0;
    // One document at a time: its passages are made, indexed, counted for the vocabulary and
    // dropped before the next (holding every passage of a thousand plans at once cost more
    // memory than all the rest of a build).
    let total: usize = corpus.documents.iter().map(|d| d.passage_count()).sum();
    let mut words = vocab::WordCounts::default();
    let mut n = 0;
    for (doc_no, document) in corpus.documents.iter().enumerate() {
        let doc_no = doc_no as u64;
        let mut part: Option<PartKey> = None;
        let passages = corpus.passages_of(document);
        let topics = topics(&passages);
        let toc = OutlineDoc::new(&document.slug, &document.title, &passages);
        let panel_nos: std::collections::HashMap<_, u64> =
            toc.panels().enumerate().map(|(k, at)| (at.key(), (panels_before + k + 1) as u64)).collect();
        panels_before += panel_nos.len();
        outline.documents.push(toc);
        for p in passages {
            let panel_no = panel_key(&p).and_then(|k| panel_nos.get(&k).copied()).unwrap_or(0);
            // The stored JSON is what search gives back: never index a passage without it.
            let json = serde_json::to_string(&p).map_err(|source| IndexError::Stored { doc: p.doc.clone(), id: p.id.clone(), source })?;
            let mut d = doc!(
                f.key => key(&p.doc, &p.id),
                f.doc => p.doc.clone(),
                f.doc_no => doc_no,
                f.kind => p.kind.as_str(),
                f.chapter => p.chapter.as_ref().map_or(0, |c| c.number as u64),
                f.panel_no => panel_no,
                f.seq => seq_key(&p.doc, p.order),
                f.seq_no => (doc_no << 32) | p.order as u64,
                f.words => p.text.clone(),
                f.heading => heading_text(&p),
                f.grams => p.text.clone(),
                f.en => p.text_en.clone().unwrap_or_default(),
                f.en_grams => p.text_en.clone().unwrap_or_default(),
                f.heading_en => heading_text_en(&p),
                f.json => json,
            );
            if let Some(s) = &p.section {
                d.add_text(f.section, s.number.to_string());
            }
            if let Some(pr) = &p.panel {
                d.add_text(f.panel, &pr.id);
            }
            for (col, value) in &p.cells {
                if col.contains("企业") || col.contains("单位") {
                    d.add_text(f.company, value);
                }
            }
            // Chapters and sections open with a paragraph; a panel's first item or row is a
            // list entry, not the opening of the topic, and its heading stays its entry.
            if p.kind != plansearch_corpus::PassageKind::Heading && p.panel.is_none() {
                let this = part_key(&p);
                if part.as_ref() != Some(&this) {
                    let (zh, en) = part_title(&p);
                    // A part whose title the source does not print opens with what most of
                    // its passages are about.
                    d.add_text(f.opens, if zh.is_empty() { topics.get(&this).map_or("", String::as_str) } else { zh });
                    d.add_text(f.opens_en, en);
                }
                part = Some(this);
            }
            writer.add_document(d)?;
            words.add(&p);
            n += 1;
            if n % 256 == 1 || n == total {
                progress(n, total);
            }
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;

    let meta = Meta {
        schema_version: SCHEMA_VERSION,
        analysis_version: plansearch_analysis::ANALYSIS_VERSION,
        corpus_fingerprint: fingerprint.to_string(),
        built_at_unix: SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0),
        build_seconds: started.elapsed().as_secs_f64(),
        passages: n,
        outline,
    };
    let vocab = vocab::build_from(words, vocab::read_glossaries(&corpus.root));
    let vocab_path = dir.join(VOCAB);
    let bytes = serde_json::to_vec(&vocab).map_err(|e| IndexError::Broken { path: vocab_path.clone(), why: e.to_string() })?;
    std::fs::write(&vocab_path, bytes).map_err(io(&vocab_path))?;
    std::fs::File::open(&vocab_path).and_then(|f| f.sync_all()).map_err(io(&vocab_path))?;

    let meta_path = dir.join(META);
    // Compact, not pretty: with the outline, the metadata is a table of contents per plan, and
    // indentation would double it (3.6 MB against 1.8 MB at 100 plans).
    let bytes = serde_json::to_vec(&meta).map_err(|e| IndexError::Broken { path: meta_path.clone(), why: e.to_string() })?;
    std::fs::write(&meta_path, bytes).map_err(io(&meta_path))?;
    std::fs::File::open(&meta_path).and_then(|f| f.sync_all()).map_err(io(&meta_path))?;
    Ok(meta)
}

/// The unique key of a passage: `caidian/4.1.3`.
pub fn key(doc: &str, id: &str) -> String {
    format!("{doc}/{id}")
}

/// The key of a passage's place in reading order, for neighbours: `caidian#000123`.
pub fn seq_key(doc: &str, order: usize) -> String {
    format!("{doc}#{order:06}")
}

/// The English titles a passage stands under, for the `heading_en` field.
fn heading_text_en(p: &Passage) -> String {
    let mut parts = Vec::new();
    parts.extend(p.chapter.as_ref().and_then(|c| c.title_en.clone()));
    parts.extend(p.section.as_ref().and_then(|s| s.title_en.clone()));
    parts.extend(p.panel.as_ref().and_then(|pr| pr.title_en.clone()));
    parts.join("\n")
}

/// The part of the plan a body passage belongs to: chapter, section and panel.
type PartKey = (Option<u32>, Option<SectionNumber>, Option<String>);

fn part_key(p: &Passage) -> PartKey {
    (p.chapter.as_ref().map(|c| c.number), p.section.as_ref().map(|s| s.number), p.panel.as_ref().map(|pr| pr.id.clone()))
}

/// What each untitled chapter and section of a document is about: the words (jieba's cut,
/// two characters or more) standing in at least half of its body passages and at least half
/// of whose passages in the document lie in it — its own vocabulary, not the plan's.
fn topics(passages: &[Passage]) -> std::collections::HashMap<PartKey, String> {
    use std::collections::{HashMap, HashSet};
    let body: Vec<(&Passage, HashSet<String>)> = passages
        .iter()
        .filter(|p| p.kind != plansearch_corpus::PassageKind::Heading)
        .map(|p| {
            let text = plansearch_analysis::normalize(&p.text);
            let words = plansearch_analysis::runs(&text)
                .into_iter()
                .filter(|r| r.kind == plansearch_analysis::RunKind::Han)
                .flat_map(|r| plansearch_analysis::jieba().cut(r.text, true).into_iter().map(|t| t.word.to_string()).collect::<Vec<_>>())
                .filter(|w| w.chars().count() >= 2 && !plansearch_analysis::is_stop_word(w))
                .collect();
            (p, words)
        })
        .collect();
    let mut in_doc: HashMap<&str, usize> = HashMap::new();
    for (_, words) in &body {
        for w in words {
            *in_doc.entry(w.as_str()).or_default() += 1;
        }
    }
    // Untitled parts: a chapter (all its passages) or a section.
    let mut parts: Vec<(PartKey, Vec<&HashSet<String>>)> = Vec::new();
    for (p, words) in &body {
        let chapter = p.chapter.as_ref();
        if chapter.is_some_and(|c| c.title.is_none()) {
            let key = (chapter.map(|c| c.number), None, None);
            match parts.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => v.push(words),
                None => parts.push((key, vec![words])),
            }
        }
        if let Some(sec) = p.section.as_ref().filter(|s| s.title.is_none()) {
            let key = (chapter.map(|c| c.number), Some(sec.number), None);
            match parts.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => v.push(words),
                None => parts.push((key, vec![words])),
            }
        }
    }
    let mut out = HashMap::new();
    for (key, members) in parts {
        let n = members.len();
        if n < 3 {
            continue;
        }
        let mut count: HashMap<&str, usize> = HashMap::new();
        for words in &members {
            for w in words.iter() {
                *count.entry(w.as_str()).or_default() += 1;
            }
        }
        let mut about: Vec<(&str, usize)> =
            count.into_iter().filter(|&(w, c)| 2 * c >= n && c >= 2 && 2 * c >= in_doc.get(w).copied().unwrap_or(0)).collect();
        about.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        if !about.is_empty() {
            out.insert(key, about.iter().take(8).map(|(w, _)| *w).collect::<Vec<_>>().join(" "));
        }
    }
    out
}

/// The title of the section or chapter a passage stands in (empty where the source prints
/// none), in Chinese and English.
fn part_title(p: &Passage) -> (&str, &str) {
    if let Some(s) = &p.section {
        return (s.title.as_deref().unwrap_or(""), s.title_en.as_deref().unwrap_or(""));
    }
    match &p.chapter {
        Some(c) => (c.title.as_deref().unwrap_or(""), c.title_en.as_deref().unwrap_or("")),
        None => ("", ""),
    }
}

/// The titles a passage stands under, for the `heading` field.
fn heading_text(p: &Passage) -> String {
    let mut parts = Vec::new();
    if let Some(c) = &p.chapter {
        parts.extend(c.title.clone());
    }
    if let Some(s) = &p.section {
        parts.extend(s.title.clone());
    }
    if let Some(pr) = &p.panel {
        parts.push(pr.title.clone());
    }
    parts.join("\n")
}
