//! Random edits of a fixture site, shared by the tests that replay them against `serve`
//! (`serve_incremental.rs`) and against repeated `build`s (`build_incremental.rs`): posts
//! edited, created, deleted, renamed and broken; templates, static files, profiles and config
//! changed. Every edit writes real files; the caller compares the outputs.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use super::common::TestSite;

/// xorshift: deterministic, so a failure names a seed that reproduces it.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

pub fn posts(site: &TestSite) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(site.path("content/posts"))
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        // Bundles (`bundle-N/index.md`, with their picture) have edits of their own: a
        // rename would leave their relative image without its bundle.
        .filter(|e| !e.path().to_string_lossy().contains("/bundle-"))
        .map(|e| e.into_path())
        .collect();
    v.sort();
    v
}

pub const SHOWS: [&str; 3] = ["경제토크쇼픽", "AI 라운드테이블", "Tech Weekly"];
pub const GUESTS: [&str; 4] = ["서영주", "박민수", "김하은", "Lee Jane"];
pub const TAGS: [&str; 5] = ["AI", "경제", "금리", "ai", "딥시크"];

pub fn new_post(rng: &mut Rng, n: usize) -> String {
    let show = rng.pick(&SHOWS);
    let with_episode = rng.below(3) > 0;
    let day = 1 + rng.below(28);
    let month = 1 + rng.below(12);
    let guest = rng.pick(&GUESTS);
    let tag = rng.pick(&TAGS);
    format!(
        "+++\ntitle = \"새 글 {n}\"\ndate = 2025-{month:02}-{day:02}T{:02}:00:00\nshow = \"{show}\"\n{}tags = [\"{tag}\"]\n\n[[guests]]\nname = \"{guest}\"\nrole = \"역할 {n}\"\n+++\n\n첫 문단 {n}입니다.\n\n## 본문\n\n내용 {n}.\n",
        rng.below(24),
        if with_episode {
            format!("episode = {}\n", 1 + rng.below(6))
        } else {
            String::new()
        },
    )
}

/// A show and a guest with no profile that the sequence respells (their slugs stay).
pub const RESPELLED_SHOW: &str = "Tech Weekly";
pub const RESPELLED_GUEST: &str = "Lee Jane";

/// (from, to) for turning `name` into its other spelling (`now`) or back.
fn respelling(name: &str, now: bool) -> (String, String) {
    let other = name.to_uppercase();
    if now {
        (name.to_string(), other)
    } else {
        (other, name.to_string())
    }
}

/// Replaces the first line starting with `key =` in a post's front matter (or anywhere in a
/// file without one, such as config.toml), or inserts it at the top.
pub fn set_key(text: &str, key: &str, value: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let close = if lines.first().is_some_and(|l| l == "+++") {
        lines
            .iter()
            .skip(1)
            .position(|l| l == "+++")
            .map_or(1, |i| i + 1)
    } else {
        lines.len()
    };
    match lines[..close]
        .iter()
        .position(|l| l.starts_with(&format!("{key} =")))
    {
        Some(i) => lines[i] = format!("{key} = {value}"),
        None => lines.insert(1, format!("{key} = {value}")),
    }
    lines.join("\n") + "\n"
}

/// Reads `path`, changes its text with `f`, writes it back.
pub fn rewrite(path: &Path, f: impl FnOnce(String) -> String) {
    let text = fs::read_to_string(path).unwrap();
    fs::write(path, f(text)).unwrap();
}

/// What a sequence of edits remembers between steps.
#[derive(Default)]
pub struct Editor {
    /// Posts created so far (their names must not repeat).
    created: usize,
    /// A file broken by the last step, with its good text: the next step fixes it.
    pub broken: Option<(PathBuf, String)>,
    /// Headings added by the sequence, as (file, id): targets for links with an anchor.
    headings: Vec<(PathBuf, String)>,
    /// A file to put back at the next step, which may or may not break the site meanwhile.
    restore: Option<(PathBuf, String)>,
    /// Whether `RESPELLED_SHOW` and `RESPELLED_GUEST` are now spelled the other way.
    respelled: (bool, bool),
}

impl Editor {
    /// Writes the names the sequence respelled the way it spells them now.
    fn spell(&self, text: &str) -> String {
        let mut text = text.to_string();
        for (name, now) in [
            (RESPELLED_SHOW, self.respelled.0),
            (RESPELLED_GUEST, self.respelled.1),
        ] {
            let (from, to) = respelling(name, now);
            text = text.replace(&format!("\"{from}\""), &format!("\"{to}\""));
        }
        text
    }

    /// Makes one random edit; returns its name and the paths it touched.
    pub fn step(
        &mut self,
        site: &TestSite,
        rng: &mut Rng,
        step: usize,
    ) -> (&'static str, Vec<PathBuf>) {
        let mut touched: Vec<PathBuf> = Vec::new();
        let all = posts(site);
        let op = if let Some((path, good)) = self.broken.take().or_else(|| self.restore.take()) {
            // Fix what the previous step broke.
            fs::write(&path, good).unwrap();
            touched.push(path);
            "fix"
        } else {
            let live: Vec<(PathBuf, String)> = self
                .headings
                .iter()
                .filter(|(p, id)| {
                    fs::read_to_string(p)
                        .is_ok_and(|t| t.contains(&format!("\n## Part {}\n", &id[5..])))
                })
                .cloned()
                .collect();
            match rng.below(45) {
                36..=41 => {
                    // A bundle's picture: the post made with it, or the picture replaced by
                    // one of another size (its variants, and the page's markup, change).
                    let dir = site.path(&format!("content/posts/bundle-{}", rng.below(2)));
                    let (w, h) = ([600, 900][rng.below(2)], 100 + 61 * rng.below(12) as u32);
                    if !dir.join("index.md").exists() {
                        fs::create_dir_all(&dir).unwrap();
                        fs::write(
                            dir.join("index.md"),
                            format!(
                                "+++\ntitle = \"그림 글 {step}\"\ndate = 2024-12-{:02}\nimage = \"chart.png\"\n+++\n차트를 봅니다. ![차트 {step}](chart.png)\n",
                                1 + rng.below(28)
                            ),
                        )
                        .unwrap();
                        touched.push(dir.join("index.md"));
                    }
                    fs::write(
                        dir.join("chart.png"),
                        super::common::images::chart_png(w, h),
                    )
                    .unwrap();
                    touched.push(dir.join("chart.png"));
                    "bundle-image"
                }
                42 | 43 => {
                    // A bundle's other file comes or goes.
                    let dir = site.path(&format!("content/posts/bundle-{}", rng.below(2)));
                    let file = dir.join("data/table.csv");
                    if file.exists() {
                        fs::remove_file(&file).unwrap();
                    } else if dir.join("index.md").exists() {
                        fs::create_dir_all(file.parent().unwrap()).unwrap();
                        fs::write(&file, format!("연도,값\n2025,{step}\n")).unwrap();
                    }
                    touched.push(file);
                    "bundle-file"
                }
                44 => {
                    // A bundle deleted whole: its page and every file made from it go.
                    let dir = site.path(&format!("content/posts/bundle-{}", rng.below(2)));
                    if dir.exists() {
                        fs::remove_dir_all(&dir).unwrap();
                    }
                    touched.push(dir);
                    "bundle-gone"
                }
                34 | 35 => {
                    // A profile's own slug: the show's or guest's URL moves, its name stays.
                    let (p, slugs) = if rng.below(2) == 0 {
                        ("content/shows/econ.md", ["pick", "pick-tv"])
                    } else {
                        ("content/guests/seo.md", ["seo", "seo-yj"])
                    };
                    let p = site.path(p);
                    let slug = format!("\"{}\"", rng.pick(&slugs));
                    rewrite(&p, |t| set_key(&t, "slug", &slug));
                    touched.push(p);
                    "profile slug"
                }
                33 => {
                    // A guest's bio (the profile's body) shows on the guest's pages.
                    let p = site.path("content/guests/seo.md");
                    rewrite(&p, |t| t + &format!("\n소개 {step}.\n"));
                    touched.push(p);
                    "guest bio"
                }
                27 => {
                    // A guest's role in one post: the guest's role on the guests index comes
                    // from their latest appearance when no profile gives one.
                    let p = rng.pick(&all).clone();
                    rewrite(&p, |t| match t.find("\nrole = ") {
                        Some(i) => {
                            let end = i + 1 + t[i + 1..].find('\n').unwrap_or(t.len() - i - 1);
                            format!("{}\nrole = \"역할 {step}\"{}", &t[..i], &t[end..])
                        }
                        None => t,
                    });
                    touched.push(p);
                    "guest role"
                }
                28 => {
                    // A long paragraph: the reading time every card shows goes up.
                    let p = rng.pick(&all).clone();
                    let words = format!("긴 문장 {step} ").repeat(110);
                    rewrite(&p, |t| t + &format!("\n{}\n", words.trim_end()));
                    touched.push(p);
                    "long paragraph"
                }
                29 => {
                    // `extra` is in every card (the card template shows it).
                    let p = rng.pick(&all).clone();
                    let mood = format!("{{ mood = \"m{}\" }}", rng.below(3));
                    rewrite(&p, |t| set_key(&t, "extra", &mood));
                    touched.push(p);
                    "extra"
                }
                30 => {
                    // A move that keeps the file's name: the slug (from the name) and URL stay,
                    // only `file`, which every card carries, changes.
                    let p = rng.pick(&all).clone();
                    let name = p.file_name().unwrap().to_owned();
                    let kept = site.path("content/posts/kept");
                    let to = if p.parent() == Some(kept.as_path()) {
                        site.path("content/posts").join(&name)
                    } else {
                        kept.join(&name)
                    };
                    if !to.exists() {
                        parent_dir(&to);
                        fs::rename(&p, &to).unwrap();
                        touched.push(to);
                    }
                    touched.push(p);
                    "move keeping name"
                }
                31 => {
                    // A show without a profile respelled in every post at once: same slug, same
                    // posts, only its name changes (edits after this one spell it the same).
                    self.respelled.0 = !self.respelled.0;
                    let (from, to) = respelling(RESPELLED_SHOW, self.respelled.0);
                    let (from, to) = (format!("show = \"{from}\""), format!("show = \"{to}\""));
                    for p in &all {
                        let t = fs::read_to_string(p).unwrap();
                        if t.contains(&from) {
                            fs::write(p, t.replace(&from, &to)).unwrap();
                            touched.push(p.clone());
                        }
                    }
                    "respell show"
                }
                32 => {
                    // The same for a guest without a profile.
                    self.respelled.1 = !self.respelled.1;
                    let (from, to) = respelling(RESPELLED_GUEST, self.respelled.1);
                    let (from, to) = (format!("\"{from}\""), format!("\"{to}\""));
                    for p in &all {
                        let t = fs::read_to_string(p).unwrap();
                        if t.contains(&from) {
                            fs::write(p, t.replace(&from, &to)).unwrap();
                            touched.push(p.clone());
                        }
                    }
                    "respell guest"
                }
                26 => {
                    // Episode pages list their posts' sources.
                    let p = rng.pick(&all).clone();
                    let t = fs::read_to_string(&p).unwrap();
                    if !t.contains("[source]") {
                        let url = format!("\"https://news.example.com/{}\"", rng.below(4));
                        fs::write(&p, set_key(&t, "source", &url)).unwrap();
                    }
                    touched.push(p);
                    "source"
                }
                18 => {
                    let p = rng.pick(&all).clone();
                    let show = self.spell(&format!("\"{}\"", rng.pick(&SHOWS)));
                    let episode = (1 + rng.below(6)).to_string();
                    rewrite(&p, |t| {
                        set_key(&set_key(&t, "show", &show), "episode", &episode)
                    });
                    touched.push(p);
                    "move to another episode"
                }
                19 => {
                    let p = rng.pick(&all).clone();
                    let draft = if rng.below(2) == 0 { "true" } else { "false" };
                    rewrite(&p, |t| set_key(&t, "draft", draft));
                    touched.push(p);
                    "draft"
                }
                20 => {
                    let p = rng.pick(&all).clone();
                    rewrite(&p, |t| set_key(&t, "summary", &format!("\"요약 {step}\"")));
                    touched.push(p);
                    "summary"
                }
                21 => {
                    let p = rng.pick(&all).clone();
                    let day = format!("2025-06-{:02}", 1 + rng.below(28));
                    rewrite(&p, |t| set_key(&t, "updated", &day));
                    touched.push(p);
                    "updated"
                }
                22 => {
                    let p = site.path("content/about.md");
                    rewrite(&p, |t| t + &format!("\n소개 갱신 {step}.\n"));
                    touched.push(p);
                    "page"
                }
                23 => {
                    let p = site.path("content/guests/seo.md");
                    rewrite(&p, |t| set_key(&t, "role", &format!("\"역할 {step}\"")));
                    touched.push(p);
                    "guest profile"
                }
                24 => {
                    let p = site.path("config.toml");
                    rewrite(&p, |t| {
                        set_key(&t, "title", &format!("\"토크쇼 읽기 {step}\""))
                    });
                    touched.push(p);
                    "config"
                }
                25 => {
                    // Plain-list guests; posts written with `[[guests]]` tables keep theirs.
                    let p = rng.pick(&all).clone();
                    let t = fs::read_to_string(&p).unwrap();
                    if !t.contains("[[guests]]") {
                        let g = format!("[\"{}\", \"{}\"]", rng.pick(&GUESTS), rng.pick(&GUESTS));
                        let g = self.spell(&g);
                        fs::write(&p, set_key(&t, "guests", &g)).unwrap();
                    }
                    touched.push(p);
                    "guests"
                }
                15 => {
                    let p = rng.pick(&all).clone();
                    rewrite(&p, |t| t + &format!("\n## Part {step}\n\n문단.\n"));
                    self.headings.push((p.clone(), format!("part-{step}")));
                    touched.push(p);
                    "heading"
                }
                16 if !live.is_empty() => {
                    // A link to a heading of another post: it breaks when the heading goes.
                    let (to, id) = rng.pick(&live).clone();
                    let from = rng.pick(&all).clone();
                    let rel = to
                        .strip_prefix(site.path("content"))
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    rewrite(&from, |t| t + &format!("\n[링크 {step}](@/{rel}#{id})\n"));
                    touched.push(from);
                    "anchor link"
                }
                17 if !live.is_empty() => {
                    // A body-only edit of the target that removes the heading: links to it
                    // elsewhere must now fail in serve as in build. Put back at the next step.
                    let (p, id) = rng.pick(&live).clone();
                    let good = fs::read_to_string(&p).unwrap();
                    let line = format!("\n## Part {}\n", &id[5..]);
                    fs::write(&p, good.replacen(&line, "\n", 1)).unwrap();
                    touched.push(p.clone());
                    self.restore = Some((p, good));
                    "drop heading"
                }
                14 => {
                    // An air date shows on the post and on its episode's page.
                    let p = rng.pick(&all).clone();
                    let day = format!("2024-12-{:02}", 1 + rng.below(28));
                    rewrite(&p, |t| set_key(&t, "aired", &day));
                    touched.push(p);
                    "aired"
                }
                13 => {
                    // A new slug moves the post's URL without moving its file: links to it
                    // must follow.
                    let p = rng.pick(&all).clone();
                    rewrite(&p, |t| set_key(&t, "slug", &format!("\"slug-{step}\"")));
                    touched.push(p);
                    "reslug"
                }
                12 => {
                    // A link to another post: its URL must follow that post's renames, and
                    // deleting the target breaks both builds alike.
                    let from = rng.pick(&all).clone();
                    let to = rng.pick(&all).clone();
                    let rel = to
                        .strip_prefix(site.path("content"))
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    rewrite(&from, |t| t + &format!("\n[링크 {step}](@/{rel})\n"));
                    touched.push(from);
                    "link"
                }
                0 | 1 => {
                    let p = rng.pick(&all).clone();
                    rewrite(&p, |t| t + &format!("\n추가 문단 {step}.\n"));
                    touched.push(p);
                    "append body"
                }
                2 => {
                    let p = rng.pick(&all).clone();
                    rewrite(&p, |t| set_key(&t, "title", &format!("\"제목 {step}\"")));
                    touched.push(p);
                    "retitle"
                }
                3 => {
                    let p = rng.pick(&all).clone();
                    let date = format!("2024-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28));
                    rewrite(&p, |t| set_key(&t, "date", &date));
                    touched.push(p);
                    "redate"
                }
                4 => {
                    let p = rng.pick(&all).clone();
                    let tags = format!("[\"{}\", \"{}\"]", rng.pick(&TAGS), rng.pick(&TAGS));
                    rewrite(&p, |t| set_key(&t, "tags", &tags));
                    touched.push(p);
                    "retag"
                }
                5 => {
                    self.created += 1;
                    let p = site.path(&format!(
                        "content/posts/2025/2025-05-{:02}-new-{}.md",
                        1 + self.created % 28,
                        self.created
                    ));
                    fs::create_dir_all(p.parent().unwrap()).unwrap();
                    fs::write(&p, self.spell(&new_post(rng, self.created))).unwrap();
                    touched.push(p);
                    "create"
                }
                6 if all.len() > 2 => {
                    let p = rng.pick(&all).clone();
                    fs::remove_file(&p).unwrap();
                    touched.push(p);
                    "delete"
                }
                7 => {
                    // A rename moves the post (its URL follows the new file name).
                    let p = rng.pick(&all).clone();
                    self.created += 1;
                    let to = site.path(&format!("content/posts/moved/renamed-{}.md", self.created));
                    fs::create_dir_all(to.parent().unwrap()).unwrap();
                    let t = fs::read_to_string(&p).unwrap();
                    // Drop a slug override so the rename changes the URL.
                    let t: String = t
                        .lines()
                        .filter(|l| !l.starts_with("slug ="))
                        .map(|l| format!("{l}\n"))
                        .collect();
                    fs::write(&p, t).unwrap();
                    fs::rename(&p, &to).unwrap();
                    touched.push(p);
                    touched.push(to);
                    "rename"
                }
                8 => {
                    card_template(site, step);
                    touched.push(site.path(CARD_TEMPLATE));
                    "template"
                }
                9 => {
                    let p = site.path("static/style.css");
                    fs::write(&p, format!("body {{ margin: {step}px; }}\n")).unwrap();
                    touched.push(p);
                    "static"
                }
                10 => {
                    let p = site.path("content/shows/econ.md");
                    rewrite(&p, |t| t + &format!("\n프로필 갱신 {step}.\n"));
                    touched.push(p);
                    "profile"
                }
                _ => {
                    let p = rng.pick(&all).clone();
                    let good = fs::read_to_string(&p).unwrap();
                    fs::write(&p, set_key(&good, "draft", "\"yes\"")).unwrap();
                    touched.push(p.clone());
                    self.broken = Some((p, good));
                    "break"
                }
            }
        };
        (op, touched)
    }
}

/// Overrides the built-in templates where they leave out values their pages get (a card's
/// file, draft flag, air date, `extra` and tag counts, an archive entry's show, a show's latest
/// episode, the site's post count), so that a page key that misses one of them shows as a
/// difference.
pub fn show_hidden_values(site: &TestSite) {
    card_template(site, 0);
    archive_template(site);
    shows_template(site);
    footer_template(site);
}

/// Where a site's own card template goes.
pub const CARD_TEMPLATE: &str = "templates/partials/post_card.html";

/// Writes a card template: the built-in one, plus the card values no built-in template shows
/// (the post's file, draft flag, air date, `extra` and its tags' counts), so that a page key
/// that misses one of them shows as a difference; `version` makes each call's text new.
pub fn card_template(site: &TestSite, version: usize) {
    let p = site.path(CARD_TEMPLATE);
    let base = showpress::render::BUILTIN
        .iter()
        .find(|(n, _)| *n == "partials/post_card.html")
        .unwrap()
        .1;
    parent_dir(&p);
    let shown = concat!(
        "{{ post.file }} {{ post.draft }} {{ post.aired }}",
        "{% for k, v in post.extra %} {{ k }}={{ v }}{% endfor %}",
        "{% for t in post.tags %} #{{ t.name }}({{ t.count }}){% endfor %}",
    );
    fs::write(&p, format!("{base}<!-- {shown} card v{version} -->\n")).unwrap();
}

/// Writes an archive template: the built-in one, plus each entry's show and episode, which
/// the built-in one leaves out but its values carry.
pub fn archive_template(site: &TestSite) {
    let p = site.path("templates/archive.html");
    let base = showpress::render::BUILTIN
        .iter()
        .find(|(n, _)| *n == "archive.html")
        .unwrap()
        .1;
    let title = "{{ post.title }}</a>";
    assert!(base.contains(title));
    let shown = "{% if post.show %} {{ post.show.name }} {{ post.episode }}{% endif %}";
    parent_dir(&p);
    fs::write(&p, base.replace(title, &format!("{title}{shown}"))).unwrap();
}

/// Writes a shows index template: the built-in one, plus each show's latest episode, which
/// the built-in one leaves out but its values carry.
pub fn shows_template(site: &TestSite) {
    let p = site.path("templates/shows.html");
    let base = showpress::render::BUILTIN
        .iter()
        .find(|(n, _)| *n == "shows.html")
        .unwrap()
        .1;
    let name = "{{ show.name }}</a>";
    assert!(base.contains(name));
    let shown = " {{ show.latest_episode }}";
    parent_dir(&p);
    fs::write(&p, base.replace(name, &format!("{name}{shown}"))).unwrap();
}

/// Writes a footer template: the built-in one, plus the site's post count, which every page
/// gets but no built-in template shows.
pub fn footer_template(site: &TestSite) {
    let p = site.path("templates/partials/footer.html");
    let base = showpress::render::BUILTIN
        .iter()
        .find(|(n, _)| *n == "partials/footer.html")
        .unwrap()
        .1;
    parent_dir(&p);
    fs::write(
        &p,
        format!("{base}<!-- {{{{ site.post_count }}}} posts -->\n"),
    )
    .unwrap();
}

/// Drops every link the sequence added, so it can go on from a site that builds (both builds
/// refuse a link to a post that was deleted or moved: the same answer). Returns the files.
pub fn drop_links(site: &TestSite) -> Vec<PathBuf> {
    let mut repaired = Vec::new();
    for p in posts(site) {
        let t = fs::read_to_string(&p).unwrap();
        if t.contains("[링크 ") {
            let kept: String = t
                .lines()
                .filter(|l| !l.starts_with("[링크 "))
                .map(|l| format!("{l}\n"))
                .collect();
            fs::write(&p, kept).unwrap();
            repaired.push(p);
        }
    }
    repaired
}

/// `SEEDS=N` adds N more seeds to each random test, for a longer search (`SERVE_SEEDS` too,
/// its older name).
pub fn extra_seeds(base: u64) -> Vec<u64> {
    let n: u64 = ["SEEDS", "SERVE_SEEDS"]
        .iter()
        .find_map(|v| std::env::var(v).ok()?.parse().ok())
        .unwrap_or(0);
    (1..=n)
        .map(|i| base.wrapping_mul(31).wrapping_add(i))
        .collect()
}

/// Makes sure `path`'s parent exists.
pub fn parent_dir(path: &Path) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
}
