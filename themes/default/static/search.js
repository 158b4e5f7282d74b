/* The search page. Loaded by that page only; Pagefind's script and this language's index are
   fetched from the site itself the first time a reader types or opens a ?q= link. Pagefind picks
   the index from <html lang>, so results are always in the page's language. */
(function () {
  "use strict";
  var form = document.querySelector("[data-search]");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var status = document.querySelector("[data-search-status]");
  var list = document.querySelector("[data-search-results]");
  var more = document.querySelector("[data-search-more]");
  var say = form.dataset;
  var PAGE = 10;
  var engine = null, serial = 0, shown = 0, found = [];

  form.hidden = false;
  document.documentElement.classList.add("has-search");

  /* The index is in shards of years (data-shards, newest first): the first one's script searches,
     and merges the others' indexes of this language. */
  function pagefind() {
    if (!engine) {
      var shards = (say.shards || "").split(" ").filter(Boolean);
      engine = import(say.bundle + (shards[0] || "") + "pagefind.js").then(function (pf) {
        return pf.options({ excerptLength: 24 }).then(function () {
          return Promise.all(shards.slice(1).map(function (shard) { return pf.mergeIndex(say.bundle + shard); }));
        }).then(function () { return pf; });
      });
      engine.catch(function () { engine = null; });
    }
    return engine;
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

  /* Pagefind's excerpt is escaped text with <mark> around the matches: keep exactly that, as text
     and marks of our own. Chinese words come marked piece by piece (小, 红, 书): join touching marks. */
  function excerpt(html) {
    var t = document.createElement("template");
    t.innerHTML = html;
    var out = document.createDocumentFragment();
    t.content.childNodes.forEach(function (node) {
      var last = out.lastChild;
      if (node.nodeName !== "MARK") out.appendChild(document.createTextNode(node.textContent));
      else if (last && last.nodeName === "MARK") last.textContent += node.textContent;
      else {
        var m = document.createElement("mark");
        m.textContent = node.textContent;
        out.appendChild(m);
      }
    });
    return out;
  }

  function item(data) {
    var li = document.createElement("li");
    li.className = "search-result";
    var h = document.createElement("h2");
    var a = document.createElement("a");
    a.href = data.url;
    a.textContent = (data.meta && data.meta.title) || data.url;
    h.appendChild(a);
    li.appendChild(h);
    if (data.meta && data.meta.date) {
      var p = document.createElement("p");
      p.className = "meta";
      p.textContent = data.meta.date;
      li.appendChild(p);
    }
    var ex = document.createElement("p");
    ex.className = "excerpt";
    ex.appendChild(excerpt(data.excerpt || ""));
    li.appendChild(ex);
    return li;
  }

  function showMore(mine) {
    var next = found.slice(shown, shown + PAGE);
    return Promise.all(next.map(function (r) { return r.data(); })).then(function (datas) {
      if (mine !== serial) return;
      datas.forEach(function (d) { list.appendChild(item(d)); });
      shown += next.length;
      more.hidden = shown >= found.length;
    });
  }

  function remember(query) {
    var url = new URL(location.href);
    if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
    history.replaceState(null, "", url.pathname + url.search + url.hash);
  }

  function run(query) {
    var mine = ++serial;
    query = query.trim();
    remember(query);
    if (!query) {
      list.replaceChildren();
      status.textContent = "";
      more.hidden = true;
      return Promise.resolve();
    }
    status.textContent = say.loading;
    return pagefind().then(function (pf) {
      return pf.search(query);
    }).then(function (search) {
      if (mine !== serial) return;
      found = search.results;
      shown = 0;
      list.replaceChildren();
      var n = found.length;
      status.textContent = fill(n === 0 ? say.none : n === 1 ? say.one : say.many, { n: n, query: query });
      return showMore(mine);
    }, function () {
      if (mine === serial) status.textContent = say.failed;
    });
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value); }, 200);
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    clearTimeout(timer);
    run(input.value);
  });
  more.addEventListener("click", function () {
    var first = list.children.length;
    showMore(serial).then(function () {
      var link = list.children[first] && list.children[first].querySelector("a");
      if (link) link.focus();
    });
  });

  /* Arrow keys walk from the field through the results; Escape goes back to the field. */
  function links() { return Array.prototype.slice.call(list.querySelectorAll(".search-result h2 a")); }
  form.parentNode.addEventListener("keydown", function (ev) {
    var all = links(), at = all.indexOf(document.activeElement);
    if (ev.key === "ArrowDown" && (ev.target === input || at >= 0) && all.length) {
      ev.preventDefault();
      all[Math.min(at + 1, all.length - 1)].focus();
    } else if (ev.key === "ArrowUp" && at >= 0) {
      ev.preventDefault();
      if (at === 0) input.focus(); else all[at - 1].focus();
    } else if (ev.key === "Escape" && at >= 0) {
      input.focus();
    }
  });

  var initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
})();
