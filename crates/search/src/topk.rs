//! Running a keyword [`Plan`]: every match is counted and faceted, but a match is scored only
//! as far as it can still reach the page.
//!
//! tantivy scores every match of a query in full, and two parts of a plan are costly to score:
//! the exact text (a phrase: the positions of its grams, read for every passage holding them
//! all) and the BM25 clauses (a union over every passage holding any of the words, which for
//! a common word is most of the corpus). Here the plan is read a window of [`WINDOW`]
//! documents at a time: the filters first (a window they allow nothing of is skipped), then
//! each group clause marks its passages in a bitset — a phrase by its two rarest terms, in
//! any place — and the candidates are the groups combined, less the exclusions. For each
//! candidate, in turn:
//!
//! 1. its groups are read from the bitsets; a phrase is checked in place only when nothing
//!    else of its group holds, and never in a passage holding a word that contains it
//!    (`crate::words`);
//! 2. a match is counted and its facets added — `total` and the facets are exact;
//! 3. a bound on its score (an unread extra at its maximum, an unchecked phrase as if it
//!    held) is compared with the page's last hit: when below (or equal, for a later
//!    passage), the passage cannot reach the page and is left;
//! 4. otherwise its extras are read, largest maximum first, and then its phrases checked,
//!    largest first, the bound tightening after each, until it falls below or the score is
//!    known.
//!
//! The page is the same as tantivy's over [`Plan::query`] (a test holds them equal): the
//! score is added in one fixed order (extras, filters, group clauses), so the first bound is
//! exact; the later ones leave a margin above the rounding of that sum.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EnableScoring, Query, Scorer, TermQuery, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentReader};

use crate::compile::{Docs, Extra, Fixed, Plan};
use crate::facets::{FacetCollector, FacetCounts};

/// The page, best first: each hit's score and reading order (ties go to the earlier passage).
pub(crate) type Ranked = Vec<((Score, Reverse<u64>), DocAddress)>;

/// The page (`limit` hits after the first `offset`), the number of matches and their facets.
pub(crate) fn run(
    searcher: &Searcher,
    plan: &Plan,
    limit: usize,
    offset: usize,
    facets: FacetCollector,
) -> tantivy::Result<(Ranked, usize, FacetCounts)> {
    let scoring = EnableScoring::enabled_from_searcher(searcher);
    let unscored = EnableScoring::disabled_from_searcher(searcher);
    let filters: Vec<Box<dyn Weight>> = plan.filters.iter().map(|q| q.weight(scoring)).collect::<tantivy::Result<_>>()?;
    let exclude: Vec<Box<dyn Weight>> = plan.exclude.iter().map(|q| q.weight(unscored)).collect::<tantivy::Result<_>>()?;
    // A BM25 clause's weight, and its largest score: the weight's own BM25 statistics.
    let bm25: Vec<Option<(Box<dyn Weight>, Score)>> = plan
        .extras
        .iter()
        .map(|e| match e {
            Extra::Bm25 { term, boost } => {
                let max = Bm25Weight::for_terms(searcher, std::slice::from_ref(term))?.boost_by(*boost).max_score();
                Ok(Some((TermQuery::new(term.clone(), IndexRecordOption::WithFreqs).weight(scoring)?, max)))
            }
            Extra::Fixed(_) => Ok(None),
        })
        .collect::<tantivy::Result<_>>()?;
    let mut page = Page { k: limit + offset, heap: BinaryHeap::new() };
    let mut total = 0;
    let mut counts = Vec::new();
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let mut segment = Segment::open(plan, reader, &filters, &bm25)?;
        let mut filter_docs: Vec<Box<dyn Scorer>> = filters.iter().map(|w| w.scorer(reader, 1.0)).collect::<tantivy::Result<_>>()?;
        let mut exclude_docs: Vec<Box<dyn Scorer>> = exclude.iter().map(|w| w.scorer(reader, 1.0)).collect::<tantivy::Result<_>>()?;
        let mut collect = facets.for_segment(ord as u32, reader)?;
        let alive = reader.alive_bitset();
        let mut window = [0u64; WORDS];
        let mut base = 0;
        while base < reader.max_doc() {
            let end = base.saturating_add(WINDOW).min(reader.max_doc());
            // The filters first: a window they allow nothing of is skipped, to where the
            // next passage they allow is.
            let mut allowed = [u64::MAX; WORDS];
            for f in &mut filter_docs {
                and_docset(&mut **f, base, end, &mut allowed);
            }
            if !filter_docs.is_empty() && allowed.iter().all(|w| *w == 0) {
                base = filter_docs.iter().map(|f| f.doc()).max().unwrap_or(tantivy::TERMINATED).max(end);
                continue;
            }
            segment.candidates(base, end, &mut window);
            window.iter_mut().zip(allowed).for_each(|(w, a)| *w &= a);
            for x in &mut exclude_docs {
                let mut out = [0u64; WORDS];
                fill_docset(&mut **x, base, end, &mut out);
                window.iter_mut().zip(out).for_each(|(w, o)| *w &= !o);
            }
            for (w, word) in window.iter().enumerate() {
                let mut bits = *word;
                while bits != 0 {
                    let doc = base + (w as u32) * 64 + bits.trailing_zeros();
                    bits &= bits - 1;
                    if !alive.is_none_or(|a| a.is_alive(doc)) || !segment.matches(doc, base) {
                        continue;
                    }
                    total += 1;
                    collect.collect(doc, 0.0);
                    let seq = collect.seq(doc);
                    if let Some(score) = segment.score(doc, seq, page.lowest()) {
                        page.offer(Hit { score, seq, addr: DocAddress::new(ord as u32, doc) });
                    }
                }
            }
            base = end;
        }
        counts.push(collect.harvest());
    }
    let mut hits = page.heap.into_sorted_vec();
    let ranked = hits.drain(..).skip(offset).map(|Reverse(h)| ((h.score, Reverse(h.seq)), h.addr)).collect();
    Ok((ranked, total, facets.merge_fruits(counts)?))
}

/// Passages are read in windows of this many documents: each clause marks its passages of
/// the window in a bitset, and the window's candidates are those bitsets combined.
const WINDOW: u32 = 4096;
const WORDS: usize = (WINDOW / 64) as usize;
type Bits = [u64; WORDS];

fn set(bits: &mut Bits, at: u32) {
    bits[(at / 64) as usize] |= 1 << (at % 64);
}

fn get(bits: &Bits, at: u32) -> bool {
    bits[(at / 64) as usize] & (1 << (at % 64)) != 0
}

/// Mark the documents in `base..end` that every one of `postings` holds (they move forward
/// past them; none of the window is missed, as each starts the window at or before its next
/// document, or behind the window).
fn fill_all(postings: &mut [SegmentPostings], base: DocId, end: DocId, bits: &mut Bits) {
    // Postings left behind by a skipped window start at the window.
    let Some(mut target) = postings.iter().map(|p| p.doc()).max().map(|d| d.max(base)) else { return };
    'next: while target < end {
        for p in postings.iter_mut() {
            let d = if p.doc() < target { p.seek(target) } else { p.doc() };
            if d > target {
                target = d;
                continue 'next;
            }
        }
        set(bits, target - base);
        target = postings[0].advance();
    }
}

/// Mark the documents of a docset in `base..end`.
fn fill_docset(docs: &mut dyn DocSet, base: DocId, end: DocId, bits: &mut Bits) {
    let mut d = docs.doc();
    if d < base {
        d = docs.seek(base);
    }
    while d < end {
        set(bits, d - base);
        d = docs.advance();
    }
}

/// Keep only the marked documents a docset holds.
fn and_docset(docs: &mut dyn DocSet, base: DocId, end: DocId, bits: &mut Bits) {
    let mut out = [0u64; WORDS];
    fill_docset(docs, base, end, &mut out);
    bits.iter_mut().zip(out).for_each(|(b, o)| *b &= o);
}

/// One hit on the page: better is a higher score, then an earlier passage.
#[derive(Debug, Clone, Copy)]
struct Hit {
    score: Score,
    seq: u64,
    addr: DocAddress,
}

impl Hit {
    fn key(&self) -> (Score, Reverse<u64>) {
        (self.score, Reverse(self.seq))
    }
}

impl PartialEq for Hit {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Hit {}
impl PartialOrd for Hit {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Hit {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (self.key(), other.key());
        a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
    }
}

/// The best `k` hits so far (the worst on top).
struct Page {
    k: usize,
    heap: BinaryHeap<Reverse<Hit>>,
}

impl Page {
    /// The last hit of the page, once it is full: a passage must do better to enter it.
    fn lowest(&self) -> Option<Hit> {
        if self.heap.len() >= self.k {
            self.heap.peek().map(|h| h.0)
        } else {
            None
        }
    }

    fn offer(&mut self, hit: Hit) {
        if self.heap.len() < self.k {
            self.heap.push(Reverse(hit));
        } else if self.heap.peek().is_some_and(|worst| hit > worst.0) {
            self.heap.pop();
            self.heap.push(Reverse(hit));
        }
    }
}

/// Whether a bound on a score (summed in any order) is surely below the page's last hit: the
/// margin is well above the rounding of a sum of a few dozen `f32` terms.
fn below(bound: f64, lowest: Option<Hit>) -> bool {
    lowest.is_some_and(|l| bound + 1e-3 + bound.abs() * 1e-5 < l.score as f64)
}

/// A constant-score clause in one segment: the postings of its terms.
struct Clause {
    /// Each term's postings, without positions, rarest first: which passages hold them all
    /// (of a phrase, its two rarest terms: the candidates its check in place is asked about).
    postings: Vec<SegmentPostings>,
    /// A phrase: each term's postings with positions, and its place in the phrase.
    places: Vec<(u32, SegmentPostings)>,
    /// A phrase: terms whose passages hold it (see [`Docs::Phrase`]).
    sure: Vec<SegmentPostings>,
    /// A term is in no passage of this segment.
    never: bool,
    score: Score,
    /// The passages of the current window holding every term of `postings`, and those
    /// holding a `sure` term.
    bits: Bits,
    sure_bits: Bits,
}

impl Clause {
    fn open(reader: &SegmentReader, c: &Fixed) -> tantivy::Result<Clause> {
        let read = |t: &tantivy::Term, option| -> tantivy::Result<Option<SegmentPostings>> {
            Ok(reader.inverted_index(t.field())?.read_postings(t, option)?)
        };
        let (terms, phrase, sure): (Vec<(u32, &tantivy::Term)>, bool, _) = match &c.docs {
            Docs::All(t) => (t.iter().map(|t| (0, t)).collect(), false, &[][..]),
            Docs::Phrase { terms, sure } => (terms.iter().map(|(at, t)| (*at as u32, t)).collect(), true, &sure[..]),
        };
        let mut clause = Clause {
            postings: vec![],
            places: vec![],
            sure: vec![],
            never: terms.is_empty(),
            score: c.score,
            bits: [0; WORDS],
            sure_bits: [0; WORDS],
        };
        for (at, term) in terms {
            match read(term, IndexRecordOption::Basic)? {
                Some(p) => clause.postings.push(p),
                None => clause.never = true,
            }
            if phrase {
                if let Some(p) = read(term, IndexRecordOption::WithFreqsAndPositions)? {
                    clause.places.push((at, p));
                }
            }
        }
        for t in sure {
            clause.sure.extend(read(t, IndexRecordOption::Basic)?);
        }
        // The rarest term first: a passage without it is passed over at the first look. A
        // phrase's candidates are the passages holding its two rarest terms: its check in
        // place reads every term, so the others would only be looked up twice.
        clause.postings.sort_by_key(|p| p.doc_freq());
        if phrase {
            clause.postings.truncate(2);
        }
        Ok(clause)
    }

    fn phrase(&self) -> bool {
        !self.places.is_empty()
    }

    /// Mark the window's passages holding every term (and the sure term).
    fn fill(&mut self, base: DocId, end: DocId) {
        self.bits = [0; WORDS];
        self.sure_bits = [0; WORDS];
        if !self.never {
            fill_all(&mut self.postings, base, end, &mut self.bits);
        }
        for p in &mut self.sure {
            fill_all(std::slice::from_mut(p), base, end, &mut self.sure_bits);
        }
    }

    /// What a passage of the current window is for this clause.
    fn state(&self, doc: DocId, base: DocId) -> State {
        let at = doc - base;
        if !get(&self.bits, at) {
            State::No
        } else if !self.phrase() || get(&self.sure_bits, at) {
            State::Yes
        } else {
            State::Unchecked
        }
    }

    /// Whether the passage holds every term, moving the postings forward to it (for a clause
    /// read passage by passage, not by window). Passages are asked in increasing order.
    fn holds(&mut self, doc: DocId) -> bool {
        !self.never && self.postings.iter_mut().all(|p| at(p, doc))
    }

    /// Whether the terms stand at their places in a passage holding them all: the positions
    /// of each, shifted to where the phrase would start, intersected.
    fn phrase_holds(&mut self, doc: DocId, buf: &mut (Vec<u32>, Vec<u32>)) -> bool {
        if !self.places.iter_mut().all(|(_, p)| at(p, doc)) {
            return false;
        }
        let last = self.places.iter().map(|(at, _)| *at).max().unwrap_or(0);
        let (starts, next) = buf;
        for (i, (at, p)) in self.places.iter_mut().enumerate() {
            if i == 0 {
                p.positions_with_offset(last - *at, starts);
                continue;
            }
            p.positions_with_offset(last - *at, next);
            let mut j = 0;
            starts.retain(|s| {
                while j < next.len() && next[j] < *s {
                    j += 1;
                }
                j < next.len() && next[j] == *s
            });
            if starts.is_empty() {
                return false;
            }
        }
        !starts.is_empty()
    }
}

/// Whether postings hold a passage, moving forward to it.
fn at(p: &mut SegmentPostings, doc: DocId) -> bool {
    let mut d = p.doc();
    if d < doc {
        d = p.seek(doc);
    }
    d == doc
}

/// What a clause of a group was found to be for the current passage.
#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    No,
    Yes,
    /// A phrase whose terms the passage holds, not yet checked in place.
    Unchecked,
}

/// An extra clause in one segment.
enum ExtraAt {
    Fixed(Box<Clause>),
    Bm25 { scorer: Box<dyn Scorer>, max: Score },
}

impl ExtraAt {
    fn max(&self) -> Score {
        match self {
            // A term in no passage of the segment: the clause adds nothing to any of them.
            ExtraAt::Fixed(c) if c.never => 0.0,
            ExtraAt::Fixed(c) => c.score,
            ExtraAt::Bm25 { max, .. } => *max,
        }
    }

    fn value(&mut self, doc: DocId) -> Score {
        match self {
            ExtraAt::Fixed(c) => {
                if c.holds(doc) {
                    c.score
                } else {
                    0.0
                }
            }
            ExtraAt::Bm25 { scorer: s, .. } => {
                let mut d = s.doc();
                if d < doc {
                    d = s.seek(doc);
                }
                if d == doc {
                    s.score()
                } else {
                    0.0
                }
            }
        }
    }
}

/// A plan opened on one segment, with the state of the current passage.
struct Segment {
    filters: Vec<Box<dyn Scorer>>,
    /// Every group's clauses, one after the other; `ends[g]` is where group `g` ends.
    clauses: Vec<Clause>,
    ends: Vec<usize>,
    any_group: bool,
    extras: Vec<ExtraAt>,
    /// The extras, largest maximum first: the order they are read in.
    order: Vec<usize>,
    /// The extras' maxima, added in order: their part of every bound before one is read.
    max_sum: Score,
    states: Vec<State>,
    /// The extras' values for the current passage, as they are read.
    values: Vec<Score>,
    filter_score: Score,
    buf: (Vec<u32>, Vec<u32>),
}

impl Segment {
    fn open(plan: &Plan, reader: &SegmentReader, filters: &[Box<dyn Weight>], bm25: &[Option<(Box<dyn Weight>, Score)>]) -> tantivy::Result<Segment> {
        let mut clauses = Vec::new();
        let mut ends = Vec::new();
        for g in &plan.groups {
            for c in g {
                clauses.push(Clause::open(reader, c)?);
            }
            ends.push(clauses.len());
        }
        let mut extras = Vec::new();
        for (e, w) in plan.extras.iter().zip(bm25) {
            extras.push(match (e, w) {
                (Extra::Bm25 { boost, .. }, Some((w, max))) => {
                    let scorer = w.scorer(reader, *boost)?;
                    // A term in no passage of the segment adds nothing to any of them.
                    let max = if scorer.doc() == tantivy::TERMINATED { 0.0 } else { *max };
                    ExtraAt::Bm25 { scorer, max }
                }
                (Extra::Fixed(c), _) => ExtraAt::Fixed(Box::new(Clause::open(reader, c)?)),
                (Extra::Bm25 { .. }, None) => return Err(tantivy::TantivyError::InternalError("a BM25 clause without its weight".into())),
            });
        }
        let max_sum = extras.iter().fold(0.0, |s, e| s + e.max());
        let mut order: Vec<usize> = (0..extras.len()).collect();
        order.sort_by(|&a, &b| extras[b].max().total_cmp(&extras[a].max()));
        Ok(Segment {
            filters: filters.iter().map(|w| w.scorer(reader, 1.0)).collect::<tantivy::Result<_>>()?,
            states: vec![State::No; clauses.len()],
            values: vec![0.0; extras.len()],
            clauses,
            ends,
            any_group: plan.any_group,
            extras,
            order,
            max_sum,
            filter_score: 0.0,
            buf: (Vec::new(), Vec::new()),
        })
    }

    /// Mark the window's candidates: the passages holding one clause of every group (of any
    /// group), a phrase's terms in any place.
    fn candidates(&mut self, base: DocId, end: DocId, window: &mut Bits) {
        *window = if self.any_group { [0; WORDS] } else { [u64::MAX; WORDS] };
        let mut start = 0;
        for &g_end in &self.ends {
            let mut group = [0u64; WORDS];
            for c in &mut self.clauses[start..g_end] {
                c.fill(base, end);
                group.iter_mut().zip(&c.bits).for_each(|(g, b)| *g |= b);
            }
            for (w, g) in window.iter_mut().zip(group) {
                *w = if self.any_group { *w | g } else { *w & g };
            }
            start = g_end;
        }
        if self.ends.is_empty() {
            *window = [0; WORDS];
        }
    }

    /// Whether a candidate matches: reads its groups, checking a phrase only when nothing
    /// else of its group holds.
    fn matches(&mut self, doc: DocId, base: DocId) -> bool {
        let mut start = 0;
        let mut held = 0;
        for g in 0..self.ends.len() {
            let end = self.ends[g];
            let mut holds = false;
            for i in start..end {
                self.states[i] = self.clauses[i].state(doc, base);
                holds |= self.states[i] == State::Yes;
            }
            if !holds {
                for i in start..end {
                    if self.states[i] == State::Unchecked {
                        let yes = self.clauses[i].phrase_holds(doc, &mut self.buf);
                        self.states[i] = if yes { State::Yes } else { State::No };
                        if yes {
                            holds = true;
                            break;
                        }
                    }
                }
            }
            if holds {
                held += 1;
            } else if !self.any_group {
                return false;
            }
            start = end;
        }
        held > 0
    }

    /// The score of a matching passage (after [`Segment::matches`]), or `None` when it cannot
    /// do better than `lowest` (at reading order `seq`).
    fn score(&mut self, doc: DocId, seq: u64, lowest: Option<Hit>) -> Option<Score> {
        self.filter_score = 0.0;
        for f in &mut self.filters {
            if f.doc() < doc {
                f.seek(doc);
            }
            self.filter_score += f.score();
        }
        // The bound summed as the score is: exact, so a tie with the page's last hit is lost
        // by a later passage.
        let first = self.sum(self.max_sum);
        if lowest.is_some_and(|l| first < l.score || (first == l.score && seq > l.seq)) {
            return None;
        }
        let mut bound = first as f64;
        for k in 0..self.order.len() {
            let i = self.order[k];
            let value = self.extras[i].value(doc);
            bound += value as f64 - self.extras[i].max() as f64;
            self.values[i] = value;
            if below(bound, lowest) {
                return None;
            }
        }
        // The unchecked phrases, largest first.
        loop {
            let next = (0..self.clauses.len())
                .filter(|&i| self.states[i] == State::Unchecked)
                .max_by(|&a, &b| self.clauses[a].score.total_cmp(&self.clauses[b].score));
            let Some(i) = next else { break };
            if self.clauses[i].phrase_holds(doc, &mut self.buf) {
                self.states[i] = State::Yes;
            } else {
                self.states[i] = State::No;
                bound -= self.clauses[i].score as f64;
                if below(bound, lowest) {
                    return None;
                }
            }
        }
        Some(self.sum(self.values.iter().fold(0.0, |s, v| s + v)))
    }

    /// The score as it stands, given the extras' part (their values, or their maxima, added
    /// in order): an unchecked phrase as if it held. Always summed in the same order — the
    /// extras, the filters, the group clauses — so that a bound (maxima for unread values)
    /// is never below the score: float addition is monotonic.
    fn sum(&self, extras: Score) -> Score {
        let mut s = extras + self.filter_score;
        for (c, st) in self.clauses.iter().zip(&self.states) {
            if *st != State::No {
                s += c.score;
            }
        }
        s
    }
}
