//! The English translation cannot drift from the Chinese: every passage translated, every
//! translation of a real passage and of its current text, the same figures in both
//! languages, the glossary's terms used where the Chinese has them, and company names
//! written one way, the glossary's.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use plansearch_analysis::pinyin;
use plansearch_corpus::{load_translations, Translation};

use crate::util::{caidian, repo};

fn translations() -> Vec<Translation> {
    load_translations(&repo().join("corpus/caidian")).unwrap()
}

#[test]
fn every_passage_has_a_translation_of_its_current_text_and_nothing_else() {
    let passages = caidian().passages();
    let by_id: HashMap<String, Translation> = translations().into_iter().map(|t| (t.id.clone(), t)).collect();
    let mut problems = Vec::new();
    for p in &passages {
        match by_id.get(&p.id) {
            None => problems.push(format!("{}: no translation", p.id)),
            Some(t) if t.zh != p.text => problems.push(format!("{}: translation is of other text (stale)", p.id)),
            Some(t) if t.en.trim().is_empty() && !p.text.trim().is_empty() && !is_untitled_panel(&p.text) => {
                problems.push(format!("{}: empty English", p.id))
            }
            Some(t) if p.text.matches('\n').count() != t.en.matches('\n').count() => {
                problems.push(format!("{}: {} lines in Chinese, {} in English", p.id, p.text.lines().count(), t.en.lines().count()))
            }
            _ => {}
        }
    }
    let ids: BTreeSet<&str> = passages.iter().map(|p| p.id.as_str()).collect();
    for t in by_id.values() {
        if !ids.contains(t.id.as_str()) {
            problems.push(format!("{}: a translation with no passage", t.id));
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

/// An unnumbered panel whose source prints no title has an empty heading.
fn is_untitled_panel(text: &str) -> bool {
    text.trim().is_empty()
}

/// The value of a run of Chinese numerals: 十四 → 14, 二〇三五 → 2035, 三 → 3.
fn chinese_numeral(run: &str) -> Option<f64> {
    let digit = |c: char| {
        "〇一二三四五六七八九".chars().position(|d| d == c).or(if c == '零' {
            Some(0)
        } else if c == '两' {
            Some(2)
        } else {
            None
        })
    };
    if run.chars().all(|c| digit(c).is_some()) {
        return run.chars().try_fold(0f64, |acc, c| Some(acc * 10.0 + digit(c)? as f64));
    }
    let (mut total, mut current) = (0f64, 0f64);
    for c in run.chars() {
        match c {
            '十' => {
                total += if current == 0.0 { 10.0 } else { current * 10.0 };
                current = 0.0;
            }
            '百' => {
                total += current.max(1.0) * 100.0;
                current = 0.0;
            }
            '千' => {
                total += current.max(1.0) * 1000.0;
                current = 0.0;
            }
            c => current = digit(c)? as f64,
        }
    }
    Some(total + current)
}

fn key(v: f64) -> i64 {
    (v * 1000.0).round() as i64
}

/// Figures in Chinese text: each as written and, before 万 or 亿, scaled.
fn chinese_figures(text: &str) -> (BTreeSet<i64>, BTreeSet<i64>) {
    let chars: Vec<char> = text.chars().collect();
    let (mut written, mut spoken) = (BTreeSet::new(), BTreeSet::new());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            // Codes such as B2B, M0, G318, S104 are names, not figures: both sides skip them.
            let code = i > 0 && chars[i - 1].is_ascii_alphabetic();
            while i < chars.len() && (chars[i].is_ascii_digit() || (chars[i] == '.' && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()))) {
                i += 1;
            }
            let v: f64 = chars[start..i].iter().collect::<String>().parse().unwrap_or(0.0);
            if code {
                spoken.insert(key(v));
                continue;
            }
            written.insert(key(v));
            match chars.get(i) {
                Some('万') => {
                    spoken.insert(key(v * 10_000.0));
                }
                Some('亿') => {
                    spoken.insert(key(v * 100_000_000.0));
                }
                _ => {}
            }
            continue;
        }
        if chars[i] == '万' {
            spoken.insert(key(10_000.0));
        }
        if "〇零一二三四五六七八九十百千两".contains(chars[i]) {
            let start = i;
            while i < chars.len() && "〇零一二三四五六七八九十百千两".contains(chars[i]) {
                i += 1;
            }
            // Every part of the run: 十四五 is the 14th plan, and 十四五 reads as 15.
            for a in start..i {
                for b in a + 1..=i {
                    let run: String = chars[a..b].iter().collect();
                    if let Some(v) = chinese_numeral(&run) {
                        spoken.insert(key(v));
                    }
                }
            }
            continue;
        }
        i += 1;
    }
    (written, spoken)
}

/// Figures in English text: `51,000`, `1.324 billion`, `7-8`, `23.4%`.
fn english_figures(text: &str) -> Vec<(f64, f64)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        if i > 0 && chars[i - 1].is_ascii_alphabetic() {
            // A code (B2B, G318, COVID-19 is not one: it has a hyphen) is skipped whole.
            while i < chars.len() && chars[i].is_ascii_alphanumeric() {
                i += 1;
            }
            continue;
        }
        let start = i;
        while i < chars.len()
            && (chars[i].is_ascii_digit()
                || (matches!(chars[i], ',' | '.') && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()) && chars[i - 1].is_ascii_digit()))
        {
            i += 1;
        }
        let s: String = chars[start..i].iter().filter(|c| **c != ',').collect();
        let v: f64 = s.parse().unwrap_or(0.0);
        let rest: String = chars[i..chars.len().min(i + 12)].iter().collect::<String>().to_lowercase();
        let scale = if rest.starts_with(" thousand") {
            1e3
        } else if rest.starts_with(" million") {
            1e6
        } else if rest.starts_with(" billion") {
            1e9
        } else {
            1.0
        };
        out.push((v, v * scale));
    }
    out
}

/// A reviewed exception list: `id<TAB>what<TAB>reason` with a header line; a row without a
/// reason does not count.
fn reviewed_exceptions(path: &str) -> BTreeSet<(String, String)> {
    let text = std::fs::read_to_string(repo().join(path)).unwrap_or_default();
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c.len() >= 3 && !c[2].trim().is_empty()).then(|| (c[0].to_string(), c[1].to_string()))
        })
        .collect()
}

#[test]
fn figures_are_the_same_in_both_languages() {
    let allowed = reviewed_exceptions("corpus/caidian/en/number_exceptions.tsv");
    let mut problems = Vec::new();
    for t in translations() {
        let (written, spoken) = chinese_figures(&t.zh);
        let en = english_figures(&t.en);
        // Every figure of the Chinese is in the English, as written or scaled.
        for w in &written {
            let found = en.iter().any(|(v, scaled)| key(*v) == *w || key(*scaled) == *w)
                || spoken.iter().any(|s| en.iter().any(|(v, scaled)| key(*scaled) == *s || key(*v) == *s));
            if !found && !allowed.contains(&(t.id.clone(), format!("{}", *w as f64 / 1000.0))) {
                problems.push(format!("{}: {} is in the Chinese, not in the English", t.id, *w as f64 / 1000.0));
            }
        }
        // Every figure of the English comes from the Chinese (digits, 万/亿, or numerals).
        for (v, scaled) in &en {
            let ok = written.contains(&key(*v)) || written.contains(&key(*scaled)) || spoken.contains(&key(*scaled)) || spoken.contains(&key(*v));
            if !ok && !allowed.contains(&(t.id.clone(), format!("{v}"))) {
                problems.push(format!("{}: {v} is in the English, not in the Chinese", t.id));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} figures differ (reviewed exceptions go in corpus/caidian/en/number_exceptions.tsv):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// A row of the glossary: Chinese, English, kind (`term`, `place`, `org`, `company`, …).
struct GlossaryRow {
    zh: String,
    en: String,
    kind: String,
}

/// The glossary's rows, without its header line.
fn glossary() -> Vec<GlossaryRow> {
    let text = std::fs::read_to_string(repo().join("corpus/caidian/glossary.tsv")).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let mut c = l.split('\t');
            let (zh, en) = (c.next()?.to_string(), c.next()?.to_string());
            Some(GlossaryRow { zh, en, kind: c.next().unwrap_or_default().to_string() })
        })
        .collect()
}

#[test]
fn glossary_terms_in_a_passage_are_in_its_translation() {
    let terms: Vec<(String, String)> = glossary().into_iter().map(|r| (r.zh, r.en)).collect();
    assert!(terms.len() >= 300, "the glossary has {} terms", terms.len());
    let allowed = reviewed_exceptions("corpus/caidian/glossary_exceptions.tsv");
    let mut problems = Vec::new();
    for t in translations() {
        let en = t.en.to_lowercase();
        for (zh, term) in &terms {
            if t.zh.contains(zh.as_str()) && !en.contains(&term.to_lowercase()) && !allowed.contains(&(t.id.clone(), zh.clone())) {
                problems.push(format!("{}: {zh} but no \"{term}\"", t.id));
            }
        }
    }
    assert!(problems.is_empty(), "{} glossary terms missing from translations:\n{}", problems.len(), problems.join("\n"));
}

/// Whether `name` occurs in `text` as written (case and all) and as whole words: "Reach" is
/// not in "reached", "Gree" not in "Green".
fn names(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric()) && !after.is_some_and(|c| c.is_alphanumeric())
    })
}

/// Whether some run of consecutive words of `text`, lowercased and joined, spells `key`
/// (the toneless pinyin `muye` is in "Muye" and in "Mu Ye").
fn spells(text: &str, key: &str) -> bool {
    let words: Vec<String> = text.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    (0..words.len()).any(|i| {
        let mut joined = String::new();
        for w in &words[i..] {
            joined.push_str(w);
            if joined == key {
                return true;
            }
            if !key.starts_with(joined.as_str()) {
                return false;
            }
        }
        false
    })
}

/// A company has one English name, the one the glossary gives (kind `company`: the form the
/// company itself uses where one is established, pinyin otherwise, said in the note column),
/// and every translation of a passage that names it uses that form, as written. Another
/// romanization of a company the glossary names otherwise (牧野 "Muye" for Makino) appears in
/// no translation, outside a glossary form that contains it (京东 is JD.com, and the legal
/// name 北京京东世纪贸易有限公司 is "Beijing Jingdong Century Trading Co., Ltd.").
#[test]
fn company_names_have_one_english_form_and_every_translation_uses_it() {
    let rows = glossary();
    let companies: Vec<&GlossaryRow> = rows.iter().filter(|r| r.kind == "company").collect();
    assert!(companies.len() >= 100, "the glossary marks {} companies (kind `company`)", companies.len());
    // Reviewed exceptions: `ID<TAB>company` for a passage, `glossary:TERM<TAB>company` for a
    // glossary or term-list entry whose Chinese contains a company's name.
    let allowed = reviewed_exceptions("corpus/caidian/glossary_exceptions.tsv");
    let mut problems = Vec::new();

    // One Chinese name, one English form.
    let mut forms: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for c in &companies {
        forms.entry(c.zh.as_str()).or_default().insert(c.en.as_str());
    }
    for (zh, ens) in forms.iter().filter(|(_, ens)| ens.len() > 1) {
        problems.push(format!(
            "glossary.tsv: {zh} has {} English forms: {}",
            ens.len(),
            ens.iter().map(|e| format!("\"{e}\"")).collect::<Vec<_>>().join(", ")
        ));
    }

    // Every entry of the glossary and of the chapter term lists (en/terms.*.tsv) that contains a
    // company's Chinese name writes it the glossary's way (牧野智能装备项目 says Makino too).
    let mut entries: Vec<(String, String, String)> = rows.iter().map(|r| ("glossary.tsv".to_string(), r.zh.clone(), r.en.clone())).collect();
    let mut lists: Vec<_> = std::fs::read_dir(repo().join("corpus/caidian/en"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("terms.") && p.extension().is_some_and(|x| x == "tsv"))
        .collect();
    lists.sort();
    assert!(!lists.is_empty(), "no chapter term lists in corpus/caidian/en");
    for p in &lists {
        let name = format!("en/{}", p.file_name().unwrap().to_string_lossy());
        for l in std::fs::read_to_string(p).unwrap().lines() {
            let mut c = l.split('\t');
            if let (Some(zh), Some(en)) = (c.next(), c.next()) {
                entries.push((name.clone(), zh.to_string(), en.to_string()));
            }
        }
    }
    for (file, zh, en) in &entries {
        for c in &companies {
            if zh.contains(c.zh.as_str()) && !names(en, &c.en) && !allowed.contains(&(format!("glossary:{zh}"), c.zh.clone())) {
                problems.push(format!("{file}: {zh} is \"{en}\", but the glossary writes {} as \"{}\"", c.zh, c.en));
            }
        }
    }

    // Every translation of a passage naming a company uses the glossary's form, and no other
    // romanization of it.
    for t in translations() {
        let named: Vec<&&GlossaryRow> = companies.iter().filter(|c| t.zh.contains(c.zh.as_str())).collect();
        for c in &named {
            if !names(&t.en, &c.en) && !allowed.contains(&(t.id.clone(), c.zh.clone())) {
                problems.push(format!("{}: {} but not \"{}\"", t.id, c.zh, c.en));
            }
        }
        let mut rest = t.en.clone();
        let mut by_length = named.clone();
        by_length.sort_by_key(|c| std::cmp::Reverse(c.en.len()));
        for c in &by_length {
            rest = rest.replace(c.en.as_str(), " ");
        }
        for c in &named {
            let Some(key) = pinyin::key(&c.zh) else { continue };
            let en_letters: String = c.en.chars().filter(|ch| ch.is_ascii_alphabetic()).collect::<String>().to_lowercase();
            if !en_letters.contains(&key) && spells(&rest, &key) && !allowed.contains(&(t.id.clone(), c.zh.clone())) {
                problems.push(format!("{}: {} is written in pinyin (\"{key}\"), but the glossary writes it \"{}\"", t.id, c.zh, c.en));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} company names differ from the glossary (reviewed exceptions go in corpus/caidian/glossary_exceptions.tsv):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn company_names_match_as_written_and_pinyin_as_words() {
    assert!(names("Company: Makino Automotive Equipment", "Makino"));
    assert!(names("Gree's park", "Gree") && !names("Green park", "Gree"));
    assert!(!names("to be reached", "Reach") && !names("to reach", "Reach") && names("Neusoft Reach", "Reach"));
    assert!(names("JD.com's park", "JD.com"));
    assert!(spells("the Muye project", "muye") && spells("the Mu Ye project", "muye") && !spells("Muyeh", "muye"));
    assert!(!spells("the Makino project", "muye") && spells("Wuhan Gangben", "gangben"));
}

#[test]
fn the_english_is_labelled_unofficial_wherever_it_is_shown() {
    for f in ["web/templates/search.html", "web/templates/passage.html", "web/templates/outline.html"] {
        let t = std::fs::read_to_string(repo().join(f)).unwrap();
        assert!(t.contains("nofficial translation"), "{f} shows English without the unofficial-translation label");
    }
}

#[test]
fn chinese_numerals_read_as_numbers() {
    assert_eq!(chinese_numeral("十四"), Some(14.0));
    assert_eq!(chinese_numeral("二〇三五"), Some(2035.0));
    assert_eq!(chinese_numeral("三"), Some(3.0));
    assert_eq!(chinese_numeral("二十"), Some(20.0));
    let (w, s) = chinese_figures("新增就业5.1万人，到2025年");
    assert!(w.contains(&key(5.1)) && s.contains(&key(51_000.0)) && w.contains(&key(2025.0)));
    assert_eq!(english_figures("51,000 people, 1.324 billion yuan"), vec![(51000.0, 51000.0), (1.324, 1.324e9)]);
}
