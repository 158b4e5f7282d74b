/* The 拼音 toggle of Chinese pages: off by default, remembered per browser. The readings are not in
   the page: pinyin.json beside it (the Han runs of the text, in order, each with its readings) is
   fetched only when the toggle is used, so the page weighs what it did without pinyin, and feeds,
   search and copied text never hold them. The readings go over the page's own text as ruby, one
   per character, skipping what the build skipped: code, existing ruby, and the table of contents. */
(function () {
  "use strict";
  var KEY = "riji-pinyin";
  var SKIP = /^(CODE|PRE|KBD|SAMP|VAR|TT|SCRIPT|STYLE|TEXTAREA|SVG|MATH|TEMPLATE|RUBY|RT|RP)$/;
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}]+/gu;
  var HAS_HAN = new RegExp(HAN.source, "u");
  var button = document.querySelector(".pinyin-toggle[data-src]");
  var prose = document.querySelector(".prose");
  if (!button || !prose || !window.fetch) return;
  var plain = prose.innerHTML, ruby = null;
  function stored() { try { return localStorage.getItem(KEY) === "1"; } catch (e) { return false; } }
  function store(on) { try { localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode */ } }
  function skipped(node) {
    for (var el = node.parentNode; el && el !== prose; el = el.parentNode) {
      if (SKIP.test(el.nodeName.toUpperCase()) || (el.nodeName === "NAV" && el.classList.contains("toc"))) return true;
    }
    return false;
  }
  function rubyOf(run, readings) {
    var out = document.createDocumentFragment(), chars = Array.from(run);
    chars.forEach(function (ch, i) {
      if (!readings[i]) { out.appendChild(document.createTextNode(ch)); return; }
      var r = document.createElement("ruby"), rt = document.createElement("rt");
      r.appendChild(document.createTextNode(ch));
      rt.setAttribute("data-py", readings[i]);
      r.appendChild(rt);
      out.appendChild(r);
    });
    return out;
  }
  /* the page's runs match the file's in order; a run that does not (an edited page, a cached file)
     stays as it is, and the next one is looked for a little further on */
  function annotate(data) {
    var walker = document.createTreeWalker(prose, NodeFilter.SHOW_TEXT), nodes = [], node, at = 0;
    while ((node = walker.nextNode())) if (HAS_HAN.test(node.data) && !skipped(node)) nodes.push(node);
    nodes.forEach(function (text) {
      var out = document.createDocumentFragment(), last = 0, m;
      HAN.lastIndex = 0;
      while ((m = HAN.exec(text.data))) {
        var found = data.han.indexOf(m[0], at);
        if (found < 0 || found > at + 8) continue;
        out.appendChild(document.createTextNode(text.data.slice(last, m.index)));
        var readings = data.py[found].split(" ");
        out.appendChild(readings.length === Array.from(m[0]).length ? rubyOf(m[0], readings) : document.createTextNode(m[0]));
        last = m.index + m[0].length;
        at = found + 1;
      }
      if (last === 0) return;
      out.appendChild(document.createTextNode(text.data.slice(last)));
      text.parentNode.replaceChild(out, text);
    });
    return prose.innerHTML;
  }
  function apply(on) {
    prose.innerHTML = on ? ruby : plain;
    document.documentElement.classList.toggle("pinyin", on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
    document.dispatchEvent(new CustomEvent("riji:content", { detail: prose }));  /* for other enhancements */
  }
  function show(on) {
    if (!on || ruby !== null) { apply(on); return; }
    button.disabled = true;
    fetch(button.getAttribute("data-src"))
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { prose.innerHTML = plain; ruby = annotate(data); apply(true); })
      .catch(function () { /* offline: the text stays as it is */ })
      .then(function () { button.disabled = false; });
  }
  function toggle() {
    var on = button.getAttribute("aria-pressed") !== "true";
    store(on);
    show(on);
  }
  function bind() {
    button.hidden = false;
    button.addEventListener("click", toggle);
  }
  bind();
  if (stored()) show(true);
  /* `riji serve` changed the page in place: the plain text is the new one, and the readings are
     fetched again when asked for; while they are shown, the copy kept cannot be trusted, so the
     page loads again */
  document.addEventListener("riji:patched", function () {
    if (button.getAttribute("aria-pressed") === "true") { location.reload(); return; }
    var b = document.querySelector(".pinyin-toggle[data-src]"), p = document.querySelector(".prose");
    if (!b || !p) return;
    if (b !== button) { button = b; bind(); }
    prose = p;
    plain = prose.innerHTML;
    ruby = null;
  });
})();
