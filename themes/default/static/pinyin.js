/* The 拼音 toggle of Chinese pages: off by default, remembered per browser. The readings are not in
   the page: its text with ruby (pinyin.json beside it) is fetched only when the toggle is used, so
   the page weighs what it did without pinyin, and feeds, search and copied text never hold them. */
(function () {
  "use strict";
  var KEY = "riji-pinyin";
  var button = document.querySelector(".pinyin-toggle[data-src]");
  var prose = document.querySelector(".prose");
  if (!button || !prose || !window.fetch) return;
  var plain = prose.innerHTML, ruby = null, toc = prose.querySelector("nav.toc");
  function stored() { try { return localStorage.getItem(KEY) === "1"; } catch (e) { return false; } }
  function store(on) { try { localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode */ } }
  /* the readings' HTML has no table of contents, only the mark where it stood: put it back there */
  function placeContents() {
    var marks = document.createTreeWalker(prose, NodeFilter.SHOW_COMMENT), mark;
    while ((mark = marks.nextNode()) && mark.data !== "riji:toc") { /* next */ }
    if (mark) mark.parentNode.replaceChild(toc, mark);
    else prose.insertBefore(toc, prose.firstChild);
  }
  function apply(on) {
    prose.innerHTML = on ? ruby : plain;
    if (on && toc) placeContents();
    document.documentElement.classList.toggle("pinyin", on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
    document.dispatchEvent(new CustomEvent("riji:content", { detail: prose }));  /* for other enhancements */
  }
  function show(on) {
    if (!on || ruby !== null) { apply(on); return; }
    button.disabled = true;
    fetch(button.getAttribute("data-src"))
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { ruby = data.html; apply(true); })
      .catch(function () { /* offline: the text stays as it is */ })
      .then(function () { button.disabled = false; });
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var on = button.getAttribute("aria-pressed") !== "true";
    store(on);
    show(on);
  });
  if (stored()) show(true);
})();
