//! The corpus Markdown: how a [`Document`] is written to `plan.zh.md` and read back with
//! pulldown-cmark. Writing then reading gives the same document, and reading then writing
//! gives the same bytes (the round-trip tests hold both).
//!
//! The shape, which a person can read and edit and any Markdown viewer renders:
//!
//! ```markdown
//! # 蔡甸区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要
//!
//! ## 第四章 聚力实体经济，加快构建现代产业体系
//!
//! ### 第一节 大力发展先进制造业
//!
//! 壮大汽车及零部件产业能级。…
//!
//! > #### 专栏 4-1 汽车及零部件产业链提升工程 {.panel number=4-1}
//! >
//! > | 环节领域 | 项目名称 | 承担企业 | 项目内容 |
//! > | --- | --- | --- | --- |
//! > | 电机配件 | … | … | … |
//!
//! ## 第五章 {.inferred}
//! ```
//!
//! A recovered heading carries `{.inferred}` and no title; a panel is a block quote opened
//! by an `####` heading with the class `panel` (`indicators` for 专栏 2, `untitled` where
//! the source prints no title); its items are a list, its table a table, its notes
//! paragraphs. A soft line break inside a paragraph joins with nothing: Chinese has no
//! spaces between words, so a space would corrupt the text.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::model::{parse_chinese_number, Block, Chapter, Document, Panel, PanelBlock, Section, Table};

/// Render a document as corpus Markdown.
pub fn write(doc: &Document) -> String {
    let mut out = String::new();
    out.push_str(&format!("# {}\n", escape(&doc.title)));
    write_blocks(&mut out, &doc.front);
    for c in &doc.chapters {
        out.push('\n');
        out.push_str(&heading(2, &c.label(), c.title.as_deref(), c.inferred));
        write_blocks(&mut out, &c.blocks);
        for s in &c.sections {
            out.push('\n');
            out.push_str(&heading(3, &s.label(), s.title.as_deref(), s.inferred));
            write_blocks(&mut out, &s.blocks);
        }
    }
    out
}

fn heading(level: usize, label: &str, title: Option<&str>, inferred: bool) -> String {
    let hashes = "#".repeat(level);
    match (title, inferred) {
        (Some(t), false) => format!("{hashes} {label} {}\n", escape(t)),
        (Some(t), true) => format!("{hashes} {label} {} {{.inferred}}\n", escape(t)),
        (None, _) => format!("{hashes} {label} {{.inferred}}\n"),
    }
}

fn write_blocks(out: &mut String, blocks: &[Block]) {
    for b in blocks {
        out.push('\n');
        match b {
            Block::Paragraph(text) => {
                out.push_str(&escape(text));
                out.push('\n');
            }
            Block::Panel(p) => write_panel(out, p),
        }
    }
}

fn write_panel(out: &mut String, p: &Panel) {
    let mut classes = String::from(".panel");
    if p.indicators {
        classes.push_str(" .indicators");
    }
    if p.title.is_empty() {
        classes.push_str(" .untitled");
    }
    let number = p.number.as_ref().map(|n| format!(" number={n}")).unwrap_or_default();
    let text = match (&p.number, p.title.is_empty()) {
        (Some(n), false) => format!("专栏 {} {} ", escape(n), escape(&p.title)),
        (Some(n), true) => format!("专栏 {} ", escape(n)),
        (None, false) => format!("{} ", escape(&p.title)),
        (None, true) => String::new(),
    };
    out.push_str(&format!("> #### {text}{{{classes}{number}}}\n"));
    let mut prev_item = false;
    for b in &p.body {
        let is_item = matches!(b, PanelBlock::Item(_));
        if !(is_item && prev_item) {
            out.push_str(">\n");
        }
        prev_item = is_item;
        match b {
            PanelBlock::Item(text) => out.push_str(&format!("> - {}\n", escape(text))),
            PanelBlock::Note(text) => out.push_str(&format!("> {}\n", escape(text))),
            PanelBlock::Table(t) => {
                out.push_str(&format!("> | {} |\n", t.columns.iter().map(|c| escape(c)).collect::<Vec<_>>().join(" | ")));
                out.push_str(&format!("> |{}\n", " --- |".repeat(t.columns.len())));
                for row in &t.rows {
                    let cells: Vec<String> = row.iter().map(|c| escape(c)).collect();
                    out.push_str(&format!("> | {} |\n", cells.join(" | ")).replace("|  |", "| |"));
                }
            }
        }
    }
}

/// Backslash-escape what Markdown would read as markup. CommonMark lets any ASCII
/// punctuation be escaped; only what could start markup is.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let then_space = chars.get(i + 1).is_none_or(|n| n.is_whitespace());
        let needs = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '&' | '{' | '}' | '~' | '!' | '$' => true,
            // `- x`, `+ x` and `1. x` at the start of a line would open a list.
            '-' | '+' => i == 0 && then_space,
            '.' | ')' => i > 0 && then_space && chars[..i].iter().all(|d| d.is_ascii_digit()),
            _ => false,
        };
        if needs {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A heading being read: its level, classes and attributes.
type OpenHeading = (HeadingLevel, Vec<String>, Vec<(String, Option<String>)>);

/// Errors found while reading corpus Markdown.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ReadError {
    pub line: usize,
    pub message: String,
}

impl ReadError {
    /// The error as read from the file at `path`: `path:line: message`, the line said once.
    pub fn in_file(self, path: &std::path::Path) -> crate::CorpusError {
        crate::CorpusError::Markdown { path: path.to_path_buf(), line: self.line, message: self.message }
    }
}

/// Read corpus Markdown back into a document.
pub fn read(slug: &str, md: &str) -> Result<Document, ReadError> {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_HEADING_ATTRIBUTES);
    let line_of = |offset: usize| md[..offset.min(md.len())].matches('\n').count() + 1;
    let mut doc = Document { slug: slug.to_string(), ..Default::default() };

    let mut text = String::new();
    let mut in_quote = false;
    let mut heading: Option<OpenHeading> = None;
    let mut panel: Option<Panel> = None;
    let mut table: Option<Table> = None;
    let mut row: Vec<String> = Vec::new();
    let mut in_head = false;

    for (event, range) in Parser::new_ext(md, opts).into_offset_iter() {
        let fail = |message: String| ReadError { line: line_of(range.start), message };
        match event {
            Event::Text(t) => text.push_str(&t),
            Event::SoftBreak => {}
            Event::HardBreak => text.push('\n'),
            Event::Start(Tag::Heading { level, classes, attrs, .. }) => {
                text.clear();
                let classes = classes.iter().map(|c| c.to_string()).collect();
                let attrs = attrs.iter().map(|(k, v)| (k.to_string(), v.as_ref().map(|v| v.to_string()))).collect();
                heading = Some((level, classes, attrs));
            }
            Event::End(TagEnd::Heading(_)) => {
                let (level, classes, attrs) = heading.take().ok_or_else(|| fail("heading end without start".into()))?;
                let inferred = classes.iter().any(|c| c == "inferred");
                let body = std::mem::take(&mut text);
                match level {
                    HeadingLevel::H1 => doc.title = body,
                    HeadingLevel::H2 => {
                        let (number, title) = split_label(&body, '章').ok_or_else(|| fail(format!("not a chapter heading: {body:?}")))?;
                        doc.chapters.push(Chapter { number, title, inferred, ..Default::default() });
                    }
                    HeadingLevel::H3 => {
                        let (number, title) = split_label(&body, '节').ok_or_else(|| fail(format!("not a section heading: {body:?}")))?;
                        let ch = doc.chapters.last_mut().ok_or_else(|| fail("a section before any chapter".into()))?;
                        ch.sections.push(Section { number, title, inferred, blocks: vec![] });
                    }
                    HeadingLevel::H4 if in_quote && classes.iter().any(|c| c == "panel") => {
                        let number = attrs.iter().find(|(k, _)| k == "number").and_then(|(_, v)| v.clone());
                        let mut title = body.as_str();
                        if let Some(n) = &number {
                            title = title
                                .strip_prefix("专栏 ")
                                .and_then(|t| t.strip_prefix(n.as_str()))
                                .map(str::trim_start)
                                .ok_or_else(|| fail(format!("panel heading {body:?} does not match number {n}")))?;
                        }
                        panel = Some(Panel { number, title: title.to_string(), indicators: classes.iter().any(|c| c == "indicators"), body: vec![] });
                    }
                    _ => return Err(fail(format!("unexpected heading {body:?}"))),
                }
            }
            Event::Start(Tag::BlockQuote(_)) => in_quote = true,
            Event::End(TagEnd::BlockQuote(_)) => {
                in_quote = false;
                let p = panel.take().ok_or_else(|| fail("a block quote that is not a panel".into()))?;
                doc.push_block(Block::Panel(p));
            }
            Event::Start(Tag::Paragraph) | Event::Start(Tag::Item) => text.clear(),
            Event::End(TagEnd::Paragraph) => {
                let body = std::mem::take(&mut text);
                // A paragraph in a panel is a note (the writer makes tight lists only, so
                // item text never comes inside a paragraph).
                match panel.as_mut() {
                    Some(p) if in_quote => p.body.push(PanelBlock::Note(body)),
                    _ => doc.push_block(Block::Paragraph(body)),
                }
            }
            Event::End(TagEnd::Item) => {
                let body = std::mem::take(&mut text);
                panel.as_mut().ok_or_else(|| fail("a list outside a panel".into()))?.body.push(PanelBlock::Item(body));
            }
            Event::Start(Tag::Table(_)) => table = Some(Table::default()),
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                if let Some(t) = table.as_mut() {
                    t.columns = std::mem::take(&mut row);
                }
            }
            Event::Start(Tag::TableCell) => text.clear(),
            Event::End(TagEnd::TableCell) => row.push(std::mem::take(&mut text)),
            Event::End(TagEnd::TableRow) if !in_head => {
                if let Some(t) = table.as_mut() {
                    t.rows.push(std::mem::take(&mut row));
                }
            }
            Event::End(TagEnd::Table) => {
                let t = table.take().ok_or_else(|| fail("table end without start".into()))?;
                panel.as_mut().ok_or_else(|| fail("a table outside a panel".into()))?.body.push(PanelBlock::Table(t));
            }
            Event::Html(h) | Event::InlineHtml(h) => return Err(fail(format!("raw HTML is not allowed in the corpus: {h:?}"))),
            _ => {}
        }
    }
    if doc.title.is_empty() {
        return Err(ReadError { line: 1, message: "no `# title` heading".into() });
    }
    Ok(doc)
}

/// `第四章 标题` → (4, Some("标题")); `第五章` → (5, None).
fn split_label(text: &str, kind: char) -> Option<(u32, Option<String>)> {
    let rest = text.strip_prefix('第')?;
    let at = rest.find(kind)?;
    let number = parse_chinese_number(&rest[..at])?;
    let title = rest[at + kind.len_utf8()..].trim();
    Some((number, Some(title.to_string()).filter(|t| !t.is_empty())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_survive_a_round_trip() {
        let doc = Document {
            slug: "t".into(),
            title: "标题".into(),
            front: vec![Block::Paragraph("1. 不是列表 *星* [括号] <b> a|b &amp; #井 {x}".into()), Block::Paragraph("- 不是列表项，\\反斜杠".into())],
            chapters: vec![Chapter {
                number: 5,
                title: None,
                inferred: true,
                blocks: vec![Block::Panel(Panel {
                    number: Some("5-1".into()),
                    title: "表".into(),
                    indicators: false,
                    body: vec![
                        PanelBlock::Item("甲。".into()),
                        PanelBlock::Item("乙|丙".into()),
                        PanelBlock::Table(Table { columns: vec!["A".into(), "".into()], rows: vec![vec!["x|y".into(), "".into()]] }),
                        PanelBlock::Note("注：1、[ ]为五年累计数。".into()),
                    ],
                })],
                sections: vec![Section { number: 1, title: Some("节".into()), inferred: false, blocks: vec![Block::Paragraph("正文".into())] }],
            }],
        };
        let md = write(&doc);
        let back = read("t", &md).unwrap();
        assert_eq!(back, doc, "\n{md}");
        assert_eq!(write(&back), md);
    }

    #[test]
    fn soft_breaks_join_chinese_with_nothing() {
        let doc = read("t", "# 题\n\n第一行\n第二行\n").unwrap();
        assert_eq!(doc.front, vec![Block::Paragraph("第一行第二行".into())]);
    }
}
