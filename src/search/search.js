// showpress site search: runs the query in the reader's browser against the index files
// under search/ (see src/search/mod.rs for their layout and src/search/tokenize.rs for how
// text is split into terms; `words` below must split a query by the same rules).
//
// A query word matches every index term it is a prefix of. The index holds every suffix of a
// Hangul word, so a word is found inside compounds and names (연구원 in
// 한국에너지전략연구원, 희덕 in 박희덕) and before particles (반도체 in 반도체의). Every word
// of the query must match. A Hangul word that matches nothing is tried once more without a
// particle at its end (반도체를 → 반도체).
(function () {
  'use strict';

  var script = document.currentScript;
  var base = script.getAttribute('data-index');
  var form = document.getElementById('search-form');
  var input = document.getElementById('search-q');
  var status = document.getElementById('search-status');
  var list = document.getElementById('search-results');
  var more = document.getElementById('search-more');
  var filtersBox = document.getElementById('search-filters');
  var selects = {
    show: document.getElementById('search-show'),
    guest: document.getElementById('search-guest'),
    tag: document.getElementById('search-tag')
  };
  var PAGE = 10;
  var MAX_CHUNKS = 8;
  var HANGUL = /[\uAC00-\uD7A3\u1100-\u11FF\u3130-\u318F]/;
  var RUN = /[\uAC00-\uD7A3\u1100-\u11FF\u3130-\u318F]+|[^\uAC00-\uD7A3\u1100-\u11FF\u3130-\u318F]+/g;
  var WORD = /[\p{Alphabetic}\p{N}]+/gu;
  // Longest first: the first that ends the word is cut.
  var PARTICLES = ['에서는', '에게서', '으로는', '으로서', '으로써', '에서', '에게', '한테', '까지',
    '부터', '처럼', '보다', '이나', '으로', '과', '와', '은', '는', '이', '가', '을', '를', '의',
    '에', '도', '만', '로'];

  var cache = {};
  function get(path, fresh) {
    if (!cache[path]) {
      cache[path] = fetch(base + path, fresh ? { cache: 'no-cache' } : {}).then(function (r) {
        if (!r.ok) { throw new Error(path + ': HTTP ' + r.status); }
        return r.json();
      });
      cache[path].catch(function () { delete cache[path]; });
    }
    return cache[path];
  }

  // meta.json names every other file, by a fingerprint of its bytes. It is read again when
  // the last copy is more than a second old, so a page left open (or `showpress serve`
  // rebuilding behind it) searches the current index.
  var metaPromise = null;
  var metaAt = 0;
  function meta() {
    if (!metaPromise || Date.now() - metaAt > 1000) {
      delete cache['meta.json'];
      metaAt = Date.now();
      metaPromise = get('meta.json', true).then(function (m) {
        if (m.format !== 1) { throw new Error('index format ' + m.format); }
        return m;
      });
      metaPromise.catch(function () { metaPromise = null; });
    }
    return metaPromise;
  }

  // The query's words: letters and digits, lowercased, cut where Hangul meets other letters.
  function words(q) {
    var out = [];
    var runs = q.normalize('NFC').toLowerCase().match(WORD) || [];
    runs.forEach(function (run) {
      (run.match(RUN) || []).forEach(function (w) {
        if (out.indexOf(w) < 0) { out.push(w); }
      });
    });
    return out;
  }

  function withoutParticle(w) {
    if (!HANGUL.test(w)) { return null; }
    for (var i = 0; i < PARTICLES.length; i++) {
      var p = PARTICLES[i];
      if (w.length - p.length >= 2 && w.slice(-p.length) === p) { return w.slice(0, -p.length); }
    }
    return null;
  }

  // Indexes of the chunks that can hold terms starting with `w`.
  function chunksFor(m, w) {
    var c = m.chunks;
    var lo = 0;
    var hi = c.length - 1;
    var first = 0;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (c[mid][0] <= w) { first = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    var end = w + '\uffff';
    var out = [];
    for (var i = first; i < c.length && c[i][0] < end && out.length < MAX_CHUNKS; i++) {
      out.push(i);
    }
    return out;
  }

  // doc id → score for one word: the weights of every term it starts, a whole word twice.
  function lookup(m, w) {
    return Promise.all(chunksFor(m, w).map(function (i) { return get(m.chunks[i][1]); }))
      .then(function (chunks) {
        var scores = new Map();
        chunks.forEach(function (entries) {
          var lo = 0;
          var hi = entries.length;
          while (lo < hi) {
            var mid = (lo + hi) >> 1;
            if (entries[mid][0] < w) { lo = mid + 1; } else { hi = mid; }
          }
          for (var k = lo; k < entries.length && entries[k][0].lastIndexOf(w, 0) === 0; k++) {
            var bonus = entries[k][0] === w ? 2 : 1;
            var p = entries[k][1];
            var id = 0;
            for (var j = 0; j < p.length; j += 2) {
              id += p[j];
              scores.set(id, (scores.get(id) || 0) + p[j + 1] * bonus);
            }
          }
        });
        return scores;
      });
  }

  // The words as searched (particles cut where that was needed), and doc id → score.
  function run(q) {
    var ws = words(q);
    if (!ws.length) { return Promise.resolve({ words: [], scores: new Map() }); }
    return meta().then(function (m) {
      return Promise.all(ws.map(function (w) {
        return lookup(m, w).then(function (s) {
          var bare = withoutParticle(w);
          if (s.size || !bare) { return { word: w, scores: s }; }
          return lookup(m, bare).then(function (s2) { return { word: bare, scores: s2 }; });
        });
      }));
    }).then(function (found) {
      var total = null;
      found.forEach(function (f) {
        if (total === null) { total = new Map(f.scores); return; }
        var next = new Map();
        total.forEach(function (score, id) {
          if (f.scores.has(id)) { next.set(id, score + f.scores.get(id)); }
        });
        total = next;
      });
      return { words: found.map(function (f) { return f.word; }), scores: total || new Map() };
    });
  }

  function option(select, value, label) {
    var o = document.createElement('option');
    o.value = value;
    o.textContent = label;
    select.appendChild(o);
    return o;
  }

  // Fills one filter with the values the results have, most common first.
  function fill(select, names, counts, chosen) {
    var keep = select.options[0];
    select.textContent = '';
    select.appendChild(keep);
    var ids = Array.from(counts.keys()).sort(function (a, b) {
      return counts.get(b) - counts.get(a) || (names[a] < names[b] ? -1 : 1);
    });
    ids.forEach(function (i) {
      option(select, names[i], names[i] + ' (' + counts.get(i) + ')');
    });
    if (chosen && !ids.some(function (i) { return names[i] === chosen; })) {
      option(select, chosen, chosen + ' (0)');
    }
    select.value = chosen || '';
  }

  function count(map, key) { map.set(key, (map.get(key) || 0) + 1); }

  // Text with every occurrence of the words marked, as DOM nodes.
  function marked(parent, text, ws) {
    var lower = text.toLowerCase();
    var at = lower.length === text.length ? lower : null;
    var pos = 0;
    while (at !== null) {
      var best = -1;
      var len = 0;
      ws.forEach(function (w) {
        var i = at.indexOf(w, pos);
        if (i >= 0 && (best < 0 || i < best)) { best = i; len = w.length; }
      });
      if (best < 0) { break; }
      parent.appendChild(document.createTextNode(text.slice(pos, best)));
      var m = document.createElement('mark');
      m.textContent = text.slice(best, best + len);
      parent.appendChild(m);
      pos = best + len;
    }
    parent.appendChild(document.createTextNode(text.slice(pos)));
  }

  // Up to 160 characters of the text around the first word found.
  function excerpt(text, ws) {
    var lower = text.toLowerCase();
    var first = -1;
    ws.forEach(function (w) {
      var i = lower.indexOf(w);
      if (i >= 0 && (first < 0 || i < first)) { first = i; }
    });
    var start = first > 60 ? first - 60 : 0;
    if (start > 0) {
      var space = text.lastIndexOf(' ', start);
      if (space > start - 20) { start = space + 1; }
    }
    var end = Math.min(text.length, start + 160);
    return (start > 0 ? '…' : '') + text.slice(start, end).replace(/\s+/g, ' ') +
      (end < text.length ? '…' : '');
  }

  function item(doc, ws) {
    var li = document.createElement('li');
    li.className = 'search-result';
    var h = document.createElement('h2');
    var a = document.createElement('a');
    a.href = doc.url;
    marked(a, doc.title, ws);
    h.appendChild(a);
    li.appendChild(h);
    var meta = document.createElement('p');
    meta.className = 'meta';
    meta.textContent = (doc.show ? doc.show + ' · ' : '') + doc.date;
    li.appendChild(meta);
    var p = document.createElement('p');
    p.className = 'excerpt';
    marked(p, excerpt(doc.text, ws), ws);
    li.appendChild(p);
    return li;
  }

  var state = { seq: 0, ids: [], shown: 0, words: [], docs: null };

  function showMore(seq) {
    var next = state.ids.slice(state.shown, state.shown + PAGE);
    state.shown += next.length;
    more.hidden = state.shown >= state.ids.length;
    var d = state.docs;
    return Promise.all(next.map(function (id) {
      var shard = Math.floor(id / d.per_shard);
      return get('doc/' + d.shards[shard] + '.json').then(function (docs) {
        return docs[id - shard * d.per_shard];
      });
    })).then(function (frags) {
      if (seq !== state.seq) { return; }
      frags.forEach(function (doc) { list.appendChild(item(doc, state.words)); });
    });
  }

  function chosen() {
    return { show: selects.show.value, guest: selects.guest.value, tag: selects.tag.value };
  }

  function remember(q, f) {
    var params = new URLSearchParams();
    if (q) { params.set('q', q); }
    ['show', 'guest', 'tag'].forEach(function (k) { if (f[k]) { params.set(k, f[k]); } });
    var s = params.toString();
    history.replaceState(null, '', location.pathname + (s ? '?' + s : ''));
  }

  // The page no longer shows the query in `data-query` in full: a new one is typed or chosen.
  function pending() { status.removeAttribute('data-query'); }

  // A file named by an older meta.json can be gone (the site was rebuilt): try once more
  // with the current one.
  function search() {
    return attempt().catch(function () {
      metaPromise = null;
      return attempt();
    }).catch(function (e) {
      status.textContent = '검색 색인을 불러오지 못했습니다. (' + e.message + ')';
    });
  }

  function attempt() {
    var q = input.value.trim();
    var f = chosen();
    var seq = ++state.seq;
    pending();
    remember(q, f);
    if (!words(q).length) {
      list.textContent = '';
      more.hidden = true;
      filtersBox.hidden = true;
      status.textContent = '';
      status.setAttribute('data-query', '');
      return Promise.resolve();
    }
    return meta().then(function (m) {
      return Promise.all([run(q), get(m.docs)]);
    }).then(function (r) {
      if (seq !== state.seq) { return; }
      var found = r[0];
      var d = r[1];
      state.docs = d;
      state.words = found.words;
      var counts = { show: new Map(), guest: new Map(), tag: new Map() };
      var ids = [];
      found.scores.forEach(function (score, id) {
        var row = d.docs[id];
        var ok = (!f.show || (row[0] >= 0 && d.shows[row[0]] === f.show)) &&
          (!f.guest || row[1].some(function (g) { return d.guests[g] === f.guest; })) &&
          (!f.tag || row[2].some(function (t) { return d.tags[t] === f.tag; }));
        if (row[0] >= 0) { count(counts.show, row[0]); }
        row[1].forEach(function (g) { count(counts.guest, g); });
        row[2].forEach(function (t) { count(counts.tag, t); });
        if (ok) { ids.push(id); }
      });
      // Ids count up from the oldest post: newer first among equals.
      ids.sort(function (a, b) { return found.scores.get(b) - found.scores.get(a) || b - a; });
      fill(selects.show, d.shows, counts.show, f.show);
      fill(selects.guest, d.guests, counts.guest, f.guest);
      fill(selects.tag, d.tags, counts.tag, f.tag);
      filtersBox.hidden = found.scores.size === 0;
      state.ids = ids;
      state.shown = 0;
      list.textContent = '';
      // Found, but none with the filters chosen: say so, not that nothing matches.
      status.textContent = ids.length
        ? '‘' + q + '’ 검색 결과 ' + ids.length + '건'
        : found.scores.size
          ? '‘' + q + '’ 검색 결과 ' + found.scores.size + '건 가운데 고른 조건에 맞는 글이 없습니다.'
          : '‘' + q + '’와(과) 일치하는 글이 없습니다.';
      return showMore(seq);
    }).then(function () {
      // Tests (and anyone curious) can see which query the page shows in full.
      if (seq === state.seq) { status.setAttribute('data-query', q); }
    });
  }

  var timer = 0;
  input.addEventListener('input', function () {
    pending();
    clearTimeout(timer);
    timer = setTimeout(search, 120);
  });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    clearTimeout(timer);
    search();
  });
  Object.keys(selects).forEach(function (k) {
    selects[k].addEventListener('change', search);
  });
  more.addEventListener('click', function () { showMore(state.seq); });

  var params = new URLSearchParams(location.search);
  Object.keys(selects).forEach(function (k) {
    var v = params.get(k);
    if (v) { option(selects[k], v, v).selected = true; }
  });
  input.value = params.get('q') || '';
  search();
})();
