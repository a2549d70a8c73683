//! From the text extracted from the plan's Word/PDF original to the document model.
//!
//! The extraction has lost or scrambled much of the plan's structure; this module repairs it
//! with general rules and the reviewed panel map (`repairs`), and never with invented words:
//!
//! * `[bookmark: …]` tags go; lines wrapped inside a sentence join with nothing (a paragraph
//!   ends at a line ending in 。！？); stray spaces follow the rule in [`crate::text`].
//! * A text box (a line ` (` … a line starting with `)`) interrupts a paragraph, often inside a
//!   word (`…智能网联汽` + box + `)车项目`): the paragraph is spliced back together and the box
//!   content moves into its panel, which is placed after the paragraph.
//! * Missing headings are recovered from evidence and marked inferred, with no title: a
//!   paragraph that opens with a stray leading space after a finished paragraph is where a
//!   heading was dropped. The last of a run of such openings before an explicit `第一节`, or
//!   the last two of a run otherwise, are a chapter introduction and its first section — but
//!   only when the next numbered panel belongs to the next chapter (专栏 7-2 is chapter 7).
//!   Every other such opening starts the next section. Explicit headings must then number on
//!   from the recovered ones, and every numbered panel must sit in its chapter; if not, the
//!   conversion fails and says where.
//!
//! The conversion is a row of passes, each in its own function:
//!
//! 1. **claim panels** (`panels::claim`): which source lines belong to which panel of
//!    `panels.tsv`;
//! 2. **read the title** (`read_title`): the title and subtitle lines at the top;
//! 3. **scan** (`scan::scan`): the remaining lines into events — headings, paragraphs
//!    joined across line breaks and text boxes, panels where they are first met;
//! 4. **build the panels** (`panels::build`): each panel's items or transcribed table;
//! 5. **recover dropped headings** (`assemble::dropped_roles`): what each paragraph after a
//!    dropped heading opens;
//! 6. **assemble** (`assemble::assemble`): the events into chapters, sections and blocks;
//! 7. **check** (`assemble::check`): every numbered panel stands in its chapter.
//!
//! A pass reports a `Problem` at a source line; [`convert`] alone names the file.

mod assemble;
mod panels;
mod scan;

use std::path::Path;

use crate::model::{Block, Document};
use crate::repairs::Repairs;
use crate::text::{normalize_spaces, strip_bookmarks};
use crate::CorpusError;

pub use panels::split_items;

/// A converted document and what the conversion dropped as extraction debris.
#[derive(Debug, Clone)]
pub struct Converted {
    pub document: Document,
    /// Page numbers printed inside text boxes (`- 90 -`), by source line: not plan text.
    pub dropped: Vec<(usize, String)>,
}

/// What a pass found wrong, at a 1-based line of the source; [`convert`] adds the file.
#[derive(Debug)]
struct Problem {
    line: usize,
    message: String,
}

impl Problem {
    fn at(line: usize, message: impl Into<String>) -> Problem {
        Problem { line, message: message.into() }
    }
}

/// Convert one source text, read from `path` (which every error names).
pub fn convert(slug: &str, path: &Path, source: &str, repairs: &Repairs) -> Result<Converted, CorpusError> {
    passes(slug, source, repairs).map_err(|p| CorpusError::Source { path: path.to_path_buf(), line: p.line, message: p.message })
}

/// The passes of the module docs, in order; the first problem stops the conversion.
fn passes(slug: &str, source: &str, repairs: &Repairs) -> Result<Converted, Problem> {
    if source.trim().is_empty() {
        return Err(Problem::at(1, "the source is empty"));
    }
    let lines: Vec<String> = source.split('\n').map(|l| strip_bookmarks(l.trim_end_matches('\r'))).collect();
    let claims = panels::claim(&lines, source.lines().count(), repairs)?;
    let title = read_title(&lines)?;
    let scanned = scan::scan(&lines, title.body, &claims)?;
    let built = panels::build(&claims, &lines, repairs)?;
    let roles = assemble::dropped_roles(&scanned.events, &claims.groups)?;
    let head = Document { slug: slug.to_string(), title: title.title, front: title.front, chapters: vec![] };
    let assembled = assemble::assemble(head, &scanned.events, &roles, &built)?;
    assemble::check(&assembled, &claims.groups)?;
    Ok(Converted { document: assembled.document, dropped: scanned.dropped })
}

/// The top of the source, as [`read_title`] reads it.
struct Title {
    title: String,
    /// Parenthesised subtitle lines (`（2021—2025）`), as the document's front paragraphs.
    front: Vec<Block>,
    /// The index of the first line after the title block: where the body's scan starts.
    body: usize,
}

/// Take the title: the first lines up to the first blank line, where a parenthesised line is
/// a subtitle; the others join into the title.
fn read_title(lines: &[String]) -> Result<Title, Problem> {
    let mut i = 0;
    while i < lines.len() && lines[i].trim().is_empty() {
        i += 1;
    }
    let start = i;
    let mut title = String::new();
    let mut front = Vec::new();
    while i < lines.len() && !lines[i].trim().is_empty() {
        let t = lines[i].trim();
        if t.starts_with('（') && t.ends_with('）') {
            front.push(Block::Paragraph(normalize_spaces(t)));
        } else {
            title.push_str(t);
        }
        i += 1;
    }
    let title = normalize_spaces(&title);
    if title.is_empty() {
        return Err(Problem::at(start + 1, "no title line"));
    }
    Ok(Title { title, front, body: i })
}
