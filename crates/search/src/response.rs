//! The shapes of a search: the request, the response and its parts (how the query was read,
//! the hits, the facets), and the closed sets they name (where an alternative came from,
//! how well a hit matches). Only data lives here: no tantivy, no ranking.

use plansearch_corpus::{ChapterRef, PanelRef, SectionRef};
use serde::{Serialize, Serializer};

use crate::Filters;

/// A search request. `limit` is capped at [`crate::MAX_LIMIT`], `offset` at [`crate::MAX_OFFSET`].
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub q: String,
    pub limit: usize,
    pub offset: usize,
    /// Filters given as parameters, on top of those written in the query.
    pub filters: Filters,
    /// Which language the query is in; `Auto` decides from the letters typed.
    pub lang: Lang,
}

/// The language of a query.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    Auto,
    Zh,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "auto" | "" => Some(Lang::Auto),
            "zh" | "cn" | "chinese" => Some(Lang::Zh),
            "en" | "english" => Some(Lang::En),
            _ => None,
        }
    }

    /// The name [`Lang::parse`] reads back.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Auto => "auto",
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Response {
    pub query: String,
    pub interpreted: Interpreted,
    pub total: usize,
    pub took_ms: f64,
    pub limit: usize,
    pub offset: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// The answer to a question, when one is certain enough to put above the hits: a target
    /// record's figure (added by callers that hold the records), or the best sentence of the
    /// top passage.
    pub answer: Option<Answer>,
    /// The search ran past its time budget and returns the hits it had made.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub timed_out: bool,
    /// For a query that found nothing: a nearby query that finds something.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<Suggestion>,
    /// Said when there is nothing to search or nothing was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// How the query was read.
#[derive(Debug, Clone, Serialize)]
pub struct Interpreted {
    /// The query as read, in the query language.
    pub query: String,
    /// The language the query was read in: `zh` or `en` (English or pinyin).
    pub lang: Lang,
    /// Required groups of alternatives, each unit with the words it was cut into.
    pub groups: Vec<Vec<InterpretedUnit>>,
    pub exclude: Vec<String>,
    pub filters: Filters,
    /// Short forms and synonyms searched too: `中法城 → 中法武汉生态示范城`.
    pub expanded: Vec<Expansion>,
    /// How the query was read: as keywords (every term required), or as a question or
    /// pasted sentence (no term required; passages ranked by how much of its content they hold).
    pub reading: Reading,
    /// The words a question or sentence was searched by, most informative first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kept: Vec<String>,
    /// The words of a question or sentence that were not searched for, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dropped: Vec<Dropped>,
    /// Typing mistakes corrected towards the plan's own words (`精制农业 → 精致农业`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub corrected: Vec<Correction>,
    /// The question asks for a quantity (多少, 几, how many …).
    pub asks_quantity: bool,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InterpretedUnit {
    pub text: String,
    pub exact: bool,
    pub words: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Expansion {
    pub from: String,
    pub to: String,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: String,
    pub doc: String,
    pub kind: &'static str,
    pub url: String,
    pub chapter: Option<ChapterRef>,
    pub section: Option<SectionRef>,
    pub panel: Option<PanelRef>,
    pub breadcrumb: String,
    /// The breadcrumb in English (unofficial translation), where the titles have one.
    pub breadcrumb_en: String,
    pub text: String,
    /// The unofficial English translation, where there is one.
    pub text_en: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<(String, String)>,
    pub snippet: String,
    /// Character offsets into `text`.
    pub highlights: Vec<(usize, usize)>,
    /// Character offsets into `snippet`.
    pub snippet_highlights: Vec<(usize, usize)>,
    /// `snippet` as HTML: escaped, with `<mark>` around the highlights.
    pub snippet_html: String,
    /// Where `snippet` starts in `text`, in characters.
    pub snippet_start: usize,
    /// The English snippet (unofficial translation) and its highlights, where there is one.
    pub snippet_en: Option<String>,
    /// Character offsets into `text_en`.
    pub highlights_en: Vec<(usize, usize)>,
    pub snippet_en_highlights: Vec<(usize, usize)>,
    pub snippet_en_html: Option<String>,
    pub score: f32,
    pub tier: Tier,
    /// The targets the passage commits to, as badges (`莲藕基地 · 10万亩 · 2025`). The
    /// engine leaves this empty: targets are records, added by callers that have them (the
    /// web app and `plansearch search`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
}

/// Counts of the matches by document, chapter and panel. Each list holds at most
/// [`MAX_FACETS`] entries, the largest counts (in reading order); `more_*` says how many
/// entries were left out, so a broad query over many plans stays a small answer.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Facets {
    pub documents: Vec<DocumentFacet>,
    pub chapters: Vec<ChapterFacet>,
    pub panels: Vec<PanelFacet>,
    pub more_documents: usize,
    pub more_chapters: usize,
    pub more_panels: usize,
}

/// The most entries of one facet list.
pub const MAX_FACETS: usize = 100;

#[derive(Debug, Clone, Serialize)]
pub struct DocumentFacet {
    pub doc: String,
    pub title: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChapterFacet {
    pub doc: String,
    pub number: u32,
    pub title: Option<String>,
    pub inferred: bool,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PanelFacet {
    pub doc: String,
    pub id: String,
    pub title: String,
    pub numbered: bool,
    pub chapter: Option<u32>,
    pub count: usize,
}

/// Where something a unit searched came from: typed, or an expansion of what was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// As typed (or the typed Latin word, in the other language's field).
    Typed,
    /// `corpus/synonyms.tsv`: a short form or everyday word for a plan term.
    Synonym,
    /// The bilingual glossary.
    Glossary,
    /// Toneless pinyin of a plan term.
    Pinyin,
    /// CC-CEDICT senses of the corpus's own words.
    Dictionary,
    /// A short form read as the longer term of the plan whose characters it takes in order
    /// (新基建 → 新型基础设施建设).
    Abbreviation,
    /// A typing mistake corrected to a plan word that sounds the same or is spelled nearly so.
    Correction,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Typed => "typed",
            Source::Synonym => "synonym",
            Source::Glossary => "glossary",
            Source::Pinyin => "pinyin",
            Source::Dictionary => "dictionary",
            Source::Abbreviation => "abbreviation",
            Source::Correction => "correction",
        }
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How well a hit holds the query; serialized as 3, 2, 1 (the better, the larger).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// Some of its words.
    Some = 1,
    /// All its words, not as typed.
    AllWords = 2,
    /// The query exactly.
    Exact = 3,
}

impl Serialize for Tier {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(*self as u8)
    }
}

/// How a query was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Reading {
    /// Keywords and operators: every term required.
    #[default]
    Keywords,
    /// A question: question and function words dropped, the rest ranked by informativeness.
    Question,
    /// A long sentence (pasted or paraphrased): ranked by the words and character pairs it
    /// shares with a passage.
    Sentence,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Dropped {
    pub word: String,
    pub why: DropReason,
}

/// Why a word of a question was not searched for.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// It asks (多少, 如何, how many) or only links (的, 要, the).
    QuestionWord,
    /// It stands in so many passages that it tells them apart hardly at all (蔡甸, 全区).
    TooCommon,
    /// A single character alone.
    TooShort,
    /// Past the most words one query is read for.
    OverLimit,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Correction {
    pub from: String,
    pub to: String,
}

/// An answer above the hits.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    pub kind: AnswerKind,
    /// The sentence or indicator row that answers, as the plan prints it.
    pub text: String,
    /// The figure exactly as printed (target answers only).
    pub value: Option<String>,
    pub unit: Option<String>,
    pub year: Option<u32>,
    /// 约束性 or 预期性 (indicators only).
    pub binding: Option<String>,
    pub doc: String,
    pub passage_id: String,
    pub url: String,
    /// Character offsets into `text`: the figure, or the words of the question.
    pub highlights: Vec<(usize, usize)>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    Target,
    Passage,
}

#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    pub q: String,
    pub total: usize,
}
