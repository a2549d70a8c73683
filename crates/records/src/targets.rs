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
//! The metric is the words around the quantity: the noun before it (`瓜菜常年播种面积稳定在40万
//! 亩左右` → `瓜菜常年播种面积`), or the verb and the noun after it (`建成8.1公里综合管廊` → `建成
//! 综合管廊`), without scope words (`到2025年`, `力争`) or comparator words (`达到`, `不低于`).

use std::collections::HashSet;

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
    pub binding: Option<String>,
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

/// `约束性`/`binding` → `约束性`, `预期性`/`indicative` → `预期性`: the attribute column's values.
pub fn parse_binding(s: &str) -> Option<&'static str> {
    match s.trim().to_lowercase().as_str() {
        "约束性" | "binding" | "obligatory" => Some("约束性"),
        "预期性" | "indicative" | "expected" => Some("预期性"),
        _ => None,
    }
}

/// A filter over targets, as the CLI, the page and the API offer it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetFilter {
    /// Words that must all occur in the metric, the sentence, the value or the unit.
    pub query: String,
    pub chapter: Option<u32>,
    pub year: Option<u32>,
    pub binding: Option<String>,
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
        if let Some(b) = &self.binding {
            if t.binding.as_deref() != Some(b.as_str()) {
                return false;
            }
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
    let retro = retrospective_sections(passages);
    let mut out = Vec::new();
    for p in passages {
        let mut records = match p.kind {
            PassageKind::Indicator => indicator_records(p),
            PassageKind::Paragraph => text_records(p, Source::Text, retro.contains(&section_key(p))),
            PassageKind::PanelItem | PassageKind::Note => text_records(p, Source::Panel, retro.contains(&section_key(p))),
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

// ---- the indicator table -------------------------------------------------------------------

/// One indicator row: a target (the 2025 value, else the growth target) and, where the 2020
/// value is a number, an achieved record.
fn indicator_records(p: &Passage) -> Vec<Target> {
    let cell = |pred: &dyn Fn(&str) -> bool| p.cells.iter().find(|(c, _)| pred(c)).map(|(_, v)| v.trim()).filter(|v| !is_dash(v));
    let year_of = |c: &str| -> Option<u32> { c.get(..4).and_then(|y| y.parse::<u32>().ok()).filter(|y| (1949..=2100).contains(y)) };
    let Some(metric) = cell(&|c| c.contains("指标")) else { return vec![] };
    let unit = p.cells.iter().find(|(c, _)| c.contains("单位")).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let binding = cell(&|c| c.contains("属性")).map(str::to_string);
    let base_col = p.cells.iter().find(|(c, _)| year_of(c).is_some_and(|y| y <= 2020)).map(|(c, _)| c.clone());
    let target_col = p.cells.iter().find(|(c, _)| year_of(c).is_some_and(|y| y > 2020)).map(|(c, _)| c.clone());
    let target_year = target_col.as_deref().and_then(year_of);
    let sentence = p.text.replace('\n', "；");
    let mut out = Vec::new();

    let target_cell = target_col.as_deref().and_then(|tc| cell(&|c| c == tc));
    let growth_cell = cell(&|c| c.contains("增速") || c.contains("增长") || c.contains("累计"));
    if let Some(v) = target_cell.or(growth_cell) {
        let mut t = record(p, Source::IndicatorTable);
        t.metric = metric.to_string();
        t.unit = unit.clone();
        t.year = target_year;
        t.binding = binding.clone();
        t.sentence = sentence.clone();
        fill_cell_value(&mut t, v);
        out.push(t);
    }
    if let Some(v) = base_col.as_deref().and_then(|bc| cell(&|c| c == bc)) {
        let mut t = record(p, Source::IndicatorTable);
        fill_cell_value(&mut t, v);
        if t.low.is_some() {
            t.metric = metric.to_string();
            t.unit = unit.clone();
            t.year = base_col.as_deref().and_then(year_of);
            t.binding = binding.clone();
            t.sentence = sentence.clone();
            t.kind = Kind::Achieved;
            out.push(t);
        }
    }
    out
}

fn is_dash(v: &str) -> bool {
    v.is_empty() || v.chars().all(|c| matches!(c, '-' | '－' | '—' | '–' | '\\' | '/'))
}

/// `＞99.4` → value `99.4`, at least; `7-8` → a range; `完成市下达目标` → no number.
fn fill_cell_value(t: &mut Target, cell: &str) {
    let chars: Vec<char> = cell.chars().collect();
    let (cmp, skip) = match chars.first() {
        Some('＞' | '>' | '≥') => (Comparator::AtLeast, 1),
        Some('＜' | '<' | '≤') => (Comparator::AtMost, 1),
        _ => (Comparator::Equal, 0),
    };
    let rest: String = chars[skip..].iter().collect();
    let rest_chars: Vec<char> = rest.chars().collect();
    if let Some((a, end)) = number_at(&rest_chars, 0) {
        if end == rest_chars.len() {
            t.value = rest;
            t.low = (cmp != Comparator::AtMost).then_some(a);
            t.high = (cmp != Comparator::AtLeast).then_some(a);
            t.comparator = cmp;
            return;
        }
        if let Some((b, end2)) = rest_chars.get(end).filter(|c| is_range_dash(**c)).and_then(|_| number_at(&rest_chars, end + 1)) {
            if end2 == rest_chars.len() {
                t.value = rest;
                t.low = Some(a);
                t.high = Some(b);
                t.comparator = Comparator::Range;
                return;
            }
        }
    }
    // A target in words: `完成市下达目标`, `高于经济增长速度`.
    t.value = cell.to_string();
    t.comparator = if cell.starts_with("高于") || cell.starts_with("不低于") { Comparator::AtLeast } else { Comparator::Equal };
}

// ---- scanning the text -----------------------------------------------------------------------

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn ascii_digit(c: char) -> char {
    if ('０'..='９').contains(&c) {
        char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c)
    } else {
        c
    }
}

fn is_range_dash(c: char) -> bool {
    matches!(c, '—' | '–' | '-' | '－' | '~' | '～' | '至')
}

/// A number (`13.24`, full-width digits too) at `at`: its value and where it ends.
fn number_at(chars: &[char], at: usize) -> Option<(f64, usize)> {
    let mut i = at;
    let mut s = String::new();
    while i < chars.len() && is_digit(chars[i]) {
        s.push(ascii_digit(chars[i]));
        i += 1;
    }
    if s.is_empty() {
        return None;
    }
    if i + 1 < chars.len() && matches!(chars[i], '.' | '．') && is_digit(chars[i + 1]) {
        s.push('.');
        i += 1;
        while i < chars.len() && is_digit(chars[i]) {
            s.push(ascii_digit(chars[i]));
            i += 1;
        }
    }
    s.parse::<f64>().ok().map(|v| (v, i))
}

/// Units, as printed. The longest one that fits wins (`万平方米` before `平方米` before `米`).
const UNITS: &[&str] = &[
    "万吨标煤",
    "万平方米",
    "平方公里",
    "平方米",
    "立方米",
    "个百分点",
    "万千瓦",
    "万千米",
    "万人次",
    "万公里",
    "公里",
    "千米",
    "万亩",
    "亩",
    "公顷",
    "万吨",
    "吨",
    "亿元",
    "万元",
    "元",
    "亿斤",
    "万斤",
    "斤",
    "人次",
    "万人",
    "万名",
    "万户",
    "万头",
    "万套",
    "万件",
    "万台",
    "万只",
    "万方",
    "千瓦",
    "兆瓦",
    "千伏",
    "个工作日",
    "个月",
    "分钟",
    "小时",
    "人",
    "名",
    "户",
    "头",
    "套",
    "件",
    "台",
    "个",
    "家",
    "座",
    "所",
    "条",
    "项",
    "处",
    "栋",
    "场",
    "支",
    "张",
    "辆",
    "间",
    "只",
    "批",
    "米",
    "天",
    "倍",
    "%",
    "％",
    "‰",
    "亿",
    "万",
    "年",
    "岁",
];

/// Units that count things: `2个以上的行政村` counts villages, so `的` after it is no sign of
/// a description.
const COUNT_UNITS: &[&str] = &[
    "人次",
    "万人次",
    "万人",
    "万名",
    "万户",
    "万头",
    "万套",
    "万件",
    "万台",
    "万只",
    "人",
    "名",
    "户",
    "头",
    "套",
    "件",
    "台",
    "个",
    "家",
    "座",
    "所",
    "条",
    "项",
    "处",
    "栋",
    "场",
    "支",
    "张",
    "辆",
    "间",
    "只",
    "批",
];

/// Units written in Latin letters, accepted only when nothing but punctuation follows
/// (`扩容至10GE，`), so that `110kV变电站` stays a name.
const LATIN_UNITS: &[&str] = &["MVA", "MWh", "MW", "kWh", "kW", "GW", "GE"];

/// Comparator words after the unit.
const SUFFIXES: &[(&str, Comparator)] = &[
    ("以上", Comparator::AtLeast),
    ("以下", Comparator::AtMost),
    ("以内", Comparator::AtMost),
    ("之内", Comparator::AtMost),
    ("左右", Comparator::About),
];

/// Comparator words right before the number (longest first within each meaning).
const BEFORE_CUES: &[(&str, Comparator)] = &[
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
const CHANGE_WORDS: &[(&str, Comparator)] = &[
    ("新增", Comparator::Increase),
    ("增加", Comparator::Increase),
    ("增长", Comparator::Increase),
    ("降低", Comparator::Decrease),
    ("下降", Comparator::Decrease),
    ("减少", Comparator::Decrease),
];

/// Verbs that open a metric (`新建` in `新建8个…示范村`), longest first.
const VERBS: &[&str] = &[
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
const SCOPE_WORDS: &[&str] = &["以及", "至少", "力争", "确保", "其中", "同时", "计划", "并且", "并", "将", "对", "到", "至", "再"];

/// Filler right before a number that is not part of the metric.
const FILLER: &[&str] = &["共计", "总计", "合计", "累计", "预计", "共", "的"];

#[derive(Debug, Clone)]
struct Quantity {
    start: usize,
    /// End of the value as printed (a range includes its second number).
    value_end: usize,
    unit: String,
    /// After the unit and any comparator suffix.
    end: usize,
    low: f64,
    high: Option<f64>,
    /// `40余项`: more than the number.
    more: bool,
    suffix: Option<Comparator>,
    depth: i32,
}

#[derive(Debug, Clone, Copy)]
struct YearMark {
    year: u32,
    /// Where the phrase (with `到`, `力争到`) starts and ends, to keep it out of metrics.
    start: usize,
    end: usize,
    /// 到2025年 / 2021年: a year of the plan period or later.
    future: bool,
    /// Written after 其中: holds to the end of its `；` part only.
    sub: bool,
}

fn is_open(c: char) -> bool {
    matches!(c, '（' | '(' | '<' | '〈' | '[' | '【' | '《')
}

fn is_close(c: char) -> bool {
    matches!(c, '）' | ')' | '>' | '〉' | ']' | '】' | '》')
}

/// Bracket depth of every character; brackets themselves stand at the outer depth. A
/// bracket that is not closed before its sentence ends (the source has a few) is read as a
/// plain character, so it cannot swallow the rest of the passage.
fn depths(chars: &[char]) -> Vec<i32> {
    let mut paired = vec![false; chars.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if is_open(c) {
            stack.push(i);
        } else if is_close(c) {
            if let Some(o) = stack.pop() {
                paired[o] = true;
                paired[i] = true;
            }
        } else if c == '。' || c == '\n' {
            stack.clear();
        }
    }
    let mut out = Vec::with_capacity(chars.len());
    let mut d = 0i32;
    for (i, &c) in chars.iter().enumerate() {
        if paired[i] && is_open(c) {
            out.push(d);
            d += 1;
        } else if paired[i] && is_close(c) {
            d = (d - 1).max(0);
            out.push(d);
        } else {
            out.push(d);
        }
    }
    out
}

fn starts_with_at(chars: &[char], at: usize, s: &str) -> bool {
    s.chars().enumerate().all(|(k, c)| chars.get(at + k) == Some(&c))
}

fn ends_with_at(chars: &[char], end: usize, s: &str) -> bool {
    let n = s.chars().count();
    end >= n && starts_with_at(chars, end - n, s)
}

fn in_title(chars: &[char], at: usize) -> bool {
    // Inside 《…》: a book or document title.
    let mut depth = 0i32;
    for &c in &chars[..at] {
        match c {
            '《' => depth += 1,
            '》' => depth = (depth - 1).max(0),
            '。' | '\n' => depth = 0,
            _ => {}
        }
    }
    depth > 0
}

/// Years and quantities of a text, in order.
fn scan(chars: &[char], depth: &[i32]) -> (Vec<Quantity>, Vec<YearMark>) {
    let mut quantities = Vec::new();
    let mut years = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        // 二〇三五年: a year in Chinese numerals.
        if "二一〇".contains(chars[i]) && i + 4 < chars.len() && chars[i + 4] == '年' {
            let ds: Option<String> =
                chars[i..i + 4].iter().map(|c| "〇一二三四五六七八九".chars().position(|d| d == *c).map(|p| char::from(b'0' + p as u8))).collect();
            if let Some(y) = ds.and_then(|s| s.parse::<u32>().ok()).filter(|y| (1949..=2100).contains(y)) {
                let start = year_phrase_start(chars, i);
                years.push(YearMark { year: y, start, end: i + 5, future: y > 2020, sub: false });
                i += 5;
                continue;
            }
        }
        // “十四五”期间 / 十四五末 → 2025; “十三五”末 → 2020.
        for (name, year) in [("十四五", 2025u32), ("十三五", 2020)] {
            if starts_with_at(chars, i, name) {
                let mut j = i + 3;
                if matches!(chars.get(j), Some('”' | '"' | '’')) {
                    j += 1;
                }
                let open = i > 0 && matches!(chars[i - 1], '“' | '"' | '‘');
                for tail in ["期间", "末"] {
                    if starts_with_at(chars, j, tail) {
                        let start = if open { i - 1 } else { i };
                        years.push(YearMark {
                            year,
                            start: year_phrase_start(chars, start),
                            end: j + tail.chars().count(),
                            future: year > 2020,
                            sub: false,
                        });
                    }
                }
            }
        }
        if !is_digit(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let Some((a, mut j)) = number_at(chars, i) else {
            i += 1;
            continue;
        };
        let digits = j - start;
        let prev = start.checked_sub(1).map(|k| chars[k]);
        // A name or code: 5G, G318, S105, IPv6, 第3, P(2020).
        if prev.is_some_and(|c| c.is_ascii_alphabetic() || c == '第' || c == '.' || c == '．') {
            i = skip_token(chars, j);
            continue;
        }
        if in_title(chars, start) {
            i = j;
            continue;
        }
        // A year: 2025年, 2019年度, （2021—2025）.
        if digits == 4 && a.fract() == 0.0 && (1949.0..=2100.0).contains(&a) {
            let y = a as u32;
            if chars.get(j) == Some(&'年') {
                let mut end = j + 1;
                while matches!(chars.get(end), Some('底' | '末' | '前' | '度')) {
                    end += 1;
                }
                let phrase = year_phrase_start(chars, start);
                let sub = (phrase.saturating_sub(4)..phrase).any(|k| starts_with_at(chars, k, "其中"));
                years.push(YearMark { year: y, start: phrase, end, future: y > 2020, sub });
                i = end;
                continue;
            }
            if chars.get(j).is_some_and(|c| is_range_dash(*c)) && number_at(chars, j + 1).is_some_and(|(b, e)| e - j - 1 == 4 && b >= 1949.0) {
                i = number_at(chars, j + 1).map_or(j + 1, |(_, e)| e);
                continue;
            }
        }
        // A ratio (11.1:63.1:25.8), a formula (1+N), list numbering (2、).
        match chars.get(j) {
            Some(':' | '：') if chars.get(j + 1).is_some_and(|c| is_digit(*c)) => {
                i = skip_token(chars, j);
                continue;
            }
            Some('+' | '＋') => {
                i = skip_token(chars, j + 1);
                continue;
            }
            Some('、' | '.' | '．') if prev.is_none_or(|c| !c.is_alphanumeric() || matches!(c, '。' | '；')) => {
                i = j + 1;
                continue;
            }
            _ => {}
        }
        // A range: 5—10, 1-3, 5％—10％.
        let mut value_end = j;
        let mut high = None;
        let mut percent_range = false;
        let percent_first = matches!(chars.get(j), Some('%' | '％'));
        let k = if percent_first { j + 1 } else { j };
        if chars.get(k).is_some_and(|c| is_range_dash(*c)) {
            if let Some((b, e)) = number_at(chars, k + 1) {
                high = Some(b);
                j = e;
                percent_range = percent_first && matches!(chars.get(e), Some('%' | '％'));
                value_end = if percent_range { e + 1 } else { e };
            }
        }
        let more = matches!(chars.get(j), Some('余' | '多')) && !percent_first;
        let unit_at = if percent_range {
            value_end - 1
        } else if more {
            j + 1
        } else {
            j
        };
        if more {
            value_end = j + 1;
        }
        // The unit.
        let mut unit = UNITS.iter().filter(|u| starts_with_at(chars, unit_at, u)).max_by_key(|u| u.chars().count()).map(|u| u.to_string());
        if percent_range {
            // `5％—10％`: the unit is the percent sign already in the value.
            unit = Some(chars[value_end - 1].to_string());
        }
        let mut unit_end = unit_at + unit.as_ref().map_or(0, |u| u.chars().count());
        if percent_range {
            unit_end = value_end;
        }
        // A voltage class names a line or a substation (35千伏姚家山变) unless nothing follows.
        if unit.as_deref() == Some("千伏") && chars.get(unit_at + 2).is_some_and(|c| c.is_alphanumeric()) {
            i = unit_at + 2;
            continue;
        }
        // A decimal without a unit right after a comparator: 系数低于0.5.
        if unit.is_none() && chars[start..j].iter().any(|c| matches!(c, '.' | '．')) && high.is_none() {
            let cued = BEFORE_CUES.iter().any(|(w, c)| *c != Comparator::Increase && *c != Comparator::Decrease && ends_with_at(chars, start, w));
            if cued && chars.get(j).is_none_or(|c| !c.is_alphanumeric() || *c == '的') {
                unit = Some(String::new());
            }
        }
        if unit.is_none() {
            if let Some(u) = LATIN_UNITS.iter().find(|u| starts_with_at(chars, unit_at, u)) {
                let after = chars.get(unit_at + u.len());
                if after.is_none_or(|c| !c.is_alphanumeric()) {
                    unit = Some(u.to_string());
                    unit_end = unit_at + u.len();
                }
            }
        }
        let Some(unit) = unit else {
            i = skip_token(chars, j);
            continue;
        };
        // Letters right after the number or unit: 4A级, 3D, 110kV.
        if chars.get(unit_at).is_some_and(|c| c.is_ascii_alphabetic()) && !LATIN_UNITS.contains(&unit.as_str()) {
            i = skip_token(chars, j);
            continue;
        }
        if chars.get(unit_end).is_some_and(|c| c.is_ascii_alphabetic()) {
            i = skip_token(chars, unit_end);
            continue;
        }
        // Ages, and whole years (durations: 以2年为周期); a decimal year (12.5年) is a value.
        if unit == "岁" || (unit == "年" && a.fract() == 0.0 && high.is_none() && !chars[start..j].iter().any(|c| matches!(c, '.' | '．'))) {
            i = unit_end;
            continue;
        }
        let mut end = unit_end;
        let mut suffix = None;
        for (s, cmp) in SUFFIXES {
            if starts_with_at(chars, end, s) {
                suffix = Some(*cmp);
                end += s.chars().count();
                break;
            }
        }
        quantities.push(Quantity { start, value_end, unit, end, low: a, high, more, suffix, depth: depth[start] });
        i = end;
    }
    (quantities, years)
}

/// Skip the rest of a code or name made of letters and digits.
fn skip_token(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '.' | ':' | '+' | '-')) {
        i += 1;
    }
    i.max(1)
}

/// Where a year phrase starts, taking in `到`, `至`, `力争到`, `截至`.
fn year_phrase_start(chars: &[char], at: usize) -> usize {
    for w in ["力争到", "截至", "到", "至", "力争", "于", "在"] {
        if ends_with_at(chars, at, w) {
            return at - w.chars().count();
        }
    }
    at
}

// ---- sentences, clauses, metrics ---------------------------------------------------------------

/// `(start, end)` spans of `text` split at any of `stops` at bracket depth 0 (the stop char
/// is kept in the span).
fn split(chars: &[char], depth: &[i32], from: usize, to: usize, stops: &[char], always: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = from;
    for i in from..to {
        if always.contains(&chars[i]) || (depth[i] == 0 && stops.contains(&chars[i])) {
            if i + 1 > s {
                out.push((s, i + 1));
            }
            s = i + 1;
        }
    }
    if to > s {
        out.push((s, to));
    }
    out
}

fn retro_words(s: &str) -> bool {
    ["十三五", "五年来", "截至", "十二五"].iter().any(|w| s.contains(w))
}

/// The key of the section (or chapter introduction) a passage stands in.
fn section_key(p: &Passage) -> (String, String) {
    let place = match (&p.section, &p.chapter) {
        (Some(s), _) => s.number.clone(),
        (None, Some(c)) => format!("{}.0", c.number),
        (None, None) => "0.0".into(),
    };
    (p.doc.clone(), place)
}

/// Sections whose opening paragraph reviews the “十三五” period (and promises nothing): all
/// their quantities are results.
fn retrospective_sections(passages: &[Passage]) -> HashSet<(String, String)> {
    let mut seen = HashSet::new();
    let mut out = HashSet::new();
    for p in passages.iter().filter(|p| p.kind == PassageKind::Paragraph) {
        let key = section_key(p);
        if !seen.insert(key.clone()) {
            continue;
        }
        let chars: Vec<char> = p.text.chars().collect();
        let (_, years) = scan(&chars, &depths(&chars));
        let future = years.iter().any(|y| y.future) || p.text.contains("力争") || p.text.contains("确保");
        if p.text.contains("十三五") && !future {
            out.insert(key);
        }
    }
    out
}

fn text_records(p: &Passage, source: Source, retro_section: bool) -> Vec<Target> {
    let chars: Vec<char> = p.text.chars().collect();
    let depth = depths(&chars);
    let (quantities, years) = scan(&chars, &depth);
    if quantities.is_empty() {
        return vec![];
    }
    let mut out = Vec::new();
    for (ss, se) in split(&chars, &depth, 0, chars.len(), &['。', '！', '？'], &['\n']) {
        let sentence: String = chars[ss..se].iter().collect();
        let in_sentence = |a: usize| a >= ss && a < se;
        let s_years: Vec<&YearMark> = years.iter().filter(|y| in_sentence(y.start)).collect();
        let future = s_years.iter().any(|y| y.future);
        let retro = retro_section || (retro_words(&sentence) && !future);
        let past_only = !retro && !future && s_years.iter().any(|y| !y.future);
        let mut carried_verb = String::new();
        let mut last: Option<(String, Comparator)> = None;
        for (gs, ge) in split(&chars, &depth, ss, se, &['；', ';'], &[]) {
            let segment: String = chars[gs..ge].iter().collect::<String>().trim().to_string();
            // `以…10000亩…基地…为重点。`: a segment that only names where to focus describes
            // what is there; `以…8个村为重点，打造…示范村` goes on to say what is built.
            let framing = segment.starts_with('以') && segment.trim_end_matches(['。', '；', ';']).ends_with("为重点");
            for (cs, ce) in split(&chars, &depth, gs, ge, &['，', ',', '：', ':'], &[]) {
                let qs: Vec<&Quantity> = quantities.iter().filter(|q| q.start >= cs && q.start < ce).collect();
                // A verb carries along a clause (`新建8个…、8条…`), never into the next one.
                carried_verb.clear();
                // First pass: the words around each quantity.
                let mut consumed = cs;
                let mut parts: Vec<(&Quantity, MetricParts)> = Vec::new();
                for (n, q) in qs.iter().enumerate() {
                    let next = qs.get(n + 1).filter(|x| x.depth == q.depth).map(|x| x.start);
                    let m = metric_for(&chars, &depth, &years, cs, ce, q, next, consumed);
                    consumed = m.consumed.max(consumed);
                    if !m.skip && !past_only && !framing {
                        parts.push((q, m));
                    }
                }
                // `创造15分钟、10分钟、5分钟生活圈`: a list shares the noun after its last item.
                let shared = parts.last().map(|(q, _)| clean_after(&chars[q.end..ce].iter().collect::<String>())).unwrap_or_default();
                // Second pass: fill metrics without a noun from the verb, the list, or the
                // quantity before (`至少6万平方米、1200套`).
                let mut kept: Vec<(&Quantity, Comparator, String)> = Vec::new();
                for (q, m) in &parts {
                    if let Some(v) = &m.verb {
                        carried_verb = v.clone();
                    }
                    let mut metric = m.metric.clone();
                    let mut cmp = comparator(q, m);
                    if metric.is_empty() && !m.after.is_empty() {
                        metric = format!("{carried_verb}{}", m.after);
                    }
                    let listed = chars.get(q.end) == Some(&'、') && chars.get(q.end + 1).is_some_and(|c| is_digit(*c));
                    if (metric.is_empty() || VERBS.contains(&metric.as_str()) || listed) && m.after.is_empty() && !shared.is_empty() {
                        let verb = if metric.is_empty() { carried_verb.clone() } else { metric.clone() };
                        let shared = shared.strip_prefix(verb.as_str()).unwrap_or(&shared);
                        metric = format!("{verb}{shared}");
                    }
                    if metric.is_empty() {
                        if let Some((lm, lc)) = &last {
                            metric = lm.clone();
                            if m.cue.is_none() && q.suffix.is_none() && q.high.is_none() {
                                cmp = *lc;
                            }
                        }
                    }
                    last = Some((metric.clone(), cmp));
                    kept.push((q, cmp, metric));
                }
                for (q, cmp, metric) in kept {
                    let mut t = record(p, source);
                    t.sentence = segment.clone();
                    t.value = chars[q.start..q.value_end].iter().collect();
                    t.unit = q.unit.clone();
                    t.comparator = cmp;
                    let (lo, hi) = match (cmp, q.high) {
                        (_, Some(h)) => (Some(q.low), Some(h)),
                        (Comparator::AtLeast, None) => (Some(q.low), None),
                        (Comparator::AtMost, None) => (None, Some(q.low)),
                        _ => (Some(q.low), Some(q.low)),
                    };
                    t.low = lo;
                    t.high = hi;
                    t.metric = metric;
                    if retro {
                        t.kind = Kind::Achieved;
                        t.year = years.iter().filter(|y| y.start >= ss && y.end <= q.start && !y.future).map(|y| y.year).next_back();
                    } else {
                        t.year = year_scope(&s_years, gs, q.start);
                    }
                    out.push(t);
                }
            }
        }
    }
    out
}

/// The year a quantity at `at` is promised for: the last year mark before it in its
/// sentence; a mark after 其中 holds only inside its `；` part (which starts at `seg`).
fn year_scope(years: &[&YearMark], seg: usize, at: usize) -> Option<u32> {
    let mut scope = None;
    for y in years.iter().filter(|y| y.end <= at && y.future) {
        if y.sub && y.start < seg {
            continue;
        }
        scope = Some(y.year);
    }
    scope
}

struct MetricParts {
    metric: String,
    /// The noun after the quantity (`综合管廊` in `建成8.1公里综合管廊`).
    after: String,
    verb: Option<String>,
    /// The comparator word right before the number.
    cue: Option<Comparator>,
    change: Option<Comparator>,
    consumed: usize,
    skip: bool,
}

fn comparator(q: &Quantity, m: &MetricParts) -> Comparator {
    if q.high.is_some() {
        return Comparator::Range;
    }
    if q.suffix == Some(Comparator::About) || m.cue == Some(Comparator::About) {
        return Comparator::About;
    }
    if let Some(s) = q.suffix {
        return s;
    }
    if q.more {
        return Comparator::AtLeast;
    }
    match m.cue {
        Some(c @ (Comparator::AtLeast | Comparator::AtMost | Comparator::Increase | Comparator::Decrease)) => c,
        _ => m.change.unwrap_or(Comparator::Equal),
    }
}

/// Text of `chars[from..to]` at bracket depth `level` or deeper, without year phrases.
fn level_text(chars: &[char], depth: &[i32], years: &[YearMark], from: usize, to: usize, level: i32) -> String {
    (from..to).filter(|&k| depth[k] >= level && !years.iter().any(|y| k >= y.start && k < y.end)).map(|k| chars[k]).collect()
}

/// Drop bracketed groups that open the text (`（中法城一高、…）、公办幼儿园` → `公办幼儿园`): they
/// belong to what came before.
fn strip_leading_groups(s: &str) -> String {
    let mut t = s.trim_start_matches(|c: char| c.is_whitespace() || "、，,".contains(c)).to_string();
    while t.starts_with(|c: char| "（(<〈".contains(c)) {
        let mut d = 0;
        let mut cut = None;
        for (i, c) in t.char_indices() {
            match c {
                '（' | '(' | '<' | '〈' => d += 1,
                '）' | ')' | '>' | '〉' => {
                    d -= 1;
                    if d == 0 {
                        cut = Some(i + c.len_utf8());
                        break;
                    }
                }
                _ => {}
            }
        }
        match cut {
            Some(i) => t = t[i..].trim_start_matches(|c: char| c.is_whitespace() || "、，,".contains(c)).to_string(),
            None => break,
        }
    }
    t
}

fn trim_separators(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || "、，,：:和及与—-".contains(c))
}

fn strip_prefix_any<'a>(s: &'a str, words: &[&str]) -> Option<&'a str> {
    words.iter().filter_map(|w| s.strip_prefix(w)).next()
}

/// The noun attached after a quantity: `综合管廊` of `8.1公里综合管廊，`; empty when a
/// separator follows.
fn clean_after(tail: &str) -> String {
    let t = tail.strip_prefix('的').unwrap_or(tail);
    if t.starts_with(|c: char| "，,、；;。：:".contains(c)) {
        return String::new();
    }
    let end = t.find(|c: char| "，,；;。：:—".contains(c)).unwrap_or(t.len());
    let t = t[..end].trim_end();
    let mut t = trim_separators(t.strip_suffix("以及").unwrap_or(t));
    // `大型公园和莲花湖…小游园、…等口袋公园`: a further list after 和 is not this noun.
    if let Some(k) = t.find(['和', '及', '与']) {
        let rest = &t[k..];
        if k > 0 && (rest.contains('、') || rest.contains('等')) {
            t = &t[..k];
        }
    }
    t.strip_suffix('等').unwrap_or(t).trim_end_matches(|c: char| "、和及与—-".contains(c)).to_string()
}

#[allow(clippy::too_many_arguments)]
fn metric_for(
    chars: &[char],
    depth: &[i32],
    years: &[YearMark],
    cs: usize,
    ce: usize,
    q: &Quantity,
    next: Option<usize>,
    consumed: usize,
) -> MetricParts {
    // Inside brackets, the metric is read inside them: 昊顺（年出栏10万头生猪）.
    let (rs, re) = if q.depth > 0 {
        let open = (cs..q.start).rev().find(|&k| depth[k] == q.depth - 1 && "（(<〈[【".contains(chars[k])).map_or(cs, |k| k + 1);
        let close = (q.end..ce).find(|&k| depth[k] == q.depth - 1).unwrap_or(ce);
        (open, close)
    } else {
        (cs, ce)
    };
    let from = consumed.max(rs).min(q.start);
    let raw_before = level_text(chars, depth, years, from, q.start, q.depth);
    let clause_text: String = chars[cs..ce].iter().collect();
    let whole_before: String = chars[cs..q.start].iter().collect();
    let to = next.unwrap_or(re).min(re).max(q.end);
    let tail = level_text(chars, depth, years, q.end, to, q.depth);
    let after_raw_first = chars.get(q.end).copied();
    // A bracketed note right after the quantity (普通高中2所（…）) is not its noun.
    // Text that ends in a comparator word (`1—2家产值过100亿`) belongs to the next quantity.
    let leads_next = next.is_some() && BEFORE_CUES.iter().any(|(w, _)| tail.trim_end().ends_with(w));
    let after = if leads_next || after_raw_first.is_some_and(|c| "（(<〈".contains(c)) { String::new() } else { clean_after(&tail) };

    // What a quantity is not.
    let mut skip = false;
    if whole_before.contains("依托") || clause_text.trim_start_matches(trim_lead).starts_with("对于") || clause_text.contains("在现有") {
        skip = true;
    }
    let near: String = chars[q.start.saturating_sub(3)..q.start].iter().collect();
    if near.contains("现有") {
        skip = true;
    }
    if after.contains("内的") || after.contains("中的") {
        skip = true;
    }

    // The words before the number: without framing, comparator and filler words.
    let raw_before = strip_leading_groups(&raw_before);
    let mut before = trim_separators(&raw_before).to_string();
    loop {
        let t = trim_separators(&before);
        let t = strip_prefix_any(t, SCOPE_WORDS).unwrap_or(t);
        if t.len() == before.len() {
            break;
        }
        before = t.to_string();
    }
    let mut cue = None;
    loop {
        let t = trim_separators(&before).to_string();
        let mut changed = false;
        let mut t2 = t.clone();
        if let Some((w, c)) = BEFORE_CUES.iter().find(|(w, _)| t.ends_with(w)) {
            cue.get_or_insert(*c);
            t2 = t[..t.len() - w.len()].to_string();
            changed = true;
        } else if let Some(w) = FILLER.iter().find(|w| t.ends_with(*w)) {
            t2 = t[..t.len() - w.len()].to_string();
            changed = true;
        }
        before = t2;
        if !changed {
            break;
        }
    }
    let change = CHANGE_WORDS.iter().find(|(w, _)| raw_before.contains(w)).map(|(_, c)| *c);
    // `至少增加大学生保障房面积6万平方米`: a bound written before the verb.
    if ["至少", "不少于", "不低于"].iter().any(|w| trim_separators(&raw_before).starts_with(w)) {
        cue.get_or_insert(Comparator::AtLeast);
    }
    // `143平方公里的城市开发面积`: a measure followed by 的 describes what is there.
    let followed_by_de = chars.get(q.end) == Some(&'的');
    if followed_by_de && cue.is_none() && q.suffix.is_none() && !COUNT_UNITS.contains(&q.unit.as_str()) {
        skip = true;
    }

    let verb = VERBS.iter().find(|v| before.starts_with(*v)).map(|v| v.to_string());
    // A list before the number (`A、B、C等10个示范点`, `X及约30000户`) is not the metric.
    let mut probe = raw_before.trim_end();
    while let Some(w) = BEFORE_CUES.iter().map(|(w, _)| *w).chain(FILLER.iter().copied()).find(|w| probe.ends_with(w)) {
        probe = &probe[..probe.len() - w.len()];
    }
    let enumerated = before.ends_with('等') || probe.ends_with(|c: char| "、和及与".contains(c));
    if enumerated {
        before = verb.clone().unwrap_or_default();
    } else if before.chars().count() > 30 {
        // A long list before the number: its last item is what is counted.
        if let Some(k) = before.rfind('、') {
            before = format!("{}{}", verb.clone().unwrap_or_default(), &before[k + '、'.len_utf8()..]);
        }
    }
    let before = trim_separators(&before).to_string();
    let bare = before.is_empty() || VERBS.contains(&before.as_str());

    // `以…等8个村为重点，打造乡村休闲游示范村`: the metric is what is built.
    let mut after_noun = after.clone();
    if let Some(stem) = ["为重点", "为主体", "为核心"].iter().find_map(|s| after.strip_suffix(s)) {
        let next_clause: String = chars[ce..].iter().take_while(|c| !"，,；;。".contains(**c)).collect();
        let next_clause = trim_separators(&next_clause).to_string();
        after_noun = if next_clause.is_empty() { stem.to_string() } else { next_clause };
    }

    // A noun taken as the metric belongs to this quantity, not to the next one's words.
    let (metric, used_after) = if before.is_empty() {
        (String::new(), !after_noun.is_empty())
    } else if bare || cue.is_none() || cue == Some(Comparator::Increase) {
        (format!("{before}{after_noun}"), !after_noun.is_empty())
    } else {
        (before.clone(), false)
    };
    let consumed_to = if used_after { to } else { q.end };
    // `提升17.4万亩省级湿地自然保护区`: a verb acting on what follows is no change by the amount.
    if cue == Some(Comparator::Increase) && !after_noun.is_empty() {
        cue = None;
    }
    MetricParts { metric: trim_separators(&metric).to_string(), after: after_noun, verb, cue, change, consumed: consumed_to, skip }
}

fn trim_lead(c: char) -> bool {
    c.is_whitespace() || "，,、".contains(c)
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
        assert_eq!((t[0].kind, t[0].value.as_str(), t[0].year, t[0].binding.as_deref()), (Kind::Target, "60", Some(2025), Some("预期性")));
        assert_eq!((t[1].kind, t[1].value.as_str(), t[1].year), (Kind::Achieved, "41.1", Some(2020)));
    }
}
