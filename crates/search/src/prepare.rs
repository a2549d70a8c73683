//! Query preparation: each unit of a parsed query becomes what it may match — the text as
//! typed, its synonyms, and for Latin words the English text and its Chinese translations —
//! with the words it requires and the words it is ranked by. The index is only asked whether,
//! and how often, a text occurs (`occurs`, `doc_freq`).

use plansearch_analysis::{is_han, jieba, normalize, runs, word_tokens, RunKind};
use tantivy::query::{EnableScoring, Query};
use tantivy::{DocId, DocSet, Searcher, Term, TERMINATED};

use crate::ask::{self, is_function_word, TOO_COMMON};
use crate::compile::gram_phrase_query;
use crate::query::{Parsed, Unit};
use crate::{bilingual, correct, Correction, DropReason, Dropped, Engine, Reading, Source};

/// The most words one query is searched for; the rest are dropped with a note.
pub const MAX_UNITS: usize = 32;
/// The most absent units of one query looked up as mistakes or short forms.
pub(crate) const MAX_LOOKUPS: usize = 6;
/// How much a quoted fragment of a question weighs against one of its words.
const QUOTE_WEIGHT: f32 = 2.0;

/// At most this many alternatives of a unit come from synonyms of its words.
const WORD_SYNONYMS: usize = 4;

/// One thing a unit may match: Chinese text (as typed, a synonym, a translation) or
/// English text, with its weight.
#[derive(Debug, Clone)]
pub(crate) struct Alt {
    pub(crate) text: String,
    pub(crate) en: bool,
    pub(crate) weight: f32,
    pub(crate) source: Source,
}

/// One unit prepared for searching: what was typed and its alternatives.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub(crate) text: String,
    /// How informative the unit is (inverse document frequency); 1 in the keyword reading,
    /// where every unit is required anyway.
    pub(crate) weight: f32,
    pub(crate) exact: bool,
    pub(crate) words: Vec<String>,
    pub(crate) alternatives: Vec<Alt>,
}

impl Engine {
    /// Cut a Chinese unit into words and add its expansions. A Latin word inside a Chinese
    /// query (`RCEP`, `lotus`) also searches the English text and its translations.
    pub(crate) fn prepare(&self, u: &Unit) -> Prepared {
        let mut alternatives = vec![Alt { text: u.text.clone(), en: false, weight: 1.0, source: Source::Typed }];
        let push = |alts: &mut Vec<Alt>, a: Alt| {
            if !alts.iter().any(|x| x.text == a.text && x.en == a.en) {
                alts.push(a);
            }
        };
        if !u.exact {
            for to in self.synonyms.expand(&u.text) {
                push(&mut alternatives, Alt { text: to, en: false, weight: 0.9, source: Source::Synonym });
            }
            // A word of a longer unit with a synonym: the unit with that word replaced
            // (城市内涝 also searches 城市排涝), below the whole-unit synonyms.
            let words = required_words(&u.text);
            if words.len() > 1 {
                let replaced =
                    words.iter().filter(|w| w.chars().count() >= 2).flat_map(|w| self.synonyms.expand(w).into_iter().map(move |to| (w, to)));
                for (w, to) in replaced.take(WORD_SYNONYMS) {
                    push(&mut alternatives, Alt { text: u.text.replacen(w.as_str(), &to, 1), en: false, weight: 0.85, source: Source::Synonym });
                }
            }
            if u.text.chars().all(|c| c.is_ascii_alphabetic()) && u.text.len() >= 3 {
                push(&mut alternatives, Alt { text: u.text.clone(), en: true, weight: 1.0, source: Source::Typed });
                for span in self.translator.translate(&bilingual::normalize_words(&u.text)) {
                    for (zh, w, src) in span.chinese {
                        push(&mut alternatives, Alt { text: zh, en: false, weight: w, source: src });
                    }
                }
            }
        }
        Prepared { text: u.text.clone(), exact: u.exact, weight: 1.0, words: required_words(&u.text), alternatives }
    }

    /// [`Engine::prepare`], plus what helps a unit the plan never prints: the typing mistake
    /// corrected, or the short form expanded (as a whole, else word by word).
    pub(crate) fn prepare_absent(&self, rd: &mut ReadState, u: &Unit) -> Prepared {
        let mut p = self.prepare(u);
        let chinese = u.text.chars().any(is_han);
        if u.exact || !chinese || rd.lookups == 0 || self.occurs(rd.searcher, &u.text) {
            return p;
        }
        rd.lookups -= 1;
        let push = |p: &mut Prepared, text: String, weight: f32, source: Source| {
            if !p.alternatives.iter().any(|a| a.text == text && !a.en) {
                p.alternatives.push(Alt { text, en: false, weight, source });
            }
        };
        if rd.reading != Reading::Sentence {
            if let Some(fixed) = self.lexicon.correct_zh(&u.text, &|t| self.occurs(rd.searcher, t)) {
                correct::note(&mut rd.corrected, &u.text, &fixed);
                push(&mut p, fixed, 0.95, Source::Correction);
                return p;
            }
        }
        let whole = self.expand_short_form(rd.searcher, &u.text);
        if !whole.is_empty() {
            for long in whole {
                push(&mut p, long, 0.8, Source::Abbreviation);
            }
            return p;
        }
        for w in required_words(&u.text).iter().filter(|w| w.chars().count() >= 2 && !self.occurs(rd.searcher, w)) {
            for long in self.expand_short_form(rd.searcher, w) {
                push(&mut p, u.text.replacen(w.as_str(), &long, 1), 0.75, Source::Abbreviation);
            }
        }
        p
    }

    /// A question or sentence: its content words, each an optional unit weighed by how
    /// informative it is; question words, function words and words in a large share of the
    /// passages are dropped (and said so). Quoted fragments are units that weigh double.
    pub(crate) fn prepare_asked(&self, rd: &mut ReadState, parsed: &Parsed, english: bool) -> Vec<Prepared> {
        let mut out: Vec<Prepared> = Vec::new();
        let mut common: Vec<Prepared> = Vec::new();
        if english {
            for mut p in self.prepare_english(rd, parsed).into_iter().flatten() {
                if !p.exact && p.text.split(' ').all(|w| is_function_word(w, true)) {
                    rd.drop(&p.text, DropReason::QuestionWord);
                    continue;
                }
                let df = self.en_doc_freq(rd.searcher, &p.text);
                p.weight = rd.idf(df) * if p.exact { QUOTE_WEIGHT } else { 1.0 };
                if !p.exact && df as f64 > TOO_COMMON * rd.docs {
                    common.push(p);
                } else {
                    out.push(p);
                }
            }
        } else {
            for u in parsed.groups.iter().flatten() {
                if u.exact {
                    // Emphasis, not a wall: the quote as a phrase that ranks up, and its words
                    // as the rest of the question's.
                    let mut p = self.prepare(u);
                    p.weight = rd.idf(self.doc_freq(rd.searcher, &u.text)) * QUOTE_WEIGHT;
                    out.push(p);
                }
                let text = match (!u.exact && rd.reading != Reading::Sentence && !self.occurs(rd.searcher, &u.text))
                    .then(|| self.lexicon.correct_zh(&u.text, &|t| self.occurs(rd.searcher, t)))
                    .flatten()
                {
                    Some(fixed) => {
                        correct::note(&mut rd.corrected, &u.text, &fixed);
                        fixed
                    }
                    None => u.text.clone(),
                };
                for w in content_pieces(&text) {
                    if is_function_word(&w, false) {
                        rd.drop(&w, DropReason::QuestionWord);
                        continue;
                    }
                    if w.chars().count() < 2 && w.chars().all(is_han) {
                        rd.drop(&w, DropReason::TooShort);
                        continue;
                    }
                    let mut p = self.prepare_absent(rd, &Unit { text: w.clone(), exact: false });
                    let df = p.alternatives.iter().filter(|a| !a.en).map(|a| self.doc_freq(rd.searcher, &a.text)).max().unwrap_or(0);
                    p.weight = rd.idf(df);
                    if df as f64 > TOO_COMMON * rd.docs {
                        common.push(p);
                    } else if !out.iter().any(|o| o.text == p.text) {
                        out.push(p);
                    }
                }
            }
        }
        // Words in many passages are dropped, unless nothing else is left.
        if out.iter().all(|p| p.exact) && !common.is_empty() {
            common.sort_by(|a, b| b.weight.total_cmp(&a.weight));
            out.push(common.remove(0));
        }
        for p in common {
            rd.drop(&p.text, DropReason::TooCommon);
        }
        if out.len() > MAX_UNITS {
            for p in out.drain(MAX_UNITS..) {
                rd.drop(&p.text, DropReason::OverLimit);
            }
            rd.notes.push(format!("only the first {MAX_UNITS} words of the query were searched for. 仅检索前{MAX_UNITS}个词。"));
        }
        out
    }

    /// Does the normalized text stand anywhere in the index?
    pub(crate) fn occurs(&self, searcher: &Searcher, text: &str) -> bool {
        let f = self.index.fields;
        match plansearch_analysis::gram_phrase(text) {
            Some(terms) if terms.len() == 1 => searcher.doc_freq(&Term::from_field_text(f.grams, &terms[0].1)).unwrap_or(0) > 0,
            Some(_) => gram_phrase_query(searcher, f.grams, text).is_some_and(|q| any_match(searcher, &*q)),
            None => false,
        }
    }

    /// In how many passages a Chinese text stands: the document frequency of its gram when
    /// it is one (a character or a pair), else the passages holding it as a phrase (not as
    /// a jieba word, which the passages may cut differently), counted by [`passages_holding`].
    pub(crate) fn doc_freq(&self, searcher: &Searcher, text: &str) -> u64 {
        let f = self.index.fields;
        match plansearch_analysis::gram_phrase(text) {
            Some(terms) if terms.len() == 1 => searcher.doc_freq(&Term::from_field_text(f.grams, &terms[0].1)).unwrap_or(0),
            Some(_) => gram_phrase_query(searcher, f.grams, text).map_or(0, |q| passages_holding(searcher, &*q)),
            None => 0,
        }
    }

    /// In how many passages an English word or phrase stands (the stemmed `en` field).
    pub(crate) fn en_doc_freq(&self, searcher: &Searcher, text: &str) -> u64 {
        let f = self.index.fields;
        let terms = plansearch_analysis::tokenizer::english_phrase(text);
        match terms.len() {
            0 => 0,
            1 => searcher.doc_freq(&Term::from_field_text(f.en, &terms[0].1)).unwrap_or(0),
            _ => {
                let q =
                    tantivy::query::PhraseQuery::new_with_offset(terms.into_iter().map(|(at, t)| (at, Term::from_field_text(f.en, &t))).collect());
                passages_holding(searcher, &q)
            }
        }
    }

    /// Is an English word one the translation uses (its stem in the `en` field)?
    fn en_used(&self, searcher: &Searcher, word: &str) -> bool {
        let f = self.index.fields;
        plansearch_analysis::tokenizer::english_terms(word)
            .into_iter()
            .all(|(t, _, _)| searcher.doc_freq(&Term::from_field_text(f.en, &t)).unwrap_or(0) > 0)
    }

    /// An English or pinyin query: the words of each run of plain units are read as phrases
    /// (`air quality` is one phrase of the glossary), each phrase a required group that
    /// matches the English text or any of its Chinese terms. Quoted text and `OR` groups
    /// keep their own shape.
    pub(crate) fn prepare_english(&self, rd: &mut ReadState, parsed: &Parsed) -> Vec<Vec<Prepared>> {
        let mut out: Vec<Vec<Prepared>> = Vec::new();
        let mut run: Vec<String> = Vec::new();
        let flush = |run: &mut Vec<String>, out: &mut Vec<Vec<Prepared>>, rd: &mut ReadState| {
            if run.is_empty() {
                return;
            }
            let mut words = bilingual::normalize_words(&run.join(" "));
            for w in words.iter_mut() {
                if let Some(fixed) = self.lexicon.correct_en(w, &|t| self.en_used(rd.searcher, t)) {
                    correct::note(&mut rd.corrected, w, &fixed);
                    *w = fixed;
                }
            }
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
            flush(&mut run, &mut out, rd);
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
        flush(&mut run, &mut out, rd);
        out
    }

    fn english_unit(&self, text: &str, exact: bool, chinese: Vec<(String, f32, Source)>) -> Prepared {
        let mut alternatives = vec![Alt { text: text.to_string(), en: true, weight: 1.0, source: Source::Typed }];
        // The Latin word itself in Chinese text (GDP, 5G, RCEP) as typed.
        if !text.contains(' ') {
            alternatives.push(Alt { text: normalize(text), en: false, weight: 1.0, source: Source::Typed });
        }
        for (zh, w, src) in chinese {
            if !alternatives.iter().any(|a| !a.en && a.text == zh) {
                alternatives.push(Alt { text: zh, en: false, weight: w, source: src });
            }
        }
        let words = plansearch_analysis::tokenizer::english_terms(text).into_iter().map(|(t, _, _)| t).collect();
        Prepared { text: text.to_string(), exact, weight: 1.0, words, alternatives }
    }
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
pub(crate) fn ranking_words(normalized: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in word_tokens(normalized) {
        if !plansearch_analysis::is_stop_word(&t.text) && !out.contains(&t.text) {
            out.push(t.text);
        }
    }
    out
}

/// The content pieces of a Chinese question, in order: its words, with runs of single
/// characters that are not function words joined (卫/技 → 卫技, so a short form cut apart
/// is still looked up whole).
fn content_pieces(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut single = String::new();
    for w in ask::zh_words(text) {
        let lone = w.chars().count() == 1 && w.chars().all(is_han) && !is_function_word(&w, false);
        if lone {
            single.push_str(&w);
            // A short form is at most six characters; a longer run of single characters is
            // not one word.
            if single.chars().count() >= 6 {
                out.push(std::mem::take(&mut single));
            }
            continue;
        }
        if !single.is_empty() {
            out.push(std::mem::take(&mut single));
        }
        out.push(w);
    }
    if !single.is_empty() {
        out.push(single);
    }
    out
}

/// What reading one query gathers: statistics it needs and what it did to the query.
pub(crate) struct ReadState<'a> {
    pub(crate) searcher: &'a Searcher,
    pub(crate) reading: Reading,
    /// Passages in the index.
    pub(crate) docs: f64,
    pub(crate) corrected: Vec<Correction>,
    pub(crate) dropped: Vec<Dropped>,
    pub(crate) notes: Vec<String>,
    /// How many more absent units may be looked up as mistakes or short forms: each reads
    /// passages, and a query of many unknown words (noise, another language) must stay cheap.
    pub(crate) lookups: usize,
}

impl ReadState<'_> {
    fn drop(&mut self, word: &str, why: DropReason) {
        if !self.dropped.iter().any(|d| d.word == word) {
            self.dropped.push(Dropped { word: word.to_string(), why });
        }
    }

    /// BM25's inverse document frequency.
    pub(crate) fn idf(&self, df: u64) -> f32 {
        let df = df as f64;
        (1.0 + (self.docs - df + 0.5) / (df + 0.5)).ln() as f32
    }
}

/// How many passages a phrase's frequency is counted over before the rest is estimated.
const DF_SAMPLE: u32 = 50_000;

/// Does any passage match `q`? Stops at the first one.
fn any_match(searcher: &Searcher, q: &dyn Query) -> bool {
    let Ok(weight) = q.weight(EnableScoring::disabled_from_searcher(searcher)) else { return false };
    searcher.segment_readers().iter().any(|seg| weight.scorer(seg, 1.0).is_ok_and(|s| s.doc() != TERMINATED))
}

/// How many passages match `q` (a phrase, whose frequency the index does not store): counted
/// exactly over the first [`DF_SAMPLE`] passages, the rest estimated in proportion — exact on
/// a corpus of one plan, and a bounded cost on a thousand, where the count only weighs a word
/// (its informativeness) and need not be exact.
fn passages_holding(searcher: &Searcher, q: &dyn Query) -> u64 {
    let Ok(weight) = q.weight(EnableScoring::disabled_from_searcher(searcher)) else { return 0 };
    let (mut counted, mut covered, mut all) = (0u64, 0u64, 0u64);
    for seg in searcher.segment_readers() {
        all += u64::from(seg.max_doc());
        let room = (u64::from(DF_SAMPLE).saturating_sub(covered)).min(u64::from(seg.max_doc())) as DocId;
        if room == 0 {
            continue;
        }
        let Ok(mut scorer) = weight.scorer(seg, 1.0) else { continue };
        let alive = seg.alive_bitset();
        while scorer.doc() < room {
            counted += u64::from(alive.is_none_or(|b| b.is_alive(scorer.doc())));
            scorer.advance();
        }
        covered += u64::from(room);
    }
    if covered >= all || covered == 0 {
        counted
    } else {
        (counted as f64 * all as f64 / covered as f64).round() as u64
    }
}
