//! Links of rendered pages, templates included, checked against the built site: what broke
//! was a footer template linking to `/about/` on a site without an about page, which built
//! clean. The exact message for a first build is pinned in
//! `tests/fixtures/errors/broken-template-link/`; these tests cover what a writer does next.

mod common;

use common::TestSite;

/// The footer's line with `/about/`, as the diagnostic shows it.
const FOOTER_ABOUT: &str = " --> templates/partials/footer.html:2:13\n  |\n2 | <p><a href=\"/about/\">소개</a> · <a href=\"https://example.com/shop/\">가게</a></p>\n  |             ^^^^^^^\n";

/// The fixture's config with broken links reported as warnings.
const WARNING_LEVEL: &str = "title = \"링크 검사\"\nbase_url = \"https://example.com/\"\n\n[links]\ninternal_level = \"warning\"\nskip_prefixes = [\"/shop/\"]\n";

#[test]
fn template_links_to_pages_the_site_has_build_clean() {
    let site = TestSite::fixture("page-links");
    let r = site.build();
    assert_eq!(r.stderr, "");
    assert!(site.exists("about/index.html"));
}

/// A build from the cache renders only the pages whose inputs changed; the footer of the
/// others still links to the page that is gone, and is still checked.
#[test]
fn deleting_a_page_breaks_template_links_on_pages_not_rendered_again() {
    let site = TestSite::fixture("page-links");
    site.build();
    site.remove("content/about.md");
    let r = site.run(&["build"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.starts_with(&format!(
            "error: broken link `/about/`: the site has no page or file at /about/, expected a link to a page or file the build writes\n{FOOTER_ABOUT}  = note: it is on 9 pages: /404.html, /archive/, /guests/, 6 more\n"
        )),
        "{}",
        r.stderr
    );
    // The last good output stays.
    assert!(site.exists("about/index.html"));
    // Putting it back builds again.
    site.write(
        "content/about.md",
        "+++\ntitle = \"소개\"\n+++\n다시 썼습니다.\n",
    );
    let r = site.build();
    assert_eq!(r.stderr, "");
}

/// `skip_prefixes` leaves paths that something else serves alone; without it, a same-site
/// absolute URL is checked like a root-relative one.
#[test]
fn skipped_prefixes_are_not_checked_and_absolute_same_site_urls_are() {
    let site = TestSite::fixture("page-links");
    site.write(
        "config.toml",
        "title = \"링크 검사\"\nbase_url = \"https://example.com/\"\n",
    );
    let r = site.run(&["build"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with(
            "error: broken link `https://example.com/shop/`: the site has no page or file at /shop/, expected a link to a page or file the build writes\n --> templates/partials/footer.html:2:40\n"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn at_warning_level_a_broken_link_is_reported_and_the_site_built() {
    let site = TestSite::fixture("page-links");
    site.write("config.toml", WARNING_LEVEL);
    site.remove("content/about.md");
    let r = site.build();
    assert!(
        r.stderr.starts_with(&format!(
            "warning: broken link `/about/`: the site has no page or file at /about/, expected a link to a page or file the build writes\n{FOOTER_ABOUT}"
        )),
        "{}",
        r.stderr
    );
    assert!(site.exists("index.html"));
    // Each build says it again, from the cache too.
    let again = site.build();
    assert_eq!(again.stderr, r.stderr);
    let r = site.run(&["check", "--deny-warnings"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("\ncheck: 0 errors, 1 warning ("),
        "{}",
        r.stderr
    );
}

/// A build that only warned is committed with its broken link. The next build adds the page
/// back as a new file: the pages not rendered again must stop reporting the link to it.
#[test]
fn a_page_added_after_a_build_that_warned_mends_the_links_to_it() {
    let site = TestSite::fixture("page-links");
    site.write("config.toml", WARNING_LEVEL);
    site.remove("content/about.md");
    let r = site.build();
    assert!(
        r.stderr.starts_with("warning: broken link `/about/`"),
        "{}",
        r.stderr
    );
    site.write(
        "content/about.md",
        "+++\ntitle = \"소개\"\n+++\n다시 썼습니다.\n",
    );
    let r = site.build();
    assert_eq!(r.stderr, "");
    assert!(site.exists("about/index.html"));
}
