//! The last passes: recover what each paragraph after a dropped heading opens, assemble the
//! events into chapters, sections and blocks, and check the panels against the chapters.

use std::collections::HashMap;

use super::panels::Group;
use super::scan::Event;
use super::Problem;
use crate::model::{Block, Chapter, Document, Panel, Section};
use crate::text::normalize_spaces;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    ChapterIntro,
    Section,
}

/// The assembled document, and where each panel went: (its index in the groups, the
/// chapter it stands in).
pub(super) struct Assembled {
    pub(super) document: Document,
    placed: Vec<(usize, Option<u32>)>,
}

/// Assemble the events into `head` (a document with its title and front matter): explicit
/// headings must number on from the chapters and sections before them, recovered ones
/// (`roles`, by event index) take the next number; `panels` are the built panels by group.
pub(super) fn assemble(head: Document, events: &[Event], roles: &HashMap<usize, Role>, panels: &[Panel]) -> Result<Assembled, Problem> {
    let mut doc = head;
    let mut placed = Vec::new();
    for (k, ev) in events.iter().enumerate() {
        match ev {
            Event::Chapter { number, title, line } => {
                let expect = doc.chapters.last().map_or(1, |c| c.number + 1);
                if *number != expect {
                    return Err(Problem::at(
                        *line,
                        format!("chapter {number} follows chapter {}: a chapter heading is missing before it", expect - 1),
                    ));
                }
                doc.chapters.push(Chapter { number: *number, title: Some(normalize_spaces(title)), inferred: false, ..Default::default() });
            }
            Event::Section { number, title, line } => {
                let Some(ch) = doc.chapters.last_mut() else {
                    return Err(Problem::at(*line, "a section before the first chapter"));
                };
                let expect = ch.sections.last().map_or(1, |s| s.number + 1);
                if *number != expect {
                    return Err(Problem::at(*line, format!("第{}节 where section {expect} of chapter {} was expected", number, ch.number)));
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
                            return Err(Problem::at(*line, "a recovered section before the first chapter"));
                        };
                        let number = ch.sections.last().map_or(1, |s| s.number + 1);
                        ch.sections.push(Section { number, title: None, inferred: true, blocks: vec![] });
                    }
                    None => {}
                }
                doc.push_block(Block::Paragraph(text.clone()));
            }
            Event::Panel(g) => {
                placed.push((*g, doc.chapters.last().map(|c| c.number)));
                doc.push_block(Block::Panel(panels[*g].clone()));
            }
        }
    }
    Ok(Assembled { document: doc, placed })
}

/// The evidence check: each numbered panel (`7-2`) stands in its own chapter (7). Fails at
/// the first line of the first panel that does not.
pub(super) fn check(assembled: &Assembled, groups: &[Group]) -> Result<(), Problem> {
    for &(g, chapter) in &assembled.placed {
        let Some(number) = &groups[g].number else {
            continue;
        };
        let major: Option<u32> = number.split('-').next().and_then(|m| m.parse().ok());
        if major.is_some() && number.contains('-') && major != chapter {
            let stands = chapter.map_or("before the first chapter".to_string(), |c| format!("in chapter {c}"));
            return Err(Problem::at(groups[g].first, format!("专栏 {number} stands {stands}: a chapter boundary is missing or misplaced")));
        }
    }
    Ok(())
}

/// Decide what each paragraph with a dropped heading opens (see the module docs): by event
/// index, a chapter introduction or a section. Fails where 第一节 restarts after dropped
/// headings but no numbered panel shows which chapter begins.
pub(super) fn dropped_roles(events: &[Event], groups: &[Group]) -> Result<HashMap<usize, Role>, Problem> {
    let mut roles = HashMap::new();
    // The chapter number in force at each event, counting explicit chapters only, is not
    // enough: walk and track the chapter as the roles are decided.
    let mut chapter = 0u32;
    let mut k = 0;
    while k < events.len() {
        match &events[k] {
            Event::Chapter { number, .. } => chapter = *number,
            Event::Para { dropped: true, line: first, .. } => {
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
                let first_section = match next.map(|n| &events[n]) {
                    Some(Event::Section { number: 1, line, .. }) => Some(*line),
                    _ => None,
                };
                let before_first_section = first_section.is_some();
                let intro = if before_first_section {
                    Some(run.len() - 1)
                } else if run.len() >= 2 {
                    Some(run.len() - 2)
                } else {
                    None
                };
                let intro = intro.filter(|&at| next_panel_chapter(events, groups, run[at]) == Some(chapter + 1));
                if let (Some(section), None) = (first_section, intro) {
                    // At the run's first opening, the first of the dropped headings.
                    let message = format!("a heading was dropped here and 第一节 (line {section}) restarts the sections, but no numbered panel shows which chapter begins");
                    return Err(Problem::at(*first, message));
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
