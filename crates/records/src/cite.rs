//! Citations: the one place where the citation formats are defined. Every passage can be
//! cited in GB/T 7714 (Chinese), Chicago (English), BibTeX, JSON, and for reference managers
//! CSL-JSON (Zotero, Mendeley, pandoc) and RIS (EndNote), each with the passage id and its
//! permalink. The schema.org description of a passage page is built here too, from the same
//! facts: what a crawler is told is what a citation says.
//!
//! In CSL-JSON and RIS the plan is the container (a passage is cited like a section of a
//! book: CSL `chapter`, RIS `ECHAP`), with the issuing body as author, the plan's year, its
//! language, the passage's place and id as title and section, the permalink and the access
//! date. The year is the first year of the plan period printed under the title
//! (`（2021—2025）`, the year such an outline is adopted); a plan that prints no period has no
//! year. RIS is one tag per line: no text can break a line or start a tag.
//!
//! A heading recovered from the structure of the text has no title in the source: a
//! citation names it by number and says the title is missing (`第五章（标题缺失）`, `chapter
//! 5 (title not in source)`). It never borrows a title from elsewhere.
//!
//! The issuing body is read from the document title (`蔡甸区…纲要` → `蔡甸区人民政府`, and
//! from the English title, `People's Government of Caidian District`); a title it cannot be
//! read from gives a citation without an author rather than a guessed one.

use plansearch_corpus::Passage;
pub use plansearch_corpus::{percent_encode, permalink_path};
use serde::Serialize;
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CiteFormat {
    Gbt,
    Chicago,
    Bibtex,
    Json,
    #[serde(rename = "csl-json")]
    CslJson,
    Ris,
}

impl CiteFormat {
    pub const ALL: [CiteFormat; 6] =
        [CiteFormat::Gbt, CiteFormat::Chicago, CiteFormat::Bibtex, CiteFormat::Json, CiteFormat::CslJson, CiteFormat::Ris];

    pub fn parse(s: &str) -> Option<CiteFormat> {
        match s.trim().to_ascii_lowercase().as_str() {
            "gbt" | "gb" | "gb/t" | "gbt7714" => Some(CiteFormat::Gbt),
            "chicago" => Some(CiteFormat::Chicago),
            "bibtex" | "bib" => Some(CiteFormat::Bibtex),
            "json" => Some(CiteFormat::Json),
            "csl-json" | "csljson" | "csl" => Some(CiteFormat::CslJson),
            "ris" => Some(CiteFormat::Ris),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CiteFormat::Gbt => "gbt",
            CiteFormat::Chicago => "chicago",
            CiteFormat::Bibtex => "bibtex",
            CiteFormat::Json => "json",
            CiteFormat::CslJson => "csl-json",
            CiteFormat::Ris => "ris",
        }
    }

    /// `gbt, chicago, bibtex, json, csl-json, ris`, for messages.
    pub fn names() -> String {
        CiteFormat::ALL.map(CiteFormat::as_str).join(", ")
    }

    /// What a reader calls the format.
    pub fn label(self) -> &'static str {
        match self {
            CiteFormat::Gbt => "GB/T 7714",
            CiteFormat::Chicago => "Chicago",
            CiteFormat::Bibtex => "BibTeX",
            CiteFormat::Json => "JSON",
            CiteFormat::CslJson => "CSL-JSON",
            CiteFormat::Ris => "RIS",
        }
    }

    /// The media type of a download in this format.
    pub fn media_type(self) -> &'static str {
        match self {
            CiteFormat::Gbt | CiteFormat::Chicago => "text/plain; charset=utf-8",
            CiteFormat::Bibtex => "application/x-bibtex; charset=utf-8",
            CiteFormat::Json => "application/json",
            CiteFormat::CslJson => "application/vnd.citationstyles.csl+json",
            CiteFormat::Ris => "application/x-research-info-systems",
        }
    }

    /// The file name extension of a download: `ris`, `json`, `bib`, `txt`.
    pub fn extension(self) -> &'static str {
        match self {
            CiteFormat::Gbt | CiteFormat::Chicago => "txt",
            CiteFormat::Bibtex => "bib",
            CiteFormat::Json => "json",
            CiteFormat::CslJson => "csl.json",
            CiteFormat::Ris => "ris",
        }
    }
}

/// The document's title, in Chinese and, where there is one, its (unofficial) English, and
/// the year the plan is cited with (the first year of its period), where it prints one.
#[derive(Debug, Clone, Copy)]
pub struct DocTitle<'a> {
    pub zh: &'a str,
    pub en: Option<&'a str>,
    pub year: Option<i32>,
}

impl<'a> From<&'a str> for DocTitle<'a> {
    fn from(zh: &'a str) -> DocTitle<'a> {
        DocTitle { zh, en: None, year: None }
    }
}

/// The title of a document, from its title passage (id `0`) and that passage's translation;
/// its year from the period line that follows the title (`0.0.1`, `（2021—2025）`).
pub fn doc_title<'a>(passages: &'a [Passage], doc: &str) -> Option<DocTitle<'a>> {
    let year = passages.iter().find(|p| p.doc == doc && p.id == "0.0.1").and_then(|p| plan_period(&p.text)).map(|(from, _)| from);
    passages.iter().find(|p| p.doc == doc && p.id == "0").map(|p| DocTitle { zh: p.text.as_str(), en: p.text_en.as_deref(), year })
}

/// `（2021—2025）` → `(2021, 2025)`: a line that is a plan period and nothing else.
pub fn plan_period(text: &str) -> Option<(i32, i32)> {
    let inner = text.trim().strip_prefix(['（', '('])?.strip_suffix(['）', ')'])?;
    let (from, to) = inner.split_once(['—', '–', '-', '～', '~'])?;
    let year = |s: &str| s.trim().trim_end_matches('年').parse::<i32>().ok().filter(|y| (1949..=2100).contains(y));
    let (from, to) = (year(from.trim_start_matches('—'))?, year(to.trim_start_matches('—'))?);
    (from <= to).then_some((from, to))
}

/// Where permalinks point: `PLANSEARCH_BASE_URL` when set, else the local server.
pub fn configured_base_url() -> Option<String> {
    std::env::var("PLANSEARCH_BASE_URL").ok().map(|s| s.trim().trim_end_matches('/').to_string()).filter(|s| s.starts_with("http"))
}

/// The base URL of `plansearch serve` with its default address.
pub const LOCAL_BASE_URL: &str = "http://127.0.0.1:8080";

/// The day a citation was made (the access date of an online source).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CiteDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl CiteDate {
    /// Today, in UTC.
    pub fn today() -> CiteDate {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        CiteDate::from_days((secs / 86_400) as i64)
    }

    /// The civil date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    pub fn from_days(days: i64) -> CiteDate {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        CiteDate { year, month, day }
    }

    /// `2025-11-29`
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `November 29, 2025`
    pub fn long_en(self) -> String {
        const MONTHS: [&str; 12] =
            ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
        format!("{} {}, {}", MONTHS[(self.month.clamp(1, 12) - 1) as usize], self.day, self.year)
    }
}

/// The passage's permalink under `base_url`.
pub fn permalink(p: &Passage, base_url: &str) -> String {
    format!("{}{}", base_url.trim_end_matches('/'), permalink_path(&p.doc, &p.id))
}

/// `蔡甸区人民政府` from `蔡甸区国民经济和社会发展…纲要`: the place the title opens with.
fn author_zh(title: &str) -> Option<String> {
    let head = title.split("国民经济").next().filter(|h| h.len() < title.len())?;
    let head = head.trim();
    (head.ends_with(['区', '市', '县', '省', '州', '旗']) && head.chars().count() <= 12).then(|| format!("{head}人民政府"))
}

/// `People's Government of Caidian District` from `… of Caidian District and …`.
fn author_en(title: &str) -> Option<String> {
    const KINDS: [&str; 5] = ["District", "City", "County", "Province", "Prefecture"];
    let words: Vec<&str> = title.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        if KINDS.contains(w) && i > 0 && words[i - 1].chars().next().is_some_and(|c| c.is_uppercase()) && (i < 2 || words[i - 2] == "of") {
            return Some(format!("People's Government of {} {}", words[i - 1], w));
        }
    }
    None
}

/// `第四章第一节`, with `（标题缺失）` after a heading the source prints no title for.
pub fn place_zh(p: &Passage) -> String {
    let missing = format!("（{}）", plansearch_corpus::MISSING_TITLE_ZH);
    let mut out = String::new();
    if let Some(c) = &p.chapter {
        out.push_str(&c.label());
        if c.title.is_none() {
            out.push_str(&missing);
        }
    }
    if let Some(s) = &p.section {
        out.push_str(&s.label());
        if s.title.is_none() {
            out.push_str(&missing);
        }
    }
    if let Some(pr) = &p.panel {
        if !out.is_empty() {
            out.push('，');
        }
        if pr.numbered {
            out.push_str(&format!("专栏 {}", pr.id));
        } else if pr.title.is_empty() {
            out.push_str(&format!("专栏{missing}"));
        } else {
            out.push_str(&format!("专栏“{}”", pr.title));
        }
    }
    out
}

/// `chapter 4 ("…"), section 1 ("…")`, with `(title not in source)` for a missing title.
pub fn place_en(p: &Passage) -> String {
    let mut parts = Vec::new();
    let titled = |title: &Option<String>, title_en: &Option<String>| match (title, title_en) {
        (None, _) => format!(" ({})", plansearch_corpus::MISSING_TITLE_EN),
        (Some(_), Some(en)) => format!(" (“{en}”)"),
        (Some(zh), None) => format!(" (“{zh}”)"),
    };
    if let Some(c) = &p.chapter {
        parts.push(format!("chapter {}{}", c.number, titled(&c.title, &c.title_en)));
    }
    if let Some(s) = &p.section {
        parts.push(format!("section {}{}", s.number.section, titled(&s.title, &s.title_en)));
    }
    if let Some(pr) = &p.panel {
        let title = pr.title_en.clone().unwrap_or_else(|| pr.title.clone());
        parts.push(match (pr.numbered, title.is_empty()) {
            (true, true) => format!("panel {}", pr.id),
            (true, false) => format!("panel {} (“{title}”)", pr.id),
            (false, true) => "an untitled panel".to_string(),
            (false, false) => format!("panel “{title}”"),
        });
    }
    parts.join(", ")
}

fn bibtex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '#' | '_' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            _ => out.push(c),
        }
    }
    out
}

/// The note for English text: it is not the plan's own.
pub const TRANSLATION_NOTE: &str = "English text is an unofficial translation; the Chinese original is authoritative.";

/// Cite a passage, with today's date as the access date.
pub fn cite(p: &Passage, doc_title: DocTitle, base_url: &str, format: CiteFormat) -> String {
    cite_on(p, doc_title, base_url, format, CiteDate::today())
}

/// Cite a passage as of a given access date.
pub fn cite_on(p: &Passage, doc: DocTitle, base_url: &str, format: CiteFormat, accessed: CiteDate) -> String {
    let url = permalink(p, base_url);
    match format {
        CiteFormat::Gbt => {
            let author = author_zh(doc.zh).map(|a| format!("{a}.")).unwrap_or_default();
            let place = place_zh(p);
            let place = if place.is_empty() { String::new() } else { format!("{place}，") };
            format!("{author}《{}》[EB/OL]. {place}段落 {}. [{}]. {url}.", doc.zh, p.id, accessed.iso())
        }
        CiteFormat::Chicago => {
            let author = doc.en.and_then(author_en).map(|a| format!("{a}. ")).unwrap_or_default();
            let title = match doc.en {
                Some(en) => format!("{} [{en}]", doc.zh),
                None => doc.zh.to_string(),
            };
            let place = place_en(p);
            let place = if place.is_empty() { String::new() } else { format!("{}, ", capitalize(&place)) };
            let mut out = format!("{author}{title}. {place}passage {}. Accessed {}. {url}.", p.id, accessed.long_en());
            if p.text_en.is_some() {
                out.push(' ');
                out.push_str(TRANSLATION_NOTE);
            }
            out
        }
        CiteFormat::Bibtex => {
            let key = key(p);
            let mut fields = Vec::new();
            if let Some(a) = author_zh(doc.zh) {
                fields.push(("author", format!("{{{}}}", bibtex_escape(&a))));
            }
            fields.push(("title", format!("{{{}}}", bibtex_escape(doc.zh))));
            if let Some(en) = doc.en {
                fields.push(("titleaddon", format!("{{{}}}", bibtex_escape(en))));
            }
            fields.push(("note", bibtex_escape(format!("{}，段落 {}", place_zh(p), p.id).trim_start_matches('，'))));
            fields.push(("howpublished", format!("\\url{{{url}}}")));
            fields.push(("url", url.clone()));
            fields.push(("urldate", accessed.iso()));
            fields.push(("language", "chinese".to_string()));
            let body: Vec<String> = fields.iter().map(|(k, v)| format!("  {k} = {{{v}}}")).collect();
            format!("@misc{{{key},\n{}\n}}", body.join(",\n"))
        }
        CiteFormat::Json => serde_json::to_string_pretty(&json_value(p, doc, &url, accessed)).unwrap_or_default(),
        CiteFormat::CslJson => serde_json::to_string_pretty(&[csl_item(p, doc, &url, accessed)]).unwrap_or_default(),
        CiteFormat::Ris => ris_record(p, doc, &url, accessed),
    }
}

/// Cite several passages in one file (the hits of a search): CSL-JSON and JSON as one
/// array, RIS as one record after another, the text formats a blank line apart.
pub fn cite_many(items: &[(&Passage, DocTitle)], base_url: &str, format: CiteFormat, accessed: CiteDate) -> String {
    let url = |p: &Passage| permalink(p, base_url);
    match format {
        CiteFormat::CslJson => {
            let list: Vec<_> = items.iter().map(|(p, d)| csl_item(p, *d, &url(p), accessed)).collect();
            serde_json::to_string_pretty(&list).unwrap_or_default()
        }
        CiteFormat::Json => {
            let list: Vec<_> = items.iter().map(|(p, d)| json_value(p, *d, &url(p), accessed)).collect();
            serde_json::to_string_pretty(&list).unwrap_or_default()
        }
        CiteFormat::Ris => items.iter().map(|(p, d)| ris_record(p, *d, &url(p), accessed)).collect(),
        _ => items.iter().map(|(p, d)| cite_on(p, *d, base_url, format, accessed)).collect::<Vec<_>>().join("\n\n"),
    }
}

/// `caidian-4-1-3`: the citation key of BibTeX, and the id of CSL-JSON and RIS, so that a
/// document cited through either file keeps its keys.
fn key(p: &Passage) -> String {
    format!("{}-{}", p.doc, p.id).chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect()
}

/// The BCP 47 language of the plan's own text.
const LANGUAGE: &str = "zh-CN";

/// `第四章第一节，段落 4.1.3`: what the passage is called when it is cited on its own (the place
/// as GB/T 7714 gives it, and the id).
pub fn passage_title_zh(p: &Passage) -> String {
    let place = place_zh(p);
    if place.is_empty() {
        format!("段落 {}", p.id)
    } else {
        format!("{place}，段落 {}", p.id)
    }
}

/// `Chapter 4 (“…”), section 1 (“…”), passage 4.1.3`.
pub fn passage_title_en(p: &Passage) -> String {
    let place = place_en(p);
    if place.is_empty() {
        format!("Passage {}", p.id)
    } else {
        format!("{}, passage {}", capitalize(&place), p.id)
    }
}

/// The English of the plan and the place, for the note of CSL-JSON and RIS.
fn english_note(p: &Passage, doc: DocTitle) -> String {
    let mut note = passage_title_en(p);
    if let Some(en) = doc.en {
        note.push_str(&format!(", in “{en}”"));
    }
    note.push('.');
    if doc.en.is_some() || p.text_en.is_some() {
        note.push(' ');
        note.push_str(TRANSLATION_NOTE);
    }
    note
}

/// One CSL-JSON item (CSL 1.0.2): the passage as a part of the plan.
fn csl_item(p: &Passage, doc: DocTitle, url: &str, accessed: CiteDate) -> serde_json::Value {
    let mut item = json!({
        "id": key(p),
        "type": "chapter",
        "title": passage_title_zh(p),
        "container-title": doc.zh,
        "section": passage_title_zh(p),
        "number": p.id,
        "language": LANGUAGE,
        "URL": url,
        "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
        "note": english_note(p, doc),
    });
    if let Some(a) = author_zh(doc.zh) {
        item["author"] = json!([{"literal": a}]);
    }
    if let Some(y) = doc.year {
        item["issued"] = json!({"date-parts": [[y]]});
    }
    item
}

/// A value on one RIS line: every line break, tab or other control character becomes a
/// space, so no text can end the line or begin a tag of its own.
fn ris_value(s: &str) -> String {
    let cleaned: String = s.chars().map(|c| if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') { ' ' } else { c }).collect();
    cleaned.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// One RIS record (`TY  - ECHAP` … `ER  - `), lines ended by CR LF as the format specifies.
fn ris_record(p: &Passage, doc: DocTitle, url: &str, accessed: CiteDate) -> String {
    let mut lines: Vec<(&str, String)> = vec![("TY", "ECHAP".into()), ("ID", key(p))];
    if let Some(a) = author_zh(doc.zh) {
        lines.push(("AU", a));
    }
    lines.push(("TI", passage_title_zh(p)));
    lines.push(("TT", passage_title_en(p)));
    lines.push(("T2", doc.zh.to_string()));
    if let Some(y) = doc.year {
        lines.push(("PY", y.to_string()));
    }
    lines.push(("SE", passage_title_zh(p)));
    lines.push(("LA", LANGUAGE.into()));
    lines.push(("UR", url.to_string()));
    lines.push(("Y2", format!("{:04}/{:02}/{:02}", accessed.year, accessed.month, accessed.day)));
    lines.push(("N1", english_note(p, doc)));
    let mut out = String::new();
    for (tag, value) in lines {
        out.push_str(&format!("{tag}  - {}\r\n", ris_value(&value)));
    }
    out.push_str("ER  - \r\n");
    out
}

/// The schema.org description of a passage page (JSON-LD): the passage as a part of the plan,
/// with the plan's title and issuing body, its language and permalink.
pub fn schema_org(p: &Passage, doc: DocTitle, base_url: &str) -> serde_json::Value {
    let mut plan = json!({"@type": "CreativeWork", "name": doc.zh, "inLanguage": LANGUAGE});
    if let Some(en) = doc.en {
        plan["alternateName"] = json!(en);
    }
    if let Some(a) = author_zh(doc.zh) {
        plan["author"] = json!({"@type": "GovernmentOrganization", "name": a});
    }
    if let Some(y) = doc.year {
        plan["datePublished"] = json!(y.to_string());
    }
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "name": passage_title_zh(p),
        "alternateName": passage_title_en(p),
        "identifier": format!("{}/{}", p.doc, p.id),
        "text": p.text,
        "inLanguage": LANGUAGE,
        "url": permalink(p, base_url),
        "isPartOf": plan,
    });
    if let Some(en) = &p.text_en {
        v["workTranslation"] = json!({"@type": "CreativeWork", "inLanguage": "en", "text": en, "description": TRANSLATION_NOTE});
    }
    v
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn json_value(p: &Passage, doc: DocTitle, url: &str, accessed: CiteDate) -> serde_json::Value {
    json!({
        "doc": p.doc,
        "passage_id": p.id,
        "author": author_zh(doc.zh),
        "author_en": doc.en.and_then(author_en),
        "title": doc.zh,
        "title_en": doc.en,
        "year": doc.year,
        "place": place_zh(p),
        "place_en": place_en(p),
        "chapter": p.chapter,
        "section": p.section,
        "panel": p.panel,
        "permalink": url,
        "accessed": accessed.iso(),
        "text": p.text,
        "text_en": p.text_en,
        "translation_note": p.text_en.as_ref().map(|_| TRANSLATION_NOTE),
    })
}

/// Every format at once, for the API and the passage page.
#[derive(Debug, Clone, Serialize)]
pub struct Citations {
    pub doc: String,
    pub passage_id: String,
    pub permalink: String,
    pub gbt: String,
    pub chicago: String,
    pub bibtex: String,
    pub json: serde_json::Value,
    /// A CSL-JSON array of one item.
    pub csl_json: serde_json::Value,
    pub ris: String,
}

pub fn citations(p: &Passage, doc: DocTitle, base_url: &str, accessed: CiteDate) -> Citations {
    let url = permalink(p, base_url);
    Citations {
        doc: p.doc.clone(),
        passage_id: p.id.clone(),
        permalink: url.clone(),
        gbt: cite_on(p, doc, base_url, CiteFormat::Gbt, accessed),
        chicago: cite_on(p, doc, base_url, CiteFormat::Chicago, accessed),
        bibtex: cite_on(p, doc, base_url, CiteFormat::Bibtex, accessed),
        json: json_value(p, doc, &url, accessed),
        csl_json: json!([csl_item(p, doc, &url, accessed)]),
        ris: ris_record(p, doc, &url, accessed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_become_dates() {
        assert_eq!(CiteDate::from_days(0).iso(), "1970-01-01");
        assert_eq!(CiteDate::from_days(20_421).iso(), "2025-11-29");
        assert_eq!(CiteDate::from_days(20_421).long_en(), "November 29, 2025");
        assert_eq!(CiteDate::from_days(11_016).iso(), "2000-02-29");
    }

    #[test]
    fn the_author_is_read_from_the_title() {
        assert_eq!(author_zh("蔡甸区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要").as_deref(), Some("蔡甸区人民政府"));
        assert_eq!(author_zh("关于某事的通知"), None);
        assert_eq!(
            author_en(
                "Outline of the 14th Five-Year Plan for National Economic and Social Development of Caidian District and the Long-Range Objectives"
            )
            .as_deref(),
            Some("People's Government of Caidian District")
        );
        assert_eq!(author_en("A Plan"), None);
    }

    #[test]
    fn the_plan_period_is_read_from_its_line_and_nothing_else() {
        assert_eq!(plan_period("（2021—2025）"), Some((2021, 2025)));
        assert_eq!(plan_period("(2021-2025)"), Some((2021, 2025)));
        assert_eq!(plan_period("（2021——2025年）"), Some((2021, 2025)));
        assert_eq!(plan_period("到2025年"), None);
        assert_eq!(plan_period("（2025—2021）"), None);
        assert_eq!(plan_period("（一—二）"), None);
    }

    #[test]
    fn a_ris_value_stays_on_its_line() {
        assert_eq!(ris_value("a\r\nER  - \nTY  - JOUR\u{2028}b\tc"), "a ER - TY - JOUR b c");
    }

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(permalink_path("caidian", "p4-1.r2"), "/p/caidian/p4-1.r2");
        assert_eq!(permalink_path("a b", "x/y?z#"), "/p/a%20b/x%2Fy%3Fz%23");
    }

    #[test]
    fn bibtex_special_characters_are_escaped() {
        assert_eq!(bibtex_escape("50% & {x}_#"), "50\\% \\& \\{x\\}\\_\\#");
    }
}
