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

mod abbrev;
mod answer;
mod ask;
pub mod bilingual;
mod compile;
mod correct;
mod facets;
pub mod highlight;
mod hit;
mod prepare;
pub mod query;
mod response;
pub mod synonyms;
mod topk;
mod words;

use std::time::Instant;

use plansearch_analysis::jieba;
use plansearch_corpus::{Outline, Passage};
use plansearch_index::{Fields, PlanIndex};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Score, TantivyDocument, Term};

pub use bilingual::Translator;
pub use facets::{FacetCollector, FacetCounts, FacetShape, Places};
pub use hit::{breadcrumb, breadcrumb_en, english_spans, highlight_spans, Spans};
pub use prepare::{required_words, MAX_UNITS};
pub use query::{parse, Filters, Parsed, Unit, FILTER_NAMES, MAX_QUERY_CHARS};
pub use response::*;
pub use synonyms::Synonyms;

use compile::{ranked, Partial};
use hit::make_hit;
use prepare::{Prepared, ReadState};

/// The score of a passage holding a unit's exact text.
pub const EXACT: Score = 10_000.0;
/// The score of a passage holding all of a unit's words.
pub const ALL_WORDS: Score = 1_000.0;
/// How much more a word in a title weighs than a word in the text.
pub const TITLE_BOOST: Score = 2.0;
/// The most hits one request returns.
pub const MAX_LIMIT: usize = 100;
/// A one-unit query lists passages holding only some of its words while fewer than this
/// many passages hold it; past that the largest page is filled without them, and the search
/// costs what the passages holding the query cost.
pub const PARTIAL_BELOW: usize = MAX_LIMIT;
/// The furthest one can page.
pub const MAX_OFFSET: usize = 10_000;
/// How long one search may take before it returns what it has (`timed_out`).
pub const BUDGET: std::time::Duration = std::time::Duration::from_millis(200);
/// The snippet size, in characters.
pub const SNIPPET_CHARS: usize = 140;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("the index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("a stored passage could not be read: {0}")]
    Stored(#[from] serde_json::Error),
    #[error("a stored passage has no JSON")]
    NotStored,
}

/// The search engine over one open index.
#[derive(Clone)]
pub struct Engine {
    pub index: PlanIndex,
    pub synonyms: Synonyms,
    pub translator: std::sync::Arc<Translator>,
    lexicon: std::sync::Arc<correct::Lexicon>,
    facet_shape: FacetShape,
    places: std::sync::Arc<Places>,
    /// The Chinese words of the word field, by the character pairs they hold.
    words: std::sync::Arc<words::Words>,
    /// The outline's panels as facets, by panel number less one.
    panel_facets: std::sync::Arc<Vec<PanelFacet>>,
    /// Score every match of a keyword query in full (see [`Engine::exhaustive`]).
    exhaustive: bool,
}

impl Engine {
    pub fn new(index: PlanIndex, synonyms: Synonyms) -> Engine {
        // Load jieba's dictionaries now, not in the first request.
        let _ = jieba();
        let translator = std::sync::Arc::new(Translator::new(&index.vocab));
        let english = correct::english_words(&index.reader.searcher(), index.fields.en_grams);
        let lexicon = std::sync::Arc::new(correct::Lexicon::new(&index.vocab, english));
        let facet_shape = FacetShape::of(&index.meta.outline);
        let panel_facets = std::sync::Arc::new(facets::panel_facets(&index.meta.outline));
        // Unreadable fast fields are read again by each search, which then reports the error.
        let places = std::sync::Arc::new(Places::of(&index.reader.searcher()).unwrap_or_default());
        let words = std::sync::Arc::new(words::Words::of(&index.reader.searcher(), index.fields.words));
        Engine { index, synonyms, translator, lexicon, facet_shape, places, words, panel_facets, exhaustive: false }
    }

    /// This engine, scoring every match of a keyword query in full with tantivy instead of
    /// only those that can still reach the page: the same answers, slower. For checking the
    /// pruned search ([`topk`]) and measuring what it saves.
    pub fn exhaustive(&self) -> Engine {
        Engine { exhaustive: true, ..self.clone() }
    }

    /// The plan's table of contents, as the index build made it.
    pub fn outline(&self) -> &Outline {
        &self.index.meta.outline
    }

    /// The facet counter of a search.
    pub fn facets(&self) -> FacetCollector {
        FacetCollector { shape: self.facet_shape, places: self.places.clone() }
    }

    fn fields(&self) -> Fields {
        self.index.fields
    }

    /// Run a search. Never fails on user input; errors are index failures.
    pub fn search(&self, req: &Request) -> Result<Response, SearchError> {
        self.run(req, true)
    }

    /// [`Engine::search`]; `suggest` looks for a nearby query when nothing is found (not when
    /// trying the suggestions themselves).
    fn run(&self, req: &Request, suggest: bool) -> Result<Response, SearchError> {
        let started = Instant::now();
        let limit = req.limit.clamp(1, MAX_LIMIT);
        let offset = req.offset.min(MAX_OFFSET);
        let searcher = self.index.reader.searcher();
        let Read { parsed, english, reading, groups, mut rd_notes, corrected, dropped } = self.read(&searcher, req);
        let asked = reading != Reading::Keywords;
        let mut kept: Vec<&Prepared> = if asked { groups.iter().flatten().collect() } else { vec![] };
        kept.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        let mut notes = parsed.notes.clone();
        notes.append(&mut rd_notes);
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
                    p.alternatives.iter().filter(|a| a.source != Source::Typed).map(|a| Expansion {
                        from: p.text.clone(),
                        to: a.text.clone(),
                        source: a.source,
                    })
                })
                .collect(),
            reading,
            kept: kept.iter().map(|p| p.text.clone()).collect(),
            dropped,
            corrected,
            asks_quantity: reading == Reading::Question && ask::asks_quantity(&parsed, english),
            notes,
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
            answer: None,
            timed_out: false,
            suggestion: None,
            message: None,
        };
        if groups.is_empty() && !parsed.filters.is_empty() && parsed.exclude.is_empty() {
            // Filters alone browse: every passage they allow, in reading order.
            let query = self.filter_query(&parsed.filters, Box::new(tantivy::query::AllQuery));
            let collector = TopDocs::with_limit(limit).and_offset(offset).order_by_fast_field::<u64>("seq_no", tantivy::Order::Asc);
            let (top, total, facets) = searcher.search(&query, &(collector, Count, self.facets()))?;
            for (_, addr) in top {
                response.hits.push(make_hit(self.passage(&searcher, addr)?, 0.0, &[], &self.translator));
            }
            response.total = total;
            response.facets = facets.resolve(self.outline(), &self.panel_facets);
            if total == 0 {
                response.message = Some("No passage matches. 没有找到匹配的段落。".into());
            }
            response.took_ms = elapsed_ms(started);
            return Ok(response);
        }
        if groups.is_empty() {
            response.message = Some(if req.q.trim().is_empty() {
                "Type a word or phrase to search the plan. 请输入检索词。".into()
            } else if asked && !response.interpreted.dropped.is_empty() {
                "Only question words or words in most passages: add what the question is about. 检索式中只有疑问词或常见词，请补充要查的内容。".into()
            } else {
                "Nothing to search for in this query. 检索式中没有可检索的词。".into()
            });
            response.took_ms = elapsed_ms(started);
            return Ok(response);
        }
        let single = groups.len() == 1 && groups[0].len() == 1 && !groups[0][0].exact;
        let translator = &self.translator;
        let any_exact = groups.iter().flatten().any(|p| p.exact);
        // One pass gives the page, the count and the facets. Quoted text is a phrase of grams
        // (Chinese, or English words as typed), exact by construction: marks hold their
        // positions, whitespace none. No verification needed.
        let (top, total, facets) = if asked {
            let units: Vec<Prepared> = groups.iter().flatten().cloned().collect();
            let query = self.build_asked_query(&units, &parsed, reading);
            searcher.search(&*query, &(ranked(limit, offset), Count, self.facets()))?
        } else {
            let pass = |plan: &compile::Plan| {
                if self.exhaustive {
                    searcher.search(&*plan.query(), &(ranked(limit, offset), Count, self.facets()))
                } else {
                    topk::run(&searcher, plan, limit, offset, self.facets())
                }
            };
            // Passages holding only some of a one-unit query's words rank below every passage
            // holding it, so they are listed only while those are few: a broad query's cost
            // is bounded by the passages that hold it, not by every passage sharing a word.
            let (plan, partials) = self.build_query(&groups, &parsed, single, false, Partial::ScoreOnly);
            let mut found = pass(&plan)?;
            if partials > 0 && found.1 < PARTIAL_BELOW {
                found = pass(&self.build_query(&groups, &parsed, single, false, Partial::Match).0)?;
            } else if partials > 1 {
                response.interpreted.notes.push(format!(
                    "{} passages hold the query: passages holding only some of its words are not listed. {}个段落包含检索词，仅含其中部分词语的段落不再列出。",
                    found.1, found.1
                ));
            }
            // No passage has every term: rather than nothing, show passages with some of
            // them, and say so. Exact quotes stay exact.
            if groups.len() > 1 && !any_exact && found.1 == 0 {
                found = pass(&self.build_query(&groups, &parsed, single, true, Partial::Match).0)?;
                response.interpreted.notes.push(
                    "no passage has all the terms: showing passages with some of them. 没有段落同时包含所有检索词，以下为包含部分检索词的段落。"
                        .into(),
                );
            }
            found
        };
        response.total = total;
        response.facets = facets.resolve(self.outline(), &self.panel_facets);
        for ((score, _), addr) in top {
            // Past the budget, the page is cut short rather than run on (the first hit always).
            if !response.hits.is_empty() && started.elapsed() > BUDGET {
                response.timed_out = true;
                response.interpreted.notes.push("the search took too long: showing the hits found so far. 检索超时，仅显示已得到的结果。".into());
                break;
            }
            response.hits.push(make_hit(self.passage(&searcher, addr)?, score, &groups, translator));
        }
        if reading == Reading::Question && !response.interpreted.asks_quantity && offset == 0 {
            response.answer = answer::from_passage(&response.hits, &groups);
        }
        if total == 0 {
            response.message = Some("No passage matches. 没有找到匹配的段落。".into());
            if suggest {
                response.suggestion = self.suggest(&response);
            }
        }
        response.took_ms = elapsed_ms(started);
        Ok(response)
    }

    /// Read a query as a search reads it: parsed, its filters merged, capped at
    /// [`MAX_UNITS`] units, its reading decided and every unit prepared (synonyms,
    /// translations, corrections, short forms). Hits and [`Engine::highlight`] both mark
    /// what this prepares, so a passage page marks what its hit marked.
    fn read(&self, searcher: &tantivy::Searcher, req: &Request) -> Read {
        let mut parsed = parse(&req.q);
        parsed.filters.merge(&req.filters);
        // A query's cost is bounded by what it shows: at most MAX_UNITS units are read.
        let mut room = MAX_UNITS;
        let units = parsed.groups.iter().map(Vec::len).sum::<usize>();
        parsed.groups.retain_mut(|g| {
            g.truncate(room);
            room -= g.len();
            !g.is_empty()
        });
        if units > MAX_UNITS {
            parsed.notes.push(format!("only the first {MAX_UNITS} terms of the query were searched for. 仅检索前{MAX_UNITS}个词。"));
        }
        parsed.exclude.truncate(MAX_UNITS);

        let units: Vec<&str> = parsed.groups.iter().flatten().map(|u| u.text.as_str()).collect();
        let english = match req.lang {
            Lang::En => true,
            Lang::Zh => false,
            Lang::Auto => bilingual::looks_latin(&units),
        };
        let reading = ask::reading(&parsed, english);
        let mut rd = ReadState {
            searcher,
            reading,
            docs: searcher.num_docs().max(1) as f64,
            corrected: vec![],
            dropped: vec![],
            notes: vec![],
            lookups: prepare::MAX_LOOKUPS,
        };
        let groups: Vec<Vec<Prepared>> = match reading {
            Reading::Keywords if english => self.prepare_english(&mut rd, &parsed),
            Reading::Keywords => parsed.groups.iter().map(|g| g.iter().map(|u| self.prepare_absent(&mut rd, u)).collect()).collect(),
            Reading::Question | Reading::Sentence => self.prepare_asked(&mut rd, &parsed, english).into_iter().map(|p| vec![p]).collect(),
        };
        Read { parsed, english, reading, groups, rd_notes: rd.notes, corrected: rd.corrected, dropped: rd.dropped }
    }

    /// The spans of `passage` a search for `q` marks — Chinese, then English; character
    /// offsets on its text and its translation — exactly as on the hit for that passage.
    pub fn highlight(&self, passage: &Passage, q: &str) -> (Spans, Spans) {
        if q.trim().is_empty() {
            return (vec![], vec![]);
        }
        let searcher = self.index.reader.searcher();
        let read = self.read(&searcher, &Request { q: q.to_string(), ..Default::default() });
        let marks = hit::marks(passage, &read.groups, &self.translator);
        (marks.zh, marks.en)
    }

    fn passage(&self, searcher: &tantivy::Searcher, addr: DocAddress) -> Result<Passage, SearchError> {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let json = doc.get_first(self.fields().json).and_then(|v| v.as_str()).ok_or(SearchError::NotStored)?;
        Ok(serde_json::from_str(json)?)
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

    /// For a query that found nothing: a simpler query that finds something — without its
    /// filters, any of its words, or one of its words (or a word of a question) alone.
    fn suggest(&self, res: &Response) -> Option<Suggestion> {
        let i = &res.interpreted;
        let words: Vec<String> = i.groups.iter().flatten().map(|u| u.text.clone()).collect();
        let mut candidates: Vec<String> = Vec::new();
        if !i.filters.is_empty() || !i.exclude.is_empty() {
            candidates.push(words.join(" "));
        }
        if words.len() > 1 {
            candidates.push(words.join(" OR "));
        }
        candidates.extend(i.kept.iter().cloned());
        candidates.extend(i.groups.iter().flatten().flat_map(|u| u.words.clone()).filter(|w| w.chars().count() >= 2));
        candidates.extend(i.dropped.iter().filter(|d| d.why == DropReason::TooCommon).map(|d| d.word.clone()));
        let mut tried = std::collections::HashSet::new();
        for q in candidates.into_iter().filter(|q| !q.trim().is_empty() && *q != res.query).take(8) {
            if !tried.insert(q.clone()) {
                continue;
            }
            let found = self.run(&Request { q: q.clone(), limit: 1, ..Default::default() }, false).ok()?;
            if found.total > 0 {
                return Some(Suggestion { q, total: found.total });
            }
        }
        None
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

/// A query as read for searching (see [`Engine::read`]).
struct Read {
    parsed: Parsed,
    english: bool,
    reading: Reading,
    groups: Vec<Vec<Prepared>>,
    rd_notes: Vec<String>,
    corrected: Vec<Correction>,
    dropped: Vec<Dropped>,
}

fn elapsed_ms(started: Instant) -> f64 {
    (started.elapsed().as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0
}
