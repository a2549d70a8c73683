//! # Synthetic plans for scale tests
//!
//! `cargo run --release --example synth -- --root /tmp/scale/corpus --plans 100` writes a
//! corpus of `--plans` documents made from the real one: `caidian` itself (copied whole, with
//! its source, so `plansearch build` ingests as usual), and `plans - 1` synthetic plans, each
//! `<root>/synth-NNNN/plan.zh.md`, that read like another district's plan:
//!
//! * another district's name wherever the plan says 蔡甸;
//! * the numbers of paragraphs and table cells changed by up to ±30% (years kept), so the
//!   plans do not share every figure;
//! * the paragraphs of each section in another order (headings, panels and tables stay put,
//!   so the structure parses the same).
//!
//! Seeded: the same `--seed` gives the same corpus. Used by `scripts/scale.sh`.

use std::path::{Path, PathBuf};

use clap::Parser;

#[derive(Parser)]
struct Args {
    /// The corpus root to write (created; existing synthetic plans are overwritten).
    #[arg(long)]
    root: PathBuf,
    /// Documents in all, the real plan included.
    #[arg(long, default_value_t = 10)]
    plans: usize,
    #[arg(long, default_value_t = 14)]
    seed: u64,
}

/// Real district names first, then made-up two-character ones.
const DISTRICTS: &[&str] = &[
    "江夏",
    "黄陂",
    "新洲",
    "汉南",
    "东西湖",
    "洪山",
    "青山",
    "江岸",
    "江汉",
    "硚口",
    "汉阳",
    "武昌",
    "鄂城",
    "华容",
    "梁子湖",
    "黄州",
    "团风",
    "红安",
    "麻城",
    "罗田",
    "英山",
    "浠水",
    "蕲春",
    "武穴",
    "黄梅",
    "咸安",
    "嘉鱼",
    "通城",
    "崇阳",
    "通山",
    "赤壁",
    "孝南",
    "孝昌",
    "大悟",
    "云梦",
    "应城",
    "安陆",
    "汉川",
    "沙市",
    "荆州",
    "公安",
    "监利",
    "江陵",
    "石首",
    "洪湖",
    "松滋",
    "夷陵",
    "西陵",
    "伍家岗",
    "点军",
    "猇亭",
    "远安",
    "兴山",
];
const FIRST: &[char] = &['青', '白', '金', '云', '龙', '凤', '清', '长', '广', '新', '安', '永', '平', '明', '东', '西', '南', '北', '丰', '宁'];
const SECOND: &[char] = &['阳', '溪', '湖', '山', '川', '河', '林', '源', '港', '桥', '泉', '洲', '岭', '浦', '城', '台', '坪', '江', '塘', '州'];

fn district(i: usize) -> String {
    if i < DISTRICTS.len() {
        return DISTRICTS[i].to_string();
    }
    let k = i - DISTRICTS.len();
    let (a, b) = (FIRST[k % FIRST.len()], SECOND[(k / FIRST.len()) % SECOND.len()]);
    let round = k / (FIRST.len() * SECOND.len());
    if round == 0 {
        format!("{a}{b}")
    } else {
        format!("{a}{b}{}", DISTRICTS[round % DISTRICTS.len()])
    }
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), target)?;
        }
    }
    Ok(())
}

/// A block is plain text (a paragraph) unless it is a heading, a panel or a table.
fn is_paragraph(block: &str) -> bool {
    !block.starts_with(['#', '>', '|', '<', '-', '*', '（', '(']) && !block.contains("\n>") && !block.is_empty()
}

/// Numbers in text changed by up to ±30%, the digit count kept where it can be; years
/// (19xx, 20xx) and heading lines untouched.
fn perturb_numbers(line: &str, rng: &mut fastrand::Rng) -> String {
    if line.trim_start_matches(['>', ' ']).starts_with('#') {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len());
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String, rng: &mut fastrand::Rng| {
        if digits.is_empty() {
            return;
        }
        let year = digits.len() == 4 && (digits.starts_with("19") || digits.starts_with("20"));
        match digits.parse::<u64>() {
            Ok(n) if !year && n >= 10 && digits.len() <= 12 => {
                let m = (n as f64 * (0.7 + 0.6 * rng.f64())).round() as u64;
                out.push_str(&m.max(1).to_string());
            }
            _ => out.push_str(digits),
        }
        digits.clear();
    };
    for c in line.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out, rng);
            out.push(c);
        }
    }
    flush(&mut digits, &mut out, rng);
    out
}

fn synthesize(plan: &str, name: &str, rng: &mut fastrand::Rng) -> String {
    let text = plan.replace("蔡甸", name);
    let blocks: Vec<&str> = text.split("\n\n").collect();
    let mut out: Vec<String> = Vec::with_capacity(blocks.len());
    let mut run: Vec<String> = Vec::new();
    let flush = |run: &mut Vec<String>, out: &mut Vec<String>, rng: &mut fastrand::Rng| {
        rng.shuffle(run);
        out.append(run);
    };
    for b in blocks {
        let b: String = b.lines().map(|l| perturb_numbers(l, rng)).collect::<Vec<_>>().join("\n");
        if is_paragraph(&b) {
            run.push(b);
        } else {
            flush(&mut run, &mut out, rng);
            out.push(b);
        }
    }
    flush(&mut run, &mut out, rng);
    let mut s = out.join("\n\n");
    if plan.ends_with('\n') && !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let real = repo.join("corpus");
    std::fs::create_dir_all(&args.root)?;
    copy_dir(&real.join("caidian"), &args.root.join("caidian"))?;
    for f in ["dict.txt", "synonyms.tsv"] {
        std::fs::copy(real.join(f), args.root.join(f))?;
    }
    let plan = std::fs::read_to_string(real.join("caidian/plan.zh.md"))?;
    let mut rng = fastrand::Rng::with_seed(args.seed);
    let mut bytes = plan.len();
    for i in 1..args.plans {
        let dir = args.root.join(format!("synth-{i:04}"));
        std::fs::create_dir_all(&dir)?;
        let text = synthesize(&plan, &district(i - 1), &mut rng);
        bytes += text.len();
        std::fs::write(dir.join("plan.zh.md"), text)?;
    }
    println!("synth: {} plans, {:.1} MB of Markdown under {}", args.plans, bytes as f64 / 1e6, args.root.display());
    Ok(())
}
