//! The tantivy query compiler: prepared units become one boolean query whose constant-score
//! clauses are the ranking tiers (exact text, all words, some words) and whose BM25 clauses
//! order passages within a tier; filters and exclusions wrap it.

use plansearch_analysis::normalize;
use tantivy::collector::{Collector, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Score, SegmentReader, Term};

use crate::prepare::{ranking_words, required_words, Prepared};
use crate::query::{Filters, Parsed};
use crate::{Engine, Source, ALL_WORDS, EXACT, TITLE_BOOST};

impl Engine {
    /// The query for prepared groups; `relaxed` makes each group optional (at least one).
    pub(crate) fn build_query(&self, groups: &[Vec<Prepared>], parsed: &Parsed, single: bool, relaxed: bool) -> Box<dyn Query> {
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
                    if single && alt.source == Source::Typed {
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
                for alt in p.alternatives.iter().filter(|a| a.source == Source::Typed) {
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
    pub(crate) fn filter_query(&self, fl: &Filters, query: Box<dyn Query>) -> Box<dyn Query> {
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
}

/// The top hits by score, ties in reading order. tantivy breaks ties by document address,
/// and addresses depend on how a build spread the documents over segments, which differs
/// from build to build: the same query on the same corpus must give the same order.
pub(crate) fn ranked(limit: usize, offset: usize) -> impl Collector<Fruit = Vec<((Score, std::cmp::Reverse<u64>), DocAddress)>> {
    TopDocs::with_limit(limit).and_offset(offset).tweak_score(|segment: &SegmentReader| {
        let seq = segment.fast_fields().u64("seq_no").ok().map(|c| c.first_or_default_col(u64::MAX));
        move |doc: DocId, score: Score| (score, std::cmp::Reverse(seq.as_ref().map_or(u64::MAX, |c| c.get_val(doc))))
    })
}

pub(crate) fn merge_filters(parsed: &mut Parsed, extra: &Filters) {
    let f = &mut parsed.filters;
    f.doc = extra.doc.clone().or(f.doc.take());
    f.chapter = extra.chapter.or(f.chapter);
    f.section = extra.section.clone().or(f.section.take());
    f.panel = extra.panel.clone().or(f.panel.take());
    f.kind = extra.kind.clone().or(f.kind.take());
    f.company = extra.company.clone().or(f.company.take());
}

pub(crate) fn term_query(field: tantivy::schema::Field, word: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, word), IndexRecordOption::WithFreqs))
}

/// The exact text of a unit as a phrase of grams (a single term when it is one gram).
pub(crate) fn gram_phrase_query(field: tantivy::schema::Field, normalized: &str) -> Option<Box<dyn Query>> {
    let terms = plansearch_analysis::gram_phrase(normalized)?;
    if terms.len() == 1 {
        return Some(Box::new(TermQuery::new(Term::from_field_text(field, &terms[0].1), IndexRecordOption::Basic)));
    }
    Some(Box::new(PhraseQuery::new_with_offset(terms.into_iter().map(|(pos, t)| (pos, Term::from_field_text(field, &t))).collect())))
}
