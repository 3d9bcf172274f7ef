//! The build cache makes a build faster, never different: a second build writes nothing, a
//! cache that is garbled, truncated, from another version, site or options is ignored with a
//! note, the output is put right when it was changed by hand, time passing publishes a
//! scheduled post, a build killed while committing is completed by the next one, and two
//! builds at once wait for each other.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::{CONFIG, TestSite, files_under, post, stamps_under};

fn showpress(site: &TestSite, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_showpress"));
    cmd.arg("--root").arg(site.root()).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A small site: three posts on one show, a tag, an about page, a static file.
fn site() -> TestSite {
    let site = TestSite::empty();
    site.write("config.toml", CONFIG);
    for (i, day) in [(1, 10), (2, 11), (3, 12)] {
        site.write(
            &format!("content/posts/p{i}.md"),
            &post(
                &format!(
                    "title = \"글 {i}\"\ndate = 2025-03-{day}\nshow = \"경제토크쇼픽\"\nepisode = {i}\ntags = [\"경제\"]"
                ),
                &format!("요약 {i}.\n\n본문 {i}.\n"),
            ),
        );
    }
    site.write("content/about.md", "+++\ntitle = \"소개\"\n+++\n소개.\n");
    site.write("static/img/a.txt", "static file\n");
    site
}

/// Changes the body of [`site`]'s first post and nothing else.
fn edit_first_post_body(site: &TestSite) {
    let text = fs::read_to_string(site.root().join("content/posts/p1.md")).unwrap();
    let edited = text.replace("본문 1.", "본문 1, 고침.");
    assert_ne!(edited, text);
    site.write("content/posts/p1.md", &edited);
}

/// The note of a build that did not use the site's cache, for the reason `why`.
fn ignored_cache_note(site: &TestSite, why: &str) -> String {
    format!(
        "note: ignoring the build cache in {}: it {why}; building everything\n",
        site.path(".showpress").display()
    )
}

/// What a `--no-cache` build of the site writes, in a folder of its own.
fn clean_output(site: &TestSite, env: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
    let out = site.root().with_extension("clean");
    let _ = fs::remove_dir_all(&out);
    let o = showpress(
        site,
        &["build", "--no-cache", "--output", out.to_str().unwrap()],
        env,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let files = files_under(&out);
    fs::remove_dir_all(&out).unwrap();
    files
}

#[test]
fn a_second_build_with_nothing_changed_writes_no_file_and_touches_none() {
    let site = site();
    site.build();
    let before = stamps_under(&site.path("public"));
    let r = site.build();
    assert!(
        r.stdout.contains(": 0 files written, 0 removed\n"),
        "{}",
        r.stdout
    );
    assert_eq!(stamps_under(&site.path("public")), before);
}

#[test]
fn a_build_that_changes_every_page_rewrites_them_in_place_and_the_next_writes_none() {
    let site = site();
    site.build();
    let before = stamps_under(&site.path("public"));
    // The title is on every page: every page changes.
    site.write("config.toml", &CONFIG.replace("테스트 블로그", "새 이름"));
    site.build();
    let after = stamps_under(&site.path("public"));
    let index = &site.path("public").join("index.html");
    assert!(fs::read_to_string(index).unwrap().contains("새 이름"));
    // Same files, each the same inode: rewritten in place, not replaced by new files.
    let inodes = |s: &std::collections::BTreeMap<String, (u64, std::time::SystemTime)>| {
        s.iter()
            .map(|(f, (ino, _))| (f.clone(), *ino))
            .collect::<Vec<_>>()
    };
    assert_eq!(inodes(&after), inodes(&before));
    assert_ne!(after["index.html"].1, before["index.html"].1);
    assert_eq!(files_under(&site.path("public")), clean_output(&site, &[]));
    // The build cache has the stamps the rewritten files got.
    let r = site.build();
    assert!(
        r.stdout.contains(": 0 files written, 0 removed\n"),
        "{}",
        r.stdout
    );
    assert_eq!(stamps_under(&site.path("public")), after);
}

#[test]
fn a_build_without_a_usable_cache_keeps_the_files_whose_bytes_it_would_write() {
    let site = site();
    site.build();
    let before = stamps_under(&site.path("public"));
    let r = site.build_with(&["--no-cache"]);
    assert!(
        r.stdout.contains(": 0 files written, 0 removed\n"),
        "{}",
        r.stdout
    );
    assert_eq!(stamps_under(&site.path("public")), before);
    // After a cache is lost, edits are written and the rest stays.
    fs::remove_dir_all(site.path(".showpress")).unwrap();
    site.write(
        "content/posts/p2.md",
        &post("title = \"둘째\"\ndate = 2025-03-11", "x\n"),
    );
    site.build();
    let now = stamps_under(&site.path("public"));
    assert_eq!(now["img/a.txt"], before["img/a.txt"]);
    assert_eq!(now["about/index.html"], before["about/index.html"]);
    assert_ne!(now["posts/p2/index.html"], before["posts/p2/index.html"]);
    assert_eq!(files_under(&site.path("public")), clean_output(&site, &[]));
}

#[test]
fn one_edited_post_rewrites_only_the_files_whose_bytes_changed() {
    let site = site();
    site.build();
    let before = stamps_under(&site.path("public"));
    let old = files_under(&site.path("public"));
    let shards = || {
        fs::read_dir(site.path(".showpress"))
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("content-"))
            .count()
    };
    let shards_before = shards();
    let p = site.path("content/posts/p1.md");
    let t = fs::read_to_string(&p).unwrap();
    fs::write(&p, t.replace("본문 1.", "본문 1, 고침.")).unwrap();
    let r = site.build();
    let now = stamps_under(&site.path("public"));
    let files = files_under(&site.path("public"));
    let changed: Vec<&String> = files
        .keys()
        .filter(|f| old.get(*f) != files.get(*f))
        .collect();
    // The page, and the search index's files holding the post's text (the fragment and the
    // docs file naming it are new files; the old ones are removed).
    assert_eq!(
        common::search::masked(&changed),
        [
            "posts/p1/index.html",
            "search/doc/*.json",
            "search/docs/*.json",
            "search/index/*.json",
            "search/meta.json"
        ]
    );
    for f in files.keys().filter(|f| !changed.contains(f)) {
        assert_eq!(before[f], now[f], "{f} was written again");
    }
    assert!(
        r.stdout.ends_with(": 5 files written, 3 removed\n"),
        "{}",
        r.stdout
    );
    assert_eq!(files, clean_output(&site, &[]));
    // The edited post's shard was written anew and the old one pruned.
    assert_eq!(shards(), shards_before);
}

#[test]
fn garbled_truncated_foreign_and_mismatched_caches_are_ignored_with_a_note() {
    let site = site();
    site.build();
    let state = site.path(".showpress/state");
    let good = fs::read(&state).unwrap();
    let expected = clean_output(&site, &[]);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "garbled",
            b"not a cache at all".to_vec(),
            "is damaged (not a showpress cache file)",
        ),
        (
            "truncated",
            good[..good.len() / 2].to_vec(),
            "is damaged (checksum mismatch: truncated or changed)",
        ),
        (
            "one byte changed",
            {
                let mut b = good.clone();
                let last = b.len() - 1;
                b[last] ^= 0x55;
                b
            },
            "is damaged (checksum mismatch: truncated or changed)",
        ),
        (
            "another version",
            {
                let mut b = good.clone();
                b[16] ^= 1;
                b
            },
            "was written by another version of showpress",
        ),
    ];
    for (name, bytes, why) in cases {
        fs::write(&state, bytes).unwrap();
        let r = site.build();
        assert_eq!(r.stderr, ignored_cache_note(&site, why), "{name}");
        assert_eq!(files_under(&site.path("public")), expected, "{name}");
        // The build wrote a good cache again: the next one uses it.
        assert_eq!(site.build().stderr, "", "{name}");
    }

    // Other options: the cache describes another site.
    let r = site.build_with(&["--drafts"]);
    assert!(
        r.stderr.ends_with(
            "it was made with other options (--drafts, --future or --base-url); building everything\n"
        ),
        "{}",
        r.stderr
    );
    // Another output folder.
    let other = site.path("elsewhere");
    let r = site.build_with(&["--output", other.to_str().unwrap()]);
    assert!(
        r.stderr.contains("it was made for another output folder ("),
        "{}",
        r.stderr
    );
    assert_eq!(files_under(&other), expected);
}

/// The state's large parts (every output's record, the links, the output as left) are files
/// of their own beside it: one damaged or missing is noticed like a damaged state. A post is
/// edited before each build, so that the build reads every part.
#[test]
fn damaged_or_missing_parts_of_the_cache_are_ignored_with_a_note() {
    let site = site();
    site.build();
    let parts = || -> Vec<std::path::PathBuf> {
        fs::read_dir(site.path(".showpress"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("part-")
            })
            .collect()
    };
    assert_eq!(parts().len(), 3);
    type Damage = fn(&Path);
    let cases: Vec<(&str, Damage, &str)> = vec![
        (
            "truncated",
            |p| {
                let good = fs::read(p).unwrap();
                fs::write(p, &good[..good.len() / 2]).unwrap();
            },
            "is damaged (checksum mismatch: truncated or changed)",
        ),
        (
            "missing",
            |p| fs::remove_file(p).unwrap(),
            "is missing a part (No such file or directory (os error 2))",
        ),
    ];
    for (i, (name, damage, why)) in cases.into_iter().enumerate() {
        for p in parts() {
            damage(&p);
        }
        let post = site.path("content/posts/p1.md");
        let text = fs::read_to_string(&post).unwrap();
        site.write(
            "content/posts/p1.md",
            &text.replace("본문 1", &format!("본문 1 ({i})")),
        );
        let r = site.build();
        assert_eq!(r.stderr, ignored_cache_note(&site, why), "{name}");
        assert_eq!(
            files_under(&site.path("public")),
            clean_output(&site, &[]),
            "{name}"
        );
        // The build wrote a good cache again, and only its own parts are left.
        assert_eq!(parts().len(), 3, "{name}");
        assert_eq!(site.build().stderr, "", "{name}");
    }
}

#[test]
fn a_cache_copied_with_the_site_to_another_folder_is_not_used() {
    let site = site();
    site.build();
    let copy = TestSite::empty();
    common::copy_dir(site.root(), copy.root());
    let r = copy.build();
    assert!(
        r.stderr.contains("it was made for another site folder ("),
        "{}",
        r.stderr
    );
    assert_eq!(files_under(&copy.path("public")), clean_output(&copy, &[]));
}

#[test]
fn files_changed_deleted_or_added_in_the_output_by_hand_are_put_right() {
    let site = site();
    site.build();
    let public = site.path("public");
    fs::write(public.join("posts/p1/index.html"), "edited by hand").unwrap();
    fs::remove_file(public.join("img/a.txt")).unwrap();
    fs::write(public.join("stray.html"), "left behind").unwrap();
    fs::create_dir_all(public.join("old/deep")).unwrap();
    fs::write(public.join("old/deep/page.html"), "left behind").unwrap();
    let r = site.build();
    assert!(
        r.stdout.ends_with(": 2 files written, 2 removed\n"),
        "{}",
        r.stdout
    );
    assert_eq!(files_under(&public), clean_output(&site, &[]));
    assert!(!public.join("old").exists(), "an emptied folder stays");
}

#[test]
fn a_file_added_by_hand_beside_the_pages_after_an_edit_is_removed() {
    // After an edit, the build records only the folders its commit wrote into as to be
    // listed again (`posts/p1`, not `posts`): a file added to `posts/` later is still found
    // by that folder's changed time.
    let site = site();
    site.build();
    edit_first_post_body(&site);
    site.build();
    let public = site.path("public");
    std::thread::sleep(std::time::Duration::from_millis(20));
    fs::write(public.join("posts/stray.html"), "by hand").unwrap();
    fs::write(public.join("posts/p2/stray.html"), "by hand").unwrap();
    let r = site.build();
    assert!(
        r.stdout.ends_with(": 0 files written, 2 removed\n"),
        "{}",
        r.stdout
    );
    assert_eq!(files_under(&public), clean_output(&site, &[]));
}

#[test]
fn a_scheduled_post_is_published_when_its_time_comes_with_no_file_changed() {
    let site = site();
    site.write(
        "content/posts/later.md",
        &post(
            "title = \"예약 글\"\ndate = 2025-04-01T09:00:00+09:00",
            "곧.\n",
        ),
    );
    let before = [("SHOWPRESS_NOW", "2025-03-31T00:00:00+09:00")];
    let r = showpress(&site, &["build"], &before);
    assert_eq!(
        text(&r.stdout).lines().next(),
        Some("Held back 1 scheduled post dated in the future (--future includes them)")
    );
    assert!(!site.exists("posts/later/index.html"));
    let after = [("SHOWPRESS_NOW", "2025-04-01T09:00:00+09:00")];
    let r = showpress(&site, &["build"], &after);
    assert!(r.status.success(), "{}", text(&r.stderr));
    assert!(site.exists("posts/later/index.html"));
    assert_eq!(
        files_under(&site.path("public")),
        clean_output(&site, &after)
    );
}

#[test]
fn a_build_killed_while_committing_is_completed_by_the_next_build() {
    for killed_after in [1, 2, 5] {
        let site = site();
        site.build();
        let old = files_under(&site.path("public"));
        // Every page changes: the title is on every page.
        site.write("config.toml", &CONFIG.replace("테스트 블로그", "새 이름"));
        let o = showpress(
            &site,
            &["build"],
            &[(
                "__SHOWPRESS_TEST_ABORT_AFTER_RENAMES",
                &killed_after.to_string(),
            )],
        );
        assert!(!o.status.success(), "the build was not killed");
        // Killed mid-commit: the journal says what is left to do.
        let mixed = files_under(&site.path("public"));
        assert_ne!(mixed, old);
        assert!(site.root().join(".public.showpress-journal").is_file());
        let r = site.build();
        assert!(!site.root().join(".public.showpress-journal").exists());
        assert!(!site.root().join(".public.showpress-stage").exists());
        assert!(
            r.stdout.contains(": 0 files written, 0 removed\n"),
            "killed after {killed_after}: {}",
            r.stdout
        );
        assert_eq!(
            files_under(&site.path("public")),
            clean_output(&site, &[]),
            "killed after {killed_after}"
        );
    }
}

#[test]
fn a_build_killed_before_committing_leaves_the_old_site() {
    let site = site();
    // Enough pages that a kill lands while rendering or staging.
    for i in 0..300 {
        site.write(
            &format!("content/posts/bulk/b{i}.md"),
            &post(
                &format!(
                    "title = \"대량 {i}\"\ndate = 2025-02-01\ntags = [\"t{}\"]",
                    i % 40
                ),
                &"문단입니다. ".repeat(200),
            ),
        );
    }
    site.build();
    let old = files_under(&site.path("public"));
    let old_stamps = stamps_under(&site.path("public"));
    site.write("config.toml", &CONFIG.replace("테스트 블로그", "새 이름"));
    let mut killed_early = 0;
    for delay_ms in [0u64, 5, 20, 60, 120] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_showpress"))
            .arg("--root")
            .arg(site.root())
            .arg("build")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let status = child.wait().unwrap();
        let journal = site.root().join(".public.showpress-journal").exists();
        if !status.success() && !journal {
            // Killed before the commit point: the old site, every file untouched.
            killed_early += 1;
            assert_eq!(
                files_under(&site.path("public")),
                old,
                "killed at {delay_ms} ms"
            );
            assert_eq!(stamps_under(&site.path("public")), old_stamps);
        }
        if status.success() {
            break;
        }
    }
    assert!(killed_early > 0, "no kill landed before the commit");
    site.build();
    assert_eq!(files_under(&site.path("public")), clean_output(&site, &[]));
    assert!(!site.root().join(".public.showpress-stage").exists());
}

#[test]
fn two_builds_at_once_wait_for_each_other_and_neither_breaks_anything() {
    let site = site();
    for i in 0..200 {
        site.write(
            &format!("content/posts/bulk/b{i}.md"),
            &post(
                &format!("title = \"대량 {i}\"\ndate = 2025-02-01"),
                &"문단입니다. ".repeat(100),
            ),
        );
    }
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_showpress"))
            .arg("--root")
            .arg(site.root())
            .arg("build")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(a.status.success() && b.status.success());
    let waited = [&a, &b]
        .iter()
        .filter(|o| text(&o.stderr).contains("note: waiting for another showpress build"))
        .count();
    assert!(waited <= 1, "{} / {}", text(&a.stderr), text(&b.stderr));
    assert_eq!(files_under(&site.path("public")), clean_output(&site, &[]));
    // The cache they left is good: the next build uses it and writes nothing.
    let r = site.build();
    assert_eq!(r.stderr, "");
    assert!(r.stdout.contains(": 0 files written, 0 removed\n"));
}

#[test]
fn a_cache_folder_that_cannot_be_made_gives_a_build_without_it() {
    let site = site();
    site.build();
    site.write("not-a-folder", "x");
    site.write(
        "content/posts/p1.md",
        &post("title = \"바뀜\"\ndate = 2025-03-10", "x\n"),
    );
    let r = site.build_with(&["--cache-dir", site.path("not-a-folder").to_str().unwrap()]);
    assert_eq!(
        r.stderr,
        format!(
            "note: cannot use the build cache: failed to create directory `{}`: File exists (os error 17); building everything without it\n",
            site.path("not-a-folder").display()
        )
    );
    assert_eq!(files_under(&site.path("public")), clean_output(&site, &[]));
}

/// A small file system of its own for the cache (root may mount one; CI runs as root).
struct Mount(std::path::PathBuf);

impl Mount {
    fn tmpfs(at: &Path, size: &str) -> Option<Mount> {
        fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            // Only root can: elsewhere say so instead of passing quietly.
            assert_ne!(
                Command::new("id")
                    .arg("-u")
                    .output()
                    .map(|o| text(&o.stdout))
                    .unwrap_or_default()
                    .trim(),
                "0",
                "root could not mount a tmpfs"
            );
            eprintln!("skipped: mounting a tmpfs needs root");
            return None;
        }
        Some(Mount(at.to_path_buf()))
    }

    fn read_only(&self) {
        let ok = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(ok.success());
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_read_only_or_full_cache_folder_never_makes_a_wrong_or_failed_build() {
    let site = site();
    let at = site.root().with_extension("cache-fs");
    // Room for the first build's cache, social cards included (about 65 KB each).
    let Some(mount) = Mount::tmpfs(&at, "1m") else {
        return;
    };
    let cache = at.to_str().unwrap();
    site.build_with(&["--cache-dir", cache]);
    assert!(at.join("state").is_file());

    // Full: an edit, and no room for the cache's new state.
    let filler = vec![0u8; 4096];
    let mut n = 0;
    while fs::write(at.join(format!("filler-{n}")), &filler).is_ok() {
        n += 1;
    }
    site.write(
        "content/posts/p1.md",
        &post("title = \"가득\"\ndate = 2025-03-10", "x\n"),
    );
    let r = site.build_with(&["--cache-dir", cache]);
    assert!(
        r.stderr
            .starts_with("note: could not save the build cache (")
            && r.stderr.ends_with(
                "No space left on device (os error 28)); the next build renders everything\n"
            ),
        "{}",
        r.stderr
    );
    assert_eq!(files_under(&site.path("public")), clean_output(&site, &[]));
    for i in 0..n {
        let _ = fs::remove_file(at.join(format!("filler-{i}")));
    }

    // Read-only: the next build goes on without the cache, and is right.
    mount.read_only();
    site.write(
        "content/posts/p2.md",
        &post("title = \"읽기 전용\"\ndate = 2025-03-11", "x\n"),
    );
    let r = site.build_with(&["--cache-dir", cache]);
    assert!(
        r.stderr
            .starts_with("note: cannot use the build cache: failed to lock `")
            && r.stderr
                .ends_with("Read-only file system (os error 30); building everything without it\n"),
        "{}",
        r.stderr
    );
    assert_eq!(files_under(&site.path("public")), clean_output(&site, &[]));
}

#[test]
fn the_cache_is_never_inside_the_output_and_no_cache_writes_none() {
    let site = site();
    let inside = site.path("public/.cache");
    let r = site.run(&["build", "--cache-dir", inside.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        format!(
            "error: refusing to keep the build cache in `{}`: it is inside the output folder, which is replaced by builds\n",
            inside.display()
        )
    );
    site.build_with(&["--no-cache"]);
    // Only drawn social cards are kept, as processed images are: the same text, template and
    // font always make the same card.
    let kept: Vec<_> = fs::read_dir(site.path(".showpress"))
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(kept.iter().all(|n| n == "cards"), "{kept:?}");
    assert!(!site.path(".showpress/state").exists());
    fs::remove_dir_all(site.path(".showpress")).ok();
    let elsewhere = site.path("cache-here");
    site.build_with(&["--cache-dir", elsewhere.to_str().unwrap()]);
    assert!(elsewhere.join("state").is_file());
    assert!(!Path::new(&site.path(".showpress")).exists());
}

/// Found while making builds keep equal files: with an output already there, the home page's
/// bytes were equal so it was not written again, and `static/index.html/inner.txt` then
/// replaced it in the commit (a file and a folder on one path). Both ways round are an error
/// before anything is written, and the output stays.
#[test]
fn a_static_file_and_a_page_on_one_path_are_an_error_even_when_the_page_is_unchanged() {
    let site = site();
    site.build();
    let old = files_under(&site.path("public"));
    for (file, message) in [
        (
            "static/index.html/inner.txt",
            "error: cannot write `index.html` into the output: `static/index.html` is a folder where that page goes; rename or move it\n",
        ),
        (
            "static/posts",
            "error: cannot write the pages under `posts/` into the output: `static/posts` is a file where their folder goes; rename or move it\n",
        ),
    ] {
        site.write(file, "x\n");
        for args in [&[][..], &["--no-cache"][..]] {
            let mut a = vec!["build"];
            a.extend_from_slice(args);
            let r = site.run(&a);
            assert_eq!(r.code, 1, "{file} {args:?}");
            assert_eq!(r.stderr, message, "{file} {args:?}");
            assert_eq!(files_under(&site.path("public")), old, "{file} {args:?}");
        }
        fs::remove_file(site.path(file)).unwrap();
    }
}

/// A static file (or template) saved after the engine read it, while the build was still
/// going: the build's record of an unchanged site must hold what it read, so the next build
/// publishes the new file instead of finding nothing changed.
#[test]
fn a_file_saved_while_a_build_runs_is_published_by_the_next_build() {
    let site = site();
    site.build();
    // A post edit long enough ago to be trusted by its time: the next builds may skip it.
    edit_first_post_body(&site);
    backdate_all(&site.path("content"));
    let flag = site.root().with_extension("paused");
    let _ = fs::remove_file(&flag);
    let mut building = Command::new(env!("CARGO_BIN_EXE_showpress"))
        .arg("--root")
        .arg(site.root())
        .arg("build")
        .env("__SHOWPRESS_TEST_PAUSE_AFTER_RENDER", &flag)
        .spawn()
        .unwrap();
    let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !flag.exists() {
        assert!(std::time::Instant::now() < until, "the build never paused");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    site.write("static/img/a.txt", "saved during the build\n");
    fs::remove_file(&flag).unwrap();
    assert!(building.wait().unwrap().success());
    let r = site.build();
    assert!(
        r.stdout.ends_with(": 1 file written, 0 removed\n"),
        "{}",
        r.stdout
    );
    assert_eq!(site.read("img/a.txt"), "saved during the build\n");
    assert_eq!(files_under(&site.path("public")), clean_output(&site, &[]));
}

/// Gives every file under `dir` the same old modification time: edits made long before the
/// build, which the cache trusts by size and time.
fn backdate_all(dir: &Path) {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_577_836_800);
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if e.file_type().is_file() {
            fs::File::options()
                .write(true)
                .open(e.path())
                .unwrap()
                .set_modified(t)
                .unwrap();
        }
    }
}

/// A build that finds nothing changed from the cache's state alone (no parsed file read, no
/// model built) still sees every kind of change: config, templates, static files, content,
/// the output, and time publishing a scheduled post.
#[test]
fn the_nothing_changed_shortcut_sees_every_kind_of_change() {
    let site = site();
    site.write(
        "content/posts/later.md",
        &post(
            "title = \"예약\"\ndate = 2025-06-01T09:00:00+09:00",
            "곧.\n",
        ),
    );
    let now = [
        ("SHOWPRESS_NOW", "2025-05-01T00:00:00+09:00"),
        ("SHOWPRESS_TIMING", "1"),
    ];
    let build = |env: &[(&str, &str)]| {
        let o = showpress(&site, &["build"], env);
        assert!(o.status.success(), "{}", text(&o.stderr));
        // Whether the engine ran (it prints its phases).
        text(&o.stderr).contains("timing: engine")
    };
    backdate_all(&site.root().join("content"));
    build(&now);
    assert!(!build(&now), "nothing changed, yet the engine ran");

    let edits: [(&str, &dyn Fn()); 4] = [
        ("config", &|| {
            site.write("config.toml", &CONFIG.replace("테스트 블로그", "바뀐 이름"));
        }),
        ("template", &|| {
            site.write(
                "templates/partials/footer.html",
                "<footer>새 바닥글</footer>\n",
            );
        }),
        ("static", &|| {
            site.write("static/img/a.txt", "changed static file\n");
        }),
        ("content", &|| {
            site.write(
                "content/posts/p3.md",
                &post("title = \"셋째 고침\"\ndate = 2025-03-12", "x\n"),
            );
        }),
    ];
    for (what, edit) in edits {
        edit();
        // The site's own files; the output and the cache are as the build left them.
        for dir in ["content", "templates", "static", "config.toml"] {
            backdate_all(&site.path(dir));
        }
        assert!(build(&now), "{what}: the engine did not run");
        assert_eq!(
            files_under(&site.path("public")),
            clean_output(&site, &now),
            "{what}"
        );
        assert!(
            !build(&now),
            "{what}: the engine ran again with nothing changed"
        );
    }
    // Time: the scheduled post is published with no file changed.
    let later = [
        ("SHOWPRESS_NOW", "2025-06-01T09:00:00+09:00"),
        ("SHOWPRESS_TIMING", "1"),
    ];
    assert!(build(&later), "time: the engine did not run");
    assert!(site.exists("posts/later/index.html"));
    // The output changed by hand.
    fs::write(site.path("public/index.html"), "x").unwrap();
    assert!(build(&later), "output: the engine did not run");
    assert_eq!(
        files_under(&site.path("public")),
        clean_output(&site, &later)
    );
}

/// Gives every folder under `dir` (and `dir`) the old modification time `secs` after
/// 2020-01-01: folders listed long before the build, which the cache trusts by their time.
fn backdate_dirs(dir: &Path, secs: u64) {
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if e.file_type().is_dir() {
            backdate_dir(e.path(), secs);
        }
    }
}

/// [`backdate_dirs`] for the one folder `dir`.
fn backdate_dir(dir: &Path, secs: u64) {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_577_836_800 + secs);
    fs::File::open(dir).unwrap().set_modified(t).unwrap();
}

/// A build whose content folders all kept their times does not walk `content/` again (the
/// files are the ones the last walk found); a file added, removed or renamed changes its
/// folder's time, and is found.
#[test]
fn content_is_walked_again_only_when_a_folder_changed() {
    let site = site();
    let build = || {
        let o = showpress(&site, &["build"], &[("SHOWPRESS_TIMING", "1")]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        let walked = !text(&o.stderr).contains("timing: content folders unchanged");
        assert_eq!(
            files_under(&site.path("public")),
            clean_output(&site, &[]),
            "{}",
            text(&o.stderr)
        );
        walked
    };
    let content = site.root().join("content");
    backdate_all(&content);
    backdate_dirs(&content, 0);
    assert!(build(), "the first build has no walk to go by");

    // An edit in place changes no folder.
    site.write(
        "content/posts/p2.md",
        &post("title = \"글 2 고침\"\ndate = 2025-03-11", "고친 본문.\n"),
    );
    backdate_all(&content);
    assert!(!build(), "an edit in place walked content/ again");

    // Each of these changes a folder (given another old time, as if long ago: only a
    // different time tells).
    let changes: [(&str, &dyn Fn()); 4] = [
        ("added", &|| {
            site.write(
                "content/posts/p4.md",
                &post("title = \"글 4\"\ndate = 2025-03-13", "넷.\n"),
            );
        }),
        ("added in a new folder", &|| {
            site.write(
                "content/posts/2025/p5.md",
                &post("title = \"글 5\"\ndate = 2025-03-14", "다섯.\n"),
            );
        }),
        ("removed", &|| {
            fs::remove_file(site.path("content/posts/p1.md")).unwrap()
        }),
        ("renamed", &|| {
            fs::rename(
                site.path("content/posts/2025/p5.md"),
                site.path("content/posts/2025/p6.md"),
            )
            .unwrap();
        }),
    ];
    for (step, (what, change)) in changes.into_iter().enumerate() {
        change();
        backdate_all(&content);
        for dir in walkdir::WalkDir::new(&content).into_iter().flatten() {
            let changed = dir.file_type().is_dir()
                && dir
                    .metadata()
                    .unwrap()
                    .modified()
                    .unwrap()
                    .elapsed()
                    .unwrap()
                    < std::time::Duration::from_secs(60);
            if changed {
                backdate_dir(dir.path(), step as u64 + 1);
            }
        }
        assert!(build(), "{what}: content/ was not walked again");
        assert!(!build(), "{what}: walked again with no folder changed");
    }
    assert!(site.exists("posts/p6/index.html"));
    assert!(!site.exists("posts/p1/index.html"));
}

/// Found measuring `serve`: parsed files were keyed by the path as `--root` spelled it, so a
/// build with `--root .` and then one with the absolute path (or `serve`, which uses the
/// canonical one) found none of them and parsed everything again. And a first build recorded
/// its relative output folder (`./public`) as it was spelled before it existed, so the next
/// build took the cache for another output's and built everything.
#[test]
fn the_cache_is_found_whatever_spelling_of_the_root() {
    let site = site();
    backdate_all(&site.path("content"));
    let run = |root: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_showpress"))
            .args(["--root", root, "build"])
            .current_dir(site.root())
            .env("SHOWPRESS_TIMING", "1")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o.stderr));
        text(&o.stderr)
    };
    run(".");
    let second = run(".");
    assert!(
        !second.contains("timing: engine"),
        "the engine ran again: {second}"
    );
    let abs = site.root().to_str().unwrap().to_string();
    let third = run(&abs);
    assert!(
        !third.contains("timing: engine"),
        "the engine ran again: {third}"
    );
}
