//! The reviewed data that the converter needs besides the source: where each 专栏 panel
//! lies in the source (`panels.tsv`), the panel tables transcribed cell by cell
//! (`tables/*.tsv`) and the main indicator table (`indicators.tsv`, `indicator_notes.txt`).
//! See `corpus/caidian/PANELS.md` for the formats. The corpus tests check every character of
//! these files against the source.

use std::path::{Path, PathBuf};

use crate::model::Table;
use crate::text::normalize_spaces;
use crate::CorpusError;

/// One row of `panels.tsv`: a contiguous range of source lines (1-based, inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelRange {
    /// The line of `panels.tsv` the range is read from (1-based), for error messages.
    pub row: usize,
    pub start: usize,
    pub body: usize,
    pub end: usize,
    pub number: Option<String>,
    pub title: String,
    pub format: PanelFormat,
    pub file: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelFormat {
    Table,
    Items,
    Indicators,
}

/// Everything the converter reads besides `source.txt`.
#[derive(Debug, Clone, Default)]
pub struct Repairs {
    pub panels: Vec<PanelRange>,
    /// Table transcriptions by file name (`tables/4-1.tsv`).
    pub tables: Vec<(String, Table)>,
    pub indicators: Option<Table>,
    pub indicator_notes: Vec<String>,
}

impl Repairs {
    /// Load the repairs kept beside a source. A document without `panels.tsv` has none.
    pub fn load(dir: &Path) -> Result<Repairs, CorpusError> {
        let mut repairs = Repairs::default();
        let panels_path = dir.join("panels.tsv");
        if !panels_path.exists() {
            return Ok(repairs);
        }
        let text = read(&panels_path)?;
        for (n, line) in text.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let bad = |why: &str| CorpusError::Repair { path: panels_path.clone(), line: n + 1, message: why.to_string() };
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() < 6 {
                return Err(bad("expected start, body, end, id, title, format[, file]"));
            }
            let num = |s: &str| s.trim().parse::<usize>().map_err(|_| bad(&format!("not a line number: {s:?}")));
            let format = match cols[5].trim() {
                "table" => PanelFormat::Table,
                "items" => PanelFormat::Items,
                "indicators" => PanelFormat::Indicators,
                other => return Err(bad(&format!("unknown format {other:?}"))),
            };
            let range = PanelRange {
                row: n + 1,
                start: num(cols[0])?,
                body: num(cols[1])?,
                end: num(cols[2])?,
                number: Some(cols[3].trim().to_string()).filter(|s| !s.is_empty()),
                title: cols[4].trim().to_string(),
                format,
                file: cols.get(6).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
            };
            if range.start == 0 {
                return Err(bad("source lines are numbered from 1"));
            }
            if !(range.start <= range.body && range.body <= range.end + 1) {
                return Err(bad("need start <= body <= end + 1"));
            }
            if format == PanelFormat::Table && range.file.is_none() {
                return Err(bad("a table panel needs its transcription file"));
            }
            repairs.panels.push(range);
        }
        for file in repairs.panels.iter().filter_map(|p| p.file.clone()).collect::<Vec<_>>() {
            if repairs.tables.iter().any(|(f, _)| *f == file) {
                continue;
            }
            let table = read_table(&dir.join(&file))?;
            repairs.tables.push((file, table));
        }
        let ind = dir.join("indicators.tsv");
        if ind.exists() {
            repairs.indicators = Some(read_table(&ind)?);
            let notes = dir.join("indicator_notes.txt");
            if notes.exists() {
                repairs.indicator_notes = read(&notes)?.lines().map(normalize_spaces).filter(|l| !l.is_empty()).collect();
            }
        }
        Ok(repairs)
    }

    pub fn table(&self, file: &str) -> Option<&Table> {
        self.tables.iter().find(|(f, _)| f == file).map(|(_, t)| t)
    }
}

fn read(path: &Path) -> Result<String, CorpusError> {
    let bytes = std::fs::read(path).map_err(|e| CorpusError::Io { path: path.to_path_buf(), source: e })?;
    String::from_utf8(bytes).map_err(|e| CorpusError::NotUtf8 { path: path.to_path_buf(), offset: e.utf8_error().valid_up_to() })
}

/// A transcription: `#` comments, a column-name line, then rows; cells tab-separated.
pub fn read_table(path: &Path) -> Result<Table, CorpusError> {
    let text = read(path)?;
    parse_table(&text).map_err(|(line, message)| CorpusError::Repair { path: PathBuf::from(path), line, message })
}

fn parse_table(text: &str) -> Result<Table, (usize, String)> {
    let mut table = Table::default();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cells: Vec<String> = line.split('\t').map(normalize_spaces).collect();
        if table.columns.is_empty() {
            table.columns = cells;
        } else if cells.len() != table.columns.len() {
            return Err((n + 1, format!("{} cells, but {} columns", cells.len(), table.columns.len())));
        } else {
            table.rows.push(cells);
        }
    }
    if table.columns.is_empty() {
        return Err((1, "no column names".into()));
    }
    Ok(table)
}
