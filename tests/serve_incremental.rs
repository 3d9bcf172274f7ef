//! `serve` rebuilds only what a change touches; this proves that never shows: after every step
//! of a long random sequence of edits, creations, deletions, renames, template, static and
//! profile changes (and broken files that are then fixed), the in-memory site `serve` serves
//! is byte-identical to a clean `showpress build` of the same files.

mod common;
#[path = "common/edits.rs"]
mod edits;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::TestSite;
use edits::{Editor, Rng};
use showpress::build::{BuildOptions, build};
use showpress::engine::{Change, classify};
use showpress::serve::rebuild::Rebuilder;

const URL: &str = "http://127.0.0.1:1111/";

/// The files of a clean build, or `None` when the build fails.
fn clean_build(site: &TestSite, out: &Path) -> Option<BTreeMap<String, Vec<u8>>> {
    let _ = fs::remove_dir_all(out);
    build(&BuildOptions {
        root: site.root().to_path_buf(),
        output: out.to_path_buf(),
        drafts: false,
        future: false,
        base_url: Some(URL.to_string()),
        clock: showpress::dates::Clock::from_env(),
        cache: showpress::build::CacheMode::Off,
    })
    .ok()?;
    Some(common::files_under(out))
}

/// `serve`'s rebuilder on `site`, after its first build.
fn rebuilder(site: &TestSite) -> Rebuilder {
    let mut r = Rebuilder::new(
        site.root(),
        false,
        false,
        URL.to_string(),
        showpress::dates::Clock::from_env(),
    );
    rebuild(&mut r, &[]).expect("first build");
    r
}

/// A rebuild as `serve` runs it: the pages, then the search index it deferred.
fn rebuild(
    r: &mut Rebuilder,
    changes: &[(PathBuf, Change)],
) -> showpress::error::Result<showpress::serve::rebuild::Rebuilt> {
    let done = r.rebuild(changes)?;
    r.refresh_search()?;
    Ok(done)
}

fn run_sequence(seed: u64, steps: usize, full_feeds: bool) {
    let site = TestSite::fixture("pages");
    if full_feeds {
        // Feeds then carry each post's body: a body-only edit changes them too. Short pages
        // and the news sitemap give lists more edges to get wrong.
        let config = fs::read_to_string(site.path("config.toml")).unwrap();
        site.write(
            "config.toml",
            &format!("feed_full_content = true\npaginate = 2\nnews_sitemap = true\n{config}"),
        );
    }
    site.write("static/style.css", "body { color: black; }\n");
    edits::show_hidden_values(&site);
    let out = site.root().with_extension("clean-out");
    let mut rng = Rng(seed);
    let mut rebuilder = rebuilder(&site);
    let mut editor = Editor::default();
    // Steps both builds refused; the rest are compared byte for byte.
    let mut refused = 0;

    for step in 0..steps {
        let (op, touched) = editor.step(&site, &mut rng, step);
        let changes: Vec<(PathBuf, Change)> = touched
            .iter()
            .map(|p| (p.clone(), classify(p.strip_prefix(site.root()).unwrap())))
            .collect();
        let mut result = rebuild(&mut rebuilder, &changes);
        let mut clean = clean_build(&site, &out);
        if result.is_err() && clean.is_none() && editor.broken.is_none() {
            let repaired: Vec<(PathBuf, Change)> = edits::drop_links(&site)
                .into_iter()
                .map(|p| (p, Change::Content))
                .collect();
            result = rebuild(&mut rebuilder, &repaired);
            clean = clean_build(&site, &out);
        }
        let expected = match (result, clean) {
            (Ok(_), Some(files)) => files,
            // Both refuse the site (a broken file): the same answer.
            (Err(_), None) => {
                refused += 1;
                continue;
            }
            (Ok(_), None) => {
                panic!("seed {seed} step {step} ({op}): serve built a site that build rejects")
            }
            (Err(e), Some(_)) => {
                panic!("seed {seed} step {step} ({op}): serve failed where build succeeds: {e}")
            }
        };
        assert!(
            editor.broken.is_none(),
            "seed {seed} step {step}: a broken file must fail both builds"
        );
        let served: BTreeMap<String, Vec<u8>> = rebuilder
            .snapshot
            .files
            .iter()
            .map(|(k, v)| (k.clone(), v.to_vec()))
            .collect();
        let missing: Vec<_> = expected
            .keys()
            .filter(|k| !served.contains_key(*k))
            .collect();
        let extra: Vec<_> = served
            .keys()
            .filter(|k| !expected.contains_key(*k))
            .collect();
        let differ: Vec<_> = expected
            .iter()
            .filter(|(k, v)| served.get(*k).is_some_and(|s| s != *v))
            .map(|(k, _)| k)
            .collect();
        assert!(
            missing.is_empty() && extra.is_empty() && differ.is_empty(),
            "seed {seed} step {step} ({op}): served site differs from a clean build\nmissing: {missing:?}\nextra: {extra:?}\ndiffer: {differ:?}"
        );
    }
    let _ = fs::remove_dir_all(&out);
    // Most steps must leave a site that builds, or the comparison says little.
    assert!(
        refused * 3 < steps,
        "seed {seed}: {refused} of {steps} steps left a site both builds refuse"
    );
    eprintln!("seed {seed}: {steps} steps, {refused} refused by both, the rest identical");
}

#[test]
fn random_edits_always_serve_what_a_clean_build_writes_with_full_content_feeds() {
    for seed in [0xfeed_f011]
        .into_iter()
        .chain(edits::extra_seeds(0xfeed_f011))
    {
        run_sequence(seed, 60, true);
    }
}

#[test]
fn random_edits_always_serve_what_a_clean_build_writes() {
    let seeds = [0x5eed_0001_u64, 0xdead_beef, 0x1234_5678_9abc];
    for seed in seeds.into_iter().chain(edits::extra_seeds(0x5eed_0001)) {
        run_sequence(seed, 60, false);
    }
}

/// Found in session 2: a body-only edit that removed a heading was swapped in alone, so a link
/// to that heading from another post stayed "working" in serve while build rejected it.
#[test]
fn removing_a_heading_another_post_links_to_fails_in_serve_as_in_build() {
    let site = TestSite::fixture("pages");
    site.write(
        "content/posts/target.md",
        "+++\ntitle = \"대상\"\ndate = 2025-01-01\n+++\n첫 문단.\n\n## Intro\n\n본문.\n",
    );
    site.write(
        "content/posts/linker.md",
        "+++\ntitle = \"링크\"\ndate = 2025-01-02\n+++\n[도입](@/posts/target.md#intro)\n",
    );
    let mut rebuilder = rebuilder(&site);
    let target = site.path("content/posts/target.md");
    let change = [(target.clone(), Change::Content)];

    // Only the body changes: the heading is renamed.
    site.write(
        "content/posts/target.md",
        "+++\ntitle = \"대상\"\ndate = 2025-01-01\n+++\n첫 문단.\n\n## Outro\n\n본문.\n",
    );
    let err = rebuilder
        .rebuild(&change)
        .expect_err("the link to #intro is broken");
    let text = match err {
        showpress::error::Error::Diagnostics(d) => d
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        other => panic!("expected diagnostics, got {other}"),
    };
    assert!(
        text.starts_with(
            "error: broken link `@/posts/target.md#intro`: `content/posts/target.md` has no heading or footnote with the id `intro`\n --> content/posts/linker.md:5:1"
        ),
        "{text}"
    );
    let build = site.run(&["build"]);
    assert_eq!(build.code, 1);
    assert!(
        build
            .stderr
            .contains("broken link `@/posts/target.md#intro`")
    );

    // Putting the heading back mends it.
    site.write(
        "content/posts/target.md",
        "+++\ntitle = \"대상\"\ndate = 2025-01-01\n+++\n첫 문단.\n\n## Intro\n\n다른 본문.\n",
    );
    rebuilder.rebuild(&change).expect("mended");
    let page =
        String::from_utf8(rebuilder.snapshot.files["posts/target/index.html"].to_vec()).unwrap();
    assert!(page.contains("다른 본문."));
}
