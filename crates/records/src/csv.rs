//! CSV export (RFC 4180): comma-separated, CRLF line ends, a field quoted when it holds a
//! comma, a quote, CR or LF, quotes inside doubled.
//!
//! Spreadsheets run a cell that starts with `=`, `+`, `-`, `@`, a tab or CR as a formula, so
//! such a cell is written with a leading `'` (the OWASP advice against CSV injection). That
//! changes what a program reading the file sees; it is the price of a file that is safe to
//! open in Excel, and the only change ever made to a value.

use crate::projects::{self, Project};
use crate::targets::Target;

/// One field, neutralised and quoted as needed.
pub fn field(value: &str) -> String {
    let v = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_string() };
    if v.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// One record, with its CRLF.
pub fn row<S: AsRef<str>>(fields: &[S]) -> String {
    let mut line = fields.iter().map(|f| field(f.as_ref())).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

fn number(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

pub const TARGET_COLUMNS: &[&str] =
    &["id", "doc", "passage_id", "chapter", "kind", "source", "metric", "value", "low", "high", "unit", "comparator", "year", "binding", "sentence"];

/// Targets as CSV, with a header row.
pub fn targets<'a>(targets: impl IntoIterator<Item = &'a Target>) -> String {
    let mut out = row(TARGET_COLUMNS);
    for t in targets {
        out.push_str(&row(&[
            t.id.clone(),
            t.doc.clone(),
            t.passage_id.clone(),
            t.chapter.map(|c| c.to_string()).unwrap_or_default(),
            t.kind.as_str().to_string(),
            t.source.as_str().to_string(),
            t.metric.clone(),
            t.value.clone(),
            number(t.low),
            number(t.high),
            t.unit.clone(),
            t.comparator.as_str().to_string(),
            t.year.map(|y| y.to_string()).unwrap_or_default(),
            t.binding.map(|b| b.as_str()).unwrap_or_default().to_string(),
            t.sentence.clone(),
        ]));
    }
    out
}

/// Projects as CSV: the place columns, then every column the rows have, in table order.
pub fn projects(rows: &[&Project]) -> String {
    let cols = projects::columns(rows);
    let mut header: Vec<String> = ["id", "doc", "passage_id", "chapter", "panel", "panel_title"].iter().map(|s| s.to_string()).collect();
    header.extend(cols.iter().cloned());
    let mut out = row(&header);
    for p in rows {
        let mut line = vec![
            p.id.clone(),
            p.doc.clone(),
            p.passage_id.clone(),
            p.chapter.map(|c| c.to_string()).unwrap_or_default(),
            p.panel.id.clone(),
            p.panel.title.clone(),
        ];
        line.extend(cols.iter().map(|c| p.get(c).unwrap_or("").to_string()));
        out.push_str(&row(&line));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_commas_quotes_and_newlines_are_quoted() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("中文，全角逗号"), "中文，全角逗号");
    }

    #[test]
    fn formula_looking_cells_are_neutralised() {
        assert_eq!(field("=1+1"), "'=1+1");
        assert_eq!(field("+86"), "'+86");
        assert_eq!(field("-5"), "'-5");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("\tx"), "'\tx");
        assert_eq!(field("=HYPERLINK(\"x\",\"y\")"), "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
        assert_eq!(row(&["a", "b"]), "a,b\r\n");
    }
}
