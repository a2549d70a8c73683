//! The query compiler: prepared units become a [`Plan`] — groups of constant-score clauses
//! that are the ranking tiers (exact text, all words, some words) and BM25 clauses that
//! order passages within a tier, with filters and exclusions. [`crate::topk`] runs a plan and
//! reads only what can change the page; [`Plan::query`] is the same plan as one tantivy
//! query. Questions and sentences compile to a tantivy query directly.

use plansearch_analysis::normalize;
use tantivy::collector::{Collector, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader, Term};

use crate::prepare::{ranking_words, required_words, Alt, Prepared};
use crate::query::{Filters, Parsed};
use crate::{Engine, Reading, Source, ALL_WORDS, EXACT, TITLE_BOOST};

/// The score of a passage that opens the part of the plan whose title holds the unit (its
/// chapter, section or panel): above the heading of that part, which holds the unit exactly
/// and all its words.
pub const OPENS: Score = EXACT + ALL_WORDS + 500.0;
/// Whether a passage holding only some of a one-unit query's words matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Partial {
    /// It matches, ranked below every passage holding the unit or all its words.
    Match,
    /// It does not; the words only add to the score of passages that match otherwise.
    ScoreOnly,
}

/// In a question, what one unit of informativeness (inverse document frequency) is worth.
const ASKED: Score = 10.0;
/// In a question, how much a pair of its words standing near each other adds.
const NEAR: Score = 0.5;
/// How far apart (in characters) two words of a question may stand to count as near.
const NEAR_SLOP: u32 = 4;
/// In a pasted sentence, the most character pairs it is ranked by.
const MAX_BIGRAMS: usize = 96;

impl Engine {
    /// The query for prepared groups; `relaxed` makes each group optional (at least one).
    /// A one-unit query also scores the unit's words one by one (a passage with only some of
    /// them is a partial match, below every passage holding them all); `partial` says whether
    /// such a passage matches, or whether those words only add to the score of passages that
    /// match otherwise — the same scores, over far fewer passages. Also returns how many
    /// partial-match clauses there are.
    pub(crate) fn build_query(&self, groups: &[Vec<Prepared>], parsed: &Parsed, single: bool, relaxed: bool, partial: Partial) -> (Plan, usize) {
        let f = self.fields();
        let mut plan = Plan {
            groups: vec![],
            any_group: relaxed,
            extras: vec![],
            exclude: self.exclusions(parsed),
            filters: self.filter_parts(&parsed.filters),
        };
        let mut partials = 0;
        for group in groups {
            let mut alts: Vec<Fixed> = Vec::new();
            for p in group {
                for alt in &p.alternatives {
                    let weight = alt.weight;
                    if let Some(docs) = self.presence_docs(p.exact, alt) {
                        alts.push(Fixed { docs, score: EXACT * weight });
                    }
                    if p.exact {
                        continue;
                    }
                    if alt.source == Source::Typed {
                        if let Some(docs) = self.opens_docs(alt) {
                            alts.push(Fixed { docs, score: OPENS * weight });
                        }
                    }
                    let (field, words) = if alt.en { (f.en, english_words(&alt.text)) } else { (f.words, required_words(&alt.text)) };
                    if words.len() > 1 || (!alt.en && !words.is_empty()) {
                        alts.push(Fixed { docs: Docs::all(field, &words), score: ALL_WORDS * weight });
                    }
                    if single && (alt.source == Source::Typed || alt.en) {
                        // Partial matches, for a one-word query only: any word, scored below.
                        let some = if alt.en {
                            if words.len() > 1 {
                                words
                            } else {
                                vec![]
                            }
                        } else {
                            ranking_words(&alt.text)
                        };
                        for w in some {
                            let clause = Fixed { docs: Docs::all(field, std::slice::from_ref(&w)), score: 1.0 };
                            partials += 1;
                            match partial {
                                Partial::Match => alts.push(clause),
                                Partial::ScoreOnly => plan.extras.push(Extra::Fixed(clause)),
                            }
                        }
                    }
                }
            }
            plan.groups.push(alts);
            plan.extras.extend(self.ranking_clauses(group, 1.0).into_iter().map(|(term, boost)| Extra::Bm25 { term, boost }));
        }
        (plan, partials)
    }

    /// The query for a question or sentence: no unit is required; a passage scores by the
    /// informativeness of the units it holds (each counted once, by its best alternative), by
    /// pairs of them standing near each other, by the title of the part it opens, and — for a
    /// pasted sentence — by the character pairs it shares with it.
    pub(crate) fn build_asked_query(&self, units: &[Prepared], parsed: &Parsed, reading: Reading) -> Box<dyn Query> {
        let f = self.fields();
        let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut rank: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for p in units {
            let mut best: Vec<Box<dyn Query>> = Vec::new();
            for alt in &p.alternatives {
                if let Some(q) = self.presence_query(p.exact, alt) {
                    best.push(Box::new(ConstScoreQuery::new(q, ASKED * p.weight * alt.weight)));
                }
                if !p.exact && alt.source == Source::Typed {
                    if let Some(q) = self.opens_query(alt) {
                        rank.push((Occur::Should, Box::new(ConstScoreQuery::new(q, ASKED * p.weight * NEAR))));
                    }
                }
            }
            if !best.is_empty() {
                any.push((Occur::Should, Box::new(DisjunctionMaxQuery::new(best))));
            }
            rank.extend(self.ranking_clauses(std::slice::from_ref(p), 0.2).into_iter().map(|(t, boost)| (Occur::Should, bm25_query(t, boost))));
        }
        // Neighbouring units near each other in the text: proximity counts.
        for pair in units.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            let (Some(ta), Some(tb)) = (a.alternatives.first(), b.alternatives.first()) else { continue };
            if ta.en != tb.en || a.exact || b.exact {
                continue;
            }
            // Chinese: the two words' grams; English: their stemmed words, in the same order.
            let (field, ga, gb, gap) = if ta.en {
                let en = plansearch_analysis::tokenizer::english_phrase;
                (f.en, Some(en(&ta.text)), Some(en(&tb.text)), 1)
            } else {
                (f.grams, plansearch_analysis::gram_phrase(&ta.text), plansearch_analysis::gram_phrase(&tb.text), 2)
            };
            let (Some(ga), Some(gb)) = (ga, gb) else { continue };
            let shift = ga.last().map_or(0, |(at, _)| at + gap);
            let terms: Vec<(usize, Term)> =
                ga.into_iter().chain(gb.into_iter().map(|(at, t)| (at + shift, t))).map(|(at, t)| (at, Term::from_field_text(field, &t))).collect();
            if terms.len() < 2 {
                continue;
            }
            let mut q = PhraseQuery::new_with_offset(terms);
            q.set_slop(NEAR_SLOP);
            rank.push((Occur::Should, Box::new(ConstScoreQuery::new(Box::new(q), ASKED * (a.weight + b.weight) * NEAR))));
        }
        if reading == Reading::Sentence {
            let text: String = units.iter().filter(|p| !p.exact).map(|p| p.text.as_str()).collect::<Vec<_>>().join(" ");
            let mut seen = std::collections::HashSet::new();
            for t in plansearch_analysis::gram_tokens(&text) {
                if t.text.chars().count() == 2 && seen.insert(t.text.clone()) && seen.len() <= MAX_BIGRAMS {
                    rank.push((Occur::Should, term_query(f.grams, &t.text)));
                }
            }
        }
        let mut must: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(BooleanQuery::new(any)))];
        must.extend(rank);
        must.extend(self.exclusions(parsed).into_iter().map(|q| (Occur::MustNot, q)));
        self.filter_query(&parsed.filters, Box::new(BooleanQuery::new(must)))
    }

    /// A passage holding the alternative as it stands: a phrase of grams (Chinese; quoted
    /// English as typed), or of stemmed English words.
    fn presence_query(&self, exact: bool, alt: &Alt) -> Option<Box<dyn Query>> {
        self.presence_docs(exact, alt).map(|d| d.query())
    }

    fn presence_docs(&self, exact: bool, alt: &Alt) -> Option<Docs> {
        let f = self.fields();
        if !alt.en {
            let mut docs = Docs::gram_phrase(&self.index.reader.searcher(), f.grams, &alt.text)?;
            if let Docs::Phrase { sure, .. } = &mut docs {
                // A passage with a word that contains the text holds the text.
                *sure = self.words.containing(&alt.text).into_iter().map(|w| Term::from_field_text(f.words, w)).collect();
            }
            return Some(docs);
        }
        if exact {
            // Quoted: the words and marks as typed, stop words too, unstemmed.
            return Docs::gram_phrase(&self.index.reader.searcher(), f.en_grams, &normalize(&alt.text));
        }
        let terms = plansearch_analysis::tokenizer::english_phrase(&alt.text);
        match terms.len() {
            0 => None,
            1 => Some(Docs::all(f.en, &[terms[0].1.clone()])),
            _ => Some(Docs::Phrase { terms: terms.into_iter().map(|(at, t)| (at, Term::from_field_text(f.en, &t))).collect(), sure: vec![] }),
        }
    }

    /// A passage opening a part of the plan whose title holds all the alternative's words.
    fn opens_query(&self, alt: &Alt) -> Option<Box<dyn Query>> {
        self.opens_docs(alt).map(|d| d.query())
    }

    fn opens_docs(&self, alt: &Alt) -> Option<Docs> {
        let f = self.fields();
        let (field, words) = if alt.en { (f.opens_en, english_words(&alt.text)) } else { (f.opens, required_words(&alt.text)) };
        (!words.is_empty()).then(|| Docs::all(field, &words))
    }

    /// BM25 over the typed words of a group's units, titles weighing more: orders passages
    /// within a tier. Each term with its boost.
    fn ranking_clauses(&self, group: &[Prepared], boost: Score) -> Vec<(Term, Score)> {
        let f = self.fields();
        let mut out = Vec::new();
        for p in group.iter().filter(|p| !p.exact) {
            for alt in p.alternatives.iter().filter(|a| a.source == Source::Typed) {
                let (text, heading, words) =
                    if alt.en { (f.en, f.heading_en, english_words(&alt.text)) } else { (f.words, f.heading, ranking_words(&alt.text)) };
                for w in words {
                    out.push((Term::from_field_text(text, &w), boost));
                    out.push((Term::from_field_text(heading, &w), TITLE_BOOST * boost));
                }
            }
        }
        out
    }

    /// The excluded units, in Chinese and English: a passage holding one is left out.
    fn exclusions(&self, parsed: &Parsed) -> Vec<Box<dyn Query>> {
        let f = self.fields();
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        for u in &parsed.exclude {
            if let Some(q) = gram_phrase_query(&self.index.reader.searcher(), f.grams, &u.text) {
                out.push(q);
            }
            let terms: Vec<(usize, Term)> =
                plansearch_analysis::tokenizer::english_phrase(&u.text).into_iter().map(|(at, t)| (at, Term::from_field_text(f.en, &t))).collect();
            match terms.len() {
                0 => {}
                1 => out.push(Box::new(TermQuery::new(terms[0].1.clone(), IndexRecordOption::Basic))),
                _ => out.push(Box::new(PhraseQuery::new_with_offset(terms))),
            }
        }
        out
    }

    /// `query` restricted by the filters.
    pub(crate) fn filter_query(&self, fl: &Filters, query: Box<dyn Query>) -> Box<dyn Query> {
        let mut must: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
        must.extend(self.filter_parts(fl).into_iter().map(|q| (Occur::Must, q)));
        Box::new(BooleanQuery::new(must))
    }

    /// The filters, each a query every passage shown must match.
    fn filter_parts(&self, fl: &Filters) -> Vec<Box<dyn Query>> {
        let f = self.fields();
        let mut must: Vec<Box<dyn Query>> = Vec::new();
        if let Some(d) = &fl.doc {
            must.push(Box::new(TermQuery::new(Term::from_field_text(f.doc, d), IndexRecordOption::Basic)));
        }
        if let Some(c) = fl.chapter {
            must.push(Box::new(TermQuery::new(Term::from_field_u64(f.chapter, c as u64), IndexRecordOption::Basic)));
        }
        if let Some(s) = &fl.section {
            must.push(Box::new(TermQuery::new(Term::from_field_text(f.section, &s.to_string()), IndexRecordOption::Basic)));
        }
        if let Some(p) = &fl.panel {
            must.push(Box::new(TermQuery::new(Term::from_field_text(f.panel, p), IndexRecordOption::Basic)));
        }
        if let Some(k) = &fl.kind {
            must.push(Box::new(TermQuery::new(Term::from_field_text(f.kind, k), IndexRecordOption::Basic)));
        }
        if let Some(c) = &fl.company {
            must.push(gram_phrase_query(&self.index.reader.searcher(), f.company, &normalize(c)).unwrap_or_else(|| Box::new(EmptyQuery)));
        }
        must
    }
}

/// A keyword query, compiled: a passage matches when it holds every group (any group, when
/// `any_group`), the filters and no exclusion; a group holds when one of its clauses does.
/// Its score is the sum of the scores of the filters, of each group's clauses that hold and
/// of the extras that hold ([`crate::topk`] adds them in one fixed order, so that its bounds
/// are never below a score).
pub(crate) struct Plan {
    pub groups: Vec<Vec<Fixed>>,
    pub any_group: bool,
    /// Clauses that only add to the score of a passage that matches.
    pub extras: Vec<Extra>,
    pub exclude: Vec<Box<dyn Query>>,
    pub filters: Vec<Box<dyn Query>>,
}

/// A constant-score clause: the passages `docs` finds score `score`.
#[derive(Debug, Clone)]
pub(crate) struct Fixed {
    pub docs: Docs,
    pub score: Score,
}

/// What only adds to a passage's score.
#[derive(Debug, Clone)]
pub(crate) enum Extra {
    Fixed(Fixed),
    /// BM25 of a term, times `boost`.
    Bm25 {
        term: Term,
        boost: Score,
    },
}

/// The passages a constant-score clause finds.
#[derive(Debug, Clone)]
pub(crate) enum Docs {
    /// Those holding every term.
    All(Vec<Term>),
    /// Those holding the terms at these relative positions: a phrase (at least two terms).
    /// `sure` are terms whose passages all hold it: words of the word field that contain
    /// the text (a word is a piece of its passage's text; see [`crate::words`]).
    Phrase { terms: Vec<(usize, Term)>, sure: Vec<Term> },
}

impl Docs {
    fn all(field: tantivy::schema::Field, words: &[String]) -> Docs {
        Docs::All(words.iter().map(|w| Term::from_field_text(field, w)).collect())
    }

    /// The exact text of a unit as a phrase of grams (all of one term when it is one gram):
    /// its [`covering`] grams, and its rarest gram when the cover leaves it out and it is far
    /// rarer than any gram kept — the passages holding every chosen gram are those whose
    /// positions are read, and a rare gram makes them few (城乡融合: 乡融, in a handful of
    /// passages, where 城乡 and 融合 share thousands).
    fn gram_phrase(searcher: &Searcher, field: tantivy::schema::Field, normalized: &str) -> Option<Docs> {
        let all = plansearch_analysis::gram_phrase(normalized)?;
        let mut terms = covering(all.clone());
        let df = |t: &str| searcher.doc_freq(&Term::from_field_text(field, t)).unwrap_or(0);
        if let Some(rare) = all.iter().filter(|t| !terms.contains(t)).min_by_key(|t| df(&t.1)) {
            if df(&rare.1).saturating_mul(2) < terms.iter().map(|t| df(&t.1)).min().unwrap_or(0) {
                terms.push(rare.clone());
                terms.sort();
            }
        }
        let mut terms: Vec<(usize, Term)> = terms.into_iter().map(|(pos, t)| (pos, Term::from_field_text(field, &t))).collect();
        Some(if terms.len() == 1 { Docs::All(vec![terms.remove(0).1]) } else { Docs::Phrase { terms, sure: vec![] } })
    }

    /// These passages, as a tantivy query.
    pub fn query(&self) -> Box<dyn Query> {
        match self {
            Docs::Phrase { terms, .. } => Box::new(PhraseQuery::new_with_offset(terms.clone())),
            Docs::All(terms) => Self::every(terms.iter()),
        }
    }

    fn every<'a>(terms: impl Iterator<Item = &'a Term>) -> Box<dyn Query> {
        let mut all: Vec<(Occur, Box<dyn Query>)> =
            terms.map(|t| (Occur::Must, Box::new(TermQuery::new(t.clone(), IndexRecordOption::Basic)) as Box<dyn Query>)).collect();
        match all.len() {
            0 => Box::new(EmptyQuery),
            1 => all.remove(0).1,
            _ => Box::new(BooleanQuery::new(all)),
        }
    }
}

impl Plan {
    /// The plan as one tantivy query: the same matches and scores, every match scored.
    pub fn query(&self) -> Box<dyn Query> {
        let required: Vec<Box<dyn Query>> = self
            .groups
            .iter()
            .map(|g| -> Box<dyn Query> {
                if g.is_empty() {
                    return Box::new(EmptyQuery);
                }
                Box::new(BooleanQuery::new(g.iter().map(|c| (Occur::Should, c.query())).collect()))
            })
            .collect();
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if self.any_group {
            must.push((Occur::Must, Box::new(BooleanQuery::new(required.into_iter().map(|q| (Occur::Should, q)).collect()))));
        } else {
            must.extend(required.into_iter().map(|q| (Occur::Must, q)));
        }
        for e in &self.extras {
            must.push((
                Occur::Should,
                match e {
                    Extra::Fixed(c) => c.query(),
                    Extra::Bm25 { term, boost } => bm25_query(term.clone(), *boost),
                },
            ));
        }
        must.extend(self.exclude.iter().map(|q| (Occur::MustNot, q.box_clone())));
        let mut top: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(BooleanQuery::new(must)))];
        top.extend(self.filters.iter().map(|q| (Occur::Must, q.box_clone())));
        Box::new(BooleanQuery::new(top))
    }
}

impl Fixed {
    fn query(&self) -> Box<dyn Query> {
        Box::new(ConstScoreQuery::new(self.docs.query(), self.score))
    }
}

/// BM25 of a term, times `boost`.
fn bm25_query(term: Term, boost: Score) -> Box<dyn Query> {
    Box::new(BoostQuery::new(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)), boost))
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

pub(crate) fn term_query(field: tantivy::schema::Field, word: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, word), IndexRecordOption::WithFreqs))
}

/// The exact text of a unit as a phrase of grams (a single term when it is one gram).
pub(crate) fn gram_phrase_query(searcher: &Searcher, field: tantivy::schema::Field, normalized: &str) -> Option<Box<dyn Query>> {
    Docs::gram_phrase(searcher, field, normalized).map(|d| d.query())
}

/// The fewest of a phrase's overlapping bigrams that still fix every character: in a run of
/// bigrams at consecutive positions every other one, and the last (中法 武汉 生态 示范 范城
/// for 中法武汉生态示范城). Each position of the gram field holds the bigram starting at that
/// character, so the same text matches, and the phrase reads half the positions.
fn covering(terms: Vec<(usize, String)>) -> Vec<(usize, String)> {
    let bigram = |t: &(usize, String)| t.1.chars().count() == 2 && t.1.chars().all(plansearch_analysis::is_han);
    let mut out: Vec<(usize, String)> = Vec::with_capacity(terms.len());
    let mut i = 0;
    while i < terms.len() {
        // A run: bigrams at consecutive positions.
        let mut j = i + 1;
        while bigram(&terms[i]) && j < terms.len() && bigram(&terms[j]) && terms[j].0 == terms[j - 1].0 + 1 {
            j += 1;
        }
        for (k, t) in terms[i..j].iter().enumerate() {
            if k % 2 == 0 || i + k == j - 1 {
                out.push(t.clone());
            }
        }
        i = j;
    }
    out
}

/// The stemmed English terms of a text.
fn english_words(text: &str) -> Vec<String> {
    plansearch_analysis::tokenizer::english_terms(text).into_iter().map(|(t, _, _)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::covering;

    fn cover(text: &str) -> Vec<(usize, String)> {
        covering(plansearch_analysis::gram_phrase(text).unwrap())
    }

    #[test]
    fn a_phrase_keeps_every_other_bigram_and_the_last() {
        let got = cover("中法武汉生态示范城");
        let want: Vec<(usize, String)> =
            [(0, "中法"), (2, "武汉"), (4, "生态"), (6, "示范"), (7, "范城")].iter().map(|&(p, t)| (p, t.to_string())).collect();
        assert_eq!(got, want);
        // Every character is fixed by a kept bigram.
        let chars = "中法武汉生态示范城".chars().count();
        assert!((0..chars).all(|c| got.iter().any(|(p, _)| *p == c || *p + 1 == c)));
        // 乡村振兴: 乡村 and 振兴 fix all four; Latin words and marks stay.
        assert_eq!(cover("乡村振兴"), vec![(0, "乡村".to_string()), (2, "振兴".to_string())]);
        assert_eq!(cover("乡村").len(), 1);
        let mixed = cover("5G基站建设");
        assert!(mixed.iter().any(|(_, t)| t == "5G"), "{mixed:?}");
        assert_eq!(mixed.iter().filter(|(_, t)| t.chars().count() == 2 && t != "5G").count(), 2, "{mixed:?}");
    }
}
