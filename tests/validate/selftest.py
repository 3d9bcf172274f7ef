#!/usr/bin/env python3
"""Self-test of tests/validate/check_site.py: each check catches a deliberately broken output.

    python3 tests/validate/selftest.py [--keep] [-k SUBSTRING] [-j JOBS]

Builds, in a temp dir, a small known-good site (pages of every kind, with JSON-LD, Atom and
RSS feeds, a sitemap, a news sitemap, robots.txt, percent-encoded Korean paths, same-page and
cross-page fragments, mailto:/tel:/data:/external links that must be skipped) and shows that
check_site.py passes it, also when served under a sub-path (/blog/) and when sitemap.xml is
a sitemap index. Then, for each broken case, copies the good site, breaks one thing, runs
check_site.py with the check that should catch it, and asserts a non-zero exit and a
`FAIL <check>: <file>...<expected message>` line.

Prints one line per case (PASS/FAIL name: what) and last `N passed, M failed`; exits 1 on
any failure. Needs what check_site.py needs (java + vnu.jar for the html cases, xmllint,
feedparser).
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(HERE, "check_site.py")
HOST = "https://example.test"
KO = "%EA%B2%BD%EC%A0%9C"  # 경제, percent-encoded

# ---------------------------------------------------------------- the good site


def page(P, B, path, title, body, ld=None):
    lds = ""
    for block in (ld if isinstance(ld, list) else [ld] if ld is not None else []):
        text = block if isinstance(block, str) else json.dumps(block, ensure_ascii=False)
        lds += f'<script type="application/ld+json">{text}</script>\n'
    return f"""<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{P}style.css">
<link rel="alternate" type="application/atom+xml" title="피드" href="{P}atom.xml">
<link rel="alternate" type="application/rss+xml" title="RSS" href="{B}rss.xml">
<link rel="canonical" href="{B}{path}">
<meta property="og:url" content="{B}{path}">
<meta property="og:image" content="{B}images/a.svg">
{lds}</head>
<body>
<a class="skip" href="#main">본문으로</a>
<nav aria-label="메뉴">
<a href="{P}">홈</a> <a href="{P}archive/">보관함</a> <a href="{P}tags/{KO}/">경제</a>
<a href="mailto:me@example.test">메일</a> <a href="tel:+82-2-000-0000">전화</a>
<a href="https://other.example/x?y=1#z">다른 사이트</a> <a href="//cdn.other.example/lib.css">cdn</a>
<a href="#top">위로</a> <a href="#">맨 위</a>
</nav>
<main id="main">
<h1>{title}</h1>
{body}
</main>
</body>
</html>
"""


def article_ld(B, slug, typ="NewsArticle"):
    return {
        "@context": "https://schema.org", "@type": typ,
        "headline": f"{slug} 제목", "datePublished": "2025-03-25T11:46:00+09:00",
        "dateModified": "2025-03-26", "author": {"@type": "Person", "name": "필자"},
        "publisher": {"@type": "Organization", "name": "방송 읽기", "url": B},
        "inLanguage": "ko", "mainEntityOfPage": {"@type": "WebPage", "@id": f"{B}posts/{slug}/"},
        "keywords": ["경제", "AI"],
        "isBasedOn": {"@type": "CreativeWork", "url": "https://news.example.com/articles/1"},
        "about": {"@type": "TVEpisode", "episodeNumber": 1, "url": f"{B}shows/s/1/",
                  "partOfSeries": {"@type": "TVSeries", "name": "경제쇼", "url": f"{B}shows/s/"},
                  "video": {"@type": "VideoObject", "name": "경제쇼 1회",
                            "embedUrl": "https://www.youtube.com/embed/dQw4w9WgXcQ",
                            "thumbnailUrl": ["https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"],
                            "uploadDate": "2025-03-24T22:00:00+09:00"}},
        "mentions": [{"@type": "Person", "name": "손님", "url": f"{B}guests/g/"}],
        "url": f"{B}posts/{slug}/",
    }


def atom(B, self_rel, entries):
    items = ""
    for slug, title, date in entries:
        items += f"""<entry>
<title>{title}</title>
<id>{B}posts/{slug}/</id>
<link rel="alternate" type="text/html" href="{B}posts/{slug}/"/>
<published>{date}</published>
<updated>{date}</updated>
<summary>요약 &amp; 설명</summary>
</entry>
"""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ko">
<title>방송 읽기</title>
<id>{B}{self_rel}</id>
<updated>2025-03-26T00:00:00+09:00</updated>
<link rel="self" type="application/atom+xml" href="{B}{self_rel}"/>
<link rel="alternate" type="text/html" href="{B}"/>
<author><name>필자</name></author>
{items}</feed>
"""


def rss(B, entries):
    items = ""
    for slug, title, date in entries:
        items += f"""<item>
<title>{title}</title>
<link>{B}posts/{slug}/</link>
<guid isPermaLink="true">{B}posts/{slug}/</guid>
<pubDate>{date}</pubDate>
<description>요약</description>
</item>
"""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>방송 읽기</title>
<link>{B}</link>
<description>해설 블로그</description>
<atom:link rel="self" type="application/rss+xml" href="{B}rss.xml"/>
{items}</channel>
</rss>
"""


SITEMAP_PAGES = ["", "posts/a/", "posts/b/", "shows/s/", "shows/s/1/", "guests/g/",
                 f"tags/{KO}/", "archive/", "tags/"]


def urlset(B, pages):
    lastmods = ["2025-03-26", "2025-03-25T11:46:00+09:00", "2025-03-25T02:46:00Z",
                "2025-03-25T11:46+09:00", "2025-03-25T11:46:00.123-05:00"]
    urls = ""
    for i, p in enumerate(pages):
        extra = "<changefreq>weekly</changefreq><priority>0.8</priority>" if i % 2 else ""
        urls += f"<url><loc>{B}{p}</loc><lastmod>{lastmods[i % len(lastmods)]}</lastmod>{extra}</url>\n"
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n")


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def make_good_site(root, prefix="/"):
    P = prefix
    B = HOST + prefix
    entries = [("a", "글 A", "2025-03-25T11:46:00+09:00"), ("b", "글 B &lt;둘&gt;", "2025-03-20T09:00:00Z")]
    rss_entries = [("a", "글 A", "Tue, 25 Mar 2025 11:46:00 +0900"), ("b", "글 B", "Thu, 20 Mar 2025 09:00:00 GMT")]
    w = lambda rel, text: write(root, rel, text)  # noqa: E731
    w("index.html", page(P, B, "", "방송 읽기", f"""
<p><a href="posts/a/">글 A</a> · <a href="{P}posts/b/">글 B</a> · <a href="{B}shows/s/">쇼</a></p>
<p><a href="{P}page/2/">다음 쪽</a> <a href="{P}shows/s">쇼 (슬래시 없이)</a></p>""",
        [{"@context": "https://schema.org", "@type": "WebSite", "name": "방송 읽기", "url": B},
         {"@context": "https://schema.org", "@type": "CollectionPage", "name": "방송 읽기", "url": B,
          "hasPart": [{"@type": "NewsArticle", "headline": "글 A", "url": f"{B}posts/a/"}]}]))
    w("page/2/index.html", page(P, B, "page/2/", "2쪽", '<p><a href="../../">1쪽</a></p>'))
    w("posts/a/index.html", page(P, B, "posts/a/", "글 A", f"""
<nav aria-label="목차"><a href="#섹션-1">섹션 1</a> <a href="#%EC%84%B9%EC%85%98-1">섹션 1 (인코딩)</a></nav>
<h2 id="섹션-1">섹션 1</h2>
<p><a href="../../shows/s/1/">1회</a> <a href="{P}guests/g/#bio">손님 소개</a> <a href="{B}posts/b/">글 B</a>
<a href="{P}posts/b/?utm_source=x#top">글 B 위</a> <a href="../b/#note">글 B 주석</a>
<a href="{P}tags/%ea%b2%bd%ec%a0%9c/">소문자 인코딩</a></p>
<p><img src="{P}images/a.svg" srcset="{P}images/a.svg 1x, {B}images/a.svg 2x" alt="그림" width="10" height="10"></p>
<blockquote cite="https://news.example.com/articles/1"><p>인용</p></blockquote>""",
        article_ld(B, "a")))
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "TVSeries", "@id": f"{B}shows/s/#series", "name": "경제쇼", "url": f"{B}shows/s/"},
        {"@type": "TVEpisode", "@id": f"{B}shows/s/1/#episode", "episodeNumber": "1",
         "partOfSeries": {"@id": f"{B}shows/s/#series"}},
        dict(article_ld(B, "b", "OpinionNewsArticle"), keywords=[],
             about={"@id": f"{B}shows/s/1/#episode"}),
    ]}
    w("posts/b/index.html", page(P, B, "posts/b/", "글 B", """
<p id="note">주석 <a href="#note">여기</a></p>""", graph))
    w("shows/index.html", page(P, B, "shows/", "프로그램", '<p><a href="s/">경제쇼</a></p>',
        {"@context": "https://schema.org", "@type": "CollectionPage", "name": "프로그램",
         "url": f"{B}shows/", "mainEntity": {"@type": "ItemList", "itemListElement": []}}))
    w("shows/s/index.html", page(P, B, "shows/s/", "경제쇼", '<p><a href="1/">1회</a> <a href="atom.xml">피드</a></p>',
        {"@context": "https://schema.org", "@type": "TVSeries", "name": "경제쇼", "url": f"{B}shows/s/"}))
    w("shows/s/1/index.html", page(P, B, "shows/s/1/", "경제쇼 1회", f'<p><a href="{P}posts/a/">글 A</a></p>',
        {"@context": "https://schema.org", "@type": "TVEpisode", "episodeNumber": 1,
         "partOfSeries": {"@type": "TVSeries", "name": "경제쇼", "url": f"{B}shows/s/"}}))
    w("guests/g/index.html", page(P, B, "guests/g/", "손님", '<p id="bio">소개</p>',
        {"@context": "https://schema.org", "@type": "ProfilePage",
         "mainEntity": {"@type": "Person", "name": "손님", "url": f"{B}guests/g/"}}))
    w("tags/index.html", page(P, B, "tags/", "태그", f'<p><a href="{KO}/">경제</a></p>',
        {"@context": "https://schema.org", "@type": "CollectionPage", "name": "태그", "url": f"{B}tags/",
         "hasPart": [{"@type": "CollectionPage", "name": "경제", "url": f"{B}tags/{KO}/"}]}))
    w("tags/경제/index.html", page(P, B, f"tags/{KO}/", "경제", '<p><a href="../../posts/a/">글 A</a></p>',
        {"@context": "https://schema.org", "@type": "CollectionPage", "name": "경제", "url": f"{B}tags/{KO}/",
         "mainEntity": {"@type": "ItemList", "itemListElement": [
             {"@type": "ListItem", "position": 1, "url": f"{B}posts/a/"}]}}))
    w("archive/index.html", page(P, B, "archive/", "보관함", f'<p><a href="{P}posts/a/">글 A</a></p>',
        {"@context": "https://schema.org", "@type": "CollectionPage", "name": "보관함", "url": f"{B}archive/",
         "hasPart": [{"@type": "NewsArticle", "headline": "글 A", "url": f"{B}posts/a/"}]}))
    w("404.html", page(P, B, "404.html", "없는 페이지", f'<p><a href="{P}">첫 페이지</a></p>'))
    w("style.css", "body { margin: 0 }\n")
    w("images/a.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n')
    w("atom.xml", atom(B, "atom.xml", entries))
    w("rss.xml", rss(B, rss_entries))
    w("shows/s/atom.xml", atom(B, "shows/s/atom.xml", entries[:1]))
    w("guests/g/atom.xml", atom(B, "guests/g/atom.xml", entries[:1]))
    w("sitemap.xml", urlset(B, SITEMAP_PAGES))
    w("news-sitemap.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>{B}posts/a/</loc><news:news><news:publication><news:name>방송 읽기</news:name><news:language>ko</news:language></news:publication><news:publication_date>2025-03-25T11:46:00+09:00</news:publication_date><news:title>글 A</news:title></news:news></url>
</urlset>
""")
    w("robots.txt", f"User-agent: *\nAllow: /\n\nSitemap: {B}sitemap.xml\n")


def to_index(root):
    """Variant: sitemap.xml becomes a sitemap index pointing at sitemap-pages.xml."""
    os.rename(os.path.join(root, "sitemap.xml"), os.path.join(root, "sitemap-pages.xml"))
    write(root, "sitemap.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{HOST}/sitemap-pages.xml</loc><lastmod>2025-03-26</lastmod></sitemap>
</sitemapindex>
""")


# ---------------------------------------------------------------- mutations

def edit(root, rel, old, new, count=1):
    path = os.path.join(root, rel)
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    if isinstance(old, re.Pattern):
        text2, n = old.subn(new, text, count=count)
    else:
        n = text.count(old)
        text2 = text.replace(old, new, count)
    if n == 0:
        raise AssertionError(f"selftest bug: {old!r} not found in {rel}")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text2)


def edit_ld(root, rel, fn):
    """Apply fn to the (first) JSON-LD object of a page."""
    path = os.path.join(root, rel)
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    m = re.search(r'(<script type="application/ld\+json">)(.*?)(</script>)', text, re.S)
    doc = json.loads(m.group(2))
    fn(doc)  # edits doc in place
    text = text[:m.start(2)] + json.dumps(doc, ensure_ascii=False) + text[m.end(2):]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def delete(root, rel):
    os.remove(os.path.join(root, rel))


def drop(key):
    def fn(d):
        del d[key]
    return fn


def ld_set(path, value):
    def fn(d):
        cur = d
        for k in path[:-1]:
            cur = cur[k]
        if value is DELETE:
            del cur[path[-1]]
        else:
            cur[path[-1]] = value
    return fn


DELETE = object()
B = HOST + "/"

# (name, check, mutate(root), file the failure is reported against, expected message regex)
CASES = [
    # html: the W3C Nu checker
    ("html: duplicate id", "html",
     lambda r: edit(r, "posts/a/index.html", '<h2 id="섹션-1">', '<h2 id="main">'),
     "posts/a/index.html", r"Duplicate ID"),
    ("html: <div> inside <p>", "html",
     lambda r: edit(r, "guests/g/index.html", '<p id="bio">소개</p>', '<p id="bio">소개<div>블록</div></p>'),
     "guests/g/index.html", r"No .p. element in scope"),
    ("html: img without alt", "html",
     lambda r: edit(r, "posts/a/index.html", ' alt="그림"', ""),
     "posts/a/index.html", r"must have an .alt. attribute"),
    # feeds
    ("feeds: atom.xml not well-formed", "feeds",
     lambda r: edit(r, "atom.xml", "</entry>", ""),
     "atom.xml", r"not well-formed XML \(xmllint\)"),
    ("feeds: atom.xml not well-formed is bozo", "feeds",
     lambda r: edit(r, "atom.xml", "</entry>", ""),
     "atom.xml", r"feedparser bozo"),
    ("feeds: rss.xml undefined entity", "feeds",
     lambda r: edit(r, "rss.xml", "<description>요약</description>", "<description>요&nbsp;약</description>"),
     "rss.xml", r"bozo.*undefined entity"),
    ("feeds: per-show feed truncated", "feeds",
     lambda r: edit(r, "shows/s/atom.xml", "</feed>", ""),
     "shows/s/atom.xml", r"not well-formed"),
    ("feeds: Atom entry without id", "feeds",
     lambda r: edit(r, "atom.xml", re.compile(r"<id>[^<]*posts/a/</id>\n"), ""),
     "atom.xml: entry 1", r"entry has no id"),
    ("feeds: RSS item without guid", "feeds",
     lambda r: edit(r, "rss.xml", re.compile(r"<guid[^>]*>[^<]*posts/b/</guid>\n"), ""),
     "rss.xml: entry 2", r"entry has no id"),
    ("feeds: duplicate entry id", "feeds",
     lambda r: edit(r, "atom.xml", f"<id>{B}posts/b/</id>", f"<id>{B}posts/a/</id>"),
     "atom.xml: entry 2", r"duplicate entry id"),
    ("feeds: entry without title", "feeds",
     lambda r: edit(r, "guests/g/atom.xml", "<title>글 A</title>", ""),
     "guests/g/atom.xml: entry 1", r"entry has no title"),
    ("feeds: entry without a date", "feeds",
     lambda r: edit(r, "shows/s/atom.xml", re.compile(r"<(published|updated)>2025-03-25T11:46:00\+09:00</\1>\n"), "", count=2),
     "shows/s/atom.xml: entry 1", r"no published/updated date"),
    ("feeds: RSS pubDate unparseable", "feeds",
     lambda r: edit(r, "rss.xml", "Tue, 25 Mar 2025 11:46:00 +0900", "어제 밤"),
     "rss.xml: entry 1", r"unparseable date"),
    ("feeds: entry link to a missing page", "feeds",
     lambda r: edit(r, "atom.xml", f'href="{B}posts/b/"', f'href="{B}posts/zzz/"'),
     "atom.xml: entry 2", r"does not resolve to a built file"),
    ("feeds: entry link on another host", "feeds",
     lambda r: edit(r, "rss.xml", f"<link>{B}posts/a/</link>", "<link>https://elsewhere.example/posts/a/</link>"),
     "rss.xml: entry 1", r"not under the base URL"),
    ("feeds: self link points elsewhere", "feeds",
     lambda r: edit(r, "guests/g/atom.xml", f'rel="self" type="application/atom+xml" href="{B}guests/g/atom.xml"',
                    f'rel="self" type="application/atom+xml" href="{B}atom.xml"'),
     "guests/g/atom.xml", r"self link .* not at this feed"),
    ("feeds: rss.xml missing", "feeds",
     lambda r: delete(r, "rss.xml"),
     "rss.xml", r"missing"),
    # sitemap
    ("sitemap: invalid lastmod (month 13)", "sitemap",
     lambda r: edit(r, "sitemap.xml", "<lastmod>2025-03-26</lastmod>", "<lastmod>2025-13-26</lastmod>"),
     "sitemap.xml", r"schema sitemap\.xsd: .*lastmod"),
    ("sitemap: lastmod date-time without offset", "sitemap",
     lambda r: edit(r, "sitemap.xml", "<lastmod>2025-03-25T11:46:00+09:00</lastmod>", "<lastmod>2025-03-25T11:46:00</lastmod>"),
     "sitemap.xml", r"schema sitemap\.xsd: .*lastmod"),
    ("sitemap: element outside the schema", "sitemap",
     lambda r: edit(r, "sitemap.xml", "</loc>", "</loc><title>글</title>"),
     "sitemap.xml", r"schema sitemap\.xsd: .*title.*not expected"),
    ("sitemap: changefreq not in the enumeration", "sitemap",
     lambda r: edit(r, "sitemap.xml", "<changefreq>weekly</changefreq>", "<changefreq>sometimes</changefreq>"),
     "sitemap.xml", r"changefreq"),
    ("sitemap: priority above 1.0", "sitemap",
     lambda r: edit(r, "sitemap.xml", "<priority>0.8</priority>", "<priority>1.5</priority>"),
     "sitemap.xml", r"priority"),
    ("sitemap: loc to a missing page", "sitemap",
     lambda r: edit(r, "sitemap.xml", f"<loc>{B}posts/b/</loc>", f"<loc>{B}posts/zzz/</loc>"),
     "sitemap.xml", r"posts/zzz/.*does not resolve"),
    ("sitemap: loc not percent-encoded", "sitemap",
     lambda r: edit(r, "sitemap.xml", f"<loc>{B}tags/{KO}/</loc>", f"<loc>{B}tags/경제/</loc>"),
     "sitemap.xml", r"not a percent-encoded ASCII URL"),
    ("sitemap: loc on another host", "sitemap",
     lambda r: edit(r, "sitemap.xml", f"<loc>{B}archive/</loc>", "<loc>https://elsewhere.example/archive/</loc>"),
     "sitemap.xml", r"not under the base URL"),
    ("sitemap: not well-formed", "sitemap",
     lambda r: edit(r, "sitemap.xml", "</urlset>", "</urlsett>"),
     "sitemap.xml", r"not well-formed"),
    ("sitemap: missing", "sitemap",
     lambda r: delete(r, "sitemap.xml"),
     "sitemap.xml", r"missing"),
    ("sitemap: news-sitemap.xml not well-formed", "sitemap",
     lambda r: edit(r, "news-sitemap.xml", "</news:title>", ""),
     "news-sitemap.xml", r"not well-formed"),
    ("sitemap: robots.txt names a missing sitemap", "sitemap",
     lambda r: edit(r, "robots.txt", "sitemap.xml", "sitemap-old.xml"),
     "robots.txt", r"does not resolve"),
    ("sitemap: index child with a missing page", "sitemap",
     lambda r: (to_index(r), edit(r, "sitemap-pages.xml", f"<loc>{B}posts/a/</loc>", f"<loc>{B}posts/nope/</loc>")),
     "sitemap-pages.xml", r"posts/nope/.*does not resolve"),
    # jsonld
    ("jsonld: invalid JSON", "jsonld",
     lambda r: edit(r, "posts/a/index.html", '"inLanguage": "ko", ', '"inLanguage": "ko",, '),
     "posts/a/index.html", r"does not parse"),
    ("jsonld: NewsArticle without headline", "jsonld",
     lambda r: edit_ld(r, "posts/a/index.html", drop("headline")),
     "posts/a/index.html", r"NewsArticle: headline missing"),
    ("jsonld: datePublished without offset", "jsonld",
     lambda r: edit_ld(r, "posts/a/index.html", ld_set(["datePublished"], "2025-03-25T11:46:00")),
     "posts/a/index.html", r"datePublished .* UTC offset"),
    ("jsonld: no dateModified", "jsonld",
     lambda r: edit_ld(r, "posts/a/index.html", drop("dateModified")),
     "posts/a/index.html", r"dateModified missing"),
    ("jsonld: no keywords", "jsonld",
     lambda r: edit_ld(r, "posts/a/index.html", drop("keywords")),
     "posts/a/index.html", r"keywords missing"),
    ("jsonld: no inLanguage", "jsonld",
     lambda r: edit_ld(r, "posts/a/index.html", drop("inLanguage")),
     "posts/a/index.html", r"inLanguage missing"),
    ("jsonld: publisher without name", "jsonld",
     lambda r: edit_ld(r, "posts/a/index.html", ld_set(["publisher", "name"], DELETE)),
     "posts/a/index.html", r"publisher has no name"),
    ("jsonld: raw <!-- in a string", "jsonld",
     lambda r: edit_ld(r, "posts/a/index.html", ld_set(["headline"], "제목 <!-- 주석")),
     "posts/a/index.html", r"raw <!--"),
    ("jsonld: raw </script in a string", "jsonld",
     lambda r: edit_ld(r, "posts/a/index.html", ld_set(["headline"], "제목 </SCRIPT> 끝")),
     "posts/a/index.html", r"does not parse"),
    ("jsonld: about is not a TVEpisode", "jsonld",
     lambda r: edit_ld(r, "posts/a/index.html", ld_set(["about", "@type"], "Thing")),
     "posts/a/index.html", r"about is not a TVEpisode"),
    ("jsonld: episode video without uploadDate", "jsonld",
     lambda r: edit_ld(r, "posts/a/index.html", ld_set(["about", "video", "uploadDate"], DELETE)),
     "posts/a/index.html", r"about\.video \(VideoObject\)\.uploadDate missing"),
    ("jsonld: episode video with neither embedUrl nor contentUrl", "jsonld",
     lambda r: edit_ld(r, "posts/a/index.html", ld_set(["about", "video", "embedUrl"], DELETE)),
     "posts/a/index.html", r"has neither embedUrl nor contentUrl"),
    ("jsonld: about's series has no url", "jsonld",
     lambda r: edit_ld(r, "posts/a/index.html", ld_set(["about", "partOfSeries", "url"], DELETE)),
     "posts/a/index.html", r"partOfSeries \(TVSeries\) has no url"),
    ("jsonld: mentioned Person has no url", "jsonld",
     lambda r: edit_ld(r, "posts/a/index.html", lambda d: d["mentions"][0].pop("url")),
     "posts/a/index.html", r"mentions Person .* has no url"),
    ("jsonld: isBasedOn has no url", "jsonld",
     lambda r: edit_ld(r, "posts/a/index.html", ld_set(["isBasedOn", "url"], DELETE)),
     "posts/a/index.html", r"isBasedOn has no url"),
    ("jsonld: mainEntityOfPage to a missing page", "jsonld",
     lambda r: edit_ld(r, "posts/a/index.html", ld_set(["mainEntityOfPage", "@id"], f"{B}posts/gone/")),
     "posts/a/index.html", r"mainEntityOfPage\.@id: .*does not resolve"),
    ("jsonld: ItemList entry url to a missing page", "jsonld",
     lambda r: edit_ld(r, "tags/경제/index.html", lambda d: d["mainEntity"]["itemListElement"][0].update(url=f"{B}posts/old/")),
     "tags/경제/index.html", r"mainEntity\.itemListElement\[0\]\.url: .*posts/old/.*does not resolve"),
    ("jsonld: @graph episode without partOfSeries", "jsonld",
     lambda r: edit_ld(r, "posts/b/index.html", lambda d: d["@graph"][1].pop("partOfSeries")),
     "posts/b/index.html", r"has no partOfSeries"),
    ("jsonld: TVSeries without url", "jsonld",
     lambda r: edit_ld(r, "shows/s/index.html", drop("url")),
     "shows/s/index.html", r"TVSeries: url missing"),
    ("jsonld: TVEpisode without episodeNumber", "jsonld",
     lambda r: edit_ld(r, "shows/s/1/index.html", drop("episodeNumber")),
     "shows/s/1/index.html", r"has no episodeNumber"),
    ("jsonld: ProfilePage mainEntity not a Person", "jsonld",
     lambda r: edit_ld(r, "guests/g/index.html", ld_set(["mainEntity", "@type"], "Organization")),
     "guests/g/index.html", r"mainEntity is not a Person"),
    ("jsonld: CollectionPage without ItemList or hasPart", "jsonld",
     lambda r: edit_ld(r, "tags/경제/index.html", drop("mainEntity")),
     "tags/경제/index.html", r"neither a mainEntity ItemList nor hasPart"),
    ("jsonld: post page without an article", "jsonld",
     lambda r: edit(r, "posts/a/index.html", re.compile(r'<script type="application/ld\+json">.*?</script>\n', re.S), ""),
     "posts/a/index.html", r"post page has no NewsArticle"),
    # links
    ("links: broken internal link", "links",
     lambda r: edit(r, "posts/a/index.html", '<a href="../../shows/s/1/">', '<a href="../../shows/s/2/">'),
     "posts/a/index.html", r"no built file for /shows/s/2/"),
    ("links: missing same-page fragment", "links",
     lambda r: edit(r, "posts/a/index.html", '<a href="#섹션-1">', '<a href="#섹션-9">'),
     "posts/a/index.html", r"no id '섹션-9' in posts/a/index.html"),
    ("links: missing fragment on another page", "links",
     lambda r: edit(r, "posts/a/index.html", "guests/g/#bio", "guests/g/#career"),
     "posts/a/index.html", r"no id 'career' in guests/g/index.html"),
    ("links: javascript: URL", "links",
     lambda r: edit(r, "shows/s/index.html", 'href="1/"', 'href=" JavaScript:alert(1)"'),
     "shows/s/index.html", r"javascript: URL"),
    ("links: missing image", "links",
     lambda r: delete(r, "images/a.svg"),
     "posts/a/index.html", r"img@src=.*no built file for /images/a\.svg"),
    ("links: absolute same-site link to a missing page", "links",
     lambda r: edit(r, "posts/a/index.html", f'href="{B}posts/b/"', f'href="{B}posts/c/"'),
     "posts/a/index.html", r"no built file for /posts/c/"),
    ("links: wrong percent-encoded path", "links",
     lambda r: edit(r, "index.html", f'href="/tags/{KO}/"', 'href="/tags/%EA%B2%BD%EC%A0%9D/"'),
     "index.html", r"no built file for /tags/"),
    ("links: canonical to a missing page", "links",
     lambda r: edit(r, "shows/s/1/index.html", f'rel="canonical" href="{B}shows/s/1/"', f'rel="canonical" href="{B}shows/s/01/"'),
     "shows/s/1/index.html", r"link@href=.*no built file"),
    ("links: og:image missing", "links",
     lambda r: edit(r, "guests/g/index.html", f'content="{B}images/a.svg"', f'content="{B}images/g.png"'),
     "guests/g/index.html", r"meta\[og:image\].*no built file"),
    ("links: srcset candidate missing", "links",
     lambda r: edit(r, "posts/a/index.html", f"{B}images/a.svg 2x", f"{B}images/a@2x.svg 2x"),
     "posts/a/index.html", r"img@srcset=.*no built file"),
    ("links: feed link in <head> to a missing feed", "links",
     lambda r: delete(r, "atom.xml"),
     "index.html", r"no built file for /atom.xml"),
]

# (name, prefix, variant, checks): runs that must pass
GOOD = [
    ("good site passes every check", "/", None, None),
    ("good site under /blog/ passes every check but html", "/blog/", None, "feeds,sitemap,jsonld,links"),
    ("good site with a sitemap index passes", "/", to_index, "sitemap"),
]


def run_check(root, base, only):
    cmd = [sys.executable, CHECK, root, "--base-url", base, "--max-errors", "0"]
    if only:
        cmd += ["--only", only]
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def run_good(tmp, i, case):
    name, prefix, variant, only = case
    root = os.path.join(tmp, f"good{i}")
    make_good_site(root, prefix)
    if variant:
        variant(root)
    rc, out = run_check(root, HOST + prefix, only)
    if rc == 0 and "check_site: OK" in out:
        return True, f"PASS {name}", ""
    return False, f"FAIL {name}: exit {rc}", out


def run_bad(tmp, good, i, case):
    name, check, mutate, where, expected = case
    root = os.path.join(tmp, f"case{i:02d}")
    shutil.copytree(good, root)
    try:
        mutate(root)
    except Exception as e:  # noqa: BLE001
        return False, f"FAIL {name}: could not break the site: {e}", ""
    rc, out = run_check(root, B, check)
    pat = re.compile(rf"^FAIL {re.escape(check)}: {re.escape(where)}\b.*{expected}", re.M)
    if rc == 1 and pat.search(out):
        line = pat.search(out).group(0)
        return True, f"PASS {name}  <-  {line[:150]}", ""
    why = f"exit {rc}" if rc != 1 else f"no line matching {pat.pattern!r}"
    return False, f"FAIL {name}: {why}", out


def main():
    ap = argparse.ArgumentParser(description="Self-test of check_site.py")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    ap.add_argument("-k", help="only cases whose name contains this")
    ap.add_argument("-j", type=int, default=2, help="parallel runs (default 2)")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="showpress-validate-selftest-")
    good = os.path.join(tmp, "good")
    make_good_site(good)
    jobs = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.j)) as ex:
        for i, case in enumerate(GOOD):
            if not args.k or args.k in case[0]:
                jobs.append(ex.submit(run_good, tmp, i, case))
        for i, case in enumerate(CASES):
            if not args.k or args.k in case[0]:
                jobs.append(ex.submit(run_bad, tmp, good, i, case))
        passed = failed = 0
        for job in jobs:
            ok, line, out = job.result()
            print(line, flush=True)
            if ok:
                passed += 1
            else:
                failed += 1
                for l in out.strip().splitlines()[-25:]:
                    print(f"    | {l}")
    if args.keep:
        print(f"(kept {tmp})")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
