"""Live reload over Server-Sent Events: the script injected into preview pages and the channel that
tells open tabs to update, swap a stylesheet or show the build's errors.

Every state message carries the token of the build being served; a page knows the token it was built
with, so a tab that missed a message (opened mid-rebuild, reconnected after a restart) still catches up.
Every HTML page is served with its build's token in BUILD_HEADER, so a tab that fetches the new
version of its page knows which build it got. A tab updates itself in place where it safely can (see
the script) and reloads otherwise: a reload costs the writer their place in the page and ~80 ms of
navigation, most of the time from a save to the screen.
"""
from __future__ import annotations

import json
import queue
import threading
from html import escape

from ..constants import FINGERPRINT

PREFIX = "/__riji/"  # reserved: the preview answers these paths itself, whatever the site holds
SCRIPT_PATH = PREFIX + "livereload.js"
EVENTS_PATH = PREFIX + "events"
STATUS_PATH = PREFIX + "status"
BUILD_HEADER = "X-Riji-Build"


def script_tag(token: str) -> str:
    return f'<script src="{SCRIPT_PATH}" data-riji-build="{escape(token)}" async></script>'


def sse_message(data: dict, event: str = "state") -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode("utf-8")


class Channel:
    """The open tabs: one queue per SSE connection, with the page each tab shows."""

    def __init__(self):
        self.lock = threading.Lock()
        self.clients: dict[queue.SimpleQueue, str] = {}
        self.closed = threading.Event()

    def subscribe(self, page: str) -> queue.SimpleQueue:
        q: queue.SimpleQueue = queue.SimpleQueue()
        with self.lock:
            self.clients[q] = page
        return q

    def unsubscribe(self, q: queue.SimpleQueue) -> None:
        with self.lock:
            self.clients.pop(q, None)

    def pages(self) -> list[str]:
        with self.lock:
            return sorted(set(self.clients.values()))

    def publish(self, message: bytes) -> None:
        with self.lock:
            for q in self.clients:
                q.put(message)

    def close(self) -> None:
        """Wake every stream so its thread ends now rather than at its next keep-alive."""
        self.closed.set()
        with self.lock:
            for q in self.clients:
                q.put(None)


SCRIPT = r"""/* riji serve: live reload. Injected by the preview only; `riji build` output never has it. */
(function () {
  "use strict";
  if (window.__rijiLive) return;
  window.__rijiLive = true;
  var me = document.currentScript;
  var build = me ? me.getAttribute("data-riji-build") : "";
  var FINGERPRINT = /__FINGERPRINT__(?=\.css$)/;
  var overlay = null;

  function hide() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  function show(errors) {
    hide();
    overlay = document.createElement("div");
    overlay.id = "riji-error-overlay";
    overlay.setAttribute("role", "alert");
    overlay.setAttribute("aria-live", "assertive");
    overlay.setAttribute("lang", "en");
    overlay.style.cssText = "position:fixed;inset:0 0 auto 0;z-index:2147483647;max-height:70vh;" +
      "overflow:auto;margin:0;padding:1rem 1.25rem;background:#2b0b0e;color:#ffe9e9;" +
      "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;" +
      "border-bottom:4px solid #ff5c5c;box-shadow:0 4px 24px rgba(0,0,0,.5);text-align:left";
    var title = document.createElement("h2");
    title.textContent = "riji: the build failed (showing the last good build)";
    title.style.cssText = "margin:0 0 .5rem;font:bold 15px/1.4 inherit;color:#fff";
    overlay.appendChild(title);
    var list = document.createElement("ul");
    list.style.cssText = "margin:0;padding:0 0 0 1.25rem";
    errors.forEach(function (e) {
      var item = document.createElement("li");
      var where = document.createElement("code");
      where.textContent = e.line ? e.path + ":" + e.line : e.path;
      where.style.cssText = "color:#ffb4b4;font:inherit";
      item.appendChild(where);
      item.appendChild(document.createTextNode(": " + e.message));
      list.appendChild(item);
    });
    overlay.appendChild(list);
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Dismiss";
    close.style.cssText = "margin-top:.75rem;font:inherit;cursor:pointer";
    close.addEventListener("click", hide);
    overlay.appendChild(close);
    (document.body || document.documentElement).appendChild(overlay);
  }

  /* Things to know that do not stop the build (translations that fell behind): a small note in
     a corner, never the error overlay, gone when there is nothing to say. */
  var note = null;
  function notices(lines) {
    if (note) { note.remove(); note = null; }
    var key = lines.join("\n"), seen = "";
    try { seen = sessionStorage.getItem("riji-notice") || ""; } catch (e) {}
    if (!lines.length || seen === key) return;
    note = document.createElement("div");
    note.id = "riji-notice";
    note.setAttribute("role", "status");
    note.setAttribute("lang", "en");
    note.style.cssText = "position:fixed;right:.75rem;bottom:.75rem;z-index:2147483646;max-width:min(26rem,calc(100vw - 1.5rem));" +
      "padding:.6rem .8rem;background:#fff8db;color:#3d3200;border:1px solid #d9b700;border-radius:6px;" +
      "font:13px/1.45 system-ui,sans-serif;box-shadow:0 2px 12px rgba(0,0,0,.25);text-align:left";
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      p.style.margin = "0 0 .35rem";
      note.appendChild(p);
    });
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Dismiss";
    close.style.cssText = "font:inherit;cursor:pointer";
    close.addEventListener("click", function () {
      try { sessionStorage.setItem("riji-notice", key); } catch (e) {}
      notices([]);
    });
    note.appendChild(close);
    (document.body || document.documentElement).appendChild(note);
  }

  function swapStyles(hrefs) {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var old = links[i];
      var url = new URL(old.href, location.href);
      if (url.origin !== location.origin) continue;
      var next = hrefs[url.pathname.replace(FINGERPRINT, "")];
      if (!next || next === url.pathname + url.search) continue;
      var fresh = old.cloneNode();
      fresh.href = next;
      fresh.addEventListener("load", (function (o) { return function () { o.remove(); }; })(old));
      old.after(fresh);  /* the old sheet stays until the new one has loaded: no flash */
    }
  }

  /* In place: the new build's HTML of this page is compared with the HTML this page was built
     from (its source, not the live DOM, which the theme's scripts have changed since), and only
     what differs is changed in the live DOM. What is equal in both sources is left alone, so an
     enhanced player outside the edit stays as it is, and so do the reader's place and focus.
     Whenever that is in doubt, the page reloads instead. */
  var GUARDED = "script,audio,video,iframe,form";  /* enhanced by scripts, or holding state */

  function Doubt(why) { this.why = why; }

  /* this page as the server has it now: a parsed Document if it is of the build `token`, else null */
  function load(token) {
    return fetch(location.href, {cache: "no-store", credentials: "same-origin"}).then(function (r) {
      var type = r.headers.get("Content-Type") || "";
      if (r.status !== 200 || r.redirected || type.indexOf("text/html") !== 0 ||
          r.headers.get("__BUILD_HEADER__") !== token) return null;
      return r.text().then(function (html) { return new DOMParser().parseFromString(html, "text/html"); });
    }).catch(function () { return null; });
  }

  function ours(node) {  /* what this script adds or is: never part of the comparison */
    return node.nodeType === 1 && (node.id === "riji-error-overlay" || node.id === "riji-notice" ||
      (node.nodeName === "SCRIPT" && node.getAttribute("src") === "__SCRIPT_PATH__"));
  }
  function kids(node) {
    return Array.prototype.filter.call(node.childNodes, function (c) { return !ours(c); });
  }
  function sameAttributes(a, b) {
    if (a.attributes.length !== b.attributes.length) return false;
    for (var i = 0; i < a.attributes.length; i++) {
      var x = a.attributes[i];
      if (b.getAttributeNS(x.namespaceURI, x.localName) !== x.value) return false;
    }
    return true;
  }
  /* a node that may be taken out or put in: in the head only the title and meta; elsewhere
     nothing that a script enhances or that holds state */
  function movable(node, head) {
    if (head ? !/^(META|TITLE|#text|#comment)$/.test(node.nodeName)
             : node.nodeType === 1 && (node.matches(GUARDED) || node.querySelector(GUARDED))) {
      throw new Doubt("a change to " + node.nodeName.toLowerCase());
    }
  }
  function untouched(live, old, head) {  /* a live node to replace: just as the source had it */
    movable(old, head);
    if (!live.isEqualNode(old)) throw new Doubt("a node a script changed");
  }

  /* the changes that turn `live` (mirroring `old`) into `fresh`, pushed onto `ops` as functions:
     nothing is touched before every change is known to be safe */
  function children(live, old, fresh, ops, head) {
    var L = kids(live), O = kids(old), N = kids(fresh), s = 0, e = 0;
    while (s < O.length && s < N.length && O[s].isEqualNode(N[s])) s++;
    while (e < O.length - s && e < N.length - s && O[O.length - 1 - e].isEqualNode(N[N.length - 1 - e])) e++;
    var o = O.slice(s, O.length - e), n = N.slice(s, N.length - e);
    if (!o.length && !n.length) return;
    if (L.length !== O.length || L.some(function (x, i) { return x.nodeName !== O[i].nodeName; })) {
      throw new Doubt("the page's structure was changed by a script");
    }
    var l = L.slice(s, L.length - e);
    if (o.length === n.length) {
      for (var i = 0; i < o.length; i++) node(l[i], o[i], n[i], ops, head);
      return;
    }
    o.forEach(function (x, i) { untouched(l[i], x, head); });
    n.forEach(function (x) { movable(x, head); });
    var before = e ? L[L.length - e] : null;
    ops.push(function () {
      l.forEach(function (x) { x.remove(); });
      n.forEach(function (x) { live.insertBefore(document.importNode(x, true), before); });
    });
  }
  function node(live, old, fresh, ops, head) {
    if (old.isEqualNode(fresh)) return;
    if (old.nodeType === 1 && old.nodeName === fresh.nodeName && sameAttributes(old, fresh) &&
        !old.matches(GUARDED) && (!head || old.nodeName === "TITLE")) {
      return children(live, old, fresh, ops, head);
    }
    if (old.nodeType === 3 && fresh.nodeType === 3) {
      if (live.data !== old.data) throw new Doubt("a text a script changed");
      ops.push(function () { live.data = fresh.data; });
      return;
    }
    untouched(live, old, head);
    movable(fresh, head);
    ops.push(function () { live.replaceWith(document.importNode(fresh, true)); });
  }

  function patch(old, fresh) {
    if (!sameAttributes(old.documentElement, fresh.documentElement)) throw new Doubt("<html> changed");
    var ops = [];
    children(document.head, old.head, fresh.head, ops, true);
    node(document.body, old.body, fresh.body, ops, false);
    ops.forEach(function (op) { op(); });
    document.title = fresh.title;
    /* for a theme's script that keeps a copy of what it enhanced (the pinyin toggle) */
    document.dispatchEvent(new CustomEvent("riji:patched"));
  }

  var shown = build ? load(build) : Promise.resolve(null);  /* the HTML of the build shown */
  var latest = null, wanted = null, busy = false;

  function update(target) {
    wanted = target;
    if (busy) return;
    busy = true;
    shown.then(function (old) {
      if (!old) throw new Doubt("no source of the page shown");
      return load(target).then(function (fresh) {
        if (!fresh) throw new Doubt("the page of build " + target + " could not be fetched");
        patch(old, fresh);
        build = target;
        shown = Promise.resolve(fresh);
        if (me) me.setAttribute("data-riji-build", build);
        busy = false;
        if (latest.ok) hide();
        if (wanted !== build) update(wanted);
      });
    }).catch(function (err) {
      if (window.console) console.debug("riji: reloading:", err instanceof Doubt ? err.why : err);
      location.reload();
    });
  }

  function onState(state) {
    latest = state;
    if (!state.ok) { show(state.errors || []); return; }
    notices(state.notices || []);
    if (state.build === build) { hide(); return; }
    if (busy) { wanted = state.build; return; }
    if (state.kind === "css" && state.from === build) {
      swapStyles(state.hrefs || {});
      build = state.build;
      shown = load(build);
      hide();
      return;
    }
    if (!window.fetch || !window.DOMParser) { location.reload(); return; }
    update(state.build);
  }

  if (!window.EventSource) return;
  var source = null;
  function connect() {
    source = new EventSource("__EVENTS__?page=" + encodeURIComponent(location.pathname));
    source.addEventListener("state", function (ev) { onState(JSON.parse(ev.data)); });
  }
  connect();
  /* closed on leaving, so the page can enter the back/forward cache; coming back catches up */
  window.addEventListener("pagehide", function () { if (source) { source.close(); source = null; } });
  window.addEventListener("pageshow", function (ev) { if (ev.persisted && !source) connect(); });
})();
""".replace("__EVENTS__", EVENTS_PATH).replace("__SCRIPT_PATH__", SCRIPT_PATH).replace(
    "__BUILD_HEADER__", BUILD_HEADER).replace("__FINGERPRINT__", FINGERPRINT).encode("utf-8")
