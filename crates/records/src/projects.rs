//! Projects: the rows of the panels' project tables (专栏 4-1 …, 项目名称 / 承担企业 / 项目内容
//! and the others) as records that keep their column names.
//!
//! A merged cell of a table (`环节领域：电机配件` over three rows) is transcribed once, in its
//! first row, and left empty below. A record of a later row takes the value from the row
//! above for the table's first column only — the column merged cells group rows by — and
//! names it in `inherited`, so a reader can tell what was printed in the row itself.

use std::collections::HashMap;

use plansearch_corpus::{Passage, PassageKind};
use serde::{Deserialize, Serialize};

/// The panel a project row stands in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelInfo {
    /// `4-1`, or `4.5a` for an unnumbered panel.
    pub id: String,
    pub title: String,
    pub numbered: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    /// The passage id of the row: `p4-2.r1`.
    pub id: String,
    pub doc: String,
    pub passage_id: String,
    pub chapter: Option<u32>,
    pub panel: PanelInfo,
    /// (column, value) in table order.
    pub fields: Vec<(String, String)>,
    /// Columns whose value comes from a merged cell of an earlier row.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inherited: Vec<String>,
}

impl Project {
    pub fn get(&self, column: &str) -> Option<&str> {
        self.fields.iter().find(|(c, _)| c == column).map(|(_, v)| v.as_str())
    }

    /// The row's name: its project (项目名称) or company (企业名称).
    pub fn name(&self) -> &str {
        ["项目名称", "企业名称"].iter().find_map(|c| self.get(c)).or_else(|| self.fields.first().map(|(_, v)| v.as_str())).unwrap_or("")
    }

    /// Does every word of `query` occur in some field (case-insensitive for Latin letters)?
    pub fn matches(&self, query: &str) -> bool {
        let hay: String = self.fields.iter().map(|(_, v)| v.to_lowercase()).collect::<Vec<_>>().join("\n");
        query.split_whitespace().all(|w| hay.contains(&w.to_lowercase()))
    }
}

/// Every project row of the passages, in reading order.
pub fn extract_projects(passages: &[Passage]) -> Vec<Project> {
    // Per (document, panel): the table's first column and its last printed value.
    let mut first: HashMap<(String, String), (String, String)> = HashMap::new();
    let mut out = Vec::new();
    for p in passages.iter().filter(|p| p.kind == PassageKind::TableRow) {
        let Some(panel) = &p.panel else { continue };
        let key = (p.doc.clone(), panel.id.clone());
        let mut fields = p.cells.clone();
        let mut inherited = Vec::new();
        match first.get_mut(&key) {
            None => {
                if let Some((c, v)) = fields.first() {
                    first.insert(key, (c.clone(), v.clone()));
                }
            }
            Some((col, last)) => match fields.iter().find(|(c, _)| c == col) {
                Some((_, v)) => *last = v.clone(),
                None => {
                    fields.insert(0, (col.clone(), last.clone()));
                    inherited.push(col.clone());
                }
            },
        }
        out.push(Project {
            id: p.id.clone(),
            doc: p.doc.clone(),
            passage_id: p.id.clone(),
            chapter: p.chapter.as_ref().map(|c| c.number),
            panel: PanelInfo { id: panel.id.clone(), title: panel.title.clone(), numbered: panel.numbered },
            fields,
            inherited,
        });
    }
    out
}

/// The projects with every word of `query` in their fields; all of them for an empty query.
pub fn filter_projects<'a>(projects: &'a [Project], query: &str) -> Vec<&'a Project> {
    projects.iter().filter(|p| p.matches(query)).collect()
}

/// The columns of a set of projects, in the order they first appear.
pub fn columns(projects: &[&Project]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in projects {
        for (c, _) in &p.fields {
            if !out.contains(c) {
                out.push(c.clone());
            }
        }
    }
    out
}
