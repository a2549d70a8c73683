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

use std::collections::HashMap;

use crate::model::{parse_chinese_number, Block, Chapter, Document, Panel, PanelBlock, Section, Table};
use crate::repairs::{PanelFormat, Repairs};
use crate::text::{ends_sentence, is_counted, normalize_spaces, strip_bookmarks};
use crate::CorpusError;

/// A panel assembled from one or more ranges of `panels.tsv`.
struct Group {
    number: Option<String>,
    title: String,
    format: PanelFormat,
    file: Option<String>,
    /// Body lines (0-based indices), in order.
    body: Vec<usize>,
}

#[derive(Debug)]
enum Event {
    Chapter {
        number: u32,
        title: String,
        line: usize,
    },
    Section {
        number: u32,
        title: String,
        line: usize,
    },
    /// A paragraph; `dropped` when it opens with a stray space after a finished paragraph.
    Para {
        text: String,
        dropped: bool,
        line: usize,
    },
    Panel(usize),
}

/// A converted document and what the conversion dropped as extraction debris.
#[derive(Debug, Clone)]
pub struct Converted {
    pub document: Document,
    /// Page numbers printed inside text boxes (`- 90 -`), by source line: not plan text.
    pub dropped: Vec<(usize, String)>,
}

/// Convert one source text. `name` is used in error messages.
pub fn convert(slug: &str, name: &str, source: &str, repairs: &Repairs) -> Result<Converted, CorpusError> {
    let err = |line: usize, message: String| CorpusError::Source { path: name.into(), line, message };
    if source.trim().is_empty() {
        return Err(err(1, "the source is empty".into()));
    }
    let lines: Vec<String> = source.split('\n').map(|l| strip_bookmarks(l.trim_end_matches('\r'))).collect();

    // Claim the panel ranges.
    let mut groups: Vec<Group> = Vec::new();
    let mut claimed: Vec<Option<usize>> = vec![None; lines.len()];
    for r in &repairs.panels {
        if r.end > lines.len() {
            return Err(err(r.end, format!("panels.tsv names line {} but the source has {} lines (truncated?)", r.end, lines.len())));
        }
        // Consecutive rows with the same id and title are one panel split over boxes.
        let g = match groups.last().filter(|g| g.number == r.number && g.title == r.title && r.start > 0) {
            Some(_) => groups.len() - 1,
            None => {
                groups.push(Group { number: r.number.clone(), title: r.title.clone(), format: r.format, file: r.file.clone(), body: vec![] });
                groups.len() - 1
            }
        };
        for n in r.start..=r.end {
            if let Some(other) = claimed[n - 1] {
                if other != g {
                    return Err(err(n, "line claimed by two panels in panels.tsv".into()));
                }
            }
            claimed[n - 1] = Some(g);
            if n >= r.body {
                groups[g].body.push(n - 1);
            }
        }
    }

    // Title: the first lines up to the first blank line; a parenthesised line is a subtitle.
    let mut i = 0;
    while i < lines.len() && lines[i].trim().is_empty() {
        i += 1;
    }
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
        return Err(err(1, "no title line".into()));
    }

    // Pass 1: events.
    let mut events: Vec<Event> = Vec::new();
    let mut para: Option<(String, bool, usize)> = None;
    let mut pending: Vec<usize> = Vec::new();
    let mut placed = vec![false; groups.len()];
    let mut seen_chapter = false;
    let mut dropped = Vec::new();

    fn close(para: &mut Option<(String, bool, usize)>, pending: &mut Vec<usize>, events: &mut Vec<Event>) {
        if let Some((text, dropped, line)) = para.take() {
            let text = normalize_spaces(&text);
            if !text.is_empty() {
                events.push(Event::Para { text, dropped, line });
            }
        }
        events.extend(pending.drain(..).map(Event::Panel));
    }

    while i < lines.len() {
        if let Some(g) = claimed[i] {
            if !placed[g] {
                placed[g] = true;
                pending.push(g);
                if para.is_none() {
                    close(&mut para, &mut pending, &mut events);
                }
            }
            i += 1;
            continue;
        }
        let raw = &lines[i];
        let mut text: &str = raw;
        let trimmed = raw.trim();
        if raw.starts_with(char::is_whitespace) && trimmed == "(" {
            // A text box: find its closing line; everything between must be mapped.
            let open = i;
            let mut j = i + 1;
            let mut loose = String::new();
            while j < lines.len() && (claimed[j].is_some() || !lines[j].trim_start().starts_with(')')) {
                if let Some(g) = claimed[j] {
                    if !placed[g] {
                        placed[g] = true;
                        pending.push(g);
                    }
                } else {
                    loose.push_str(lines[j].trim());
                }
                j += 1;
            }
            if j == lines.len() {
                return Err(err(open + 1, "a text box opens here and never closes".into()));
            }
            if loose.chars().any(is_counted) {
                // A box holding only a page number (`- 90 -`) is layout, not text.
                if loose.chars().all(|c| c.is_ascii_digit() || c == '-') {
                    dropped.push((open + 2, loose.trim_matches('-').to_string()));
                } else {
                    return Err(err(open + 1, "a text box here holds text that panels.tsv does not map to a panel".into()));
                }
            }
            if para.is_none() {
                close(&mut para, &mut pending, &mut events);
            }
            text = lines[j].trim_start()[1..].trim_start();
            i = j;
            if text.is_empty() || text == "(" {
                i += 1;
                continue;
            }
        } else if trimmed.is_empty() || matches!(trimmed, ")" | "(" | "-" | "—") {
            // Blank lines and stray box debris outside any box.
            i += 1;
            continue;
        }
        let t = text.trim();
        if let Some((number, title)) = heading(t, '章') {
            close(&mut para, &mut pending, &mut events);
            events.push(Event::Chapter { number, title, line: i + 1 });
            seen_chapter = true;
            i += 1;
            continue;
        }
        if let Some((number, title)) = heading(t, '节') {
            close(&mut para, &mut pending, &mut events);
            events.push(Event::Section { number, title, line: i + 1 });
            i += 1;
            continue;
        }
        match &mut para {
            Some((acc, _, _)) => acc.push_str(t),
            None => {
                let dropped = seen_chapter && text == raw.as_str() && raw.starts_with([' ', '\u{3000}']);
                para = Some((t.to_string(), dropped, i + 1));
            }
        }
        if ends_sentence(t) {
            close(&mut para, &mut pending, &mut events);
        }
        i += 1;
    }
    close(&mut para, &mut pending, &mut events);
    if let Some(g) = placed.iter().position(|p| !p) {
        return Err(err(0, format!("panel {:?} was never placed", groups[g].title)));
    }

    // Build the panels.
    let mut panels = Vec::new();
    for g in &groups {
        panels.push(build_panel(g, &lines, repairs).map_err(|m| err(g.body.first().map_or(0, |b| b + 1), m))?);
    }

    // Pass 2: structure.
    let roles = dropped_roles(&events, &groups)?;
    let mut doc = Document { slug: slug.to_string(), title, front, chapters: vec![] };
    for (k, ev) in events.iter().enumerate() {
        match ev {
            Event::Chapter { number, title, line } => {
                let expect = doc.chapters.last().map_or(1, |c| c.number + 1);
                if *number != expect {
                    return Err(err(*line, format!("chapter {number} follows chapter {}: a chapter heading is missing before it", expect - 1)));
                }
                doc.chapters.push(Chapter { number: *number, title: Some(normalize_spaces(title)), inferred: false, ..Default::default() });
            }
            Event::Section { number, title, line } => {
                let Some(ch) = doc.chapters.last_mut() else {
                    return Err(err(*line, "a section before the first chapter".into()));
                };
                let expect = ch.sections.last().map_or(1, |s| s.number + 1);
                if *number != expect {
                    return Err(err(*line, format!("第{}节 where section {expect} of chapter {} was expected", number, ch.number)));
                }
                ch.sections.push(Section { number: *number, title: Some(normalize_spaces(title)), inferred: false, blocks: vec![] });
            }
            Event::Para { text, line, .. } => {
                match roles.get(&k) {
                    Some(Role::ChapterIntro) => {
                        let number = doc.chapters.last().map_or(1, |c| c.number + 1);
                        doc.chapters.push(Chapter { number, title: None, inferred: true, ..Default::default() });
                    }
                    Some(Role::Section) => {
                        let Some(ch) = doc.chapters.last_mut() else {
                            return Err(err(*line, "a recovered section before the first chapter".into()));
                        };
                        let number = ch.sections.last().map_or(1, |s| s.number + 1);
                        ch.sections.push(Section { number, title: None, inferred: true, blocks: vec![] });
                    }
                    None => {}
                }
                doc.push_block(Block::Paragraph(text.clone()));
            }
            Event::Panel(g) => doc.push_block(Block::Panel(panels[*g].clone())),
        }
    }

    // Evidence check: each numbered panel stands in its own chapter.
    for (panel, chapter, _) in doc.panels() {
        let Some(number) = &panel.number else {
            continue;
        };
        let major: Option<u32> = number.split('-').next().and_then(|m| m.parse().ok());
        if major.is_some() && number.contains('-') && major != chapter {
            return Err(err(0, format!("专栏 {number} stands in chapter {chapter:?}: a chapter boundary is missing or misplaced")));
        }
    }
    Ok(Converted { document: doc, dropped })
}

/// `第四章\t标题` → (4, "标题"); with `kind` '节' for sections.
fn heading(line: &str, kind: char) -> Option<(u32, String)> {
    let rest = line.strip_prefix('第')?;
    let at = rest.find(kind)?;
    let number = parse_chinese_number(&rest[..at])?;
    let title = rest[at + kind.len_utf8()..].trim();
    if title.is_empty() || title.chars().count() > 60 || ends_sentence(title) {
        return None;
    }
    Some((number, title.to_string()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    ChapterIntro,
    Section,
}

/// Decide what each paragraph with a dropped heading opens (see the module docs).
fn dropped_roles(events: &[Event], groups: &[Group]) -> Result<HashMap<usize, Role>, CorpusError> {
    let mut roles = HashMap::new();
    // The chapter number in force at each event, counting explicit chapters only, is not
    // enough: walk and track the chapter as the roles are decided.
    let mut chapter = 0u32;
    let mut k = 0;
    while k < events.len() {
        match &events[k] {
            Event::Chapter { number, .. } => chapter = *number,
            Event::Para { dropped: true, .. } => {
                // The run of consecutive dropped openings (panels in between are transparent).
                let mut run = vec![k];
                let mut next = next_content(events, k + 1);
                while let Some(n) = next {
                    if matches!(events[n], Event::Para { dropped: true, .. }) {
                        run.push(n);
                        next = next_content(events, n + 1);
                    } else {
                        break;
                    }
                }
                let before_first_section = matches!(next.map(|n| &events[n]), Some(Event::Section { number: 1, .. }));
                let intro = if before_first_section {
                    Some(run.len() - 1)
                } else if run.len() >= 2 {
                    Some(run.len() - 2)
                } else {
                    None
                };
                let intro = intro.filter(|&at| next_panel_chapter(events, groups, run[at]) == Some(chapter + 1));
                if before_first_section && intro.is_none() {
                    let line = if let Event::Para { line, .. } = &events[run[0]] { *line } else { 0 };
                    return Err(CorpusError::Source {
                        path: "source".into(),
                        line,
                        message: "第一节 restarts here, but no numbered panel shows which chapter begins".into(),
                    });
                }
                for (pos, &e) in run.iter().enumerate() {
                    let role = match intro {
                        Some(at) if pos == at => {
                            chapter += 1;
                            Role::ChapterIntro
                        }
                        _ => Role::Section,
                    };
                    roles.insert(e, role);
                }
                k = *run.last().unwrap();
            }
            _ => {}
        }
        k += 1;
    }
    Ok(roles)
}

fn next_content(events: &[Event], from: usize) -> Option<usize> {
    (from..events.len()).find(|&n| !matches!(events[n], Event::Panel(_)))
}

/// The chapter that the next numbered panel (`7-2` → 7) belongs to, before the next
/// explicit chapter heading.
fn next_panel_chapter(events: &[Event], groups: &[Group], from: usize) -> Option<u32> {
    for ev in &events[from..] {
        match ev {
            Event::Chapter { .. } => return None,
            Event::Panel(g) => {
                if let Some(n) = &groups[*g].number {
                    if let Some((major, _)) = n.split_once('-') {
                        return major.parse().ok();
                    }
                }
            }
            _ => {}
        }
    }
    None
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

    #[test]
    fn chapter_and_section_headings_parse() {
        assert_eq!(heading("第十二章\t聚力文化事业", '章'), Some((12, "聚力文化事业".into())));
        assert_eq!(heading("第一节\t指导思想", '节'), Some((1, "指导思想".into())));
        assert_eq!(heading("第一节是关键。", '节'), None);
    }
}
