// showpress live reload: served only by `showpress serve`, never written by `build`.
(() => {
  const me = document.currentScript;
  let build = me.dataset.build;
  const key = "__showpress_scroll:" + location.pathname;

  // Put the reader back where they were before the reload.
  const saved = sessionStorage.getItem(key);
  if (saved) {
    sessionStorage.removeItem(key);
    const [x, y] = JSON.parse(saved);
    const restore = () => window.scrollTo(x, y);
    restore();
    window.addEventListener("load", restore);
  }

  const reload = () => {
    sessionStorage.setItem(key, JSON.stringify([window.scrollX, window.scrollY]));
    location.reload();
  };

  // Swap every stylesheet for a fresh copy; remove the old one only once the new one loaded,
  // so the page never flashes unstyled.
  const swapCss = () => {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      if (url.origin !== location.origin) continue;
      url.searchParams.set("__showpress", Date.now());
      const fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.addEventListener("load", () => link.remove());
      link.after(fresh);
    }
  };

  const events = new EventSource("/__showpress/events");
  // On every (re)connection the server says which build it serves: a page from another build
  // (a save while disconnected, a restarted server) reloads.
  events.addEventListener("hello", (e) => { if (e.data !== build) reload(); });
  events.addEventListener("reload", (e) => { if (e.data !== build) reload(); });
  events.addEventListener("css", (e) => {
    // A page still showing an error overlay needs the whole new page.
    if (document.getElementById("__showpress-overlay")) return reload();
    build = e.data;
    swapCss();
  });
})();
