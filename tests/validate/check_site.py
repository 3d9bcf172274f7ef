#!/usr/bin/env python3
"""Validate a built showpress site with real validators.

    python3 tests/validate/check_site.py OUTPUT_DIR [--base-url URL] [--sample N]
                                         [--feed-sample N] [--only CHECKS] [--skip CHECKS]

README
======
This folder is the output-validation harness that `.ci/run` runs on the example site
(`public/`) and on a 1,000-post corpus built from `../shared/bench/gen_corpus.py`.

Setup (what `.ci/run` does; everything comes from the package registries):

    apt-get install -y libxml2-utils               # xmllint (well-formedness, XSD)
    pip install -r tests/validate/requirements.txt  # feedparser, pinned
    npm ci --prefix tests/validate --ignore-scripts # vnu-jar, pinned in package-lock.json
    java -version                                   # Java 17+ runs vnu.jar

`--ignore-scripts`: vnu-jar's postinstall would download a Java runtime from GitHub when
none is found; the machine has Java 17, and there is no network but the registries.

Checks (`--only` / `--skip` take a comma-separated list of these names):

  html     The W3C Nu HTML Checker (node_modules/vnu-jar/build/dist/vnu.jar, one JVM run,
           `--errors-only --format json`): zero errors on every HTML page, or with
           `--sample N` on a deterministic sample of at least N pages: every k-th file of the
           sorted list plus one page of each kind (home, 404, archive, about, a post, the
           show/guest/tag indexes, the search page, a show, an episode, a guest, a tag, a
           page/2).
  feeds    Every atom.xml / rss.xml in the output (with `--feed-sample N`: the root atom.xml
           and rss.xml plus a deterministic sample of N others). The root atom.xml and
           rss.xml must exist. Each feed: `xmllint --noout` well-formed; feedparser parses
           it without `bozo`; the feed has a title; an Atom self link, when present, points
           at the feed itself; every entry has id, title, link and a parseable published or
           updated date; ids are unique within the feed; every entry link is an absolute
           URL under --base-url and resolves to a built file.
  sitemap  sitemap.xml must exist and validate against sitemap.xsd (a sitemaps.org 0.9
           schema written here from the protocol; a <sitemapindex> validates against
           siteindex.xsd and each child sitemap against sitemap.xsd) with
           `xmllint --noout --schema`; every <loc> is ASCII (percent-encoded), under
           --base-url, unique, and resolves to a built file; at most 50,000 URLs and 50 MB.
           news-sitemap.xml, when present: well-formed, and its <loc>s resolve.
           robots.txt, when present: every `Sitemap:` URL resolves to a built file.
  jsonld   Every <script type="application/ld+json"> block on every HTML page parses as
           JSON, contains no raw `</script` or `<!--`, and its top-level nodes (the root,
           array members, or @graph members) have the fields their @type needs:
             NewsArticle and its subtypes (OpinionNewsArticle, AnalysisNewsArticle, ...),
             BlogPosting: headline, datePublished (ISO 8601 with a UTC offset),
               dateModified, author, publisher, inLanguage, mainEntityOfPage, keywords
               (presence only); isBasedOn, when present, has a url; about, when present,
               is a TVEpisode with episodeNumber and partOfSeries (a TVSeries with name
               and url); mentions, when present, are Persons with name and url.
             VideoObject (an article's or a TVEpisode's `video`): name, uploadDate
               (with offset), embedUrl or contentUrl (absolute), thumbnailUrl absolute.
             TVSeries: name, url.   TVEpisode: episodeNumber, partOfSeries (TVSeries
               with name and url).  ProfilePage: mainEntity, a Person with a name.
             CollectionPage: name, url, and mainEntity (an ItemList) or hasPart.
             Any other @type only has to parse.
           Nodes given as {"@id": ...} references are looked up among the page's nodes.
           Every same-site URL anywhere in a block (under url, @id, mainEntityOfPage,
           image, logo, item, sameAs, ...) must resolve to a built file (#fragment dropped).
           Every post page (posts/<slug>/index.html) must carry an article node
           (disable with --no-require-article-jsonld).
  links    Every href / src / srcset / poster on every HTML page (plus og:url, og:image,
           twitter:image meta content): root-relative, relative, or absolute under
           --base-url (either scheme) must resolve to a built file after percent-decoding
           and dropping ?query and #fragment (`/x/` -> x/index.html; `/x` -> x or
           x/index.html). A #fragment on a same-site link must name an id (or <a name>)
           in the target page (`#` and `#top` are always fine). `javascript:` anywhere is
           an error; mailto:, tel:, data: and links to other hosts are skipped (no network).

The base URL: `--base-url`, or else the self link of the root atom.xml (minus "atom.xml").

Output: one `FAIL <check>: <file>: <message>` line per problem (at most --max-errors per
check, then a count), a summary line per check, and a last line `check_site: OK ...` or
`check_site: N problem(s) ...`. Exit status: 0 when everything passed, 1 on any problem,
2 on a usage or setup error (no such folder, no vnu.jar, no xmllint, no feedparser).

Self-test: `python3 tests/validate/selftest.py` builds a small good site and ~60 broken
variants in a temp dir and shows that each check catches its breakage (one line per case,
last line `N passed, M failed`; `-k TEXT` runs some, `--keep` keeps the sites to look at).

The corpus: `python3 tests/validate/make_corpus.py --posts 1000 --out DIR/site` runs
../shared/bench/gen_corpus.py and makes DIR/site a complete site (the repo's config.toml,
templates/, static/, the standalone content/*.md pages that the footer links to, and
placeholder PNGs for the /images/graphic-NN.png files the generated posts embed); then
`target/release/showpress --root DIR/site build --output DIR/out`.

What .ci/run does (about 25 s on 2 cores, most of it vnu):

    python3 -m pip install -q -r tests/validate/requirements.txt
    npm ci --prefix tests/validate --no-audit --no-fund --ignore-scripts
    python3 tests/validate/selftest.py
    python3 tests/validate/check_site.py public --base-url "$base_url"
    python3 tests/validate/make_corpus.py --posts 1000 --out "$corpus/site"
    target/release/showpress --root "$corpus/site" build --output "$corpus/out"
    python3 tests/validate/check_site.py "$corpus/out" --base-url "$base_url"

vnu checks all ~3,300 corpus pages in about 7 s, so CI runs every page and every feed;
`--sample 300 --feed-sample 20` is there for bigger corpora.
"""
import argparse
import html.parser
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from datetime import date, datetime
from urllib.parse import unquote, urljoin, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_VNU = os.path.join(HERE, "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
SITEMAP_XSD = os.path.join(HERE, "sitemap.xsd")
SITEINDEX_XSD = os.path.join(HERE, "siteindex.xsd")
SM_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ALL_CHECKS = ["html", "feeds", "sitemap", "jsonld", "links"]

ARTICLE_TYPES = {
    "NewsArticle", "OpinionNewsArticle", "AnalysisNewsArticle", "BackgroundNewsArticle",
    "ReportageNewsArticle", "ReviewNewsArticle", "AskPublicNewsArticle", "BlogPosting",
}
ISO_WITH_OFFSET = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class SetupError(Exception):
    pass


class Report:
    """Collects problems per check and prints them as they come (up to a cap)."""

    def __init__(self, max_errors):
        self.max_errors = max_errors
        self.counts = {}
        self.notes = {}

    def fail(self, check, where, message):
        n = self.counts.get(check, 0) + 1
        self.counts[check] = n
        if self.max_errors <= 0 or n <= self.max_errors:
            print(f"FAIL {check}: {where}: {message}", flush=True)

    def errors(self, check):
        return self.counts.get(check, 0)

    def total(self):
        return sum(self.counts.values())


# ---------------------------------------------------------------- site model

class Site:
    def __init__(self, root, base_url):
        self.root = os.path.abspath(root)
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SetupError(f"--base-url must be an absolute http(s) URL, got {base_url!r}")
        path = parts.path or "/"
        if not path.endswith("/"):
            path += "/"
        self.base_url = f"{parts.scheme}://{parts.netloc}{path}"
        self.host = parts.netloc.lower()
        self.base_path = path  # URL path prefix of the site, e.g. "/" or "/blog/"
        self.files = set()  # relative paths (posix) of every built file
        self.dirs = set()
        for dirpath, dirnames, filenames in os.walk(self.root):
            rel = os.path.relpath(dirpath, self.root)
            rel = "" if rel == "." else rel.replace(os.sep, "/")
            self.dirs.add(rel)
            for f in filenames:
                self.files.add(f"{rel}/{f}" if rel else f)
        self.html_files = sorted(f for f in self.files if f.endswith(".html"))

    def url_path_of(self, rel):
        """URL path (under the site root, leading '/') that serves the built file rel."""
        if rel == "index.html":
            return self.base_path
        if rel.endswith("/index.html"):
            return self.base_path + rel[: -len("index.html")]
        return self.base_path + rel

    def resolve_site_path(self, path):
        """Map a decoded URL path (starting with base_path) to a built file, or None."""
        if not path.startswith(self.base_path):
            return None
        sub = path[len(self.base_path):]
        norm = posixpath.normpath("/" + sub)[1:] if sub else ""
        if sub.endswith("/") or norm in ("", "."):
            cand = posixpath.join(norm, "index.html") if norm not in ("", ".") else "index.html"
            return cand if cand in self.files else None
        if norm in self.files:
            return norm
        if norm in self.dirs and posixpath.join(norm, "index.html") in self.files:
            return posixpath.join(norm, "index.html")
        return None

    def classify(self, url, page_rel=None):
        """-> (kind, value). kind: 'skip', 'js', 'error', 'internal' (value = (path, frag))."""
        raw = url
        cleaned = re.sub(r"[\t\n\r]", "", url).strip(" \x00\x01\x02\x03\x04\x05\x06\x07\x08"
                                                      "\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14"
                                                      "\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d"
                                                      "\x1e\x1f")
        low = cleaned.lower()
        if low.startswith("javascript:"):
            return "js", raw
        m = re.match(r"^([a-z][a-z0-9+.\-]*):", low)
        if m and m.group(1) not in ("http", "https"):
            return "skip", m.group(1)  # mailto:, tel:, data:, ftp:, ...
        if page_rel is None:
            page_url = self.base_url
        else:
            page_url = f"{urlsplit(self.base_url).scheme}://{self.host}{self.url_path_of(page_rel)}"
        absolute = urljoin(page_url, cleaned)
        parts = urlsplit(absolute)
        if parts.netloc.lower() != self.host:
            return "skip", "external"
        path = parts.path or "/"
        if not path.startswith(self.base_path) and path + "/" != self.base_path:
            if m:  # absolute URL on our host but outside the site's path: not ours
                return "skip", "external"
            return "error", f"{raw!r} points outside the site root {self.base_path}"
        try:
            decoded = unquote(path, encoding="utf-8", errors="strict")
        except UnicodeDecodeError:
            return "error", f"{raw!r}: percent-encoding is not valid UTF-8"
        frag = None
        if parts.fragment or absolute.endswith("#"):
            try:
                frag = unquote(parts.fragment, encoding="utf-8", errors="strict")
            except UnicodeDecodeError:
                return "error", f"{raw!r}: fragment percent-encoding is not valid UTF-8"
        if path + "/" == self.base_path:
            decoded = self.base_path
        return "internal", (decoded, frag)

    def resolve_url(self, url):
        """Absolute URL under base_url -> built file rel path, or an error string."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc.lower() != self.host:
            return None, f"{url!r} is not under the base URL {self.base_url}"
        kind, value = self.classify(url)
        if kind != "internal":
            return None, f"{url!r} is not a same-site URL ({value})"
        target = self.resolve_site_path(value[0])
        if target is None:
            return None, f"{url!r} does not resolve to a built file ({value[0]})"
        return target, None


# ---------------------------------------------------------------- HTML scanning

class PageScanner(html.parser.HTMLParser):
    URL_ATTRS = ("href", "src", "poster", "action", "formaction", "cite", "data")
    META_URL_PROPS = {"og:url", "og:image", "og:image:url", "og:image:secure_url",
                      "twitter:image", "twitter:url"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.urls = []  # (lineno, attr, value)
        self.jsonld = []  # (lineno, raw text)
        self._in_ld = None

    def handle_starttag(self, tag, attrs):
        self._tag(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._tag(tag, attrs)

    def _tag(self, tag, attrs):
        line = self.getpos()[0]
        a = {}
        for k, v in attrs:
            a.setdefault(k, v)
            if v is None:
                continue
            if k == "id":
                self.ids.add(v)
            elif k == "name" and tag == "a":
                self.ids.add(v)
            elif k in self.URL_ATTRS:
                if k == "data" and tag != "object":
                    continue
                if k == "cite" and tag not in ("blockquote", "q", "del", "ins"):
                    continue
                self.urls.append((line, f"{tag}@{k}", v))
            elif k in ("srcset", "imagesrcset"):
                for cand in v.split(","):
                    cand = cand.strip()
                    if cand:
                        self.urls.append((line, f"{tag}@{k}", cand.split()[0]))
        if tag == "meta":
            prop = (a.get("property") or a.get("name") or "").strip().lower()
            if prop in self.META_URL_PROPS and a.get("content"):
                self.urls.append((line, f"meta[{prop}]", a["content"]))
        if tag == "script":
            typ = (a.get("type") or "").strip().lower()
            if typ == "application/ld+json":
                self._in_ld = (line, [])

    def handle_data(self, data):
        if self._in_ld is not None:
            self._in_ld[1].append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in_ld is not None:
            self.jsonld.append((self._in_ld[0], "".join(self._in_ld[1])))
            self._in_ld = None


def scan_pages(site, rels):
    """Parse every page once: ids, URLs, JSON-LD blocks. -> (pages, decode errors)."""
    pages, bad = {}, []
    for rel in rels:
        with open(os.path.join(site.root, rel), "rb") as fh:
            data = fh.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            text = data.decode("utf-8", errors="replace")
            bad.append((rel, str(e)))
        p = PageScanner()
        p.feed(text)
        p.close()
        if p._in_ld is not None:  # unterminated script
            p.jsonld.append((p._in_ld[0], "".join(p._in_ld[1])))
        pages[rel] = p
    return pages, bad


# ---------------------------------------------------------------- check: html (vnu)

def pick_sample(rels, n):
    """Deterministic sample: every k-th of the sorted list, plus one page of each kind."""
    rels = sorted(rels)
    if n <= 0 or len(rels) <= n:
        return rels
    chosen = set()
    for want in ("index.html", "404.html", "archive/index.html", "about/index.html",
                 "search/index.html", "shows/index.html", "guests/index.html",
                 "tags/index.html", "page/2/index.html"):
        if want in rels:
            chosen.add(want)
    kinds = [
        r"^posts/[^/]+/index\.html$",  # a post
        r"^shows/[^/]+/index\.html$",  # a show
        r"^shows/[^/]+/[^/]+/index\.html$",  # an episode
        r"^guests/[^/]+/index\.html$",  # a guest
        r"^tags/[^/]+/index\.html$",  # a tag
        r"^tags/[^/]+/page/\d+/index\.html$",  # a paginated tag
        r"^shows/[^/]+/page/\d+/index\.html$",
        r"^guests/[^/]+/page/\d+/index\.html$",
    ]
    for pat in kinds:
        for r in rels:
            if re.match(pat, r):
                chosen.add(r)
                break
    k = max(1, len(rels) // n)
    chosen.update(rels[::k])
    return sorted(chosen)


def check_html(site, report, args):
    check = "html"
    jar = args.vnu_jar
    if not os.path.isfile(jar):
        raise SetupError(f"vnu.jar not found at {jar}: run `npm ci --prefix tests/validate "
                         f"--ignore-scripts` (or pass --vnu-jar)")
    if shutil.which(args.java) is None:
        raise SetupError(f"java not found ({args.java}): vnu.jar needs Java 17+")
    rels = pick_sample(site.html_files, args.sample)
    if not rels:
        report.fail(check, site.root, "no HTML pages in the output")
        return "no pages"
    # One JVM run for all files; split only if the command line would get too long.
    chunks, cur, size = [], [], 0
    for r in rels:
        p = os.path.join(site.root, r)
        if cur and size + len(p) > 1_000_000:
            chunks.append(cur)
            cur, size = [], 0
        cur.append(p)
        size += len(p) + 1
    if cur:
        chunks.append(cur)
    for chunk in chunks:
        cmd = [args.java, "-Xss4m", "-jar", jar, "--errors-only", "--no-langdetect",
               "--format", "json", "--stdout"] + chunk
        proc = subprocess.run(cmd, capture_output=True)
        out = proc.stdout.decode("utf-8", "replace").strip()
        err = proc.stderr.decode("utf-8", "replace").strip()
        try:
            result = json.loads(out[out.index("{"):]) if "{" in out else None
        except ValueError:
            result = None
        if not isinstance(result, dict):
            report.fail(check, "vnu.jar", f"exit {proc.returncode}, no JSON report: "
                                          f"{(out + ' ' + err).strip()[:500]}")
            continue
        msgs = result.get("messages", [])
        for m in msgs:
            if m.get("type") not in ("error", "non-document-error"):
                continue
            url = m.get("url", "")
            path = unquote(url[len("file:"):]) if url.startswith("file:") else url
            rel = os.path.relpath(path, site.root) if path.startswith("/") else path
            line = m.get("lastLine") or m.get("firstLine")
            col = m.get("firstColumn") or m.get("lastColumn")
            loc = f"{rel}:{line}:{col}" if line else rel
            extract = (m.get("extract") or "").replace("\n", "\\n")
            detail = f" [{extract}]" if extract else ""
            report.fail(check, loc, f"{m.get('message', '?')}{detail}")
        if proc.returncode != 0 and not msgs:
            report.fail(check, "vnu.jar", f"exit {proc.returncode} without messages: {out[:500]}")
    return f"{len(rels)} of {len(site.html_files)} pages checked by vnu"


# ---------------------------------------------------------------- XML helpers

def xmllint(args_list):
    """Run xmllint; return (returncode, stderr text)."""
    if shutil.which("xmllint") is None:
        raise SetupError("xmllint not found: apt-get install -y libxml2-utils")
    proc = subprocess.run(["xmllint"] + args_list, capture_output=True)
    return proc.returncode, proc.stderr.decode("utf-8", "replace")


def xmllint_errors(stderr, root):
    """xmllint stderr -> list of (file rel, message) for lines that name a file."""
    out = []
    for line in stderr.splitlines():
        m = re.match(r"^(/[^:]+):(\d+): (.*)$", line)
        if m:
            out.append((os.path.relpath(m.group(1), root) + ":" + m.group(2), m.group(3)))
        else:
            m = re.match(r"^(/\S+) fails to validate$", line)
            if m:
                out.append((os.path.relpath(m.group(1), root), "fails to validate against the schema"))
    return out


def wellformed(site, report, check, rels):
    """xmllint --noout over many files at once; returns the set of files that failed."""
    if not rels:
        return set()
    paths = [os.path.join(site.root, r) for r in rels]
    rc, err = xmllint(["--noout", "--nonet"] + paths)
    bad = set()
    if rc != 0:
        found = False
        for where, msg in xmllint_errors(err, site.root):
            report.fail(check, where, f"not well-formed XML (xmllint): {msg}")
            bad.add(where.split(":")[0])
            found = True
        if not found:
            report.fail(check, ",".join(rels[:3]), f"xmllint exit {rc}: {err.strip()[:500]}")
            bad.update(rels)
    return bad


# ---------------------------------------------------------------- check: feeds

def check_feeds(site, report, args):
    check = "feeds"
    try:
        import feedparser  # noqa: WPS433
    except ImportError:
        raise SetupError("feedparser not installed: pip install -r tests/validate/requirements.txt")
    all_feeds = sorted(f for f in site.files
                       if posixpath.basename(f) in ("atom.xml", "rss.xml"))
    root_feeds = ["atom.xml", "rss.xml"]
    for r in root_feeds:
        if r not in site.files:
            report.fail(check, r, "missing: the site must publish /atom.xml and /rss.xml")
    others = [f for f in all_feeds if f not in root_feeds]
    if args.feed_sample > 0 and len(others) > args.feed_sample:
        k = len(others) / args.feed_sample
        others = sorted({others[int(i * k)] for i in range(args.feed_sample)})
    feeds = [r for r in root_feeds if r in site.files] + others
    bad_xml = wellformed(site, report, check, feeds)
    n_entries = 0
    for rel in feeds:
        path = os.path.join(site.root, rel)
        d = feedparser.parse(path)
        if d.bozo:
            report.fail(check, rel, f"feedparser bozo: {d.get('bozo_exception')!r}")
            if rel in bad_xml:
                continue
        if not d.version:
            report.fail(check, rel, "feedparser does not recognise it as RSS or Atom")
            continue
        base = posixpath.basename(rel)
        if base == "atom.xml" and not d.version.startswith("atom"):
            report.fail(check, rel, f"atom.xml is {d.version}, not Atom")
        if base == "rss.xml" and not d.version.startswith("rss"):
            report.fail(check, rel, f"rss.xml is {d.version}, not RSS")
        if not (d.feed.get("title") or "").strip():
            report.fail(check, rel, "feed has no title")
        for link in d.feed.get("links", []):
            if link.get("rel") == "self":
                target, err = site.resolve_url(link.get("href", ""))
                if err:
                    report.fail(check, rel, f"self link: {err}")
                elif target != rel:
                    report.fail(check, rel, f"self link {link.get('href')!r} points at {target}, not at this feed")
        if rel in root_feeds and not d.entries:
            report.fail(check, rel, "the site's main feed has no entries")
        seen = {}
        for i, e in enumerate(d.entries, 1):
            n_entries += 1
            label = (e.get("title") or e.get("id") or e.get("link") or "")[:60]
            where = f"{rel}: entry {i} ({label})"
            eid = (e.get("id") or "").strip()
            if not eid:
                report.fail(check, where, "entry has no id (Atom <id> / RSS <guid>)")
            elif eid in seen:
                report.fail(check, where, f"duplicate entry id {eid!r} (also entry {seen[eid]})")
            else:
                seen[eid] = i
            if not (e.get("title") or "").strip():
                report.fail(check, where, "entry has no title")
            if not (e.get("published_parsed") or e.get("updated_parsed")):
                raw = e.get("published") or e.get("updated")
                what = f"unparseable date {raw!r}" if raw else "no published/updated date"
                report.fail(check, where, f"entry has {what}")
            link = (e.get("link") or "").strip()
            if not link:
                report.fail(check, where, "entry has no link")
            else:
                target, err = site.resolve_url(link)
                if err:
                    report.fail(check, where, f"entry link: {err}")
    return f"{len(feeds)} of {len(all_feeds)} feeds, {n_entries} entries"


# ---------------------------------------------------------------- check: sitemap

def sitemap_locs(path, tag):
    """All <loc> texts under <tag> elements (namespace-agnostic)."""
    try:
        tree = ET.parse(path)
    except ET.ParseError as e:
        return None, str(e)
    locs = []
    for el in tree.getroot().iter():
        if el.tag.split("}")[-1] == tag:
            for child in el:
                if child.tag.split("}")[-1] == "loc":
                    locs.append((child.text or "").strip())
    return locs, tree.getroot().tag


def check_locs(site, report, check, rel, locs):
    seen = set()
    for loc in locs:
        if loc in seen:
            report.fail(check, rel, f"duplicate <loc> {loc}")
            continue
        seen.add(loc)
        if not loc.isascii() or re.search(r"\s", loc):
            report.fail(check, rel, f"<loc> {loc!r} is not a percent-encoded ASCII URL")
        if not loc.startswith(site.base_url):
            report.fail(check, rel, f"<loc> {loc!r} is not under the base URL {site.base_url}")
            continue
        target, err = site.resolve_url(loc)
        if err:
            report.fail(check, rel, f"<loc> {err}")


def check_sitemap(site, report, args):
    check = "sitemap"
    rel = "sitemap.xml"
    if rel not in site.files:
        report.fail(check, rel, "missing: the site must publish /sitemap.xml")
        return "no sitemap"
    path = os.path.join(site.root, rel)
    if os.path.getsize(path) > 50 * 1024 * 1024:
        report.fail(check, rel, "larger than 50 MB (protocol limit)")
    bad = wellformed(site, report, check, [rel])
    summary = []
    if not bad:
        root_tag = ET.parse(path).getroot().tag
        if root_tag == SM_NS + "sitemapindex":
            children, _ = sitemap_locs(path, "sitemap")
            xsd_check(site, report, check, [rel], SITEINDEX_XSD)
            child_rels = []
            for loc in children:
                target, err = site.resolve_url(loc)
                if err:
                    report.fail(check, rel, f"<sitemap><loc> {err}")
                else:
                    child_rels.append(target)
            bad_children = wellformed(site, report, check, child_rels)
            good_children = [c for c in child_rels if c not in bad_children]
            xsd_check(site, report, check, good_children, SITEMAP_XSD)
            total = 0
            for c in good_children:
                locs, _ = sitemap_locs(os.path.join(site.root, c), "url")
                if len(locs) > 50000:
                    report.fail(check, c, f"{len(locs)} URLs, over the 50,000 limit")
                check_locs(site, report, check, c, locs)
                total += len(locs)
            summary.append(f"index of {len(child_rels)} sitemaps, {total} URLs")
        else:
            xsd_check(site, report, check, [rel], SITEMAP_XSD)
            locs, _ = sitemap_locs(path, "url")
            if len(locs) > 50000:
                report.fail(check, rel, f"{len(locs)} URLs, over the 50,000 limit")
            check_locs(site, report, check, rel, locs)
            summary.append(f"{len(locs)} URLs")
    news = "news-sitemap.xml"
    if news in site.files:
        if not wellformed(site, report, check, [news]):
            locs, _ = sitemap_locs(os.path.join(site.root, news), "url")
            check_locs(site, report, check, news, locs)
            summary.append(f"news-sitemap {len(locs)} URLs")
    if "robots.txt" in site.files:
        with open(os.path.join(site.root, "robots.txt"), encoding="utf-8", errors="replace") as fh:
            robots = fh.read()
        n = 0
        for line in robots.splitlines():
            m = re.match(r"^\s*sitemap\s*:\s*(\S+)", line, re.I)
            if m:
                n += 1
                target, err = site.resolve_url(m.group(1))
                if err:
                    report.fail(check, "robots.txt", f"Sitemap: {err}")
        summary.append(f"robots.txt names {n} sitemap(s)")
    return ", ".join(summary)


def xsd_check(site, report, check, rels, xsd):
    if not rels:
        return
    paths = [os.path.join(site.root, r) for r in rels]
    rc, err = xmllint(["--noout", "--nonet", "--schema", xsd] + paths)
    if rc != 0:
        found = False
        for where, msg in xmllint_errors(err, site.root):
            if msg == "fails to validate against the schema" and found:
                continue
            report.fail(check, where, f"schema {os.path.basename(xsd)}: {msg}")
            found = True
        if not found:
            report.fail(check, ",".join(rels[:3]), f"xmllint --schema exit {rc}: {err.strip()[:500]}")


# ---------------------------------------------------------------- check: jsonld

def types_of(node):
    t = node.get("@type") if isinstance(node, dict) else None
    if isinstance(t, str):
        return {t}
    if isinstance(t, list):
        return {x for x in t if isinstance(x, str)}
    return set()


def as_list(v):
    return v if isinstance(v, list) else [v]


def nonempty(v):
    if v is None:
        return False
    if isinstance(v, str):
        return bool(v.strip())
    if isinstance(v, (list, dict)):
        return bool(v)
    return True


class JsonLdPage:
    def __init__(self, site, report, rel):
        self.site, self.report, self.rel = site, report, rel
        self.ids = {}
        self.where = rel

    def fail(self, msg):
        self.report.fail("jsonld", self.where, msg)

    def deref(self, v):
        if isinstance(v, dict) and set(v.keys()) == {"@id"} and v["@id"] in self.ids:
            return self.ids[v["@id"]]
        return v

    def check_url(self, what, url):
        if not isinstance(url, str) or not url.strip():
            self.fail(f"{what}: missing or not a string URL")
            return
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            self.fail(f"{what}: {url!r} is not an absolute http(s) URL")
            return
        # Whether it resolves is checked for every URL of the block by check_site_urls.

    URL_KEYS = {"url", "@id", "mainEntityOfPage", "image", "logo", "contentUrl",
                "thumbnailUrl", "sameAs", "item", "embedUrl"}

    def check_site_urls(self, v, path=""):
        """Every same-site URL string under a URL-like key must resolve to a built file."""
        if isinstance(v, dict):
            for k, x in v.items():
                sub = f"{path}.{k}" if path else k
                if k in self.URL_KEYS:
                    for u in as_list(x):
                        if isinstance(u, str):
                            self.check_site_url(sub, u)
                self.check_site_urls(x, sub)
        elif isinstance(v, list):
            for i, x in enumerate(v):
                self.check_site_urls(x, f"{path}[{i}]")

    def check_site_url(self, path, url):
        base = url.split("#")[0]
        parts = urlsplit(base)
        if parts.scheme in ("http", "https") and parts.netloc.lower() == self.site.host \
                and base.startswith(self.site.base_url):
            target, err = self.site.resolve_url(base)
            if err:
                self.fail(f"{path}: {err}")

    def check_series(self, what, v):
        v = self.deref(v)
        if not isinstance(v, dict) or "TVSeries" not in types_of(v):
            self.fail(f"{what} is not a TVSeries: {json.dumps(v, ensure_ascii=False)[:120]}")
            return
        if not nonempty(v.get("name")):
            self.fail(f"{what} (TVSeries) has no name")
        if "url" not in v:
            self.fail(f"{what} (TVSeries) has no url")
        else:
            self.check_url(f"{what}.url", v.get("url"))

    def check_video(self, what, v):
        v = self.deref(v)
        if not isinstance(v, dict) or "VideoObject" not in types_of(v):
            self.fail(f"{what} is not a VideoObject: {json.dumps(v, ensure_ascii=False)[:120]}")
            return
        label = f"{what} (VideoObject)"
        if not nonempty(v.get("name")):
            self.fail(f"{label} has no name")
        self.check_datetime(f"{label}.uploadDate", v.get("uploadDate"), True)
        if not nonempty(v.get("embedUrl")) and not nonempty(v.get("contentUrl")):
            self.fail(f"{label} has neither embedUrl nor contentUrl")
        for key in ("embedUrl", "contentUrl"):
            if key in v and not str(v[key]).startswith(("https://", "http://")):
                self.fail(f"{label}.{key} is not an absolute URL: {v[key]!r}")
        thumbs = v.get("thumbnailUrl")
        if thumbs is not None:
            for t in thumbs if isinstance(thumbs, list) else [thumbs]:
                if not isinstance(t, str) or not t.startswith(("https://", "http://")):
                    self.fail(f"{label}.thumbnailUrl is not an absolute URL: {t!r}")

    def check_episode(self, what, v):
        v = self.deref(v)
        if not isinstance(v, dict) or "TVEpisode" not in types_of(v):
            self.fail(f"{what} is not a TVEpisode: {json.dumps(v, ensure_ascii=False)[:120]}")
            return
        label = what if what == "TVEpisode" else f"{what} (TVEpisode)"
        if not nonempty(v.get("episodeNumber")):
            self.fail(f"{label} has no episodeNumber")
        if "partOfSeries" not in v:
            self.fail(f"{label} has no partOfSeries")
        else:
            self.check_series(f"{what}.partOfSeries", v["partOfSeries"])
        if "url" in v:
            self.check_url(f"{what}.url", v["url"])
        if "video" in v:
            self.check_video(f"{what}.video", v["video"])

    def check_datetime(self, field, v, need_offset):
        if not isinstance(v, str) or not v.strip():
            self.fail(f"{field} missing or empty")
            return
        if ISO_DATE.match(v) and not need_offset:
            try:
                date.fromisoformat(v)
            except ValueError:
                self.fail(f"{field} {v!r} is not a valid date")
            return
        if not ISO_WITH_OFFSET.match(v):
            self.fail(f"{field} {v!r} is not an ISO 8601 date-time with a UTC offset")
            return
        try:
            datetime.fromisoformat(v.replace("Z", "+00:00"))
        except ValueError:
            self.fail(f"{field} {v!r} is not a valid date-time")

    def check_article(self, t, n):
        if not nonempty(n.get("headline")):
            self.fail(f"{t}: headline missing or empty")
        if "datePublished" not in n:
            self.fail(f"{t}: datePublished missing")
        else:
            self.check_datetime(f"{t}: datePublished", n["datePublished"], need_offset=True)
        if "dateModified" not in n:
            self.fail(f"{t}: dateModified missing")
        else:
            self.check_datetime(f"{t}: dateModified", n["dateModified"], need_offset=False)
        for field in ("author", "publisher"):
            if not nonempty(n.get(field)):
                self.fail(f"{t}: {field} missing or empty")
                continue
            for x in as_list(n[field]):
                x = self.deref(x)
                if isinstance(x, dict) and not nonempty(x.get("name")):
                    self.fail(f"{t}: {field} has no name")
        if not nonempty(n.get("inLanguage")):
            self.fail(f"{t}: inLanguage missing or empty")
        if not nonempty(n.get("mainEntityOfPage")):
            self.fail(f"{t}: mainEntityOfPage missing")
        else:
            me = n["mainEntityOfPage"]
            url = me if isinstance(me, str) else (me.get("@id") or me.get("url")) if isinstance(me, dict) else None
            if url is None:
                self.fail(f"{t}: mainEntityOfPage has neither @id nor url")
            else:
                self.check_url(f"{t}: mainEntityOfPage", url)
        if "keywords" not in n:
            self.fail(f"{t}: keywords missing")
        if "isBasedOn" in n:
            for x in as_list(n["isBasedOn"]):
                x = self.deref(x)
                if isinstance(x, str):
                    if not re.match(r"^https?://", x):
                        self.fail(f"{t}: isBasedOn {x!r} is not a URL")
                elif not isinstance(x, dict) or not nonempty(x.get("url")):
                    self.fail(f"{t}: isBasedOn has no url")
        if "about" in n:
            for i, x in enumerate(as_list(n["about"])):
                self.check_episode(f"{t}: about", x)
        if "mentions" in n:
            for x in as_list(n["mentions"]):
                x = self.deref(x)
                if not isinstance(x, dict) or "Person" not in types_of(x):
                    self.fail(f"{t}: mentions item is not a Person: {json.dumps(x, ensure_ascii=False)[:120]}")
                    continue
                if not nonempty(x.get("name")):
                    self.fail(f"{t}: mentions Person has no name")
                if not nonempty(x.get("url")):
                    self.fail(f"{t}: mentions Person {x.get('name')!r} has no url")
                else:
                    self.check_url(f"{t}: mentions Person url", x["url"])
        if "url" in n:
            self.check_url(f"{t}: url", n["url"])
        if "video" in n:
            self.check_video(f"{t}: video", n["video"])

    def check_node(self, n):
        ts = types_of(n)
        for t in sorted(ts & ARTICLE_TYPES):
            self.check_article(t, n)
        if "TVSeries" in ts:
            if not nonempty(n.get("name")):
                self.fail("TVSeries: name missing")
            if "url" not in n:
                self.fail("TVSeries: url missing")
            else:
                self.check_url("TVSeries: url", n["url"])
        if "TVEpisode" in ts:
            self.check_episode("TVEpisode", n)
        if "ProfilePage" in ts:
            me = self.deref(n.get("mainEntity"))
            if not isinstance(me, dict):
                self.fail("ProfilePage: mainEntity missing")
            elif "Person" not in types_of(me):
                self.fail(f"ProfilePage: mainEntity is not a Person ({me.get('@type')!r})")
            elif not nonempty(me.get("name")):
                self.fail("ProfilePage: mainEntity Person has no name")
        if "CollectionPage" in ts:
            if not nonempty(n.get("name")):
                self.fail("CollectionPage: name missing")
            if "url" not in n:
                self.fail("CollectionPage: url missing")
            else:
                self.check_url("CollectionPage: url", n["url"])
            me = self.deref(n.get("mainEntity"))
            has_list = isinstance(me, dict) and "ItemList" in types_of(me)
            if not has_list and not nonempty(n.get("hasPart")):
                self.fail("CollectionPage: neither a mainEntity ItemList nor hasPart")
        return ts


def collect_ids(v, out):
    if isinstance(v, dict):
        if isinstance(v.get("@id"), str) and len(v) > 1:
            out.setdefault(v["@id"], v)
        for x in v.values():
            collect_ids(x, out)
    elif isinstance(v, list):
        for x in v:
            collect_ids(x, out)


def check_jsonld(site, report, args, pages):
    check = "jsonld"
    n_blocks, type_counts = 0, {}
    for rel in site.html_files:
        p = pages.get(rel)
        if p is None:
            continue
        jp = JsonLdPage(site, report, rel)
        docs = []
        for line, raw in p.jsonld:
            n_blocks += 1
            jp.where = f"{rel}:{line}"
            if re.search(r"</script", raw, re.I):
                report.fail(check, jp.where, "JSON-LD contains a raw </script")
            if "<!--" in raw:
                report.fail(check, jp.where, "JSON-LD contains a raw <!--")
            try:
                doc = json.loads(raw)
            except ValueError as e:
                report.fail(check, jp.where, f"JSON-LD does not parse: {e}")
                continue
            docs.append((line, doc))
            collect_ids(doc, jp.ids)
            jp.check_site_urls(doc)
        page_types = set()
        for line, doc in docs:
            jp.where = f"{rel}:{line}"
            nodes = []
            for top in as_list(doc):
                if isinstance(top, dict) and isinstance(top.get("@graph"), list):
                    nodes.extend(top["@graph"])
                    if "@type" in top:
                        nodes.append(top)
                else:
                    nodes.append(top)
            for n in nodes:
                if not isinstance(n, dict):
                    report.fail(check, jp.where, f"JSON-LD top-level item is not an object: {str(n)[:80]}")
                    continue
                ts = jp.check_node(n)
                page_types |= ts
                for t in ts:
                    type_counts[t] = type_counts.get(t, 0) + 1
        if args.require_article_jsonld and re.match(r"^posts/[^/]+/index\.html$", rel):
            if not page_types & ARTICLE_TYPES:
                report.fail(check, rel, "post page has no NewsArticle/BlogPosting JSON-LD")
    types = ", ".join(f"{t} {c}" for t, c in sorted(type_counts.items()))
    return f"{n_blocks} blocks on {len(site.html_files)} pages ({types or 'no typed nodes'})"


# ---------------------------------------------------------------- check: links

def check_links(site, report, args, pages):
    check = "links"
    n_links = n_internal = 0
    for rel in site.html_files:
        p = pages.get(rel)
        if p is None:
            continue
        for line, attr, url in p.urls:
            n_links += 1
            where = f"{rel}:{line}"
            kind, value = site.classify(url, rel)
            if kind == "skip":
                continue
            if kind == "js":
                report.fail(check, where, f"{attr}={url!r}: javascript: URL")
                continue
            if kind == "error":
                report.fail(check, where, f"{attr}: {value}")
                continue
            n_internal += 1
            path, frag = value
            target = site.resolve_site_path(path)
            if target is None:
                report.fail(check, where, f"{attr}={url!r}: no built file for {path}")
                continue
            if frag is None or frag == "" or frag.lower() == "top":
                continue
            if not target.endswith(".html"):
                continue
            tp = pages.get(target)
            if tp is not None and frag not in tp.ids:
                report.fail(check, where, f"{attr}={url!r}: no id {frag!r} in {target}")
    return f"{n_internal} same-site of {n_links} URLs on {len(site.html_files)} pages"


# ---------------------------------------------------------------- main

def base_from_feed(root):
    path = os.path.join(root, "atom.xml")
    if not os.path.isfile(path):
        return None
    try:
        tree = ET.parse(path)
    except ET.ParseError:
        return None
    for el in tree.getroot():
        if el.tag == "{http://www.w3.org/2005/Atom}link" and el.get("rel") == "self":
            href = el.get("href") or ""
            if href.endswith("atom.xml"):
                return href[: -len("atom.xml")]
    return None


def parse_checks(s):
    out = []
    for c in (s or "").split(","):
        c = c.strip()
        if not c:
            continue
        if c not in ALL_CHECKS:
            raise SetupError(f"unknown check {c!r}; known: {', '.join(ALL_CHECKS)}")
        out.append(c)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description="Validate a built showpress site (see the docstring).")
    ap.add_argument("output", help="the built site folder (e.g. public/)")
    ap.add_argument("--base-url", help="the site's base_url (default: from atom.xml's self link)")
    ap.add_argument("--sample", type=int, default=0,
                    help="vnu: check a deterministic sample of at least N pages (default: all)")
    ap.add_argument("--feed-sample", type=int, default=0,
                    help="feeds: root atom.xml/rss.xml plus N of the others (default: all)")
    ap.add_argument("--only", help=f"comma-separated checks to run ({','.join(ALL_CHECKS)})")
    ap.add_argument("--skip", help="comma-separated checks to skip")
    ap.add_argument("--vnu-jar", default=DEFAULT_VNU, help="path to vnu.jar")
    ap.add_argument("--java", default="java", help="java executable (17+)")
    ap.add_argument("--max-errors", type=int, default=40,
                    help="print at most N problems per check (0: all); all are counted")
    ap.add_argument("--no-require-article-jsonld", dest="require_article_jsonld",
                    action="store_false", help="don't require article JSON-LD on posts/*/index.html")
    args = ap.parse_args(argv)
    t0 = time.time()
    try:
        if not os.path.isdir(args.output):
            raise SetupError(f"no such folder: {args.output}")
        checks = parse_checks(args.only) or list(ALL_CHECKS)
        skip = set(parse_checks(args.skip))
        checks = [c for c in checks if c not in skip]
        base = args.base_url or base_from_feed(args.output)
        if not base:
            raise SetupError("no --base-url given and no self link in atom.xml to read it from")
        site = Site(args.output, base)
        print(f"check_site: {site.root} (base URL {site.base_url}; "
              f"{len(site.html_files)} HTML pages; checks: {','.join(checks)})", flush=True)
        report = Report(args.max_errors)
        pages = None
        if "jsonld" in checks or "links" in checks:
            pages, bad = scan_pages(site, site.html_files)
            for rel, err in bad:
                report.fail("links", rel, f"not valid UTF-8: {err}")
        results = []
        for c in checks:
            t = time.time()
            print(f"== {c}", flush=True)
            if c == "html":
                info = check_html(site, report, args)
            elif c == "feeds":
                info = check_feeds(site, report, args)
            elif c == "sitemap":
                info = check_sitemap(site, report, args)
            elif c == "jsonld":
                info = check_jsonld(site, report, args, pages)
            else:
                info = check_links(site, report, args, pages)
            n = report.errors(c)
            more = (f" ({n - args.max_errors} more not shown)"
                    if args.max_errors > 0 and n > args.max_errors else "")
            status = "ok" if n == 0 else f"{n} problem(s){more}"
            print(f"{c}: {status}: {info} [{time.time() - t:.1f}s]", flush=True)
            results.append((c, n))
    except SetupError as e:
        print(f"check_site: setup error: {e}", flush=True)
        return 2
    total = report.total()
    failed = [c for c, n in results if n]
    if total:
        print(f"check_site: {total} problem(s) in {', '.join(failed)} "
              f"({site.root}, {time.time() - t0:.1f}s)")
        return 1
    print(f"check_site: OK, {len(results)} checks passed ({site.root}, {time.time() - t0:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
