//! Records on the real corpus: targets (with precision and recall on the hand-labelled
//! sentences in `tests/targets/labelled.tsv`), projects, citations, the exact-quote check,
//! CSV export, and their CLI commands, pages and API.

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use axum::http::StatusCode;
use plansearch_corpus::{Corpus, Passage};
use plansearch_records::{
    cite, csv, projects, targets, Binding, CiteDate, CiteFormat, Comparator, Kind, Source, Target, TargetFilter, Verdict, Verifier, VerifyError,
};
use scraper::{Html, Selector};

use crate::util::{enc, engine, get, repo, run_plansearch};

fn passages() -> &'static [Passage] {
    static P: OnceLock<Vec<Passage>> = OnceLock::new();
    P.get_or_init(|| Corpus::load(&repo().join("corpus")).unwrap().passages())
}

fn all_targets() -> &'static [Target] {
    static T: OnceLock<Vec<Target>> = OnceLock::new();
    T.get_or_init(|| targets::extract(passages()))
}

fn passage(id: &str) -> &'static Passage {
    passages().iter().find(|p| p.id == id).unwrap_or_else(|| panic!("no passage {id}"))
}

fn of_passage(id: &str) -> Vec<&'static Target> {
    all_targets().iter().filter(|t| t.passage_id == id).collect()
}

// ---- targets ---------------------------------------------------------------------------------

#[test]
fn forty_and_ten_thousand_mu_are_two_targets_of_one_sentence() {
    let ts: Vec<&Target> = of_passage("7.1.1").into_iter().filter(|t| t.sentence.contains("莲藕基地达到10万亩")).collect();
    let got: Vec<(&str, &str, &str, Option<u32>, Comparator)> =
        ts.iter().map(|t| (t.metric.as_str(), t.value.as_str(), t.unit.as_str(), t.year, t.comparator)).collect();
    assert_eq!(
        got,
        vec![("瓜菜常年播种面积", "40", "万亩", Some(2025), Comparator::About), ("莲藕基地", "10", "万亩", Some(2025), Comparator::AtLeast)],
        "到2025年，瓜菜常年播种面积稳定在40万亩左右，莲藕基地达到10万亩"
    );
    assert!(ts.iter().all(|t| t.kind == Kind::Target && t.source == Source::Text && t.chapter == Some(7)));
    assert_eq!((ts[0].low, ts[0].high, ts[1].low, ts[1].high), (Some(40.0), Some(40.0), Some(10.0), None));
}

#[test]
fn every_value_is_printed_exactly_in_its_passage_or_table_cell() {
    for t in all_targets() {
        let p = passage(&t.passage_id);
        match t.source {
            Source::IndicatorTable => {
                assert!(p.cells.iter().any(|(_, v)| v.contains(&t.value)), "{}: {:?} not in a cell of {:?}", t.id, t.value, p.cells)
            }
            _ => {
                assert!(p.text.contains(&t.value), "{}: value {:?} is not in the passage", t.id, t.value);
                assert!(t.sentence.contains(&t.value), "{}: value {:?} is not in its sentence {:?}", t.id, t.value, t.sentence);
                assert!(p.text.contains(&t.sentence), "{}: the sentence is not in the passage", t.id);
            }
        }
        // low/high are the printed digits, parsed: 万 and 亿 stay in the unit.
        let digits: String = t.value.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
        if let (Ok(n), Some(v)) = (digits.parse::<f64>(), t.low.or(t.high)) {
            assert_eq!(n, v, "{}: {:?} parsed as {v}", t.id, t.value);
        }
        assert!(!t.metric.is_empty(), "{}: a record names its metric", t.id);
    }
}

/// `corpus/caidian/indicators.tsv`: category, indicator, unit, value_2020, target_2025, growth_5yr, attribute.
fn indicator_rows() -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(repo().join("corpus/caidian/indicators.tsv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split('\t').map(str::to_string).collect();
    lines.filter(|l| !l.trim().is_empty()).map(|l| header.iter().cloned().zip(l.split('\t').map(str::to_string)).collect()).collect()
}

#[test]
fn the_main_indicator_table_gives_one_target_per_indicator_with_its_binding() {
    let table: Vec<&Target> = all_targets().iter().filter(|t| t.source == Source::IndicatorTable).collect();
    let rows = indicator_rows();
    assert_eq!(rows.len(), 20);
    for row in &rows {
        let name = &row["indicator"];
        let mine: Vec<&&Target> = table.iter().filter(|t| &t.metric == name).collect();
        let target: Vec<&&&Target> = mine.iter().filter(|t| t.kind == Kind::Target).collect();
        assert_eq!(target.len(), 1, "{name}: one target per indicator, found {target:?}");
        let t = target[0];
        assert_eq!(t.binding.map(Binding::as_str), Some(row["attribute"].as_str()), "{name}");
        assert_eq!(t.unit, row["unit"], "{name}");
        assert_eq!(t.year, Some(2025), "{name}");
        let cell = if row["target_2025"] != "-" { &row["target_2025"] } else { &row["growth_5yr"] };
        assert!(cell.contains(&t.value), "{name}: value {:?} from the cell {cell:?}", t.value);
        let achieved: Vec<&&&Target> = mine.iter().filter(|t| t.kind == Kind::Achieved).collect();
        match row["value_2020"].parse::<f64>() {
            Ok(v) => {
                assert_eq!(achieved.len(), 1, "{name}: the 2020 value is an achieved record");
                assert_eq!((achieved[0].value.as_str(), achieved[0].low, achieved[0].year), (row["value_2020"].as_str(), Some(v), Some(2020)));
            }
            Err(_) => assert!(achieved.is_empty(), "{name}: no 2020 value, no achieved record"),
        }
    }
    // The examples a journalist looks for first.
    let urban = table.iter().find(|t| t.metric == "常住人口城镇化率" && t.kind == Kind::Target).unwrap();
    assert_eq!((urban.value.as_str(), urban.unit.as_str(), urban.binding), ("60", "%", Some(Binding::Indicative)));
    let gdp = table.iter().find(|t| t.metric == "地区生产总值增长").unwrap();
    assert_eq!((gdp.value.as_str(), gdp.comparator, gdp.low, gdp.high), ("7-8", Comparator::Range, Some(7.0), Some(8.0)));
    let pension = table.iter().find(|t| t.metric == "基本养老保险参保率" && t.kind == Kind::Target).unwrap();
    assert_eq!((pension.value.as_str(), pension.comparator), ("99.4", Comparator::AtLeast), "＞99.4");
    let forest = table.iter().find(|t| t.metric == "森林覆盖率" && t.kind == Kind::Target).unwrap();
    assert_eq!((forest.value.as_str(), forest.low, forest.binding), ("完成市下达目标", None, Some(Binding::Binding)));
}

#[test]
fn review_results_are_achieved_records_not_targets() {
    // 空气质量优良天数占比达到71.1%: a “十三五” result.
    let air = of_passage("1.1.6").into_iter().find(|t| t.value == "71.1").expect("71.1%");
    assert_eq!(air.kind, Kind::Achieved);
    // 城镇登记失业率控制在3.6%以内 reads like a target but is a result of the last five years.
    let unemployment = of_passage("1.1.9").into_iter().find(|t| t.value == "3.6").expect("3.6%");
    assert_eq!((unemployment.kind, unemployment.comparator), (Kind::Achieved, Comparator::AtMost));
    assert!(all_targets().iter().filter(|t| t.chapter == Some(1)).all(|t| t.kind == Kind::Achieved), "chapter 1 reviews and promises nothing");
    // Dates, names, ages: no record at all.
    for id in ["1.1.1", "1.2.5", "4.3.2", "5.1.2", "p5-3.1", "10.4.1", "p10-2.2"] {
        assert!(of_passage(id).iter().all(|t| t.kind != Kind::Target), "{id}: {:?}", of_passage(id));
    }
}

// ---- precision and recall on the hand-labelled sentences --------------------------------------

struct Label {
    sentence: String,
    expected: Vec<(String, String, String, Option<u32>)>,
    holdout: bool,
}

fn labels() -> Vec<Label> {
    let text = std::fs::read_to_string(repo().join("tests/targets/labelled.tsv")).unwrap();
    let mut holdout = false;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with("# holdout") {
            holdout = true;
        }
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (sentence, records) = line.split_once('\t').unwrap_or_else(|| panic!("labelled.tsv:{}: no tab", n + 1));
        let expected = if records == "NONE" {
            vec![]
        } else {
            records
                .split(';')
                .map(|r| {
                    let f: Vec<&str> = r.split('|').collect();
                    assert_eq!(f.len(), 4, "labelled.tsv:{}: {r:?} is not metric|value|unit|year", n + 1);
                    (f[0].to_string(), f[1].to_string(), f[2].to_string(), (!f[3].is_empty()).then(|| f[3].parse().unwrap()))
                })
                .collect()
        };
        out.push(Label { sentence: sentence.to_string(), expected, holdout });
    }
    out
}

#[derive(Default, Debug, Clone, Copy)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Score {
    fn precision(self) -> f64 {
        self.tp as f64 / (self.tp + self.fp).max(1) as f64
    }
    fn recall(self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_).max(1) as f64
    }
    fn add(&mut self, o: Score) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
}

/// Score one sentence: a record matches a label when value, unit and year are equal and one
/// metric contains the other.
fn score(label: &Label, report: &mut Vec<String>) -> Score {
    let ids: Vec<&str> = passages().iter().filter(|p| p.text.contains(&label.sentence)).map(|p| p.id.as_str()).collect();
    assert!(!ids.is_empty(), "a labelled sentence is not in the plan: {}", label.sentence);
    let predicted: Vec<&Target> = all_targets()
        .iter()
        .filter(|t| ids.contains(&t.passage_id.as_str()) && t.kind == Kind::Target)
        .filter(|t| label.sentence.contains(&t.sentence) || t.sentence.contains(&label.sentence))
        .collect();
    let mut used = vec![false; predicted.len()];
    let mut s = Score::default();
    let mut missed = Vec::new();
    for (metric, value, unit, year) in &label.expected {
        let hit = (0..predicted.len()).find(|&i| {
            let t = predicted[i];
            !used[i]
                && t.value == *value
                && t.unit == *unit
                && t.year == *year
                && (t.metric.contains(metric.as_str()) || metric.contains(t.metric.as_str()))
        });
        match hit {
            Some(i) => {
                used[i] = true;
                s.tp += 1;
            }
            None => missed.push(format!("{metric}|{value}|{unit}|{}", year.map(|y| y.to_string()).unwrap_or_default())),
        }
    }
    s.fn_ = missed.len();
    let extra: Vec<String> = (0..predicted.len())
        .filter(|&i| !used[i])
        .map(|i| {
            let t = predicted[i];
            format!("{}|{}|{}|{}", t.metric, t.value, t.unit, t.year.map(|y| y.to_string()).unwrap_or_default())
        })
        .collect();
    s.fp = extra.len();
    if !missed.is_empty() || !extra.is_empty() {
        report.push(format!("{} ({})\n    expected, not found: {missed:?}\n    found, not expected: {extra:?}", label.sentence, ids.join(", ")));
    }
    s
}

#[test]
fn precision_and_recall_on_the_hand_labelled_sentences() {
    let labels = labels();
    assert!(labels.len() >= 60, "at least 60 labelled sentences, have {}", labels.len());
    let none = labels.iter().filter(|l| l.expected.is_empty()).count();
    assert!(none >= 20, "look-alike non-targets are labelled too: {none}");
    let chapters: std::collections::HashSet<u32> = labels
        .iter()
        .flat_map(|l| passages().iter().filter(|p| p.text.contains(&l.sentence)))
        .filter_map(|p| p.chapter.as_ref().map(|c| c.number))
        .collect();
    assert!(chapters.len() >= 10, "sentences across chapters: {chapters:?}");
    assert!(labels.iter().any(|l| passages().iter().any(|p| p.panel.is_some() && p.text.contains(&l.sentence))), "and panels");

    let mut report = Vec::new();
    let (mut dev, mut holdout) = (Score::default(), Score::default());
    for l in &labels {
        let s = score(l, &mut report);
        if l.holdout {
            holdout.add(s);
        } else {
            dev.add(s);
        }
    }
    let mut all = dev;
    all.add(holdout);
    for (name, s) in [("dev", dev), ("holdout", holdout), ("all", all)] {
        println!(
            "targets on {name}: precision {:.3} ({}/{}), recall {:.3} ({}/{})",
            s.precision(),
            s.tp,
            s.tp + s.fp,
            s.recall(),
            s.tp,
            s.tp + s.fn_
        );
    }
    for r in &report {
        println!("  {r}");
    }
    assert!(all.precision() >= 0.95, "precision {:.3} < 0.95:\n{}", all.precision(), report.join("\n"));
    assert!(all.recall() >= 0.90, "recall {:.3} < 0.90:\n{}", all.recall(), report.join("\n"));
}

#[test]
fn target_filters_narrow_and_a_filter_matching_nothing_gives_nothing() {
    let t = all_targets();
    let ch7 = TargetFilter { chapter: Some(7), year: Some(2025), kind: Some(Kind::Target), ..Default::default() }.apply(t);
    assert!(ch7.len() >= 20, "{}", ch7.len());
    assert!(ch7.iter().all(|t| t.chapter == Some(7) && t.year == Some(2025)));
    let binding = TargetFilter { binding: Some(Binding::Binding), ..Default::default() }.apply(t);
    assert!(binding.iter().all(|t| t.source == Source::IndicatorTable) && binding.len() >= 8);
    let lotus = TargetFilter { query: "莲藕基地".into(), ..Default::default() }.apply(t);
    assert!(lotus.iter().any(|t| t.value == "10"));
    assert!(TargetFilter { year: Some(2035), ..Default::default() }.apply(t).is_empty());
    assert!(TargetFilter { query: "火星基地".into(), ..Default::default() }.apply(t).is_empty());
}

// ---- projects ------------------------------------------------------------------------------------

#[test]
fn a_project_query_for_gree_finds_the_industrial_park_row_with_its_columns() {
    let all = projects::extract_projects(passages());
    let found = projects::filter_projects(&all, "格力");
    assert_eq!(found.len(), 1, "{found:?}");
    let p = found[0];
    assert_eq!((p.passage_id.as_str(), p.panel.id.as_str()), ("p4-2.r1", "4-2"));
    assert_eq!(p.get("项目名称"), Some("格力智能装备武汉产业园"));
    assert_eq!(p.get("承担企业"), Some("格力智能装备（武汉）有限公司"));
    assert_eq!(p.get("类别"), Some("园区建设"));
    assert!(p.get("项目内容").is_some_and(|c| c.contains("机器人")));
    // A merged cell of the table is named in the rows below it, and said to be inherited.
    let second = all.iter().find(|p| p.passage_id == "p4-1.r2").unwrap();
    assert_eq!((second.get("环节领域"), second.inherited.as_slice()), (Some("电机配件"), &["环节领域".to_string()][..]));
    // Every kind of project table is there, with its own columns.
    for col in ["项目名称", "承担企业", "项目内容", "负责单位", "类别", "环节领域", "产业", "细分领域", "企业名称"] {
        assert!(all.iter().any(|p| p.get(col).is_some()), "no project has a {col} column");
    }
    assert!(projects::filter_projects(&all, "不存在的公司").is_empty());
}

#[test]
fn the_company_filter_in_search_finds_the_gree_row() {
    let res = engine().search(&plansearch_search::Request { q: "company:格力".into(), limit: 10, ..Default::default() }).unwrap();
    let ids: Vec<&str> = res.hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, vec!["p4-2.r1"], "{:?}", res.message);
}

// ---- citations ---------------------------------------------------------------------------------------

const DAY: CiteDate = CiteDate { year: 2025, month: 11, day: 29 };
const BASE: &str = "https://plansearch.example";

fn cite_all(id: &str) -> HashMap<CiteFormat, String> {
    let title = cite::doc_title(passages(), "caidian").unwrap();
    CiteFormat::ALL.iter().map(|f| (*f, cite::cite_on(passage(id), title, BASE, *f, DAY))).collect()
}

#[test]
fn a_passage_under_inferred_headings_is_cited_as_missing_its_title_never_given_one() {
    // 5.2.1 stands in chapter 5, section 2: the source prints neither title.
    let c = cite_all("5.2.1");
    assert_eq!(
        c[&CiteFormat::Gbt],
        "蔡甸区人民政府.《蔡甸区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》[EB/OL]. 第五章（标题缺失）第二节（标题缺失），段落 5.2.1. [2025-11-29]. https://plansearch.example/p/caidian/5.2.1."
    );
    assert!(
        c[&CiteFormat::Chicago].contains("Chapter 5 (title not in source), section 2 (title not in source), passage 5.2.1."),
        "{}",
        c[&CiteFormat::Chicago]
    );
    assert!(c[&CiteFormat::Bibtex].contains("note = {第五章（标题缺失）第二节（标题缺失），段落 5.2.1}"), "{}", c[&CiteFormat::Bibtex]);
    let json: serde_json::Value = serde_json::from_str(&c[&CiteFormat::Json]).unwrap();
    assert_eq!(json["place"], "第五章（标题缺失）第二节（标题缺失）");
    assert_eq!(json["chapter"]["title"], serde_json::Value::Null);
    for (f, text) in &c {
        assert!(text.contains("5.2.1") && text.contains("https://plansearch.example/p/caidian/5.2.1"), "{f:?}: the id and the permalink");
    }
}

#[test]
fn a_titled_passage_is_cited_by_chapter_section_and_panel_in_every_format() {
    let c = cite_all("4.1.3");
    assert!(c[&CiteFormat::Gbt].contains("[EB/OL]. 第四章第一节，段落 4.1.3."), "{}", c[&CiteFormat::Gbt]);
    let chicago = &c[&CiteFormat::Chicago];
    assert!(chicago.starts_with("People's Government of Caidian District. "), "{chicago}");
    assert!(chicago.contains("Chapter 4 (“Focus on the Real Economy"), "{chicago}");
    assert!(chicago.contains("Accessed November 29, 2025."), "{chicago}");
    assert!(chicago.ends_with(cite::TRANSLATION_NOTE), "the English is an unofficial translation: {chicago}");
    let bib = &c[&CiteFormat::Bibtex];
    assert!(bib.starts_with("@misc{caidian-4-1-3,\n") && bib.ends_with("\n}"), "{bib}");
    assert_eq!(bib.matches('{').count(), bib.matches('}').count(), "balanced braces: {bib}");
    let panel = cite_all("p4-2.r1");
    assert!(panel[&CiteFormat::Gbt].contains("第四章第一节，专栏 4-2，段落 p4-2.r1."), "{}", panel[&CiteFormat::Gbt]);
}

#[test]
fn cite_on_the_command_line_prints_each_format_and_refuses_an_unknown_id() {
    let out = run_plansearch(&["cite", "caidian/5.2.1", "--format", "gbt", "--base-url", BASE]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("第五章（标题缺失）第二节（标题缺失），段落 5.2.1.") && text.contains("https://plansearch.example/p/caidian/5.2.1."),
        "{text}"
    );
    for format in ["chicago", "bibtex", "json"] {
        let out = run_plansearch(&["cite", "4.1.3", "--format", format]);
        assert!(out.status.success() && !out.stdout.is_empty(), "{format}");
    }
    let out = run_plansearch(&["cite", "9.9.9"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no passage caidian/9.9.9") && err.contains("4.1.3"), "a clear message: {err}");
    assert!(out.stdout.is_empty());
}

// ---- reference-manager exports: CSL-JSON and RIS ----------------------------------------------------

/// The records of an RIS file as (tag, value) lines, checking the line structure on the way:
/// every line is `XX  - value` ended by CR LF, a record opens with TY and closes with ER.
fn ris_records(text: &str) -> Vec<Vec<(String, String)>> {
    assert!(text.ends_with("\r\n"), "RIS ends with CR LF: {text:?}");
    let mut records = Vec::new();
    let mut current: Option<Vec<(String, String)>> = None;
    for line in text.strip_suffix("\r\n").unwrap().split("\r\n") {
        let (tag, value) = line.split_once("  - ").unwrap_or_else(|| panic!("not an RIS line: {line:?}"));
        assert!(tag.len() == 2 && tag.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()), "tag {tag:?}");
        assert!(!value.contains(['\r', '\n']), "{line:?}");
        match tag {
            "TY" => {
                assert!(current.is_none(), "TY inside a record");
                current = Some(vec![(tag.into(), value.into())]);
            }
            "ER" => records.push(current.take().expect("ER without TY")),
            _ => current.as_mut().expect("a tag outside a record").push((tag.into(), value.into())),
        }
    }
    assert!(current.is_none(), "a record without ER");
    records
}

fn ris_field<'a>(record: &'a [(String, String)], tag: &str) -> Vec<&'a str> {
    record.iter().filter(|(t, _)| t == tag).map(|(_, v)| v.as_str()).collect()
}

#[test]
fn csl_json_cites_a_passage_as_a_part_of_the_plan_with_its_issuer_year_place_and_permalink() {
    let c = cite_all("4.1.3");
    let items: serde_json::Value = serde_json::from_str(&c[&CiteFormat::CslJson]).unwrap();
    assert_eq!(items.as_array().map(Vec::len), Some(1), "CSL-JSON is an array of items");
    let item = &items[0];
    assert_eq!(item["type"], "chapter");
    assert_eq!(item["id"], "caidian-4-1-3", "the BibTeX key, so both files cite with the same key");
    assert_eq!(item["container-title"], "蔡甸区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要");
    assert_eq!(item["author"], serde_json::json!([{"literal": "蔡甸区人民政府"}]));
    assert_eq!(item["issued"], serde_json::json!({"date-parts": [[2021]]}), "the first year of the plan period (2021—2025)");
    assert_eq!(item["language"], "zh-CN");
    assert_eq!(item["title"], "第四章第一节，段落 4.1.3");
    assert_eq!(item["section"], "第四章第一节，段落 4.1.3");
    assert_eq!(item["URL"], "https://plansearch.example/p/caidian/4.1.3");
    assert_eq!(item["accessed"], serde_json::json!({"date-parts": [[2025, 11, 29]]}));
    let note = item["note"].as_str().unwrap();
    assert!(note.starts_with("Chapter 4 (“Focus on the Real Economy") && note.ends_with(cite::TRANSLATION_NOTE), "{note}");
}

#[test]
fn ris_cites_a_passage_one_tag_a_line_with_the_plan_as_its_book() {
    let records = ris_records(&cite_all("p4-2.r1")[&CiteFormat::Ris]);
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(ris_field(r, "TY"), ["ECHAP"]);
    assert_eq!(ris_field(r, "ID"), ["caidian-p4-2-r1"]);
    assert_eq!(ris_field(r, "AU"), ["蔡甸区人民政府"]);
    assert_eq!(ris_field(r, "T2"), ["蔡甸区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要"]);
    assert_eq!(ris_field(r, "TI"), ["第四章第一节，专栏 4-2，段落 p4-2.r1"]);
    assert_eq!(ris_field(r, "SE"), ["第四章第一节，专栏 4-2，段落 p4-2.r1"]);
    assert_eq!(ris_field(r, "PY"), ["2021"]);
    assert_eq!(ris_field(r, "LA"), ["zh-CN"]);
    assert_eq!(ris_field(r, "UR"), ["https://plansearch.example/p/caidian/p4-2.r1"]);
    assert_eq!(ris_field(r, "Y2"), ["2025/11/29"]);
    assert!(ris_field(r, "TT")[0].starts_with("Chapter 4 (“Focus on the Real Economy"), "{:?}", ris_field(r, "TT"));
}

#[test]
fn under_inferred_headings_csl_json_and_ris_say_the_title_is_missing() {
    let c = cite_all("5.2.1");
    let items: serde_json::Value = serde_json::from_str(&c[&CiteFormat::CslJson]).unwrap();
    assert_eq!(items[0]["title"], "第五章（标题缺失）第二节（标题缺失），段落 5.2.1");
    assert!(items[0]["note"].as_str().unwrap().starts_with("Chapter 5 (title not in source), section 2 (title not in source), passage 5.2.1"));
    let r = &ris_records(&c[&CiteFormat::Ris])[0];
    assert_eq!(ris_field(r, "TI"), ["第五章（标题缺失）第二节（标题缺失），段落 5.2.1"]);
    assert_eq!(ris_field(r, "TT"), ["Chapter 5 (title not in source), section 2 (title not in source), passage 5.2.1"]);
}

#[test]
fn text_with_line_breaks_cannot_add_an_ris_tag_or_break_the_json() {
    let hostile =
        cite::DocTitle { zh: "某区国民经济\r\nER  - \r\nTY  - JOUR\nTI  - 伪造\u{2028}\"}]纲要", en: Some("A\nPlan"), year: None };
    let text = cite::cite_on(passage("4.1.3"), hostile, BASE, CiteFormat::Ris, DAY);
    let records = ris_records(&text);
    assert_eq!(records.len(), 1, "{text}");
    assert_eq!(ris_field(&records[0], "TY"), ["ECHAP"]);
    assert_eq!(ris_field(&records[0], "TI"), ["第四章第一节，段落 4.1.3"]);
    assert!(ris_field(&records[0], "PY").is_empty(), "no period line, no year: never a guessed one");
    let json = cite::cite_on(passage("4.1.3"), hostile, BASE, CiteFormat::CslJson, DAY);
    let items: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(items[0]["container-title"], hostile.zh, "JSON keeps the text exactly, escaped");
    assert!(items[0].get("issued").is_none());
}

#[test]
fn several_passages_make_one_file_of_several_records() {
    let title = cite::doc_title(passages(), "caidian").unwrap();
    let items: Vec<(&Passage, cite::DocTitle)> = ["4.1.3", "5.2.1", "p4-2.r1"].iter().map(|id| (passage(id), title)).collect();
    let ris = ris_records(&cite::cite_many(&items, BASE, CiteFormat::Ris, DAY));
    let ids: Vec<&str> = ris.iter().map(|r| ris_field(r, "ID")[0]).collect();
    assert_eq!(ids, ["caidian-4-1-3", "caidian-5-2-1", "caidian-p4-2-r1"]);
    let csl: serde_json::Value = serde_json::from_str(&cite::cite_many(&items, BASE, CiteFormat::CslJson, DAY)).unwrap();
    let ids: Vec<&str> = csl.as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["caidian-4-1-3", "caidian-5-2-1", "caidian-p4-2-r1"]);
    assert_eq!(cite::cite_many(&[], BASE, CiteFormat::CslJson, DAY), "[]");
    assert_eq!(cite::cite_many(&[], BASE, CiteFormat::Ris, DAY), "");
}

#[test]
fn cite_on_the_command_line_writes_csl_json_and_ris_and_names_the_formats_it_knows() {
    let out = run_plansearch(&["cite", "4.1.3", "--format", "csl-json", "--base-url", BASE]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(items[0]["URL"], "https://plansearch.example/p/caidian/4.1.3");
    let out = run_plansearch(&["cite", "caidian/5.2.1", "--format", "ris", "--base-url", BASE]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let records = ris_records(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(ris_field(&records[0], "UR"), ["https://plansearch.example/p/caidian/5.2.1"]);
    let out = run_plansearch(&["cite", "4.1.3", "--format", "endnote"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("endnote") && err.contains("csl-json") && err.contains("ris"), "names the formats: {err}");
    assert!(out.stdout.is_empty());
}

// ---- the exact-quote check -----------------------------------------------------------------------------

fn verifier() -> &'static Verifier {
    static V: OnceLock<Verifier> = OnceLock::new();
    V.get_or_init(|| Verifier::new(passages()))
}

#[test]
fn a_verbatim_quote_is_found_with_passage_and_offsets_whatever_its_line_breaks() {
    let v = verifier().verify("瓜菜常年播种面积稳定在40万亩左右，\n莲藕基地达到 10万亩").unwrap();
    assert_eq!(v.verdict, Verdict::Verbatim);
    assert!(v.verbatim);
    assert_eq!(v.matches.len(), 1);
    let m = &v.matches[0];
    assert_eq!(m.passage_id, "7.1.1");
    let text: String = passage("7.1.1").text.chars().skip(m.start).take(m.end - m.start).collect();
    assert_eq!(text, "瓜菜常年播种面积稳定在40万亩左右，莲藕基地达到10万亩");
    assert_eq!(m.text, text);
}

#[test]
fn a_changed_number_is_a_near_miss_with_the_digit_marked() {
    let v = verifier().verify("到2025年，瓜菜常年播种面积稳定在45万亩左右").unwrap();
    assert_eq!(v.verdict, Verdict::NearMiss);
    assert!(!v.verbatim && v.matches.is_empty());
    let c = v.closest.unwrap();
    assert_eq!((c.passage_id.as_str(), c.distance, c.number_changed), ("7.1.1", 1, true));
    assert_eq!(c.quote_marked, "到2025年，瓜菜常年播种面积稳定在4⟦5⟧万亩左右");
    assert_eq!(c.passage_marked, "到2025年，瓜菜常年播种面积稳定在4⟦0⟧万亩左右");
    assert_eq!(c.text, "到2025年，瓜菜常年播种面积稳定在40万亩左右");
    // Two characters changed in words are a near miss too.
    let v = verifier().verify("城镇调查失业率控制在6%以下").unwrap();
    assert_eq!(v.verdict, Verdict::NearMiss, "{}", v.message);
    assert_eq!(v.closest.as_ref().map(|c| c.passage_id.as_str()), Some("13.1.1"));
}

#[test]
fn punctuation_width_is_reported_apart_from_the_words() {
    let v = verifier().verify("到2025年,新增高标准基本农田13.2万亩").unwrap();
    assert_eq!(v.verdict, Verdict::PunctuationWidth);
    assert!(!v.verbatim);
    assert_eq!(v.matches[0].passage_id, "7.1.2");
    assert_eq!(v.width_differences.len(), 1);
    let d = &v.width_differences[0];
    assert_eq!((d.quote.as_deref(), d.passage.as_deref(), d.quote_offset), (Some(","), Some("，"), Some(6)));
}

#[test]
fn an_empty_or_huge_quote_is_refused_and_a_long_near_miss_is_found() {
    // How long these take is a benchmark's question, not a test's: a shared machine makes
    // wall-clock limits flaky.
    assert_eq!(verifier().verify("").unwrap_err(), VerifyError::Empty);
    assert_eq!(verifier().verify(" \n\t　").unwrap_err(), VerifyError::Empty);
    let huge = "蔡".repeat(1 << 20);
    assert!(matches!(verifier().verify(&huge), Err(VerifyError::TooLong { max: 2000, .. })));
    // The longest passage, with two characters changed, near the limit of 2000 characters.
    let long = passages().iter().max_by_key(|p| p.text.chars().count()).unwrap();
    let mut chars: Vec<char> = long.text.chars().filter(|c| !c.is_whitespace()).take(1990).collect();
    let n = chars.len();
    chars[n / 3] = '甲';
    chars[2 * n / 3] = '乙';
    let quote: String = chars.into_iter().collect();
    let v = verifier().verify(&quote).unwrap();
    assert_eq!(v.verdict, Verdict::NearMiss, "{}", v.message);
    assert_eq!(v.closest.unwrap().distance, 2);
}

fn verify_cli(args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plansearch"))
        .args(args)
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

#[test]
fn verify_exits_0_only_for_a_verbatim_quote() {
    let ok = verify_cli(&["verify", "莲藕基地达到10万亩"], None);
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).starts_with("VERBATIM"));
    let near = verify_cli(&["verify", "莲藕基地达到12万亩"], None);
    assert_eq!(near.status.code(), Some(1));
    let out = String::from_utf8_lossy(&near.stdout);
    assert!(out.starts_with("NEAR MISS") && out.contains("莲藕基地达到1⟦0⟧万亩"), "{out}");
    let json = verify_cli(&["verify", "--json", "莲藕基地达到12万亩"], None);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["verdict"], "near_miss");
    let empty = verify_cli(&["verify", ""], None);
    assert_eq!(empty.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&empty.stderr).contains("the quote is empty"));
    // A 1 MB quote (read from standard input: no command line holds one).
    let huge = verify_cli(&["verify", "-"], Some(&"蔡".repeat(1 << 20)));
    assert_eq!(huge.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&huge.stderr).contains("the limit is 2000"), "{}", String::from_utf8_lossy(&huge.stderr));
    let piped = verify_cli(&["verify", "-"], Some("莲藕基地达到10万亩\n"));
    assert_eq!(piped.status.code(), Some(0));
}

// ---- CSV ---------------------------------------------------------------------------------------------------

/// A small RFC 4180 reader for checking what was written.
fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(field.is_empty() && row.is_empty(), "the file ends with CRLF");
    rows
}

#[test]
fn csv_quotes_commas_quotes_and_newlines_and_neutralises_formulas() {
    let mut t = all_targets()[0].clone();
    t.metric = "a, \"quoted\"\nmetric".into();
    t.sentence = "=HYPERLINK(\"http://x\",\"click\")".into();
    t.value = "+1".into();
    t.unit = "@SUM(A1)".into();
    let text = csv::targets([&t]);
    let rows = read_csv(&text);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0], csv::TARGET_COLUMNS.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    let col = |name: &str| rows[1][csv::TARGET_COLUMNS.iter().position(|c| *c == name).unwrap()].clone();
    assert_eq!(col("metric"), "a, \"quoted\"\nmetric");
    assert_eq!(col("sentence"), "'=HYPERLINK(\"http://x\",\"click\")");
    assert_eq!(col("value"), "'+1");
    assert_eq!(col("unit"), "'@SUM(A1)");
    assert!(text.contains("\"a, \"\"quoted\"\"\nmetric\""), "{text}");
    // The real export reads back with every row as wide as the header.
    let rows = read_csv(&csv::targets(all_targets()));
    assert_eq!(rows.len(), all_targets().len() + 1);
    assert!(rows.iter().all(|r| r.len() == csv::TARGET_COLUMNS.len()));
    let all = projects::extract_projects(passages());
    let refs: Vec<&plansearch_records::Project> = all.iter().collect();
    let rows = read_csv(&csv::projects(&refs));
    assert_eq!(rows.len(), all.len() + 1);
    assert!(rows.iter().all(|r| r.len() == rows[0].len()));
}

#[test]
fn kind_on_the_command_line_picks_targets_achieved_results_or_both_and_help_lists_them() {
    let kinds = |kind: &str| -> Vec<Target> {
        let out = run_plansearch(&["targets", "--json", "--kind", kind]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let (target, achieved, all) = (kinds("target"), kinds("achieved"), kinds("all"));
    assert!(!target.is_empty() && target.iter().all(|t| t.kind == Kind::Target));
    assert!(!achieved.is_empty() && achieved.iter().all(|t| t.kind == Kind::Achieved));
    assert_eq!(all.len(), target.len() + achieved.len());
    let out = run_plansearch(&["targets", "--kind", "goals"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("target") && err.contains("achieved") && err.contains("all"), "names the kinds: {err}");
    let help = String::from_utf8(run_plansearch(&["targets", "--help"]).stdout).unwrap();
    assert!(help.contains("[possible values: target, achieved, all]"), "{help}");
    let help = String::from_utf8(run_plansearch(&["search", "--help"]).stdout).unwrap();
    assert!(help.contains("[possible values: auto, zh, en]"), "{help}");
}

#[test]
fn targets_and_projects_on_the_command_line_in_every_format() {
    // The query matches the metric or the sentence: both quantities of the lotus sentence.
    let out = run_plansearch(&["targets", "--csv", "--chapter", "7", "莲藕基地"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = read_csv(&String::from_utf8(out.stdout).unwrap());
    let values: Vec<(&str, &str)> = rows[1..].iter().map(|r| (r[7].as_str(), r[10].as_str())).collect();
    assert_eq!(values, vec![("40", "万亩"), ("10", "万亩")], "{rows:?}");
    let out = run_plansearch(&["targets", "--json", "--binding", "约束性"]);
    let list: Vec<Target> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(list.len() >= 8 && list.iter().all(|t| t.binding == Some(Binding::Binding)));
    // Filters that match nothing: a correct empty file and a message.
    let out = run_plansearch(&["targets", "--csv", "--year", "2035"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), csv::row(csv::TARGET_COLUMNS));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no targets match"));
    let out = run_plansearch(&["targets", "--chapter", "99"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no chapter 99"));
    let out = run_plansearch(&["projects", "--json", "格力"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["passage_id"], "p4-2.r1");
    let out = run_plansearch(&["projects", "格力"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("项目名称：格力智能装备武汉产业园"));
}

// ---- the web -------------------------------------------------------------------------------------------------

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

async fn page(uri: &str) -> Html {
    let r = get(uri).await;
    assert_eq!(r.status, StatusCode::OK, "GET {uri}: {}", r.body);
    r.html()
}

async fn api(uri: &str) -> serde_json::Value {
    let r = get(uri).await;
    assert_eq!(r.status, StatusCode::OK, "GET {uri}: {}", r.body);
    r.json()
}

#[tokio::test]
async fn the_targets_page_opens_with_two_svg_charts_and_links_every_row_to_its_number() {
    let doc = page("/targets").await;
    let svgs: Vec<_> = doc.select(&sel("figure.chart svg")).collect();
    assert_eq!(svgs.len(), 2, "the indicators and the targets per chapter");
    // 2020 against 2025 for the indicators that have both numbers: two bars each.
    let indicator_bars = svgs[0].select(&sel("a rect")).count();
    assert_eq!(indicator_bars, 2 * 6, "常住人口城镇化率, 受教育年限, 医师数, 参保率, 托位数, 预期寿命");
    assert_eq!(svgs[1].select(&sel("a")).count(), 15, "one bar per chapter");
    assert!(doc.select(&sel("[style]")).next().is_none(), "no inline styles (CSP)");
    let rows: Vec<_> = doc.select(&sel("table.records tbody tr")).collect();
    assert!(rows.len() > 150, "{}", rows.len());
    let lotus = doc.select(&sel("tr[id='7.1.1.t2'] td.num a")).next().expect("莲藕基地 row");
    assert_eq!(lotus.value().attr("href"), Some(format!("/p/caidian/7.1.1?q={}", enc("10万亩")).as_str()));
    assert_eq!(lotus.text().collect::<String>(), "≥10万亩");
    // The link highlights the number on the passage page.
    let passage = page(lotus.value().attr("href").unwrap()).await;
    let marked: Vec<String> = passage.select(&sel(".text.zh mark")).map(|m| m.text().collect()).collect();
    assert_eq!(marked, vec!["10万亩"]);
    let csv_link = doc.select(&sel("a[download]")).next().unwrap();
    assert!(csv_link.value().attr("href").unwrap().starts_with("/api/targets.csv"));
}

#[tokio::test]
async fn the_targets_table_sorts_and_filters_on_the_server() {
    let doc = page("/targets?sort=value&dir=desc&kind=all").await;
    let first = doc.select(&sel("table.records tbody tr td.num a")).next().unwrap().text().collect::<String>();
    assert_eq!(first, "≈1037100平方米", "the largest number first");
    let th = doc.select(&sel("th[aria-sort='descending']")).next().expect("the sorted column says so");
    assert!(th.text().collect::<String>().contains("数值"));
    let doc = page("/targets?chapter=13&year=2025&binding=").await;
    let chapters: Vec<String> = doc.select(&sel("table.records tbody tr td:nth-child(7)")).map(|t| t.text().collect()).collect();
    assert!(!chapters.is_empty() && chapters.iter().all(|c| c == "13"), "{chapters:?}");
    let doc = page("/targets?binding=%E7%BA%A6%E6%9D%9F%E6%80%A7").await;
    let bindings: Vec<String> = doc.select(&sel("table.records tbody tr td:nth-child(4)")).map(|t| t.text().collect()).collect();
    assert!(bindings.len() >= 8 && bindings.iter().all(|b| b == "约束性"), "{bindings:?}");
    let doc = page("/targets?q=%E7%81%AB%E6%98%9F%E5%9F%BA%E5%9C%B0").await;
    assert!(doc.select(&sel("table.records")).next().is_none());
    assert!(doc.select(&sel("p.noresult")).next().is_some(), "nothing matches: it says so");
    for bad in ["/targets?chapter=99", "/targets?year=20x5", "/targets?sort=colour", "/targets?binding=maybe", "/targets?kind=wish"] {
        let r = get(bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(r.headers["content-type"].to_str().unwrap().starts_with("text/html"), "{bad}");
    }
}

#[tokio::test]
async fn the_targets_api_and_csv_answer_the_filters_and_refuse_bad_ones() {
    let v = api("/api/targets?chapter=7&year=2025").await;
    let list = v["targets"].as_array().unwrap();
    assert_eq!(v["total"].as_u64().unwrap() as usize, list.len());
    assert!(list.iter().all(|t| t["chapter"] == 7 && t["year"] == 2025));
    assert!(list.iter().any(|t| t["metric"] == "莲藕基地" && t["value"] == "10" && t["unit"] == "万亩"));
    let v = api("/api/targets?year=2035").await;
    assert_eq!((v["total"].as_u64(), v["message"].is_string()), (Some(0), true));
    for (uri, code) in [
        ("/api/targets?chapter=abc", "bad_parameter"),
        ("/api/targets?chapter=99", "unknown_chapter"),
        ("/api/targets?year=99999", "bad_parameter"),
        ("/api/targets?dir=sideways", "bad_parameter"),
    ] {
        let r = get(uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(r.json()["error"]["code"], code, "{uri}");
    }
    let r = get(&format!("/api/targets?q={}", "x".repeat(501))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = get("/api/targets.csv?chapter=7").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(r.headers["content-disposition"].to_str().unwrap().contains("targets.csv"));
    let rows = read_csv(r.body.trim_start_matches('\u{feff}'));
    assert!(rows.len() > 20 && rows.iter().all(|row| row.len() == csv::TARGET_COLUMNS.len()));
    assert_eq!(get("/api/targets.csv?year=bad").await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_projects_page_and_api_find_gree() {
    let v = api(&format!("/api/projects?q={}", enc("格力"))).await;
    assert_eq!(v["total"], 1);
    assert_eq!(v["projects"][0]["passage_id"], "p4-2.r1");
    assert_eq!(v["projects"][0]["fields"][1], serde_json::json!(["项目名称", "格力智能装备武汉产业园"]));
    let doc = page(&format!("/projects?q={}", enc("格力"))).await;
    let row = doc.select(&sel("tr[id='p4-2.r1']")).next().expect("the 格力 row");
    assert!(row.text().collect::<String>().contains("格力智能装备（武汉）有限公司"));
    assert_eq!(doc.select(&sel("table.records")).count(), 1, "one panel's table");
    let all = page("/projects").await;
    assert!(all.select(&sel("table.records tbody tr")).count() >= 50);
    assert!(all.select(&sel("td.inherited")).next().is_some(), "merged cells are marked");
    let none = page(&format!("/projects?q={}", enc("不存在的公司"))).await;
    assert!(none.select(&sel("p.noresult")).next().is_some());
    let r = get(&format!("/api/projects?q={}", "x".repeat(501))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn citations_come_from_the_api_and_the_passage_page() {
    let v = api("/api/passages/caidian/5.2.1/cite").await;
    assert!(v["gbt"].as_str().unwrap().contains("第五章（标题缺失）第二节（标题缺失），段落 5.2.1."));
    assert!(v["chicago"].as_str().unwrap().contains("Chapter 5 (title not in source)"));
    assert!(v["bibtex"].as_str().unwrap().starts_with("@misc{caidian-5-2-1,"));
    assert_eq!(v["json"]["passage_id"], "5.2.1");
    assert!(v["permalink"].as_str().unwrap().ends_with("/p/caidian/5.2.1"));
    let r = get("/api/passages/caidian/9.9.9/cite").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], "unknown_passage");
    let doc = page("/p/caidian/4.1.3").await;
    let gbt = doc.select(&sel("section.cite pre#cite-gbt")).next().expect("a GB/T citation");
    assert!(gbt.text().collect::<String>().contains("第四章第一节，段落 4.1.3."));
    for f in ["chicago", "bibtex"] {
        assert!(doc.select(&sel(&format!("pre#cite-{f}"))).next().is_some(), "{f}");
    }
    let buttons: Vec<_> = doc.select(&sel("section.cite button.copy")).collect();
    assert_eq!(buttons.len(), 3);
    assert!(buttons.iter().all(|b| b.value().attr("hidden").is_some()), "copy buttons appear only with the script");
}

#[tokio::test]
async fn the_passage_page_offers_ris_and_csl_json_files_that_download_with_their_media_types() {
    let doc = page("/p/caidian/4.1.3").await;
    let links: HashMap<String, String> = doc
        .select(&sel("section.cite a.download[download]"))
        .map(|a| (a.text().collect::<String>(), a.value().attr("href").unwrap().to_string()))
        .collect();
    assert_eq!(links.get("RIS").map(String::as_str), Some("/api/passages/caidian/4.1.3/cite?format=ris"), "{links:?}");
    assert_eq!(links.get("CSL-JSON").map(String::as_str), Some("/api/passages/caidian/4.1.3/cite?format=csl-json"), "{links:?}");
    for (href, media, file) in [
        (&links["RIS"], "application/x-research-info-systems", "caidian-4.1.3.ris"),
        (&links["CSL-JSON"], "application/vnd.citationstyles.csl+json", "caidian-4.1.3.csl.json"),
    ] {
        let r = get(href).await;
        assert_eq!(r.status, StatusCode::OK, "{href}: {}", r.body);
        assert_eq!(r.headers["content-type"], media, "{href}");
        assert_eq!(r.headers["content-disposition"], format!("attachment; filename=\"{file}\"").as_str(), "{href}");
        assert!(r.body.contains("/p/caidian/4.1.3"), "{href}: the permalink");
    }
    assert_eq!(ris_field(&ris_records(&get(&links["RIS"]).await.body)[0], "TI"), ["第四章第一节，段落 4.1.3"]);
    let all = api("/api/passages/caidian/4.1.3/cite").await;
    assert_eq!(all["csl_json"][0]["title"], "第四章第一节，段落 4.1.3");
    assert!(all["ris"].as_str().unwrap().starts_with("TY  - ECHAP\r\n"));
}

#[tokio::test]
async fn an_unknown_citation_format_is_a_400_and_an_unknown_passage_a_404() {
    for uri in ["/api/passages/caidian/4.1.3/cite?format=endnote", "/api/search/cite?q=%E8%8E%B2%E8%97%95&format=docx"] {
        let r = get(uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(r.json()["error"]["code"], "unknown_format", "{uri}");
        let message = r.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(message.contains("csl-json") && message.contains("ris"), "the message names the formats: {message}");
    }
    let r = get("/api/passages/caidian/9.9.9/cite?format=ris").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], "unknown_passage");
    let r = get("/api/search/cite?q=%E8%8E%B2%E8%97%95").await;
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("missing_format")));
    let r = get("/api/search/cite?q=%E8%8E%B2%E8%97%95&format=ris&chapter=99").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "the search parameters are checked as for /api/search");
}

#[tokio::test]
async fn a_search_page_downloads_its_hits_as_ris_and_csl_json_in_ranking_order() {
    let q = "乡村振兴";
    let doc = page(&format!("/search?q={}", enc(q))).await;
    let links: HashMap<String, String> = doc
        .select(&sel("p.export a.download[download]"))
        .map(|a| (a.text().collect::<String>(), a.value().attr("href").unwrap().to_string()))
        .collect();
    let hits = api(&format!("/api/search?q={}&limit=100", enc(q))).await;
    let expected: Vec<String> = hits["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| format!("{}-{}", h["doc"].as_str().unwrap(), h["id"].as_str().unwrap().replace('.', "-")))
        .collect();
    assert!(expected.len() > 10, "more than one page of hits: {}", expected.len());
    let r = get(&links["RIS"]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers["content-type"], "application/x-research-info-systems");
    assert_eq!(r.headers["content-disposition"], "attachment; filename=\"plansearch-results.ris\"");
    let ids: Vec<String> = ris_records(&r.body).iter().map(|rec| ris_field(rec, "ID")[0].to_string()).collect();
    assert_eq!(ids, expected, "every hit, not only the page shown, in ranking order");
    let r = get(&links["CSL-JSON"]).await;
    assert_eq!(r.headers["content-type"], "application/vnd.citationstyles.csl+json");
    let items: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let ids: Vec<&str> = items.as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, expected);
    // At most the page maximum, whatever limit asks for.
    let broad = get(&format!("/api/search/cite?q={}&format=csl-json&limit=5000", enc("发展"))).await;
    let n = serde_json::from_str::<serde_json::Value>(&broad.body).unwrap().as_array().unwrap().len();
    assert_eq!(n, 100);
    let none = page(&format!("/search?q={}", enc("chapter:3 莲藕"))).await;
    assert!(none.select(&sel("p.export")).next().is_none(), "nothing to download when nothing is found");
    let empty = get(&format!("/api/search/cite?q={}&format=ris", enc("chapter:3 莲藕"))).await;
    assert_eq!((empty.status, empty.body.as_str()), (StatusCode::OK, ""));
}

#[tokio::test]
async fn the_verify_api_answers_where_and_refuses_empty_and_long_quotes() {
    let v = api(&format!("/api/verify?quote={}", enc("莲藕基地达到10万亩"))).await;
    assert_eq!((v["verdict"].as_str(), v["verbatim"].as_bool()), (Some("verbatim"), Some(true)));
    assert_eq!(v["matches"][0]["passage_id"], "7.1.1");
    let v = api(&format!("/api/verify?quote={}", enc("莲藕基地达到12万亩"))).await;
    assert_eq!(v["verdict"], "near_miss");
    assert_eq!(v["closest"]["passage_marked"], "莲藕基地达到1⟦0⟧万亩");
    for (uri, code) in [
        ("/api/verify".to_string(), "empty_quote"),
        ("/api/verify?quote=".to_string(), "empty_quote"),
        ("/api/verify?quote=%20%0A".to_string(), "empty_quote"),
        (format!("/api/verify?quote={}", "x".repeat(2001)), "quote_too_long"),
    ] {
        let r = get(&uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(r.json()["error"]["code"], code);
    }
    // A 1 MB quote, over a real socket (no in-process request holds such a URI).
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, plansearch_web::app(crate::util::web_state())).await.unwrap() });
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!("GET /api/verify?quote={} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", "a".repeat(1 << 20));
    let _ = stream.write_all(req.as_bytes()).await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    let status: u16 = answer.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("no status line: {answer}"));
    assert!((400..500).contains(&status), "a 1 MB quote: {status}");
    server.abort();
}

#[tokio::test]
async fn search_hits_carry_their_passage_targets_as_badges() {
    let v = api(&format!("/api/search?q={}", enc("莲藕基地"))).await;
    let hit = v["hits"].as_array().unwrap().iter().find(|h| h["id"] == "7.1.1").expect("7.1.1");
    let badges: Vec<&str> = hit["targets"].as_array().unwrap().iter().map(|b| b.as_str().unwrap()).collect();
    assert!(badges.contains(&"莲藕基地 · ≥10万亩 · 2025"), "{badges:?}");
    assert!(badges.contains(&"瓜菜常年播种面积 · ≈40万亩 · 2025"), "{badges:?}");
}
