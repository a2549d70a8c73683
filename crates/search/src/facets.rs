//! Facets: counts of every match by document, chapter and panel, collected from fast fields
//! in the same pass as the top hits, and bounded so a broad query stays a small answer.

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, SegmentReader};

use plansearch_corpus::Outline;

use crate::{ChapterFacet, DocumentFacet, Facets, PanelFacet, MAX_FACETS};

/// How many documents, chapters per document and panels the counters have room for: read
/// off the outline, so counting a match is three array increments, not three hash
/// lookups (at 1,000 plans a broad query counts ~200,000 matches).
#[derive(Debug, Clone, Copy)]
pub struct FacetShape {
    documents: usize,
    /// One more than the largest chapter number of any document.
    chapters: usize,
    /// One more than the number of panels (`panel_no` 0 is "no panel").
    panels: usize,
}

impl FacetShape {
    pub fn of(outline: &Outline) -> FacetShape {
        let chapters = outline.documents.iter().flat_map(|d| d.chapters.iter().map(|c| c.number as usize)).max().unwrap_or(0) + 1;
        FacetShape { documents: outline.documents.len(), chapters, panels: outline.panels().count() + 1 }
    }
}

/// Counts of matches per document, per (document, chapter) and per panel.
#[derive(Debug)]
pub struct FacetCounts {
    shape: FacetShape,
    /// Per place key (see [`Places`]): one increment per match, spread at the end.
    keys: std::sync::Arc<Vec<[u32; 3]>>,
    by_key: Vec<u32>,
    documents: Vec<u32>,
    /// Indexed by `document × shape.chapters + chapter`.
    chapters: Vec<u32>,
    panels: Vec<u32>,
}

impl FacetCounts {
    fn new(shape: FacetShape, keys: std::sync::Arc<Vec<[u32; 3]>>) -> FacetCounts {
        FacetCounts {
            shape,
            by_key: vec![0; keys.len()],
            keys,
            // Made when first counted into (see `add`): a segment counts by key.
            documents: vec![],
            chapters: vec![],
            panels: vec![],
        }
    }

    fn add(&mut self, doc_no: u64, chapter: u64, panel_no: u64, n: u32) {
        if self.documents.is_empty() {
            let shape = self.shape;
            self.documents = vec![0; shape.documents];
            self.chapters = vec![0; shape.documents * shape.chapters];
            self.panels = vec![0; shape.panels];
        }
        // A value outside the shape (an index whose meta disagrees with its fast fields)
        // is not counted rather than a panic.
        let (d, c, p) = (doc_no as usize, chapter as usize, panel_no as usize);
        if let Some(k) = self.documents.get_mut(d) {
            *k += n;
        }
        if c > 0 && c < self.shape.chapters {
            if let Some(k) = self.chapters.get_mut(d * self.shape.chapters + c) {
                *k += n;
            }
        }
        if p > 0 {
            if let Some(k) = self.panels.get_mut(p) {
                *k += n;
            }
        }
    }

    /// The non-zero counters as (key, count).
    fn nonzero(counts: &[u32]) -> impl Iterator<Item = (usize, usize)> + '_ {
        counts.iter().enumerate().filter(|(_, &n)| n > 0).map(|(k, &n)| (k, n as usize))
    }

    /// Name the counted keys from the outline; `panel_facets` is [`panel_facets`] of it.
    pub(crate) fn resolve(mut self, outline: &Outline, panel_facets: &[PanelFacet]) -> Facets {
        let keys = self.keys.clone();
        for (k, n) in std::mem::take(&mut self.by_key).into_iter().enumerate().filter(|(_, n)| *n > 0) {
            let [d, c, p] = keys[k];
            self.add(d as u64, c as u64, p as u64, n);
        }
        // Keys are numbers in reading order (the document number is the position in
        // `outline.documents`, the panel number one more than the position in
        // `outline.panels()`): keep the largest counts, then sort by key, and only then look
        // the names up.
        let per_doc = self.shape.chapters as u64;
        let (documents, more_documents) = largest(Self::nonzero(&self.documents).map(|(d, n)| (d as u64, n)).collect());
        let (chapters, more_chapters) = largest(Self::nonzero(&self.chapters).map(|(k, n)| ((k as u64 / per_doc, k as u64 % per_doc), n)).collect());
        let (panels, more_panels) = largest(Self::nonzero(&self.panels).map(|(p, n)| (p as u64, n)).collect());
        let documents = documents
            .into_iter()
            .filter_map(|(d, count)| {
                let doc = outline.documents.get(d as usize)?;
                Some(DocumentFacet { doc: doc.slug.clone(), title: doc.title.clone(), count })
            })
            .collect();
        let chapters = chapters
            .into_iter()
            .filter_map(|((d, c), count)| {
                let doc = outline.documents.get(d as usize)?;
                let ch = doc.chapters.iter().find(|x| x.number as u64 == c);
                Some(ChapterFacet {
                    doc: doc.slug.clone(),
                    number: c as u32,
                    title: ch.and_then(|x| x.part.title.clone()),
                    inferred: ch.is_some_and(|x| x.part.inferred),
                    count,
                })
            })
            .collect();
        let panels = panels
            .into_iter()
            .filter_map(|(n, count)| {
                let facet = panel_facets.get(n as usize - 1)?;
                Some(PanelFacet { count, ..facet.clone() })
            })
            .collect();
        Facets { documents, chapters, panels, more_documents, more_chapters, more_panels }
    }

    fn merge(&mut self, other: FacetCounts) {
        for (mine, theirs) in [
            (&mut self.by_key, other.by_key),
            (&mut self.documents, other.documents),
            (&mut self.chapters, other.chapters),
            (&mut self.panels, other.panels),
        ] {
            if mine.is_empty() {
                *mine = theirs;
                continue;
            }
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += b;
            }
        }
    }
}

/// The facet of every panel of the outline, by panel number less one, with no count yet:
/// made once per engine, so naming a search's panels is a lookup.
pub(crate) fn panel_facets(outline: &Outline) -> Vec<PanelFacet> {
    outline
        .panels()
        .map(|at| PanelFacet {
            doc: at.doc.slug.clone(),
            id: at.panel.id.clone(),
            title: at.panel.title.clone(),
            numbered: at.panel.numbered,
            chapter: at.chapter,
            count: 0,
        })
        .collect()
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

/// Where the passages of one segment stand, by document id: their reading order, and their
/// place key (an index into [`Places`]' table of distinct document, chapter and panel).
#[derive(Debug, Default)]
pub struct SegmentPlaces {
    pub seq: Vec<u64>,
    key: Vec<u32>,
}

/// The places of every passage, read from the fast fields once when the engine opens (its
/// reader never reloads). Counting a match is then one increment at its key — four bytes per
/// passage to read, where three columns cost a cache miss each at 1,000 plans — and breaking
/// a tie an array lookup.
#[derive(Debug, Default)]
pub struct Places {
    segments: Vec<(tantivy::index::SegmentId, std::sync::Arc<SegmentPlaces>)>,
    keys: std::sync::Arc<Vec<[u32; 3]>>,
}

impl Places {
    pub fn of(searcher: &tantivy::Searcher) -> tantivy::Result<Places> {
        let mut table: std::collections::HashMap<[u32; 3], u32> = std::collections::HashMap::new();
        let mut keys: Vec<[u32; 3]> = Vec::new();
        let mut segments = Vec::new();
        for reader in searcher.segment_readers() {
            let columns = Columns::of(reader)?;
            let mut places = SegmentPlaces::default();
            for d in 0..reader.max_doc() {
                let place = columns.place(d);
                let key = *table.entry(place).or_insert_with(|| {
                    keys.push(place);
                    keys.len() as u32 - 1
                });
                places.key.push(key);
                places.seq.push(columns.seq.first(d).unwrap_or(u64::MAX));
            }
            segments.push((reader.segment_id(), std::sync::Arc::new(places)));
        }
        Ok(Places { segments, keys: std::sync::Arc::new(keys) })
    }

    fn segment(&self, reader: &SegmentReader) -> Option<std::sync::Arc<SegmentPlaces>> {
        self.segments.iter().find(|(id, _)| *id == reader.segment_id()).map(|(_, p)| p.clone())
    }
}

/// The fast fields a passage's place is read from.
struct Columns {
    seq: tantivy::columnar::Column<u64>,
    doc_no: tantivy::columnar::Column<u64>,
    chapter: tantivy::columnar::Column<u64>,
    panel_no: tantivy::columnar::Column<u64>,
}

impl Columns {
    fn of(reader: &SegmentReader) -> tantivy::Result<Columns> {
        let ff = reader.fast_fields();
        Ok(Columns { seq: ff.u64("seq_no")?, doc_no: ff.u64("doc_no")?, chapter: ff.u64("chapter")?, panel_no: ff.u64("panel_no")? })
    }

    fn place(&self, d: DocId) -> [u32; 3] {
        let small = |c: &tantivy::columnar::Column<u64>| u32::try_from(c.first(d).unwrap_or(0)).unwrap_or(u32::MAX);
        [small(&self.doc_no), small(&self.chapter), small(&self.panel_no)]
    }
}

/// A tantivy collector for [`FacetCounts`] over every match.
pub struct FacetCollector {
    pub shape: FacetShape,
    pub places: std::sync::Arc<Places>,
}

/// The facet counter of one segment: by place key, or (for a segment the places were not
/// read for) from the columns.
pub struct FacetSegment {
    places: Result<std::sync::Arc<SegmentPlaces>, Columns>,
    counts: FacetCounts,
}

impl Collector for FacetCollector {
    type Fruit = FacetCounts;
    type Child = FacetSegment;

    fn for_segment(&self, _ord: u32, reader: &SegmentReader) -> tantivy::Result<FacetSegment> {
        let places = match self.places.segment(reader) {
            Some(p) => Ok(p),
            None => Err(Columns::of(reader)?),
        };
        Ok(FacetSegment { places, counts: FacetCounts::new(self.shape, self.places.keys.clone()) })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetCounts>) -> tantivy::Result<FacetCounts> {
        let mut fruits = fruits.into_iter();
        let mut all = fruits.next().unwrap_or_else(|| FacetCounts::new(self.shape, self.places.keys.clone()));
        for f in fruits {
            all.merge(f);
        }
        Ok(all)
    }
}

impl FacetSegment {
    /// A passage's place in reading order.
    pub fn seq(&self, doc: DocId) -> u64 {
        match &self.places {
            Ok(p) => p.seq.get(doc as usize).copied().unwrap_or(u64::MAX),
            Err(c) => c.seq.first(doc).unwrap_or(u64::MAX),
        }
    }
}

impl SegmentCollector for FacetSegment {
    type Fruit = FacetCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        match &self.places {
            Ok(p) => {
                if let Some(n) = p.key.get(doc as usize).and_then(|&k| self.counts.by_key.get_mut(k as usize)) {
                    *n += 1;
                }
            }
            Err(c) => {
                let [d, ch, p] = c.place(doc);
                self.counts.add(d as u64, ch as u64, p as u64, 1);
            }
        }
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
