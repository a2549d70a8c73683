//! The document model: plan → chapters → sections → blocks (paragraphs and panels), and the
//! flat list of passages with their stable ids that the index, the web and the citations use.
//!
//! Passage ids are derived from a passage's place, never stored, so rebuilding an unchanged
//! corpus gives the same ids:
//!
//! | passage | id |
//! | --- | --- |
//! | the plan's title | `0` |
//! | chapter 4 heading | `4` |
//! | section 4.1 heading | `4.1` |
//! | third paragraph of section 4.1 | `4.1.3` |
//! | second paragraph of chapter 4's introduction | `4.0.2` |
//! | paragraph before chapter 1 | `0.0.n` |
//! | panel 4-1 heading | `p4-1` |
//! | row 2 of the table of panel 4-1 | `p4-1.r2` |
//! | item 3 of panel 5-1 | `p5-1.3` |
//! | note 1 under panel 2 | `p2.n1` |
//! | first unnumbered panel in section 4.5 | `p4.5a` (and `p4.5a.r1` …) |

use serde::{Deserialize, Serialize};

/// One plan: the title, what stands before the first chapter, and its chapters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Document {
    /// The folder name under `corpus/`: `caidian`.
    pub slug: String,
    pub title: String,
    /// Paragraphs (and panels) before the first chapter.
    pub front: Vec<Block>,
    pub chapters: Vec<Chapter>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Chapter {
    pub number: u32,
    /// `None` when the source lacks the heading's wording.
    pub title: Option<String>,
    /// The heading was recovered from evidence in the text, not printed in the source.
    pub inferred: bool,
    /// The chapter's introduction, before its first section.
    pub blocks: Vec<Block>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Section {
    pub number: u32,
    pub title: Option<String>,
    pub inferred: bool,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(String),
    Panel(Panel),
}

/// A 专栏 panel: a boxed list of projects, targets or tasks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Panel {
    /// The printed number (`4-1`, `2`), `None` for an unnumbered panel.
    pub number: Option<String>,
    pub title: String,
    /// The main indicator table (专栏 2): its rows are indicators.
    pub indicators: bool,
    pub body: Vec<PanelBlock>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PanelBlock {
    Item(String),
    Table(Table),
    /// A note under a table (注：…).
    Note(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PassageKind {
    Heading,
    Paragraph,
    PanelItem,
    TableRow,
    Indicator,
    Note,
}

impl PassageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PassageKind::Heading => "heading",
            PassageKind::Paragraph => "paragraph",
            PassageKind::PanelItem => "panel_item",
            PassageKind::TableRow => "table_row",
            PassageKind::Indicator => "indicator",
            PassageKind::Note => "note",
        }
    }

    pub fn parse(s: &str) -> Option<PassageKind> {
        Some(match s {
            "heading" => PassageKind::Heading,
            "paragraph" => PassageKind::Paragraph,
            "panel_item" | "item" => PassageKind::PanelItem,
            "table_row" | "table" | "row" => PassageKind::TableRow,
            "indicator" => PassageKind::Indicator,
            "note" => PassageKind::Note,
            _ => return None,
        })
    }
}

/// Where a passage stands: chapter › section › panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChapterRef {
    pub number: u32,
    pub title: Option<String>,
    pub inferred: bool,
    /// The English rendering of the title (unofficial translation), where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionRef {
    /// `4.1`
    pub number: SectionNumber,
    pub title: Option<String>,
    pub inferred: bool,
    /// The English rendering of the title (unofficial translation), where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
}

/// A section's number within the plan, `4.1`: chapter 4, its first section. Section 0 is a
/// chapter's introduction (the place of passages `4.0.n`) and `0.0` what stands before the
/// first chapter. Written and read as `4.1` everywhere (passage ids, the index's `section`
/// key, the `section:` filter, JSON), so nothing splits the string again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SectionNumber {
    pub chapter: u32,
    /// The section's number within its chapter (`1` in `4.1`).
    pub section: u32,
}

impl SectionNumber {
    pub fn new(chapter: u32, section: u32) -> SectionNumber {
        SectionNumber { chapter, section }
    }

    /// `4.0`: the place of chapter 4's introduction, before its first section.
    pub fn introduction(chapter: u32) -> SectionNumber {
        SectionNumber { chapter, section: 0 }
    }
}

impl std::fmt::Display for SectionNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.chapter, self.section)
    }
}

/// Text that is not a section number: no `.`, or a side that is not a whole number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a section number such as 4.1")]
pub struct BadSectionNumber(pub String);

impl std::str::FromStr for SectionNumber {
    type Err = BadSectionNumber;

    /// `4.1`; each side is read as a whole number (`04.1` is 4.1, as `chapter:04` is 4).
    fn from_str(s: &str) -> Result<SectionNumber, BadSectionNumber> {
        let bad = || BadSectionNumber(s.to_string());
        let (chapter, section) = s.split_once('.').ok_or_else(bad)?;
        Ok(SectionNumber { chapter: chapter.parse().map_err(|_| bad())?, section: section.parse().map_err(|_| bad())? })
    }
}

impl Serialize for SectionNumber {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SectionNumber {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<SectionNumber, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelRef {
    /// The panel's key: its printed number (`4-1`) or, unnumbered, its place (`4.5a`).
    pub id: String,
    /// True when the panel has a printed number.
    pub numbered: bool,
    pub title: String,
    /// The English rendering of the title (unofficial translation), where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
}

/// The unit of search and citation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passage {
    pub doc: String,
    pub id: String,
    pub kind: PassageKind,
    /// The text as stored and shown. Table rows are `列名：值` lines joined with `\n`.
    pub text: String,
    /// The unofficial English translation, aligned by id, where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_en: Option<String>,
    pub chapter: Option<ChapterRef>,
    pub section: Option<SectionRef>,
    pub panel: Option<PanelRef>,
    /// Table rows: the (column, cell) pairs, empty cells left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<(String, String)>,
    /// Position in reading order within the document.
    pub order: usize,
}

/// What is said where the source prints no title for a heading (an inferred chapter or
/// section, an untitled panel): the one wording of breadcrumbs, citations and pages.
pub const MISSING_TITLE_ZH: &str = "标题缺失";
/// [`MISSING_TITLE_ZH`] in English.
pub const MISSING_TITLE_EN: &str = "title not in source";

/// `标题缺失 title not in source`: both languages, as the pages show it.
pub fn missing_title() -> String {
    format!("{MISSING_TITLE_ZH} {MISSING_TITLE_EN}")
}

/// The path of a passage's permalink page, each segment percent-encoded: `/p/caidian/4.1.3`.
/// The one place the URL is formatted; the web serves it and citations put their base URL
/// before it.
pub fn permalink_path(doc: &str, id: &str) -> String {
    format!("/p/{}/{}", percent_encode(doc), percent_encode(id))
}

/// What percent-encoding leaves as it is: the unreserved characters of RFC 3986 (ASCII
/// letters and digits, `-`, `_`, `.`, `~`). Everything else, `/` and every byte of a Chinese
/// character included, is escaped, so a value is safe as a path segment and as a query value.
const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Percent-encode everything but the unreserved characters of RFC 3986 (a query value or a
/// path segment), in upper-case hex: `莲藕 &` → `%E8%8E%B2%E8%97%95%20%26`. The one encoder
/// of permalinks and links.
pub fn percent_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, UNRESERVED).to_string()
}

/// The Chinese digits 〇 … 九: the one table that writing and reading Chinese numerals use
/// (chapter and section numbers here, years such as 二〇三五年 in the records' number scanner).
pub const CHINESE_DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// The value of one Chinese digit (〇 is 0); `None` for any other character.
pub fn chinese_digit(c: char) -> Option<u32> {
    CHINESE_DIGITS.iter().position(|&d| d == c).map(|p| p as u32)
}

/// Chinese numerals for chapter and section numbers (一 … 九十九).
pub fn chinese_number(n: u32) -> String {
    // A zero digit is not written inside a number: 十, 二十.
    let digit = |d: u32| if d == 0 { String::new() } else { CHINESE_DIGITS[d as usize].to_string() };
    match n {
        0 => "零".to_string(),
        1..=9 => digit(n),
        10..=19 => format!("十{}", digit(n % 10)),
        20..=99 => format!("{}十{}", digit(n / 10), digit(n % 10)),
        _ => n.to_string(),
    }
}

/// The inverse of [`chinese_number`]; `None` for anything else (〇 is no chapter number).
pub fn parse_chinese_number(s: &str) -> Option<u32> {
    let digit = |c: char| chinese_digit(c).filter(|&d| d > 0);
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

impl Chapter {
    /// `第四章`
    pub fn label(&self) -> String {
        format!("第{}章", chinese_number(self.number))
    }
}

impl Section {
    /// `第一节`
    pub fn label(&self) -> String {
        format!("第{}节", chinese_number(self.number))
    }
}

impl ChapterRef {
    pub fn label(&self) -> String {
        format!("第{}章", chinese_number(self.number))
    }
}

impl SectionRef {
    pub fn label(&self) -> String {
        format!("第{}节", chinese_number(self.number.section))
    }
}

impl PanelRef {
    /// `专栏 4-1` or the title alone for an unnumbered panel.
    pub fn label(&self) -> String {
        if self.numbered {
            format!("专栏 {}", self.id)
        } else {
            self.title.clone()
        }
    }
}

impl Panel {
    pub fn heading_text(&self) -> String {
        match &self.number {
            Some(n) => format!("专栏 {} {}", n, self.title),
            None => self.title.clone(),
        }
    }
}

/// A table row as a passage text: `列名：值` lines, empty cells left out.
pub fn row_cells(columns: &[String], row: &[String]) -> Vec<(String, String)> {
    columns.iter().zip(row).filter(|(_, v)| !v.trim().is_empty()).map(|(c, v)| (c.clone(), v.clone())).collect()
}

pub fn cells_text(cells: &[(String, String)]) -> String {
    cells.iter().map(|(c, v)| if c.is_empty() { v.clone() } else { format!("{c}：{v}") }).collect::<Vec<_>>().join("\n")
}

impl Document {
    /// Append a block where reading has got to: the last section of the last chapter, the
    /// chapter's introduction, or before the first chapter.
    pub fn push_block(&mut self, block: Block) {
        match self.chapters.last_mut() {
            None => self.front.push(block),
            Some(ch) => match ch.sections.last_mut() {
                Some(s) => s.blocks.push(block),
                None => ch.blocks.push(block),
            },
        }
    }

    /// How many passages [`Document::passages`] gives (made and dropped: counting them
    /// any other way would repeat how they are made).
    pub fn passage_count(&self) -> usize {
        self.passages().len()
    }

    /// Flatten the document into passages in reading order, with their ids.
    pub fn passages(&self) -> Vec<Passage> {
        let mut f = Flattener { slug: &self.slug, out: Vec::new() };
        f.push(PassageKind::Heading, "0".into(), self.title.clone(), &None, &None, &None, vec![]);
        f.blocks(&self.front, SectionNumber::introduction(0), &None, &None);
        for c in &self.chapters {
            let cref = Some(ChapterRef { number: c.number, title: c.title.clone(), inferred: c.inferred, title_en: None });
            let heading = match &c.title {
                Some(t) => format!("{} {}", c.label(), t),
                None => c.label(),
            };
            f.push(PassageKind::Heading, c.number.to_string(), heading, &cref, &None, &None, vec![]);
            f.blocks(&c.blocks, SectionNumber::introduction(c.number), &cref, &None);
            for s in &c.sections {
                let num = SectionNumber::new(c.number, s.number);
                let sref = Some(SectionRef { number: num, title: s.title.clone(), inferred: s.inferred, title_en: None });
                let heading = match &s.title {
                    Some(t) => format!("{} {}", s.label(), t),
                    None => s.label(),
                };
                f.push(PassageKind::Heading, num.to_string(), heading, &cref, &sref, &None, vec![]);
                f.blocks(&s.blocks, num, &cref, &sref);
            }
        }
        f.out
    }

    /// Every panel with the chapter and section it stands in.
    pub fn panels(&self) -> Vec<(&Panel, Option<u32>, Option<u32>)> {
        fn collect<'a>(blocks: &'a [Block], c: Option<u32>, s: Option<u32>, out: &mut Vec<(&'a Panel, Option<u32>, Option<u32>)>) {
            for b in blocks {
                if let Block::Panel(p) = b {
                    out.push((p, c, s));
                }
            }
        }
        let mut out = Vec::new();
        collect(&self.front, None, None, &mut out);
        for c in &self.chapters {
            collect(&c.blocks, Some(c.number), None, &mut out);
            for s in &c.sections {
                collect(&s.blocks, Some(c.number), Some(s.number), &mut out);
            }
        }
        out
    }
}

struct Flattener<'a> {
    slug: &'a str,
    out: Vec<Passage>,
}

impl Flattener<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        kind: PassageKind,
        id: String,
        text: String,
        chapter: &Option<ChapterRef>,
        section: &Option<SectionRef>,
        panel: &Option<PanelRef>,
        cells: Vec<(String, String)>,
    ) {
        let order = self.out.len();
        self.out.push(Passage {
            doc: self.slug.to_string(),
            id,
            kind,
            text,
            text_en: None,
            chapter: chapter.clone(),
            section: section.clone(),
            panel: panel.clone(),
            cells,
            order,
        });
    }

    /// The blocks under one heading; `place` is `4.1` (or `4.0` for a chapter introduction).
    fn blocks(&mut self, blocks: &[Block], place: SectionNumber, ch: &Option<ChapterRef>, sec: &Option<SectionRef>) {
        let mut para = 0;
        let mut unnumbered = 0u8;
        for block in blocks {
            match block {
                Block::Paragraph(text) => {
                    para += 1;
                    self.push(PassageKind::Paragraph, format!("{place}.{para}"), text.clone(), ch, sec, &None, vec![]);
                }
                Block::Panel(panel) => {
                    let key = match &panel.number {
                        Some(n) => n.clone(),
                        None => {
                            let letter = (b'a' + unnumbered.min(25)) as char;
                            unnumbered += 1;
                            format!("{place}{letter}")
                        }
                    };
                    let pref = Some(PanelRef { id: key.clone(), numbered: panel.number.is_some(), title: panel.title.clone(), title_en: None });
                    self.push(PassageKind::Heading, format!("p{key}"), panel.heading_text(), ch, sec, &pref, vec![]);
                    let (mut item, mut row, mut note) = (0, 0, 0);
                    for pb in &panel.body {
                        match pb {
                            PanelBlock::Item(text) => {
                                item += 1;
                                self.push(PassageKind::PanelItem, format!("p{key}.{item}"), text.clone(), ch, sec, &pref, vec![]);
                            }
                            PanelBlock::Note(text) => {
                                note += 1;
                                self.push(PassageKind::Note, format!("p{key}.n{note}"), text.clone(), ch, sec, &pref, vec![]);
                            }
                            PanelBlock::Table(t) => {
                                let kind = if panel.indicators { PassageKind::Indicator } else { PassageKind::TableRow };
                                for r in &t.rows {
                                    row += 1;
                                    let cells = row_cells(&t.columns, r);
                                    self.push(kind, format!("p{key}.r{row}"), cells_text(&cells), ch, sec, &pref, cells);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapter_numbers_read_back_as_written() {
        for n in 1..=99 {
            assert_eq!(parse_chinese_number(&chinese_number(n)), Some(n), "{}", chinese_number(n));
        }
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(20), "二十");
        assert_eq!(parse_chinese_number("〇"), None);
        assert_eq!(chinese_digit('〇'), Some(0));
    }

    #[test]
    fn percent_encoding_keeps_only_unreserved_characters() {
        let cases = [
            ("莲藕", "%E8%8E%B2%E8%97%95"),
            ("乡村振兴 莲藕", "%E4%B9%A1%E6%9D%91%E6%8C%AF%E5%85%B4%20%E8%8E%B2%E8%97%95"),
            ("a b&c=d+e%f#g/h", "a%20b%26c%3Dd%2Be%25f%23g%2Fh"),
            ("?:@!$'()*,;[]", "%3F%3A%40%21%24%27%28%29%2A%2C%3B%5B%5D"),
            ("section:4.1", "section%3A4.1"),
            ("“无证明城市”", "%E2%80%9C%E6%97%A0%E8%AF%81%E6%98%8E%E5%9F%8E%E5%B8%82%E2%80%9D"),
            ("ＧＤＰ", "%EF%BC%A7%EF%BC%A4%EF%BC%B0"),
            ("AZaz09-_.~", "AZaz09-_.~"),
            ("p4-1.r2", "p4-1.r2"),
            ("", ""),
        ];
        for (raw, encoded) in cases {
            assert_eq!(percent_encode(raw), encoded, "{raw:?}");
        }
        assert_eq!(permalink_path("caidian", "4.1.3"), "/p/caidian/4.1.3");
    }

    #[test]
    fn a_section_number_reads_and_writes_as_in_the_plan() {
        let n: SectionNumber = "4.1".parse().unwrap();
        assert_eq!(n, SectionNumber::new(4, 1));
        assert_eq!(n.to_string(), "4.1");
        assert_eq!(serde_json::to_string(&n).unwrap(), r#""4.1""#, "stored and served as the string it always was");
        assert_eq!(serde_json::from_str::<SectionNumber>(r#""4.1""#).unwrap(), n);
        assert_eq!("04.1".parse::<SectionNumber>(), Ok(n), "each side is a whole number, as chapter:04 is 4");
        assert_eq!(SectionNumber::introduction(7).to_string(), "7.0");
        for bad in ["", "4", "4.", ".1", "4.x", "4-1", "4.1.3", "第四章"] {
            assert!(bad.parse::<SectionNumber>().is_err(), "{bad:?}");
        }
        assert!(serde_json::from_str::<SectionNumber>(r#""4-1""#).is_err());
    }
}
