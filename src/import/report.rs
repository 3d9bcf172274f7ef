//! The report `import` prints: counts of posts and pages, what each source key became, what
//! was converted, what was not (with file:line), the files copied, the aliases, and the feed
//! config to add.

use std::collections::BTreeMap;

use super::source::Kind;
use super::{Failed, Generator, Options, Prepared, body, source};

/// What the report says, gathered file by file.
#[derive(Default)]
pub(crate) struct Report {
    pub(crate) posts: usize,
    drafts: usize,
    pages: usize,
    page_drafts: usize,
    aliases: usize,
    /// Per source key: in how many posts, in how many pages.
    mapped: BTreeMap<String, (usize, usize)>,
    converted: BTreeMap<String, usize>,
    pub(crate) issues: Vec<String>,
    pub(crate) copied: Vec<String>,
}

impl Report {
    pub(crate) fn add(&mut self, f: &source::SourceFile, p: &Prepared, conv: body::Converted) {
        let draft = usize::from(p.mapped.post.draft);
        match p.kind {
            Kind::Post => {
                self.posts += 1;
                self.drafts += draft;
            }
            Kind::Page => {
                self.pages += 1;
                self.page_drafts += draft;
            }
        }
        self.aliases += p.mapped.post.aliases.len();
        for n in &p.mapped.notes {
            let (posts, pages) = self.mapped.entry(n.clone()).or_default();
            match p.kind {
                Kind::Post => *posts += 1,
                Kind::Page => *pages += 1,
            }
        }
        for n in conv.converted {
            *self.converted.entry(n).or_default() += 1;
        }
        for k in &p.nulls {
            self.issues
                .push(format!("{}: `{k}` is empty (null) and was left out", f.rel));
        }
        for (line, what) in conv.issues {
            self.issues.push(format!("{}:{line}: {what}", f.rel));
        }
        let _ = &p.text;
    }

    pub(crate) fn render(
        &self,
        g: &Generator,
        opts: &Options,
        new_site: bool,
        failed: Failed,
    ) -> String {
        use crate::text::count;
        let site = g.site();
        // Pages are named only when there are some, their drafts only when there are some.
        let pages = match (self.pages, self.page_drafts) {
            (0, _) => String::new(),
            (n, 0) => format!(" and {}", count(n, "page")),
            (n, d) => format!(" and {} ({})", count(n, "page"), count(d, "draft")),
        };
        let mut s = format!(
            "Imported {} ({}){pages} from the {} site in {} into {}{}\n",
            count(self.posts, "post"),
            count(self.drafts, "draft"),
            g.name(),
            opts.src.display(),
            opts.into.display(),
            if new_site { " (a new site)" } else { "" },
        );
        if !self.mapped.is_empty() {
            s.push_str("\nFront matter:\n");
            for (k, &(posts, pages)) in &self.mapped {
                let n = match (posts, pages) {
                    (n, 0) => count(n, "post"),
                    (0, n) => count(n, "page"),
                    (a, b) => format!("{}, {}", count(a, "post"), count(b, "page")),
                };
                s.push_str(&format!("  {k}: {n}\n"));
            }
        }
        if !self.converted.is_empty() {
            s.push_str("\nConverted:\n");
            for (k, n) in &self.converted {
                s.push_str(&format!("  {k}: {n}\n"));
            }
        }
        if !self.issues.is_empty() {
            s.push_str("\nNot converted (check these by hand):\n");
            for i in &self.issues {
                s.push_str(&format!("  {i}\n"));
            }
        }
        if !self.copied.is_empty() {
            s.push_str(&format!("\nCopied {}:\n", count(self.copied.len(), "file")));
            for c in &self.copied {
                s.push_str(&format!("  {c}\n"));
            }
        }
        s.push_str(&format!(
            "\nAliases: {} written (`aliases` in the {} front matter)\n",
            count(self.aliases, "old URL"),
            if self.pages > 0 {
                "posts' and pages'"
            } else {
                "posts'"
            }
        ));
        // showpress's own feeds are /atom.xml and /rss.xml: only other addresses need a line.
        let old_feeds: Vec<&(&str, String)> = site
            .feeds
            .iter()
            .filter(|(kind, path)| *path != format!("/{kind}.xml"))
            .collect();
        if !old_feeds.is_empty() {
            let paths: Vec<&str> = old_feeds.iter().map(|(_, p)| p.as_str()).collect();
            s.push_str(&format!(
                "\nOld feeds: {}. showpress publishes /atom.xml and /rss.xml; to keep the old addresses, add to config.toml:\n  [feed_aliases]\n",
                paths.join(", ")
            ));
            for kind in ["atom", "rss"] {
                let list: Vec<String> = old_feeds
                    .iter()
                    .filter(|(k, _)| *k == kind)
                    .map(|(_, p)| format!("\"{p}\""))
                    .collect();
                if !list.is_empty() {
                    s.push_str(&format!("  {kind} = [{}]\n", list.join(", ")));
                }
            }
        }
        if !site.skipped.is_empty() {
            s.push_str("\nNot imported:\n");
            for (rel, why) in &site.skipped {
                s.push_str(&format!("  {rel}: {why}\n"));
            }
        }
        if failed.any() {
            s.push_str(&format!(
                "\n{} could not be imported (errors above)\n",
                failed.text()
            ));
        }
        s
    }
}
