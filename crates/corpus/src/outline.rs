//! The plan's table of contents: documents › chapters › sections › panels, each with its
//! titles (Chinese and English), its first passage and how many passages it holds.
//!
//! A key design decision: the outline is computed once, by the index build, from the
//! passages it indexes (so its counts, first ids and English titles are theirs), and stored
//! in the index's metadata. The outline page, `/api/outline`, the filters' checks and the
//! search facets read that one copy; nothing walks the passages again to make it.
//!
//! The panels' reading order ([`Outline::panels`]) is also the index's panel numbering: a
//! passage's `panel_no` is its panel's place in that order plus one.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::{Passage, SectionNumber};

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Outline {
    pub documents: Vec<OutlineDoc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutlineDoc {
    pub slug: String,
    pub title: String,
    pub passages: usize,
    pub chapters: Vec<OutlineChapter>,
    /// Panels before the first chapter (no plan has one so far, and an empty list is left
    /// out, so the outline reads as it always has).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub panels: Vec<OutlinePanel>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutlineChapter {
    pub number: u32,
    #[serde(flatten)]
    pub part: OutlinePart,
    pub sections: Vec<OutlineSection>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutlineSection {
    pub number: SectionNumber,
    #[serde(flatten)]
    pub part: OutlinePart,
}

/// What a chapter and a section both have in the outline: the heading as the plan prints
/// it, where the part starts, how many passages it holds and the panels of its own text (a
/// chapter's: its introduction's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutlinePart {
    /// `第四章`, `第一节`
    pub label: String,
    pub title: Option<String>,
    pub title_en: Option<String>,
    pub inferred: bool,
    /// The id of its first passage (its heading).
    pub first: String,
    pub passages: usize,
    pub panels: Vec<OutlinePanel>,
}

impl OutlinePart {
    fn starting_at(label: String, title: &Option<String>, title_en: &Option<String>, inferred: bool, first: &str) -> OutlinePart {
        OutlinePart { label, title: title.clone(), title_en: title_en.clone(), inferred, first: first.to_string(), passages: 0, panels: vec![] }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutlinePanel {
    /// The panel's key, as [`crate::PanelRef::id`]: `4-1`, or `4.5a` for an unnumbered one.
    pub id: String,
    pub numbered: bool,
    pub title: String,
    pub title_en: Option<String>,
    pub first: String,
    pub passages: usize,
}

/// A panel with the document, chapter and section it stands in.
#[derive(Debug, Clone, Copy)]
pub struct PanelAt<'a> {
    pub doc: &'a OutlineDoc,
    pub chapter: Option<u32>,
    pub section: Option<SectionNumber>,
    pub panel: &'a OutlinePanel,
}

/// Where a panel stands within its document: chapter, section and its key. Two panels of a
/// document are the same panel when these agree.
pub type PanelKey = (Option<u32>, Option<SectionNumber>, String);

impl PanelAt<'_> {
    pub fn key(&self) -> PanelKey {
        (self.chapter, self.section, self.panel.id.clone())
    }
}

/// The key of the panel a passage stands in, if it stands in one.
pub fn panel_key(p: &Passage) -> Option<PanelKey> {
    let panel = p.panel.as_ref()?;
    Some((p.chapter.as_ref().map(|c| c.number), p.section.as_ref().map(|s| s.number), panel.id.clone()))
}

impl Outline {
    pub fn document(&self, slug: &str) -> Option<&OutlineDoc> {
        self.documents.iter().find(|d| d.slug == slug)
    }

    pub fn chapter(&self, doc: &str, n: u32) -> Option<&OutlineChapter> {
        self.document(doc)?.chapters.iter().find(|c| c.number == n)
    }

    pub fn section(&self, doc: &str, n: SectionNumber) -> Option<&OutlineSection> {
        self.chapter(doc, n.chapter)?.sections.iter().find(|s| s.number == n)
    }

    /// The document a link without `doc` means: the first (`caidian`).
    pub fn default_doc(&self) -> &str {
        self.documents.first().map_or("caidian", |d| d.slug.as_str())
    }

    /// Every panel of every document in reading order: the index's panel numbering.
    pub fn panels(&self) -> impl Iterator<Item = PanelAt<'_>> {
        self.documents.iter().flat_map(OutlineDoc::panels)
    }
}

impl OutlineDoc {
    /// The outline of one document from its passages, in reading order.
    pub fn new(slug: &str, title: &str, passages: &[Passage]) -> OutlineDoc {
        let mut chapters: Vec<OutlineChapter> = Vec::new();
        let mut front: Vec<OutlinePanel> = Vec::new();
        let mut panel_at: HashMap<PanelKey, usize> = HashMap::new();
        for p in passages {
            let ch = match &p.chapter {
                None => None,
                Some(c) => {
                    if chapters.last().is_none_or(|x| x.number != c.number) {
                        let part = OutlinePart::starting_at(c.label(), &c.title, &c.title_en, c.inferred, &p.id);
                        chapters.push(OutlineChapter { number: c.number, part, sections: vec![] });
                    }
                    let ch = chapters.last_mut().expect("pushed above");
                    ch.part.passages += 1;
                    if let Some(s) = &p.section {
                        if ch.sections.last().is_none_or(|x| x.number != s.number) {
                            let part = OutlinePart::starting_at(s.label(), &s.title, &s.title_en, s.inferred, &p.id);
                            ch.sections.push(OutlineSection { number: s.number, part });
                        }
                        ch.sections.last_mut().expect("pushed above").part.passages += 1;
                    }
                    Some(ch)
                }
            };
            let (Some(pr), Some(key)) = (&p.panel, panel_key(p)) else { continue };
            let list = match ch {
                None => &mut front,
                Some(ch) => match &p.section {
                    Some(_) => &mut ch.sections.last_mut().expect("section present").part.panels,
                    None => &mut ch.part.panels,
                },
            };
            let at = *panel_at.entry(key).or_insert_with(|| {
                list.push(OutlinePanel {
                    id: pr.id.clone(),
                    numbered: pr.numbered,
                    title: pr.title.clone(),
                    title_en: pr.title_en.clone(),
                    first: p.id.clone(),
                    passages: 0,
                });
                list.len() - 1
            });
            list[at].passages += 1;
        }
        OutlineDoc { slug: slug.to_string(), title: title.to_string(), passages: passages.len(), chapters, panels: front }
    }

    /// Its panels in reading order: those before the first chapter, then each chapter's
    /// introduction's and its sections'.
    pub fn panels(&self) -> impl Iterator<Item = PanelAt<'_>> {
        let front = self.panels.iter().map(move |panel| PanelAt { doc: self, chapter: None, section: None, panel });
        let chapters = self.chapters.iter().flat_map(move |c| {
            let intro = c.part.panels.iter().map(move |panel| PanelAt { doc: self, chapter: Some(c.number), section: None, panel });
            let sections = c.sections.iter().flat_map(move |s| {
                s.part.panels.iter().map(move |panel| PanelAt { doc: self, chapter: Some(c.number), section: Some(s.number), panel })
            });
            intro.chain(sections)
        });
        front.chain(chapters)
    }
}
