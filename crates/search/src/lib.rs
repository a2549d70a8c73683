//! Ranked search over the plan index: a query in, the right passages out, best first, each
//! with where it stands (chapter › section › panel), a snippet and highlight spans.
//!
//! A key design decision: the ranking tiers users expect are expressed as one tantivy query,
//! so the top hits come straight from the index at any corpus size. For each unit of the
//! query (a word or phrase as typed):
//!
//! * the exact text — a phrase of character bigrams on the `grams` field — scores a
//!   constant [`EXACT`];
//! * all of its words (jieba, non-overlapping) score a constant [`ALL_WORDS`];
//! * then BM25 over the jieba words of the text and, boosted, of the titles the passage
//!   stands under orders passages within a tier.
//!
//! A unit must match exactly or with all its words; a single-unit query also accepts
//! passages with some of its words, ranked last. Quoted text is exact only: a phrase of grams
//! (Chinese; English words as typed, unstemmed), in which punctuation holds its position and
//! whitespace none, so the index alone decides (see `plansearch_analysis`). Snippets and
//! highlights are computed from the stored text, never from HTML in the index.

pub mod bilingual;
pub mod highlight;
pub mod query;
pub mod synonyms;

use std::collections::HashMap;
use std::time::Instant;

use plansearch_analysis::{jieba, normalize, runs, word_tokens, RunKind};
use plansearch_corpus::{ChapterRef, PanelRef, Passage, SectionRef};
use plansearch_index::{Fields, PlanIndex};
use serde::Serialize;
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, DocId, Score, SegmentReader, TantivyDocument, Term};

pub use bilingual::Translator;
pub use query::{parse, Filters, Parsed, Unit, MAX_QUERY_CHARS};
pub use synonyms::Synonyms;

/// The score of a passage holding a unit's exact text.
pub const EXACT: Score = 10_000.0;
/// The score of a passage holding all of a unit's words.
pub const ALL_WORDS: Score = 1_000.0;
/// How much more a word in a title weighs than a word in the text.
pub const TITLE_BOOST: Score = 2.0;
/// The most hits one request returns.
pub const MAX_LIMIT: usize = 100;
/// The furthest one can page.
pub const MAX_OFFSET: usize = 10_000;
/// At most this many alternatives of a unit come from synonyms of its words.
const WORD_SYNONYMS: usize = 4;
/// The snippet size, in characters.
pub const SNIPPET_CHARS: usize = 140;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("the index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("a stored passage could not be read: {0}")]
    Stored(String),
}

/// A search request. `limit` is capped at [`MAX_LIMIT`], `offset` at [`MAX_OFFSET`].
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
    /// `synonym`, `glossary`, `pinyin` or `dictionary`.
    pub source: &'static str,
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
    /// 3: holds the query exactly; 2: all its words; 1: some of them.
    pub tier: u8,
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

/// The search engine over one open index.
#[derive(Clone)]
pub struct Engine {
    pub index: PlanIndex,
    pub synonyms: Synonyms,
    pub translator: std::sync::Arc<Translator>,
}

/// One thing a unit may match: Chinese text (as typed, a synonym, a translation) or
/// English text, with its weight.
#[derive(Debug, Clone)]
struct Alt {
    text: String,
    en: bool,
    weight: f32,
    source: &'static str,
}

/// One unit prepared for searching: what was typed and its alternatives.
struct Prepared {
    text: String,
    exact: bool,
    words: Vec<String>,
    alternatives: Vec<Alt>,
}

impl Engine {
    pub fn new(index: PlanIndex, synonyms: Synonyms) -> Engine {
        // Load jieba's dictionaries now, not in the first request.
        let _ = jieba();
        let translator = std::sync::Arc::new(Translator::new(&index.vocab));
        Engine { index, synonyms, translator }
    }

    fn fields(&self) -> Fields {
        self.index.fields
    }

    /// Run a search. Never fails on user input; errors are index failures.
    pub fn search(&self, req: &Request) -> Result<Response, SearchError> {
        let started = Instant::now();
        let limit = req.limit.clamp(1, MAX_LIMIT);
        let offset = req.offset.min(MAX_OFFSET);
        let mut parsed = parse(&req.q);
        merge_filters(&mut parsed, &req.filters);

        let units: Vec<&str> = parsed.groups.iter().flatten().map(|u| u.text.as_str()).collect();
        let english = match req.lang {
            Lang::En => true,
            Lang::Zh => false,
            Lang::Auto => bilingual::looks_latin(&units),
        };
        let groups: Vec<Vec<Prepared>> =
            if english { self.prepare_english(&parsed) } else { parsed.groups.iter().map(|g| g.iter().map(|u| self.prepare(u)).collect()).collect() };
        let interpreted = Interpreted {
            query: query::display(&parsed),
            lang: if english { Lang::En } else { Lang::Zh },
            groups: groups
                .iter()
                .map(|g| g.iter().map(|p| InterpretedUnit { text: p.text.clone(), exact: p.exact, words: p.words.clone() }).collect())
                .collect(),
            exclude: parsed.exclude.iter().map(|u| u.text.clone()).collect(),
            filters: parsed.filters.clone(),
            expanded: groups
                .iter()
                .flatten()
                .flat_map(|p| {
                    p.alternatives.iter().filter(|a| a.source != "typed").map(|a| Expansion {
                        from: p.text.clone(),
                        to: a.text.clone(),
                        source: a.source,
                    })
                })
                .collect(),
            notes: parsed.notes.clone(),
        };
        let mut response = Response {
            query: req.q.clone(),
            interpreted,
            total: 0,
            took_ms: 0.0,
            limit,
            offset,
            hits: vec![],
            facets: Facets::default(),
            message: None,
        };
        if groups.is_empty() && !parsed.filters.is_empty() && parsed.exclude.is_empty() {
            // Filters alone browse: every passage they allow, in reading order.
            let query = self.filter_query(&parsed.filters, Box::new(tantivy::query::AllQuery));
            let searcher = self.index.reader.searcher();
            let collector = TopDocs::with_limit(limit).and_offset(offset).order_by_fast_field::<u64>("seq_no", tantivy::Order::Asc);
            let (top, total, facets) = searcher.search(&query, &(collector, Count, FacetCollector))?;
            for (_, addr) in top {
                response.hits.push(make_hit(self.passage(&searcher, addr)?, 0.0, &[], &self.translator));
            }
            response.total = total;
            response.facets = facets.resolve(&self.index.meta);
            if total == 0 {
                response.message = Some("No passage matches. 没有找到匹配的段落。".into());
            }
            response.took_ms = elapsed_ms(started);
            return Ok(response);
        }
        if groups.is_empty() {
            response.message = Some(if req.q.trim().is_empty() {
                "Type a word or phrase to search the plan. 请输入检索词。".into()
            } else {
                "Nothing to search for in this query. 检索式中没有可检索的词。".into()
            });
            response.took_ms = elapsed_ms(started);
            return Ok(response);
        }

        let single = groups.len() == 1 && groups[0].len() == 1 && !groups[0][0].exact;
        let translator = &self.translator;
        let searcher = self.index.reader.searcher();
        let any_exact = groups.iter().flatten().any(|p| p.exact);
        let mut query = self.build_query(&groups, &parsed, single, false);
        // No passage has every term: rather than nothing, show passages with some of them,
        // and say so. Exact quotes stay exact.
        if groups.len() > 1 && !any_exact && searcher.search(&query, &Count)? == 0 {
            query = self.build_query(&groups, &parsed, single, true);
            response.interpreted.notes.push(
                "no passage has all the terms: showing passages with some of them. 没有段落同时包含所有检索词，以下为包含部分检索词的段落。".into(),
            );
        }

        // Quoted text is a phrase of grams (Chinese, or English words as typed), exact by
        // construction: marks hold their positions, whitespace none. No verification needed.
        let (top, total, facets) = searcher.search(&query, &(ranked(limit, offset), Count, FacetCollector))?;
        let mut page = Vec::with_capacity(top.len());
        for ((score, _), addr) in top {
            page.push((score, self.passage(&searcher, addr)?));
        }

        response.total = total;
        response.facets = facets.resolve(&self.index.meta);
        response.hits = page.into_iter().map(|(score, p)| make_hit(p, score, &groups, translator)).collect();
        if total == 0 {
            response.message = Some("No passage matches. 没有找到匹配的段落。".into());
        }
        response.took_ms = elapsed_ms(started);
        Ok(response)
    }

    /// Cut a Chinese unit into words and add its expansions. A Latin word inside a Chinese
    /// query (`RCEP`, `lotus`) also searches the English text and its translations.
    fn prepare(&self, u: &Unit) -> Prepared {
        let mut alternatives = vec![Alt { text: u.text.clone(), en: false, weight: 1.0, source: "typed" }];
        let push = |alts: &mut Vec<Alt>, a: Alt| {
            if !alts.iter().any(|x| x.text == a.text && x.en == a.en) {
                alts.push(a);
            }
        };
        if !u.exact {
            for to in self.synonyms.expand(&u.text) {
                push(&mut alternatives, Alt { text: to, en: false, weight: 0.9, source: "synonym" });
            }
            // A word of a longer unit with a synonym: the unit with that word replaced
            // (城市内涝 also searches 城市排涝), below the whole-unit synonyms.
            let words = required_words(&u.text);
            if words.len() > 1 {
                let replaced =
                    words.iter().filter(|w| w.chars().count() >= 2).flat_map(|w| self.synonyms.expand(w).into_iter().map(move |to| (w, to)));
                for (w, to) in replaced.take(WORD_SYNONYMS) {
                    push(&mut alternatives, Alt { text: u.text.replacen(w.as_str(), &to, 1), en: false, weight: 0.85, source: "synonym" });
                }
            }
            if u.text.chars().all(|c| c.is_ascii_alphabetic()) && u.text.len() >= 3 {
                push(&mut alternatives, Alt { text: u.text.clone(), en: true, weight: 1.0, source: "typed" });
                for span in self.translator.translate(&bilingual::normalize_words(&u.text)) {
                    for (zh, w, src) in span.chinese {
                        push(&mut alternatives, Alt { text: zh, en: false, weight: w, source: source_name(src) });
                    }
                }
            }
        }
        Prepared { text: u.text.clone(), exact: u.exact, words: required_words(&u.text), alternatives }
    }

    /// An English or pinyin query: the words of each run of plain units are read as phrases
    /// (`air quality` is one phrase of the glossary), each phrase a required group that
    /// matches the English text or any of its Chinese terms. Quoted text and `OR` groups
    /// keep their own shape.
    fn prepare_english(&self, parsed: &Parsed) -> Vec<Vec<Prepared>> {
        let mut out: Vec<Vec<Prepared>> = Vec::new();
        let mut run: Vec<String> = Vec::new();
        let flush = |run: &mut Vec<String>, out: &mut Vec<Vec<Prepared>>| {
            if run.is_empty() {
                return;
            }
            let words = bilingual::normalize_words(&run.join(" "));
            for span in self.translator.translate(&words) {
                if span.chinese.is_empty() && bilingual::STOP.contains(&span.english.as_str()) {
                    continue;
                }
                out.push(vec![self.english_unit(&span.english, false, span.chinese)]);
            }
            run.clear();
        };
        for g in &parsed.groups {
            if g.len() == 1 && !g[0].exact {
                run.push(g[0].text.clone());
                continue;
            }
            flush(&mut run, &mut out);
            out.push(
                g.iter()
                    .map(|u| {
                        let chinese = if u.exact {
                            vec![]
                        } else {
                            self.translator.translate(&bilingual::normalize_words(&u.text)).into_iter().flat_map(|s| s.chinese).collect()
                        };
                        self.english_unit(&u.text, u.exact, chinese)
                    })
                    .collect(),
            );
        }
        flush(&mut run, &mut out);
        out
    }

    fn english_unit(&self, text: &str, exact: bool, chinese: Vec<(String, f32, bilingual::Source)>) -> Prepared {
        let mut alternatives = vec![Alt { text: text.to_string(), en: true, weight: 1.0, source: "typed" }];
        // The Latin word itself in Chinese text (GDP, 5G, RCEP) as typed.
        if !text.contains(' ') {
            alternatives.push(Alt { text: normalize(text), en: false, weight: 1.0, source: "typed" });
        }
        for (zh, w, src) in chinese {
            if !alternatives.iter().any(|a| !a.en && a.text == zh) {
                alternatives.push(Alt { text: zh, en: false, weight: w, source: source_name(src) });
            }
        }
        let words = plansearch_analysis::tokenizer::english_terms(text).into_iter().map(|(t, _, _)| t).collect();
        Prepared { text: text.to_string(), exact, words, alternatives }
    }

    /// The query for prepared groups; `relaxed` makes each group optional (at least one).
    fn build_query(&self, groups: &[Vec<Prepared>], parsed: &Parsed, single: bool, relaxed: bool) -> Box<dyn Query> {
        let f = self.fields();
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut required: Vec<Box<dyn Query>> = Vec::new();
        for group in groups {
            let mut alts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for p in group {
                for alt in &p.alternatives {
                    let weight = alt.weight;
                    if alt.en {
                        if p.exact {
                            // Quoted: the words and marks as typed, stop words too, unstemmed.
                            if let Some(q) = gram_phrase_query(f.en_grams, &normalize(&alt.text)) {
                                alts.push((Occur::Should, Box::new(ConstScoreQuery::new(q, EXACT * weight))));
                            }
                            continue;
                        }
                        let terms: Vec<String> = plansearch_analysis::tokenizer::english_terms(&alt.text).into_iter().map(|(t, _, _)| t).collect();
                        if terms.is_empty() {
                            continue;
                        }
                        let phrase: Box<dyn Query> = if terms.len() == 1 {
                            term_query(f.en, &terms[0])
                        } else {
                            let terms = plansearch_analysis::tokenizer::english_phrase(&alt.text);
                            Box::new(PhraseQuery::new_with_offset(terms.into_iter().map(|(at, t)| (at, Term::from_field_text(f.en, &t))).collect()))
                        };
                        alts.push((Occur::Should, Box::new(ConstScoreQuery::new(phrase, EXACT * weight))));
                        if terms.len() > 1 {
                            let all: Vec<(Occur, Box<dyn Query>)> = terms.iter().map(|t| (Occur::Must, term_query(f.en, t))).collect();
                            alts.push((Occur::Should, Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(all)), ALL_WORDS * weight))));
                            if single {
                                for t in &terms {
                                    alts.push((Occur::Should, Box::new(ConstScoreQuery::new(term_query(f.en, t), 1.0))));
                                }
                            }
                        }
                        continue;
                    }
                    if let Some(q) = gram_phrase_query(f.grams, &alt.text) {
                        alts.push((Occur::Should, Box::new(ConstScoreQuery::new(q, EXACT * weight))));
                    }
                    if p.exact {
                        continue;
                    }
                    let words = required_words(&alt.text);
                    if !words.is_empty() {
                        let all: Vec<(Occur, Box<dyn Query>)> = words.iter().map(|w| (Occur::Must, term_query(f.words, w))).collect();
                        alts.push((Occur::Should, Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(all)), ALL_WORDS * weight))));
                    }
                    if single && alt.source == "typed" {
                        // Partial matches, for a one-word query only: any word, scored below.
                        for w in ranking_words(&alt.text) {
                            alts.push((Occur::Should, Box::new(ConstScoreQuery::new(term_query(f.words, &w), 1.0))));
                        }
                    }
                }
            }
            if alts.is_empty() {
                required.push(Box::new(EmptyQuery));
            } else {
                required.push(Box::new(BooleanQuery::new(alts)));
            }
            // BM25 within tiers, titles weighing more.
            for p in group.iter().filter(|p| !p.exact) {
                for alt in p.alternatives.iter().filter(|a| a.source == "typed") {
                    if alt.en {
                        for (t, _, _) in plansearch_analysis::tokenizer::english_terms(&alt.text) {
                            must.push((Occur::Should, term_query(f.en, &t)));
                            must.push((Occur::Should, Box::new(BoostQuery::new(term_query(f.heading_en, &t), TITLE_BOOST))));
                        }
                    } else {
                        for w in ranking_words(&alt.text) {
                            must.push((Occur::Should, term_query(f.words, &w)));
                            must.push((Occur::Should, Box::new(BoostQuery::new(term_query(f.heading, &w), TITLE_BOOST))));
                        }
                    }
                }
            }
        }
        if relaxed {
            must.push((Occur::Must, Box::new(BooleanQuery::new(required.into_iter().map(|q| (Occur::Should, q)).collect()))));
        } else {
            must.extend(required.into_iter().map(|q| (Occur::Must, q)));
        }
        for u in &parsed.exclude {
            if let Some(q) = gram_phrase_query(f.grams, &u.text) {
                must.push((Occur::MustNot, q));
            }
            let terms: Vec<(usize, Term)> =
                plansearch_analysis::tokenizer::english_phrase(&u.text).into_iter().map(|(at, t)| (at, Term::from_field_text(f.en, &t))).collect();
            match terms.len() {
                0 => {}
                1 => must.push((Occur::MustNot, Box::new(TermQuery::new(terms[0].1.clone(), IndexRecordOption::Basic)))),
                _ => must.push((Occur::MustNot, Box::new(PhraseQuery::new_with_offset(terms)))),
            }
        }
        self.filter_query(&parsed.filters, Box::new(BooleanQuery::new(must)))
    }

    /// `query` restricted by the filters.
    fn filter_query(&self, fl: &Filters, query: Box<dyn Query>) -> Box<dyn Query> {
        let f = self.fields();
        let mut must: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
        if let Some(d) = &fl.doc {
            must.push((Occur::Must, Box::new(TermQuery::new(Term::from_field_text(f.doc, d), IndexRecordOption::Basic))));
        }
        if let Some(c) = fl.chapter {
            must.push((Occur::Must, Box::new(TermQuery::new(Term::from_field_u64(f.chapter, c as u64), IndexRecordOption::Basic))));
        }
        if let Some(s) = &fl.section {
            must.push((Occur::Must, Box::new(TermQuery::new(Term::from_field_text(f.section, s), IndexRecordOption::Basic))));
        }
        if let Some(p) = &fl.panel {
            must.push((Occur::Must, Box::new(TermQuery::new(Term::from_field_text(f.panel, p), IndexRecordOption::Basic))));
        }
        if let Some(k) = &fl.kind {
            must.push((Occur::Must, Box::new(TermQuery::new(Term::from_field_text(f.kind, k), IndexRecordOption::Basic))));
        }
        if let Some(c) = &fl.company {
            must.push((Occur::Must, gram_phrase_query(f.company, &normalize(c)).unwrap_or_else(|| Box::new(EmptyQuery))));
        }
        Box::new(BooleanQuery::new(must))
    }

    fn passage(&self, searcher: &tantivy::Searcher, addr: DocAddress) -> Result<Passage, SearchError> {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let json = doc.get_first(self.fields().json).and_then(|v| v.as_str()).ok_or_else(|| SearchError::Stored("no json".into()))?;
        serde_json::from_str(json).map_err(|e| SearchError::Stored(e.to_string()))
    }

    /// One passage by document and id.
    pub fn get(&self, doc: &str, id: &str) -> Result<Option<Passage>, SearchError> {
        self.by_term(self.fields().key, &plansearch_index::key(doc, id))
    }

    /// The passage at a place in reading order.
    pub fn at(&self, doc: &str, order: usize) -> Result<Option<Passage>, SearchError> {
        self.by_term(self.fields().seq, &plansearch_index::seq_key(doc, order))
    }

    fn by_term(&self, field: tantivy::schema::Field, value: &str) -> Result<Option<Passage>, SearchError> {
        let searcher = self.index.reader.searcher();
        let q = TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic);
        let top = searcher.search(&q, &TopDocs::with_limit(1))?;
        match top.first() {
            Some((_, addr)) => Ok(Some(self.passage(&searcher, *addr)?)),
            None => Ok(None),
        }
    }

    /// Every passage of a document in reading order.
    pub fn all(&self, doc: &str) -> Result<Vec<Passage>, SearchError> {
        let searcher = self.index.reader.searcher();
        let q = TermQuery::new(Term::from_field_text(self.fields().doc, doc), IndexRecordOption::Basic);
        let n = searcher.search(&q, &Count)?;
        let mut out = Vec::with_capacity(n);
        for (_, addr) in searcher.search(&q, &TopDocs::with_limit(n.max(1)))? {
            out.push(self.passage(&searcher, addr)?);
        }
        out.sort_by_key(|p| p.order);
        Ok(out)
    }
}

/// The top hits by score, ties in reading order. tantivy breaks ties by document address,
/// and addresses depend on how a build spread the documents over segments, which differs
/// from build to build: the same query on the same corpus must give the same order.
fn ranked(limit: usize, offset: usize) -> impl Collector<Fruit = Vec<((Score, std::cmp::Reverse<u64>), DocAddress)>> {
    TopDocs::with_limit(limit).and_offset(offset).tweak_score(|segment: &SegmentReader| {
        let seq = segment.fast_fields().u64("seq_no").ok().map(|c| c.first_or_default_col(u64::MAX));
        move |doc: DocId, score: Score| (score, std::cmp::Reverse(seq.as_ref().map_or(u64::MAX, |c| c.get_val(doc))))
    })
}

fn elapsed_ms(started: Instant) -> f64 {
    (started.elapsed().as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0
}

fn merge_filters(parsed: &mut Parsed, extra: &Filters) {
    let f = &mut parsed.filters;
    f.doc = extra.doc.clone().or(f.doc.take());
    f.chapter = extra.chapter.or(f.chapter);
    f.section = extra.section.clone().or(f.section.take());
    f.panel = extra.panel.clone().or(f.panel.take());
    f.kind = extra.kind.clone().or(f.kind.take());
    f.company = extra.company.clone().or(f.company.take());
}

fn term_query(field: tantivy::schema::Field, word: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, word), IndexRecordOption::WithFreqs))
}

/// The exact text of a unit as a phrase of grams (a single term when it is one gram).
fn gram_phrase_query(field: tantivy::schema::Field, normalized: &str) -> Option<Box<dyn Query>> {
    let terms = plansearch_analysis::gram_phrase(normalized)?;
    if terms.len() == 1 {
        return Some(Box::new(TermQuery::new(Term::from_field_text(field, &terms[0].1), IndexRecordOption::Basic)));
    }
    Some(Box::new(PhraseQuery::new_with_offset(terms.into_iter().map(|(pos, t)| (pos, Term::from_field_text(field, &t))).collect())))
}

/// The words a unit requires: jieba's default cut (non-overlapping), Latin words whole,
/// without stop words unless nothing else is left.
pub fn required_words(normalized: &str) -> Vec<String> {
    let mut words = Vec::new();
    for run in runs(normalized) {
        match run.kind {
            RunKind::Latin => words.push(run.text.to_string()),
            RunKind::Han => words.extend(jieba().cut(run.text, true).into_iter().map(|t| t.word.to_string())),
        }
    }
    let kept: Vec<String> = words.iter().filter(|w| !plansearch_analysis::is_stop_word(w)).cloned().collect();
    let mut out = if kept.is_empty() { words } else { kept };
    out.dedup();
    out
}

/// The words a unit is ranked by: jieba's search-mode cut, distinct.
fn ranking_words(normalized: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in word_tokens(normalized) {
        if !plansearch_analysis::is_stop_word(&t.text) && !out.contains(&t.text) {
            out.push(t.text);
        }
    }
    out
}

fn source_name(s: bilingual::Source) -> &'static str {
    match s {
        bilingual::Source::Glossary => "glossary",
        bilingual::Source::Pinyin => "pinyin",
        bilingual::Source::Dictionary => "dictionary",
    }
}

/// Highlights: every occurrence of a unit (or an expansion) as typed; where a unit does not
/// occur whole, its words (longest first, single characters only when the unit is one).
pub fn highlight_spans(text: &str, units: &[(String, Vec<String>)]) -> (Vec<(usize, usize)>, u8) {
    highlight_normalized(&normalize(text).chars().collect::<Vec<_>>(), units)
}

/// [`highlight_spans`] on text already normalized.
fn highlight_normalized(hay: &[char], units: &[(String, Vec<String>)]) -> (Vec<(usize, usize)>, u8) {
    let mut spans = Vec::new();
    let mut tier = 3u8;
    for (unit, words) in units {
        let whole = highlight::find_all_ignoring_space(hay, &unit.chars().collect::<Vec<_>>());
        if !whole.is_empty() {
            spans.extend(whole);
            continue;
        }
        let mut words: Vec<&String> = words.iter().collect();
        words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        let mut found_all = true;
        for w in words {
            let found = highlight::find_all(hay, &w.chars().collect::<Vec<_>>());
            found_all &= !found.is_empty();
            spans.extend(found);
        }
        tier = tier.min(if found_all { 2 } else { 1 });
    }
    (highlight::merge(spans), tier)
}

fn make_hit(p: Passage, score: Score, groups: &[Vec<Prepared>], translator: &Translator) -> Hit {
    // Chinese: for each group, the Chinese alternative that occurs (else the typed words).
    let hay = normalize(&p.text);
    let mut zh_units: Vec<(String, Vec<String>)> = Vec::new();
    let mut en_phrases: Vec<String> = Vec::new();
    let mut en_quotes: Vec<Vec<char>> = Vec::new();
    let mut tier = 3u8;
    for g in groups {
        let present: Option<&Alt> = g.iter().flat_map(|u| u.alternatives.iter()).find(|a| !a.en && hay.contains(a.text.as_str()));
        let typed_en: Vec<&Alt> = g.iter().flat_map(|u| u.alternatives.iter()).filter(|a| a.en).collect();
        // Quoted English is marked where it stands as typed; other English by word stems.
        for u in g {
            for a in u.alternatives.iter().filter(|a| a.en) {
                if u.exact {
                    en_quotes.push(normalize(&a.text).chars().collect());
                } else {
                    en_phrases.push(a.text.clone());
                }
            }
        }
        match present {
            Some(a) => {
                zh_units.push((a.text.clone(), required_words(&a.text)));
                en_phrases.extend(translator.english_of(&a.text).map(str::to_string));
            }
            None => {
                // No alternative stands whole: the typed words; but when only some of them
                // occur, a synonym form whose words all do (城市内涝 → 城市 + 排涝).
                let typed = g.iter().flat_map(|u| u.alternatives.iter()).find(|a| !a.en && a.source == "typed");
                let all_in = |words: &[String]| words.iter().all(|w| hay.contains(w.as_str()));
                let synonym = || {
                    g.iter().flat_map(|u| u.alternatives.iter()).filter(|a| !a.en && a.source == "synonym").find_map(|a| {
                        let words = required_words(&a.text);
                        all_in(&words).then(|| (a.text.clone(), words))
                    })
                };
                match typed {
                    Some(a) if all_in(&required_words(&a.text)) => zh_units.push((a.text.clone(), ranking_words(&a.text))),
                    _ => match synonym() {
                        Some(unit) => zh_units.push(unit),
                        None => zh_units.extend(typed.map(|a| (a.text.clone(), ranking_words(&a.text)))),
                    },
                }
                if typed_en.is_empty() {
                    tier = tier.min(2);
                }
            }
        }
    }
    let (highlights, zh_tier) = highlight_normalized(&hay.chars().collect::<Vec<_>>(), &zh_units);
    let highlights_en = p
        .text_en
        .as_deref()
        .map(|en| {
            let mut spans = english_spans(en, &en_phrases);
            if !en_quotes.is_empty() {
                let hay: Vec<char> = normalize(en).chars().collect();
                spans.extend(en_quotes.iter().flat_map(|q| highlight::find_all_ignoring_space(&hay, q)));
                spans = highlight::merge(spans);
            }
            spans
        })
        .unwrap_or_default();
    let tier = if highlights.is_empty() && !highlights_en.is_empty() {
        tier.min(3)
    } else {
        tier.min(zh_tier.max(if highlights_en.is_empty() { 1 } else { 2 }))
    };
    let snip = highlight::snippet(&p.text, &highlights, SNIPPET_CHARS);
    let snippet: String = p.text.chars().skip(snip.start).take(snip.end - snip.start).collect();
    let (snippet_en, snippet_en_highlights, snippet_en_html) = match &p.text_en {
        Some(en) => {
            let s = highlight::snippet(en, &highlights_en, SNIPPET_CHARS * 2);
            let text: String = en.chars().skip(s.start).take(s.end - s.start).collect();
            let html = highlight::to_html(&text, &s.spans);
            (Some(text), s.spans, Some(html))
        }
        None => (None, vec![], None),
    };
    Hit {
        id: p.id.clone(),
        doc: p.doc.clone(),
        kind: p.kind.as_str(),
        url: format!("/p/{}/{}", p.doc, p.id),
        breadcrumb: breadcrumb(&p),
        breadcrumb_en: breadcrumb_en(&p),
        chapter: p.chapter,
        section: p.section,
        panel: p.panel,
        snippet_html: highlight::to_html(&snippet, &snip.spans),
        snippet,
        snippet_highlights: snip.spans,
        snippet_start: snip.start,
        snippet_en,
        highlights_en,
        snippet_en_highlights,
        snippet_en_html,
        highlights,
        cells: p.cells,
        text: p.text,
        text_en: p.text_en,
        score,
        tier,
        targets: Vec::new(),
    }
}

/// Highlights in English text: every word whose stem is a stem of the phrases, with the
/// spaces between two highlighted words joined into one span (`air quality`).
pub fn english_spans(text: &str, phrases: &[String]) -> Vec<(usize, usize)> {
    let stems: std::collections::HashSet<String> =
        phrases.iter().flat_map(|p| plansearch_analysis::tokenizer::english_terms(p)).map(|(t, _, _)| t).collect();
    if stems.is_empty() {
        return vec![];
    }
    // Stemming changes only a word's ending, never its first letter: a word whose first
    // letter (ASCII, lowercased) begins no stem cannot match and is not stemmed at all.
    let firsts: Vec<char> = stems.iter().filter_map(|s| s.chars().next()).collect();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    // The byte where the last span ends, to join across whitespace and hyphens.
    let mut last_end_byte = 0;
    // The words of the text as the English analyzer would cut them (runs of letters and
    // digits), walked once with their character and byte offsets.
    let mut iter = text.char_indices().enumerate().peekable();
    while let Some((start, (byte_start, c))) = iter.next() {
        if !c.is_alphanumeric() {
            continue;
        }
        let (mut end, mut byte_end) = (start + 1, byte_start + c.len_utf8());
        while let Some(&(i, (b, d))) = iter.peek() {
            if !d.is_alphanumeric() {
                break;
            }
            (end, byte_end) = (i + 1, b + d.len_utf8());
            iter.next();
        }
        let first = c.to_ascii_lowercase();
        if first.is_ascii() && !firsts.contains(&first) {
            continue;
        }
        if !stem_in(&text[byte_start..byte_end], &stems) {
            continue;
        }
        match spans.last_mut() {
            Some(last) if text[last_end_byte..byte_start].chars().all(|c| c.is_whitespace() || c == '-') => last.1 = end,
            _ => spans.push((start, end)),
        }
        last_end_byte = byte_end;
    }
    spans
}

/// Is the English analyzer's term for one word (none for a stop word) among `stems`? Terms
/// are remembered per thread: the translation's vocabulary is small, and stemming every
/// word of every hit was most of a search's time.
fn stem_in(word: &str, stems: &std::collections::HashSet<String>) -> bool {
    thread_local! {
        static STEMS: std::cell::RefCell<HashMap<String, Option<String>>> = std::cell::RefCell::new(HashMap::new());
    }
    STEMS.with_borrow_mut(|cache| {
        if let Some(t) = cache.get(word) {
            return t.as_ref().is_some_and(|t| stems.contains(t));
        }
        if cache.len() > 100_000 {
            cache.clear();
        }
        let t = plansearch_analysis::tokenizer::english_terms(word).into_iter().next().map(|(t, _, _)| t);
        let found = t.as_ref().is_some_and(|t| stems.contains(t));
        cache.insert(word.to_string(), t);
        found
    })
}

/// `第四章 聚力实体经济… › 第一节 大力发展先进制造业 › 专栏 4-1 汽车…`, with "title not in
/// source" where the plan prints no title.
pub fn breadcrumb(p: &Passage) -> String {
    const MISSING: &str = "（标题缺失 title not in source）";
    let mut parts = Vec::new();
    if let Some(c) = &p.chapter {
        parts.push(format!("{} {}", c.label(), c.title.as_deref().unwrap_or(MISSING)));
    }
    if let Some(s) = &p.section {
        parts.push(format!("{} {}", s.label(), s.title.as_deref().unwrap_or(MISSING)));
    }
    if let Some(pr) = &p.panel {
        let title = if pr.title.is_empty() { MISSING } else { pr.title.as_str() };
        parts.push(if pr.numbered { format!("专栏 {} {}", pr.id, title) } else { format!("专栏 {title}") });
    }
    parts.join(" › ")
}

/// `Chapter 4 Focus on the Real Economy… › Section 1 … › Panel 4-1 …`, in English.
pub fn breadcrumb_en(p: &Passage) -> String {
    const MISSING: &str = "(title not in source)";
    let mut parts = Vec::new();
    if let Some(c) = &p.chapter {
        parts.push(
            format!("Chapter {} {}", c.number, c.title_en.as_deref().unwrap_or(if c.title.is_none() { MISSING } else { "" })).trim_end().to_string(),
        );
    }
    if let Some(s) = &p.section {
        let n = s.number.rsplit('.').next().unwrap_or("");
        parts.push(format!("Section {n} {}", s.title_en.as_deref().unwrap_or(if s.title.is_none() { MISSING } else { "" })).trim_end().to_string());
    }
    if let Some(pr) = &p.panel {
        let title = pr.title_en.as_deref().unwrap_or(if pr.title.is_empty() { MISSING } else { "" });
        parts.push(if pr.numbered { format!("Panel {} {title}", pr.id) } else { format!("Panel: {title}") }.trim_end().to_string());
    }
    parts.join(" › ")
}

/// Counts of matches per (document, chapter) and per panel, from fast fields.
#[derive(Default, Debug)]
pub struct FacetCounts {
    documents: HashMap<u64, usize>,
    chapters: HashMap<(u64, u64), usize>,
    panels: HashMap<u64, usize>,
}

impl FacetCounts {
    fn add(&mut self, doc_no: u64, chapter: u64, panel_no: u64) {
        *self.documents.entry(doc_no).or_default() += 1;
        if chapter > 0 {
            *self.chapters.entry((doc_no, chapter)).or_default() += 1;
        }
        if panel_no > 0 {
            *self.panels.entry(panel_no).or_default() += 1;
        }
    }

    fn resolve(self, meta: &plansearch_index::Meta) -> Facets {
        // Keys are numbers in reading order (the document number is the position in
        // `meta.documents`, the panel number one more than the position in `meta.panels`):
        // keep the largest counts, then sort by key, and only then look the names up.
        let (documents, more_documents) = largest(self.documents.into_iter().collect());
        let (chapters, more_chapters) = largest(self.chapters.into_iter().collect());
        let (panels, more_panels) = largest(self.panels.into_iter().collect());
        let documents = documents
            .into_iter()
            .filter_map(|(d, count)| {
                let doc = meta.documents.get(d as usize)?;
                Some(DocumentFacet { doc: doc.slug.clone(), title: doc.title.clone(), count })
            })
            .collect();
        let chapters = chapters
            .into_iter()
            .filter_map(|((d, c), count)| {
                let doc = meta.documents.get(d as usize)?;
                let ch = doc.chapters.iter().find(|x| x.number as u64 == c);
                Some(ChapterFacet {
                    doc: doc.slug.clone(),
                    number: c as u32,
                    title: ch.and_then(|x| x.title.clone()),
                    inferred: ch.is_some_and(|x| x.inferred),
                    count,
                })
            })
            .collect();
        let panels = panels
            .into_iter()
            .filter_map(|(n, count)| {
                let m = meta.panels.get(n as usize - 1)?;
                Some(PanelFacet { doc: m.doc.clone(), id: m.id.clone(), title: m.title.clone(), numbered: m.numbered, chapter: m.chapter, count })
            })
            .collect();
        Facets { documents, chapters, panels, more_documents, more_chapters, more_panels }
    }

    fn merge(&mut self, other: FacetCounts) {
        for (k, v) in other.documents {
            *self.documents.entry(k).or_default() += v;
        }
        for (k, v) in other.chapters {
            *self.chapters.entry(k).or_default() += v;
        }
        for (k, v) in other.panels {
            *self.panels.entry(k).or_default() += v;
        }
    }
}

/// The [`MAX_FACETS`] largest counts (ties in reading order) sorted by key, and how many
/// were left out.
fn largest<K: Ord + Copy>(mut counts: Vec<(K, usize)>) -> (Vec<(K, usize)>, usize) {
    let more = counts.len().saturating_sub(MAX_FACETS);
    if more > 0 {
        counts.select_nth_unstable_by_key(MAX_FACETS - 1, |&(k, c)| (std::cmp::Reverse(c), k));
        counts.truncate(MAX_FACETS);
    }
    counts.sort_unstable_by_key(|&(k, _)| k);
    (counts, more)
}

/// A tantivy collector for [`FacetCounts`] over every match.
pub struct FacetCollector;

pub struct FacetSegment {
    doc_no: tantivy::columnar::Column<u64>,
    chapter: tantivy::columnar::Column<u64>,
    panel_no: tantivy::columnar::Column<u64>,
    counts: FacetCounts,
}

impl Collector for FacetCollector {
    type Fruit = FacetCounts;
    type Child = FacetSegment;

    fn for_segment(&self, _ord: u32, reader: &SegmentReader) -> tantivy::Result<FacetSegment> {
        let ff = reader.fast_fields();
        Ok(FacetSegment { doc_no: ff.u64("doc_no")?, chapter: ff.u64("chapter")?, panel_no: ff.u64("panel_no")?, counts: FacetCounts::default() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetCounts>) -> tantivy::Result<FacetCounts> {
        let mut all = FacetCounts::default();
        for f in fruits {
            all.merge(f);
        }
        Ok(all)
    }
}

impl SegmentCollector for FacetSegment {
    type Fruit = FacetCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let (d, c, p) = (self.doc_no.first(doc).unwrap_or(0), self.chapter.first(doc).unwrap_or(0), self.panel_no.first(doc).unwrap_or(0));
        self.counts.add(d, c, p);
    }

    fn harvest(self) -> FacetCounts {
        self.counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facet_lists_keep_the_largest_counts_in_reading_order() {
        let counts: Vec<(u64, usize)> = (0..250u64).map(|k| (k, (k as usize * 37) % 101)).collect();
        let (kept, more) = largest(counts.clone());
        assert_eq!((kept.len(), more), (MAX_FACETS, 150));
        assert!(kept.windows(2).all(|w| w[0].0 < w[1].0), "in key order");
        let smallest_kept = kept.iter().map(|k| k.1).min().unwrap();
        let left_out: Vec<_> = counts.iter().filter(|c| !kept.contains(c)).collect();
        assert!(left_out.iter().all(|c| c.1 <= smallest_kept), "nothing larger was left out");
        // Ties go to the earlier key.
        let tied_out = left_out.iter().filter(|c| c.1 == smallest_kept).map(|c| c.0).min();
        let tied_in = kept.iter().filter(|c| c.1 == smallest_kept).map(|c| c.0).max();
        assert!(tied_out.zip(tied_in).is_none_or(|(o, i)| i < o));
        let (few, none) = largest(vec![(3u64, 1), (1, 5)]);
        assert_eq!((few, none), (vec![(1, 5), (3, 1)], 0));
    }
}
