//! The lexicon: the fixed word lists the scanner and the metric finder read, one home each.
//!
//! Every list is data, not logic: adding a unit or a cue word is a change here, scored by
//! `tests/targets/labelled.tsv`. It must never hold a rule that needs the text around a word;
//! that is `scan.rs` (numbers, units, years) or `metric.rs` (the words around a quantity).

use super::Comparator;

/// What a unit measures: a count of things, or an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum UnitKind {
    /// Units that count things: `2个以上的行政村` counts villages, so `的` after it is no
    /// sign of a description.
    Count,
    /// Lengths, areas, money, shares, durations…: `143平方公里的城市开发面积` describes what
    /// is there.
    Measure,
}

use UnitKind::{Count, Measure};

/// Units, as printed, and what they measure. The longest one that fits wins (`万平方米`
/// before `平方米` before `米`).
pub(super) const UNITS: &[(&str, UnitKind)] = &[
    ("万吨标煤", Measure),
    ("万平方米", Measure),
    ("平方公里", Measure),
    ("平方米", Measure),
    ("立方米", Measure),
    ("个百分点", Measure),
    ("万千瓦", Measure),
    ("万千米", Measure),
    ("万人次", Count),
    ("万公里", Measure),
    ("公里", Measure),
    ("千米", Measure),
    ("万亩", Measure),
    ("亩", Measure),
    ("公顷", Measure),
    ("万吨", Measure),
    ("吨", Measure),
    ("亿元", Measure),
    ("万元", Measure),
    ("元", Measure),
    ("亿斤", Measure),
    ("万斤", Measure),
    ("斤", Measure),
    ("人次", Count),
    ("万人", Count),
    ("万名", Count),
    ("万户", Count),
    ("万头", Count),
    ("万套", Count),
    ("万件", Count),
    ("万台", Count),
    ("万只", Count),
    ("万方", Measure),
    ("千瓦", Measure),
    ("兆瓦", Measure),
    ("千伏", Measure),
    ("个工作日", Measure),
    ("个月", Measure),
    ("分钟", Measure),
    ("小时", Measure),
    ("人", Count),
    ("名", Count),
    ("户", Count),
    ("头", Count),
    ("套", Count),
    ("件", Count),
    ("台", Count),
    ("个", Count),
    ("家", Count),
    ("座", Count),
    ("所", Count),
    ("条", Count),
    ("项", Count),
    ("处", Count),
    ("栋", Count),
    ("场", Count),
    ("支", Count),
    ("张", Count),
    ("辆", Count),
    ("间", Count),
    ("只", Count),
    ("批", Count),
    ("米", Measure),
    ("天", Measure),
    ("倍", Measure),
    ("%", Measure),
    ("％", Measure),
    ("‰", Measure),
    ("亿", Measure),
    ("万", Measure),
    ("年", Measure),
    ("岁", Measure),
];

/// Does `unit` (as printed) count things?
pub(super) fn counts_things(unit: &str) -> bool {
    UNITS.iter().any(|(u, kind)| *u == unit && *kind == Count)
}

/// Units written in Latin letters, accepted only when nothing but punctuation follows
/// (`扩容至10GE，`), so that `110kV变电站` stays a name.
pub(super) const LATIN_UNITS: &[&str] = &["MVA", "MWh", "MW", "kWh", "kW", "GW", "GE"];

/// Comparator words after the unit.
pub(super) const SUFFIXES: &[(&str, Comparator)] = &[
    ("以上", Comparator::AtLeast),
    ("以下", Comparator::AtMost),
    ("以内", Comparator::AtMost),
    ("之内", Comparator::AtMost),
    ("左右", Comparator::About),
];

/// Comparator words right before the number (longest first within each meaning).
pub(super) const BEFORE_CUES: &[(&str, Comparator)] = &[
    ("不低于", Comparator::AtLeast),
    ("不少于", Comparator::AtLeast),
    ("不小于", Comparator::AtLeast),
    ("提高到", Comparator::AtLeast),
    ("提高至", Comparator::AtLeast),
    ("提升到", Comparator::AtLeast),
    ("提升至", Comparator::AtLeast),
    ("增加到", Comparator::AtLeast),
    ("增加至", Comparator::AtLeast),
    ("扩大到", Comparator::AtLeast),
    ("扩大至", Comparator::AtLeast),
    ("扩容至", Comparator::AtLeast),
    ("不超过", Comparator::AtMost),
    ("不高于", Comparator::AtMost),
    ("不大于", Comparator::AtMost),
    ("控制在", Comparator::AtMost),
    ("压缩至", Comparator::AtMost),
    ("降低到", Comparator::AtMost),
    ("降低至", Comparator::AtMost),
    ("稳定在", Comparator::Equal),
    ("保持在", Comparator::Equal),
    ("至少", Comparator::AtLeast),
    ("超过", Comparator::AtLeast),
    ("高于", Comparator::AtLeast),
    ("大于", Comparator::AtLeast),
    ("多于", Comparator::AtLeast),
    ("达到", Comparator::AtLeast),
    ("突破", Comparator::AtLeast),
    ("低于", Comparator::AtMost),
    ("小于", Comparator::AtMost),
    ("少于", Comparator::AtMost),
    ("降至", Comparator::AtMost),
    ("大约", Comparator::About),
    ("增长", Comparator::Increase),
    ("增加", Comparator::Increase),
    ("提高", Comparator::Increase),
    ("提升", Comparator::Increase),
    ("新增", Comparator::Increase),
    ("降低", Comparator::Decrease),
    ("下降", Comparator::Decrease),
    ("减少", Comparator::Decrease),
    ("达", Comparator::AtLeast),
    ("过", Comparator::AtLeast),
    ("约", Comparator::About),
    ("近", Comparator::About),
    ("为", Comparator::Equal),
];

/// Words anywhere before the number that make the value a change.
pub(super) const CHANGE_WORDS: &[(&str, Comparator)] = &[
    ("新增", Comparator::Increase),
    ("增加", Comparator::Increase),
    ("增长", Comparator::Increase),
    ("降低", Comparator::Decrease),
    ("下降", Comparator::Decrease),
    ("减少", Comparator::Decrease),
];

/// Verbs that open a metric (`新建` in `新建8个…示范村`), longest first.
pub(super) const VERBS: &[&str] = &[
    "下大气力推进",
    "规划新建",
    "谋划建设",
    "规划建设",
    "重点建设",
    "重点打造",
    "重点推进",
    "重点新建",
    "全面打造",
    "组织培训",
    "引进培养",
    "新开工",
    "新建",
    "新增",
    "建成",
    "建设",
    "打造",
    "创建",
    "培育",
    "引进",
    "完成",
    "实现",
    "实施",
    "开展",
    "推进",
    "改造",
    "增设",
    "兴建",
    "扶持",
    "举办",
    "配建",
    "启动",
    "建立",
    "形成",
    "构建",
    "创造",
    "引聘",
    "增加",
    "培训",
    "设立",
    "发展",
];

/// Words that frame a clause without naming anything (`到2025年，力争…`).
pub(super) const SCOPE_WORDS: &[&str] = &["以及", "至少", "力争", "确保", "其中", "同时", "计划", "并且", "并", "将", "对", "到", "至", "再"];

/// Filler right before a number that is not part of the metric.
pub(super) const FILLER: &[&str] = &["共计", "总计", "合计", "累计", "预计", "共", "的"];
