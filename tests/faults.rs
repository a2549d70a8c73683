//! Faults during builds, in the few seconds a test may take: a build killed at any moment
//! leaves the previous complete index serving, a second build at once is refused with a
//! clear message, and a damaged index file is found at open and rebuilt by `ensure`.
//! `scripts/faults.sh` does the same with many more kills, and a read-only index.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use plansearch_index::{ensure, Ensured, IndexError, PlanIndex};
use plansearch_search::{Engine, Request, Synonyms};

use crate::util::temp_copy_of_caidian;

fn total(ix: PlanIndex, q: &str) -> usize {
    let engine = Engine::new(ix, Synonyms::builtin());
    engine.search(&Request { q: q.into(), limit: 10, ..Default::default() }).unwrap().total
}

/// The build directories under an index root.
fn builds(root: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("build-"))
        .collect();
    v.sort();
    v
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_previous_index_serving() {
    let corpus = temp_copy_of_caidian();
    let index = tempfile::tempdir().unwrap();
    let (ix, _) = ensure(corpus.path(), index.path(), &mut |_| {}).unwrap();
    let dir = ix.dir.clone();
    let expected = total(ix, "莲藕");
    assert!(expected > 0);

    // How long one build of the real binary takes here, then kills spread over that time.
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_plansearch"))
            .arg("--corpus")
            .arg(corpus.path())
            .arg("--index")
            .arg(index.path())
            .arg("build")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let started = Instant::now();
    assert!(run().wait().unwrap().success());
    let full = started.elapsed();
    for k in 1..=5u32 {
        let mut child = run();
        std::thread::sleep(full * k / 6);
        let _ = child.kill(); // SIGKILL; the build may also have finished first.
        child.wait().unwrap();
        let ix = PlanIndex::open(index.path()).unwrap_or_else(|e| panic!("kill {k} at {:?}: the index does not open: {e}", full * k / 6));
        assert!(ix.is_fresh(corpus.path()).unwrap());
        assert_eq!(total(ix, "莲藕"), expected, "kill {k}: another total");
    }
    // The next build clears what killed builds left.
    let (ix, how) = ensure(corpus.path(), index.path(), &mut |_| {}).unwrap();
    assert_eq!(how, Ensured::Fresh);
    plansearch_index::build(corpus.path(), index.path(), &mut |_, _| {}).unwrap();
    assert_eq!(builds(index.path()).len(), 1, "leftovers: {:?}", builds(index.path()));
    assert_ne!(ix.dir, dir, "a new build has a new directory");
}

#[test]
fn a_build_failing_midway_in_process_changes_nothing() {
    let corpus = temp_copy_of_caidian();
    let index = tempfile::tempdir().unwrap();
    let (ix, _) = ensure(corpus.path(), index.path(), &mut |_| {}).unwrap();
    let before = ix.dir.clone();
    let expected = total(ix, "莲藕");
    // A panic in the middle of adding passages, as a crash would stop it.
    let crashed = std::panic::catch_unwind(|| {
        plansearch_index::build(corpus.path(), index.path(), &mut |done, total| {
            if done > total / 2 {
                panic!("crash in the middle of the build");
            }
        })
    });
    assert!(crashed.is_err());
    let ix = PlanIndex::open(index.path()).unwrap();
    assert_eq!(ix.dir, before);
    assert_eq!(total(ix, "莲藕"), expected);
}

#[test]
fn a_second_build_at_the_same_time_is_refused_clearly() {
    let corpus = temp_copy_of_caidian();
    let index = tempfile::tempdir().unwrap();
    ensure(corpus.path(), index.path(), &mut |_| {}).unwrap();
    // Another process holding the build lock, as a running build does.
    let lock = std::fs::OpenOptions::new().write(true).open(index.path().join(".build.lock")).unwrap();
    lock.try_lock().unwrap();
    let err = plansearch_index::build(corpus.path(), index.path(), &mut |_, _| {}).unwrap_err();
    assert!(matches!(err, IndexError::Busy { .. }), "{err}");
    assert!(err.to_string().contains("another build"), "{err}");
    // The binary says the same, and fails.
    let out = Command::new(env!("CARGO_BIN_EXE_plansearch"))
        .arg("--corpus")
        .arg(corpus.path())
        .arg("--index")
        .arg(index.path())
        .arg("build")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("another build") && stderr.contains("is running"), "stderr: {stderr}");
    drop(lock);
    // Nothing was damaged.
    assert!(PlanIndex::open(index.path()).unwrap().is_fresh(corpus.path()).unwrap());
    plansearch_index::build(corpus.path(), index.path(), &mut |_, _| {}).unwrap();
}

/// A new length for a file of this length.
type Cut = fn(u64) -> u64;

/// Cut the largest `.ext` file of the current build to `to(len)` bytes; its path.
fn truncate_largest(ix: &PlanIndex, ext: &str, to: impl Fn(u64) -> u64) -> std::path::PathBuf {
    let victim = std::fs::read_dir(&ix.dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .unwrap_or_else(|| panic!("no .{ext} file in {}", ix.dir.display()));
    let len = std::fs::metadata(&victim).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(&victim).unwrap().set_len(to(len)).unwrap();
    victim
}

#[test]
fn a_truncated_index_file_is_found_at_open_and_rebuilt() {
    let corpus = temp_copy_of_caidian();
    let index = tempfile::tempdir().unwrap();
    let (ix, _) = ensure(corpus.path(), index.path(), &mut |_| {}).unwrap();
    let expected = total(ix, "莲藕");
    let cases: [(&str, Cut); 3] = [("store", |n| n / 2), ("idx", |n| n - 1), ("idx", |_| 0)];
    for (ext, to) in cases {
        let ix = PlanIndex::open(index.path()).unwrap();
        let victim = truncate_largest(&ix, ext, to);
        let err = PlanIndex::open(index.path()).unwrap_err();
        assert!(matches!(err, IndexError::Broken { .. }), "{}: {err}", victim.display());
        assert!(err.to_string().contains("unusable"), "{err}");
        let mut said = Vec::new();
        let (again, how) = ensure(corpus.path(), index.path(), &mut |why| said.push(why.to_string())).unwrap();
        assert_eq!(how, Ensured::Built, "{}", victim.display());
        assert!(said.iter().any(|s| s.contains("unusable") && s.contains("rebuilding")), "{said:?}");
        assert_ne!(again.dir, ix.dir);
        assert_eq!(total(again, "莲藕"), expected);
    }
}

/// Every file of a build directory with its size and modification time.
fn listing(dir: &Path) -> Vec<(String, u64, std::time::SystemTime)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| {
            let m = e.metadata().unwrap();
            (e.file_name().to_string_lossy().into_owned(), m.len(), m.modified().unwrap())
        })
        .collect();
    v.sort();
    v
}

#[test]
fn opening_and_searching_an_index_writes_nothing_so_a_read_only_folder_serves() {
    let corpus = temp_copy_of_caidian();
    let index = tempfile::tempdir().unwrap();
    let (ix, _) = ensure(corpus.path(), index.path(), &mut |_| {}).unwrap();
    let dir = ix.dir.clone();
    drop(ix);
    // tantivy's readers take a lock file in the index folder; a finished build needs none, and
    // creating one fails on a read-only folder. (`scripts/faults.sh` serves one as nobody.)
    for lock in [".tantivy-meta.lock", ".tantivy-writer.lock"] {
        let _ = std::fs::remove_file(dir.join(lock));
    }
    let before = listing(&dir);
    let root_before = listing(index.path());
    let (ix, how) = ensure(corpus.path(), index.path(), &mut |_| {}).unwrap();
    assert_eq!(how, Ensured::Fresh);
    assert!(total(ix, "莲藕") > 0);
    assert_eq!(listing(&dir), before, "opening or searching changed the build directory");
    assert_eq!(listing(index.path()), root_before, "opening or searching changed the index root");
}

#[cfg(unix)]
#[test]
fn every_index_file_is_as_readable_as_its_folder() {
    // Another user serving the index (a service account) must be able to read what a build
    // wrote; tantivy makes meta.json readable by its owner only.
    use std::os::unix::fs::PermissionsExt;
    let corpus = temp_copy_of_caidian();
    let index = tempfile::tempdir().unwrap();
    let (ix, _) = ensure(corpus.path(), index.path(), &mut |_| {}).unwrap();
    let folder = std::fs::metadata(&ix.dir).unwrap().permissions().mode() & 0o444;
    let mut files = 0;
    for e in std::fs::read_dir(&ix.dir).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            let mode = e.metadata().unwrap().permissions().mode();
            assert_eq!(mode & 0o444, folder, "{:?} has mode {:o}", e.file_name(), mode & 0o777);
            files += 1;
        }
    }
    assert!(files > 5, "{files} files");
}

#[test]
fn editing_a_test_only_term_list_leaves_the_index_current_while_a_translation_makes_it_stale() {
    let dir = temp_copy_of_caidian();
    let fingerprint = || plansearch_index::corpus_fingerprint(dir.path()).unwrap();
    let before = fingerprint();
    let append = |name: &str, line: &str| {
        let p = dir.path().join("caidian/en").join(name);
        let mut text = std::fs::read_to_string(&p).unwrap();
        text.push_str(line);
        std::fs::write(&p, text).unwrap();
    };
    append("terms.ch04.tsv", "莲藕\tlotus root\n");
    append("number_exceptions.tsv", "\n");
    assert_eq!(fingerprint(), before, "the term lists and reviewed exceptions change no index");
    append("ch04.jsonl", "\n");
    assert_ne!(fingerprint(), before, "a translation file is part of the index");
}
