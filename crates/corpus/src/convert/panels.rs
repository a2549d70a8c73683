//! The panels: which source lines `panels.tsv` gives to which panel (the claim pass), and
//! each panel's body made from its lines or its transcription (the build pass).

use super::Problem;
use crate::model::{Panel, PanelBlock, Table};
use crate::repairs::{PanelFormat, Repairs};
use crate::text::{ends_sentence, normalize_spaces};

/// A panel assembled from one or more ranges of `panels.tsv`.
pub(super) struct Group {
    pub(super) number: Option<String>,
    pub(super) title: String,
    /// The source line (1-based) where the panel's first range starts: where errors point.
    pub(super) first: usize,
    format: PanelFormat,
    file: Option<String>,
    /// Body lines (0-based indices), in order.
    body: Vec<usize>,
}

/// The claim pass's result: the panels, and for each source line the panel that owns it.
pub(super) struct Claims {
    pub(super) groups: Vec<Group>,
    /// By 0-based line index: the index in `groups` of the panel the line belongs to.
    pub(super) owner: Vec<Option<usize>>,
}

/// Claim the panel ranges of `panels.tsv` over the source lines (`last` is the number of
/// the source's last line). Consecutive rows with the same id and title are one panel split
/// over text boxes. Fails on a range past the end of the source (at its last line) or a line
/// that two panels claim.
pub(super) fn claim(lines: &[String], last: usize, repairs: &Repairs) -> Result<Claims, Problem> {
    let mut groups: Vec<Group> = Vec::new();
    let mut owner: Vec<Option<usize>> = vec![None; lines.len()];
    for r in &repairs.panels {
        if r.end > lines.len() {
            let message = format!("the source ends here, but panels.tsv line {} maps lines {}–{} to a panel (truncated?)", r.row, r.start, r.end);
            return Err(Problem::at(last, message));
        }
        let g = match groups.last().filter(|g| g.number == r.number && g.title == r.title && r.start > 0) {
            Some(_) => groups.len() - 1,
            None => {
                let (number, title, file) = (r.number.clone(), r.title.clone(), r.file.clone());
                groups.push(Group { number, title, first: r.start, format: r.format, file, body: vec![] });
                groups.len() - 1
            }
        };
        for n in r.start..=r.end {
            if let Some(other) = owner[n - 1] {
                if other != g {
                    return Err(Problem::at(n, format!("line claimed by two panels in panels.tsv (the second at its line {})", r.row)));
                }
            }
            owner[n - 1] = Some(g);
            if n >= r.body {
                groups[g].body.push(n - 1);
            }
        }
    }
    Ok(Claims { groups, owner })
}

/// Build every panel of the claims, in `groups` order: items split from its body lines, or
/// its transcribed table (`tables/*.tsv`, `indicators.tsv`). A missing table fails at the
/// panel's first line.
pub(super) fn build(claims: &Claims, lines: &[String], repairs: &Repairs) -> Result<Vec<Panel>, Problem> {
    claims.groups.iter().map(|g| build_panel(g, lines, repairs).map_err(|m| Problem::at(g.first, m))).collect()
}

fn build_panel(g: &Group, lines: &[String], repairs: &Repairs) -> Result<Panel, String> {
    let mut panel = Panel { number: g.number.clone(), title: normalize_spaces(&g.title), indicators: false, body: vec![] };
    match g.format {
        PanelFormat::Table => {
            let file = g.file.as_deref().unwrap_or_default();
            let table = repairs.table(file).ok_or_else(|| format!("table transcription {file} not loaded"))?;
            panel.body.push(PanelBlock::Table(table.clone()));
        }
        PanelFormat::Indicators => {
            let table = repairs.indicators.as_ref().ok_or("indicators.tsv is missing")?;
            panel.indicators = true;
            panel.body.push(PanelBlock::Table(indicator_table(table)));
            panel.body.extend(repairs.indicator_notes.iter().cloned().map(PanelBlock::Note));
        }
        PanelFormat::Items => {
            let body: Vec<&str> = g.body.iter().map(|&n| lines[n].as_str()).collect();
            panel.body.extend(split_items(&body).into_iter().map(PanelBlock::Item));
        }
    }
    Ok(panel)
}

/// `indicators.tsv` has machine column names; the corpus shows the source's own.
fn indicator_table(t: &Table) -> Table {
    let columns = t
        .columns
        .iter()
        .map(|c| {
            match c.as_str() {
                "category" => "",
                "indicator" => "指标名称",
                "unit" => "单位",
                "value_2020" => "2020年",
                "target_2025" => "2025年",
                "growth_5yr" => "增速[累计]",
                "attribute" => "属性",
                other => other,
            }
            .to_string()
        })
        .collect();
    // A category is printed once, in the first row of its group (a merged cell).
    let cat = t.columns.iter().position(|c| c == "category");
    let mut rows = t.rows.clone();
    if let Some(cat) = cat {
        let mut last = String::new();
        for row in &mut rows {
            if row[cat] == last {
                row[cat].clear();
            } else {
                last = row[cat].clone();
            }
        }
    }
    Table { columns, rows }
}

/// Split a panel's body lines into items. A new item starts at a short title line ending in
/// 。 (`数字经济。`), or at a long line, once the item so far ends a sentence and is more than
/// a bare title. Box panels have one token per line; others have whole paragraphs per line.
pub fn split_items(body: &[&str]) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut cur_is_title = false;
    for (k, raw) in body.iter().enumerate() {
        let _ = raw;
        let t = raw.trim();
        if t.is_empty() {
            continue;
        }
        let chars = t.chars().count();
        let next_starts_stop = body.get(k + 1).is_some_and(|n| n.trim_start().starts_with('。'));
        let title_line = (chars <= 20 && t.ends_with('。')) || (chars <= 8 && next_starts_stop);
        let long_line = chars > 40;
        let cur_t = cur.trim_end();
        let cur_done = cur_t.is_empty() || ends_sentence(cur_t) || cur_t.ends_with(['；', ';']);
        if !cur.is_empty() && cur_done && !cur_is_title && (title_line || long_line) {
            items.push(normalize_spaces(&std::mem::take(&mut cur)));
        }
        if cur.is_empty() {
            cur_is_title = title_line;
        } else if cur_is_title && !title_line {
            cur_is_title = false;
        }
        cur.push_str(t);
    }
    if !cur.trim().is_empty() {
        items.push(normalize_spaces(&cur));
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_items_split_at_short_titles() {
        let body = [
            "数字经济。",
            "以优炫信息安全产业园、光控特斯联",
            "（武汉",
            "）",
            "智慧产业园为重点。",
            "绿色经济。",
            "以创智节能制造生产基地为重点，汇聚一批绿色建筑企业和能源互联网企业，形成产业集聚。",
        ];
        let items = split_items(&body);
        assert_eq!(items.len(), 2, "{items:?}");
        assert!(items[0].starts_with("数字经济。以优炫"));
        assert!(items[1].starts_with("绿色经济。以创智"));
    }
}
