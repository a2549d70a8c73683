//! Targets: every quantitative commitment of the plan as a record, one record per quantity.
//!
//! Two sources. The main indicator table (专栏 2, passages of kind `indicator`) gives one
//! `target` per indicator with a 2025 value or a growth target, with its 约束性/预期性 binding,
//! and one `achieved` record per numeric 2020 value. Text (paragraphs, panel items, notes) is
//! read sentence by sentence: a sentence is split at `。！？` and `；`, then into clauses at
//! `，：`; brackets are respected, so a comma inside （…） does not split.
//!
//! In a clause, a quantity is an Arabic number (or range, `5—10`) followed by a unit from a
//! fixed list (`万亩`, `个`, `%` …). What a quantity is not: a year (`2025年`), part of a name
//! (`5G`, `4A级`, `318国道`, `3号线`, `110kV`), a ratio (`11.1:63.1`), list numbering (`2、`),
//! an age (`0—3岁`), a duration in whole years (`以2年为周期`), a baseline (`现有800座`), what
//! exists (`依托110公里环湖生态绿道`, `143平方公里的城市开发面积`), a condition (`对于…大于50米
//! 的公园`) or a reference (`8个示范片带内的行政村`). Numbers written in Chinese numerals are
//! left out: in a plan they are nearly always counts in names (三大攻坚战, 一轴三区).
//!
//! A year is stated by `到2025年`, `2021年`, `“十四五”期间` (2025) or `二〇三五年`, and holds to
//! the end of the sentence; after `其中` it holds to the end of its `；` part only. Sentences
//! that look back (`“十三五”`, `五年来`, `截至`), and every sentence of a section whose opening
//! paragraph reviews “十三五”, give `achieved` records instead of targets; other sentences about
//! a past year only (`2018年…21%左右`) give nothing.
//!
//! The metric is the words around the quantity: the noun before it, or the verb and the noun
//! after it, without scope or comparator words (`metric.rs` says how).
//!
//! Where a rule lives: this file holds the records and their filter; `indicators.rs` reads
//! 专栏 2; `text.rs` splits text into sentences and clauses and makes its records; `scan.rs`
//! finds the numbers, units and years; `metric.rs` reads what a quantity measures;
//! `lexicon.rs` holds the word lists (units, cue words, verbs). Every rule is scored by
//! `tests/targets/labelled.tsv`.

mod indicators;
mod lexicon;
mod metric;
mod scan;
mod text;

use plansearch_corpus::{Passage, PassageKind};
use serde::{Deserialize, Serialize};

/// How the value binds the metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparator {
    /// 达到, 不低于, 以上, 超过, ＞
    AtLeast,
    /// 控制在…以内, 不超过, ＜
    AtMost,
    /// a plain count or value: 建成8.1公里, 2025年 60
    Equal,
    /// 5—10家, 7-8
    Range,
    /// 左右, 约
    About,
    /// 新增, 增长, 增加
    Increase,
    /// 降低, 下降, 减少
    Decrease,
}

impl Comparator {
    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::AtLeast => "at_least",
            Comparator::AtMost => "at_most",
            Comparator::Equal => "equal",
            Comparator::Range => "range",
            Comparator::About => "about",
            Comparator::Increase => "increase",
            Comparator::Decrease => "decrease",
        }
    }

    /// A short sign for tables and badges.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::AtLeast => "≥",
            Comparator::AtMost => "≤",
            Comparator::Equal => "=",
            Comparator::Range => "…",
            Comparator::About => "≈",
            Comparator::Increase => "+",
            Comparator::Decrease => "−",
        }
    }
}

/// Where a record was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The main indicator table, 专栏 2.
    IndicatorTable,
    /// A paragraph of the text.
    Text,
    /// An item or note of a 专栏 panel.
    Panel,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::IndicatorTable => "indicator_table",
            Source::Text => "text",
            Source::Panel => "panel",
        }
    }
}

/// A commitment for the plan period, or a result already achieved (“十三五” results and the
/// 2020 column of 专栏 2), kept apart because journalists compare the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Target,
    Achieved,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Target => "target",
            Kind::Achieved => "achieved",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "target" | "targets" => Some(Kind::Target),
            "achieved" => Some(Kind::Achieved),
            _ => None,
        }
    }
}

/// The attribute column of 专栏 2: whether an indicator binds the government or states an
/// expectation. Serialized as printed (`约束性`, `预期性`), in JSON and CSV alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Binding {
    /// 约束性: binding (obligatory).
    #[serde(rename = "约束性")]
    Binding,
    /// 预期性: indicative (expected).
    #[serde(rename = "预期性")]
    Indicative,
}

impl Binding {
    /// `约束性` or `预期性`, as the table prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            Binding::Binding => "约束性",
            Binding::Indicative => "预期性",
        }
    }

    /// `约束性`/`binding` → [`Binding::Binding`], `预期性`/`indicative` → [`Binding::Indicative`].
    pub fn parse(s: &str) -> Option<Binding> {
        match s.trim().to_lowercase().as_str() {
            "约束性" | "binding" | "obligatory" => Some(Binding::Binding),
            "预期性" | "indicative" | "expected" => Some(Binding::Indicative),
            _ => None,
        }
    }
}

impl std::fmt::Display for Binding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One quantity of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// `7.1.1.t2`: the passage id and the record's place in it.
    pub id: String,
    pub doc: String,
    pub passage_id: String,
    /// The chapter the passage stands in.
    pub chapter: Option<u32>,
    /// The sentence (up to `。；！？`) the quantity stands in; for an indicator, its table row.
    pub sentence: String,
    pub metric: String,
    /// The number exactly as printed: `40`, `5—10`, `5％—10％`; for a table cell without a
    /// number, the cell (`完成市下达目标`).
    pub value: String,
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// As printed, with 万 and 亿 kept: `万亩`, `亿元`, `%`, `％`.
    pub unit: String,
    pub comparator: Comparator,
    pub year: Option<u32>,
    /// 约束性 or 预期性, from the indicator table.
    pub binding: Option<Binding>,
    pub source: Source,
    pub kind: Kind,
}

impl Target {
    /// `莲藕基地 · 10万亩 · 2025`: the compact badge search results show.
    pub fn badge(&self) -> String {
        let metric: String =
            if self.metric.chars().count() > 14 { self.metric.chars().take(13).chain(std::iter::once('…')).collect() } else { self.metric.clone() };
        let mut out = format!("{metric} · {}", self.amount());
        if let Some(y) = self.year {
            out.push_str(&format!(" · {y}"));
        }
        out
    }

    /// `10万亩`, `≥95%`, `5—10家`: the value with its unit and comparator sign.
    pub fn amount(&self) -> String {
        // A target written in words (完成市下达目标) is shown as written, without unit or sign.
        if self.low.is_none() && self.high.is_none() {
            return self.value.clone();
        }
        let sign = match self.comparator {
            Comparator::AtLeast => "≥",
            Comparator::AtMost => "≤",
            Comparator::About => "≈",
            Comparator::Increase => "+",
            Comparator::Decrease => "−",
            Comparator::Equal | Comparator::Range => "",
        };
        if self.value.ends_with(self.unit.as_str()) {
            format!("{sign}{}", self.value)
        } else {
            format!("{sign}{}{}", self.value, self.unit)
        }
    }

    /// What to highlight on the passage page: the value with its unit where the passage
    /// prints them together (`10万亩`), else the value alone.
    pub fn highlight_in(&self, passage_text: &str) -> String {
        let both = format!("{}{}", self.value, self.unit);
        if !self.unit.is_empty() && passage_text.contains(&both) {
            both
        } else {
            self.value.clone()
        }
    }
}

/// A filter over targets, as the CLI, the page and the API offer it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetFilter {
    /// Words that must all occur in the metric, the sentence, the value or the unit.
    pub query: String,
    pub chapter: Option<u32>,
    pub year: Option<u32>,
    pub binding: Option<Binding>,
    /// `None`: both kinds.
    pub kind: Option<Kind>,
}

impl TargetFilter {
    pub fn matches(&self, t: &Target) -> bool {
        if self.chapter.is_some() && t.chapter != self.chapter {
            return false;
        }
        if self.year.is_some() && t.year != self.year {
            return false;
        }
        if self.binding.is_some() && t.binding != self.binding {
            return false;
        }
        if self.kind.is_some_and(|k| k != t.kind) {
            return false;
        }
        let hay = format!("{}\n{}\n{}{}\n{}", t.metric, t.sentence, t.value, t.unit, t.passage_id).to_lowercase();
        self.query.split_whitespace().all(|w| hay.contains(&w.to_lowercase()))
    }

    pub fn apply<'a>(&self, targets: &'a [Target]) -> Vec<&'a Target> {
        targets.iter().filter(|t| self.matches(t)).collect()
    }
}

/// Every target and achieved record of the passages, in reading order.
pub fn extract(passages: &[Passage]) -> Vec<Target> {
    let retro = text::retrospective_sections(passages);
    let mut out = Vec::new();
    for p in passages {
        let mut records = match p.kind {
            PassageKind::Indicator => indicators::indicator_records(p),
            PassageKind::Paragraph => text::text_records(p, Source::Text, retro.contains(&text::section_key(p))),
            PassageKind::PanelItem | PassageKind::Note => text::text_records(p, Source::Panel, retro.contains(&text::section_key(p))),
            PassageKind::Heading | PassageKind::TableRow => vec![],
        };
        for (n, r) in records.iter_mut().enumerate() {
            r.id = format!("{}.t{}", p.id, n + 1);
        }
        out.extend(records);
    }
    out
}

fn record(p: &Passage, source: Source) -> Target {
    Target {
        id: String::new(),
        doc: p.doc.clone(),
        passage_id: p.id.clone(),
        chapter: p.chapter.as_ref().map(|c| c.number),
        sentence: String::new(),
        metric: String::new(),
        value: String::new(),
        low: None,
        high: None,
        unit: String::new(),
        comparator: Comparator::Equal,
        year: None,
        binding: None,
        source,
        kind: Kind::Target,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plansearch_corpus::ChapterRef;

    fn passage(id: &str, kind: PassageKind, text: &str) -> Passage {
        Passage {
            doc: "caidian".into(),
            id: id.into(),
            kind,
            text: text.into(),
            text_en: None,
            chapter: Some(ChapterRef { number: 7, title: None, inferred: true, title_en: None }),
            section: None,
            panel: None,
            cells: vec![],
            order: 0,
        }
    }

    fn records(text: &str) -> Vec<(String, String, String, Option<u32>, Comparator)> {
        extract(&[passage("7.1.1", PassageKind::Paragraph, text)]).into_iter().map(|t| (t.metric, t.value, t.unit, t.year, t.comparator)).collect()
    }

    #[test]
    fn one_sentence_gives_one_record_per_quantity() {
        let r = records("到2025年，瓜菜常年播种面积稳定在40万亩左右，莲藕基地达到10万亩。");
        assert_eq!(
            r,
            vec![
                ("瓜菜常年播种面积".into(), "40".into(), "万亩".into(), Some(2025), Comparator::About),
                ("莲藕基地".into(), "10".into(), "万亩".into(), Some(2025), Comparator::AtLeast),
            ]
        );
    }

    #[test]
    fn names_years_ages_and_ratios_are_not_quantities() {
        for text in [
            "推进5G基站和3号线建设，打造4A级景区。",
            "加快318国道建设。",
            "鼓励建设0—3岁婴幼儿托育机构。",
            "三次产业比由2015年的11.1:63.1:25.8调整。",
            "2、根据有关研究。",
            "以2年为周期对新进教师进行培训。",
            "谋划建设常福220kV变电站110kV送出工程。",
        ] {
            assert_eq!(records(text), vec![], "{text}");
        }
    }

    #[test]
    fn ranges_and_percent_ranges_keep_the_printed_value() {
        let t = extract(&[passage("3.1.1", PassageKind::Paragraph, "到2025年，新增新型研发机构5—10家。按住宅面积的5％—10％配建公租房。")]);
        assert_eq!((t[0].value.as_str(), t[0].low, t[0].high, t[0].comparator), ("5—10", Some(5.0), Some(10.0), Comparator::Range));
        assert_eq!((t[1].value.as_str(), t[1].unit.as_str(), t[1].low, t[1].high), ("5％—10％", "％", Some(5.0), Some(10.0)));
    }

    #[test]
    fn a_review_sentence_gives_achieved_records() {
        let t = extract(&[passage("1.1.6", PassageKind::Paragraph, "打好污染防治攻坚战，“十三五”期间空气质量优良天数占比达到71.1%。")]);
        assert_eq!(t.len(), 1);
        assert_eq!((t[0].kind, t[0].value.as_str()), (Kind::Achieved, "71.1"));
    }

    #[test]
    fn indicator_cells_give_a_target_and_an_achieved_value() {
        let mut p = passage("p2.r3", PassageKind::Indicator, "");
        p.cells = [("指标名称", "常住人口城镇化率"), ("单位", "%"), ("2020年", "41.1"), ("2025年", "60"), ("增速[累计]", "-"), ("属性", "预期性")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let t = extract(&[p]);
        assert_eq!(t.len(), 2);
        assert_eq!((t[0].kind, t[0].value.as_str(), t[0].year, t[0].binding), (Kind::Target, "60", Some(2025), Some(Binding::Indicative)));
        assert_eq!((t[1].kind, t[1].value.as_str(), t[1].year), (Kind::Achieved, "41.1", Some(2020)));
    }
}
