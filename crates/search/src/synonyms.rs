//! Short forms and everyday words that readers use for the plan's terms, from the reviewed
//! list `corpus/synonyms.tsv`: `中法城` also searches `中法武汉生态示范城`. The term as typed
//! always ranks first; an expansion scores a little lower.

use std::collections::HashMap;
use std::path::Path;

use plansearch_analysis::normalize;

/// The list shipped with the corpus, used when no other is loaded.
pub const DEFAULT_SYNONYMS: &str = include_str!("../../../corpus/synonyms.tsv");

/// The most expansions one unit gets, whatever the list says.
pub const MAX_EXPANSIONS: usize = 8;

#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    map: HashMap<String, Vec<String>>,
}

impl Synonyms {
    /// Parse `short<TAB>canonical[<TAB>note]` lines; `#` starts a comment.
    pub fn parse(text: &str) -> Synonyms {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for line in text.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(from), Some(to)) = (cols.next(), cols.next()) else {
                continue;
            };
            let (from, to) = (normalize(from.trim()), normalize(to.trim()));
            // A plan term that contains the typed text is found by the substring search
            // anyway; expanding to it would only add noise.
            if from.is_empty() || to.is_empty() || to.contains(from.as_str()) {
                continue;
            }
            let list = map.entry(from).or_default();
            if !list.contains(&to) {
                list.push(to);
            }
        }
        Synonyms { map }
    }

    pub fn load(path: &Path) -> std::io::Result<Synonyms> {
        Ok(Synonyms::parse(&std::fs::read_to_string(path)?))
    }

    pub fn builtin() -> Synonyms {
        Synonyms::parse(DEFAULT_SYNONYMS)
    }

    /// What a normalized unit also searches.
    pub fn expand(&self, unit: &str) -> Vec<String> {
        self.map.get(unit).map(|v| v.iter().take(MAX_EXPANSIONS).cloned().collect()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms_expand_to_the_plan_term() {
        let s = Synonyms::parse("# c\n中法城\t中法武汉生态示范城\n开发区\t蔡甸经济开发区\tnote\n");
        assert_eq!(s.expand("中法城"), ["中法武汉生态示范城"]);
        assert!(s.expand("中法武汉生态示范城").is_empty());
    }
}
