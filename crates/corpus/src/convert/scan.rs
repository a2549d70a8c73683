//! The scan pass: the body's lines, in order, into events — chapter and section headings,
//! paragraphs joined across wrapped lines and text boxes, and each panel where the scan
//! first meets one of its lines.

use super::panels::Claims;
use super::Problem;
use crate::model::parse_chinese_number;
use crate::text::{ends_sentence, is_counted, normalize_spaces};

#[derive(Debug)]
pub(super) enum Event {
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
    /// A panel, by its index in [`Claims::groups`].
    Panel(usize),
}

/// The scan pass's result.
pub(super) struct Scanned {
    pub(super) events: Vec<Event>,
    /// Page numbers printed inside text boxes, by source line (see `Converted::dropped`).
    pub(super) dropped: Vec<(usize, String)>,
}

/// A paragraph being read: its text so far, whether it opened after a dropped heading, and
/// its first line (1-based).
struct OpenPara {
    text: String,
    dropped: bool,
    line: usize,
}

/// The scan's state between lines.
struct Scanner<'a> {
    lines: &'a [String],
    claims: &'a Claims,
    events: Vec<Event>,
    para: Option<OpenPara>,
    /// Panels met inside the open paragraph: they follow it.
    pending: Vec<usize>,
    placed: Vec<bool>,
    seen_chapter: bool,
    dropped: Vec<(usize, String)>,
}

/// Scan the lines from index `from` (the first after the title) to the end. Every claimed
/// panel must be met: one whose lines all lie before `from` is an error at its first line.
pub(super) fn scan(lines: &[String], from: usize, claims: &Claims) -> Result<Scanned, Problem> {
    let mut s = Scanner {
        lines,
        claims,
        events: Vec::new(),
        para: None,
        pending: Vec::new(),
        placed: vec![false; claims.groups.len()],
        seen_chapter: false,
        dropped: Vec::new(),
    };
    let mut i = from;
    while i < lines.len() {
        if let Some(g) = claims.owner[i] {
            if s.meet(g) {
                s.release_between_paragraphs();
            }
            i += 1;
            continue;
        }
        let raw = &lines[i];
        let mut text: &str = raw;
        let trimmed = raw.trim();
        if raw.starts_with(char::is_whitespace) && trimmed == "(" {
            let close = s.text_box(i)?;
            s.release_between_paragraphs();
            // What follows the box's `)` on its closing line is text like any other.
            text = lines[close].trim_start()[1..].trim_start();
            i = close;
            if text.is_empty() || text == "(" {
                i += 1;
                continue;
            }
        } else if trimmed.is_empty() || matches!(trimmed, ")" | "(" | "-" | "—") {
            // Blank lines and stray box debris outside any box.
            i += 1;
            continue;
        }
        s.text(raw, text, i + 1);
        i += 1;
    }
    s.close();
    if let Some(g) = s.placed.iter().position(|p| !p) {
        // Every claimed line from `from` on is met, so this panel lies in the title block.
        let g = &claims.groups[g];
        return Err(Problem::at(
            g.first,
            format!("panel {:?} starts here, before the title ends at its first blank line, and was never placed", g.title),
        ));
    }
    Ok(Scanned { events: s.events, dropped: s.dropped })
}

impl Scanner<'_> {
    /// Meet a line of panel `g`: true the first time, when the panel joins the pending ones.
    fn meet(&mut self, g: usize) -> bool {
        if self.placed[g] {
            return false;
        }
        self.placed[g] = true;
        self.pending.push(g);
        true
    }

    /// Between paragraphs, pending panels are placed at once; inside one they wait for it to
    /// close, so that a panel interrupting a paragraph follows it.
    fn release_between_paragraphs(&mut self) {
        if self.para.is_none() {
            self.close();
        }
    }

    /// Close the open paragraph, if any, and place the pending panels after it.
    fn close(&mut self) {
        if let Some(OpenPara { text, dropped, line }) = self.para.take() {
            let text = normalize_spaces(&text);
            if !text.is_empty() {
                self.events.push(Event::Para { text, dropped, line });
            }
        }
        self.events.extend(self.pending.drain(..).map(Event::Panel));
    }

    /// A text box opens at line index `open` (a line ` (`): meet the panels inside it and
    /// return the index of its closing line (the next unclaimed line starting with `)`).
    /// Everything inside must be mapped to a panel, except a bare page number (`- 90 -`),
    /// which is layout and goes to `dropped`.
    fn text_box(&mut self, open: usize) -> Result<usize, Problem> {
        let lines = self.lines;
        let mut j = open + 1;
        let mut loose = String::new();
        while j < lines.len() && (self.claims.owner[j].is_some() || !lines[j].trim_start().starts_with(')')) {
            match self.claims.owner[j] {
                Some(g) => {
                    self.meet(g);
                }
                None => loose.push_str(lines[j].trim()),
            }
            j += 1;
        }
        if j == lines.len() {
            return Err(Problem::at(open + 1, "a text box opens here and never closes"));
        }
        if loose.chars().any(is_counted) {
            if loose.chars().all(|c| c.is_ascii_digit() || c == '-') {
                self.dropped.push((open + 2, loose.trim_matches('-').to_string()));
            } else {
                return Err(Problem::at(open + 1, "a text box here holds text that panels.tsv does not map to a panel"));
            }
        }
        Ok(j)
    }

    /// Read `text` (the line `raw`, or what follows a text box on its closing line) at
    /// 1-based `line`: a heading, or part of a paragraph, which closes at the end of a
    /// sentence.
    fn text(&mut self, raw: &str, text: &str, line: usize) {
        let t = text.trim();
        if let Some((number, title)) = heading(t, '章') {
            self.close();
            self.events.push(Event::Chapter { number, title, line });
            self.seen_chapter = true;
            return;
        }
        if let Some((number, title)) = heading(t, '节') {
            self.close();
            self.events.push(Event::Section { number, title, line });
            return;
        }
        match &mut self.para {
            Some(open) => open.text.push_str(t),
            None => {
                let dropped = self.seen_chapter && text == raw && raw.starts_with([' ', '\u{3000}']);
                self.para = Some(OpenPara { text: t.to_string(), dropped, line });
            }
        }
        if ends_sentence(t) {
            self.close();
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapter_and_section_headings_parse() {
        assert_eq!(heading("第十二章\t聚力文化事业", '章'), Some((12, "聚力文化事业".into())));
        assert_eq!(heading("第一节\t指导思想", '节'), Some((1, "指导思想".into())));
        assert_eq!(heading("第一节是关键。", '节'), None);
    }
}
