//! Facets: counts of every match by document, chapter and panel, collected from fast fields
//! in the same pass as the top hits, and bounded so a broad query stays a small answer.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, SegmentReader};

use plansearch_corpus::Outline;

use crate::{ChapterFacet, DocumentFacet, Facets, PanelFacet, MAX_FACETS};

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

    /// Name the counted keys from the outline; `panel_facets` is [`panel_facets`] of it.
    pub(crate) fn resolve(self, outline: &Outline, panel_facets: &[PanelFacet]) -> Facets {
        // Keys are numbers in reading order (the document number is the position in
        // `outline.documents`, the panel number one more than the position in
        // `outline.panels()`): keep the largest counts, then sort by key, and only then look
        // the names up.
        let (documents, more_documents) = largest(self.documents.into_iter().collect());
        let (chapters, more_chapters) = largest(self.chapters.into_iter().collect());
        let (panels, more_panels) = largest(self.panels.into_iter().collect());
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
                    title: ch.and_then(|x| x.title.clone()),
                    inferred: ch.is_some_and(|x| x.inferred),
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
