/* Enhancement only: every link works without it. Remembers the reader's language choice and,
   on the bare site root, takes a first-time reader to the language their browser prefers. */
(function () {
  "use strict";
  var KEY = "riji-lang";
  function store(code) { try { localStorage.setItem(KEY, code); } catch (e) { /* private mode */ } }
  function stored() { try { return localStorage.getItem(KEY); } catch (e) { return null; } }
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest(".lang-switch a[data-lang]");
    if (a) store(a.getAttribute("data-lang"));
  });
  if (document.body.hasAttribute("data-root")) {
    var links = document.querySelectorAll(".lang-switch a[data-lang]");
    var want = stored();
    var prefs = want ? [want] : (navigator.languages || [navigator.language || ""]);
    for (var i = 0; i < prefs.length; i++) {
      var code = String(prefs[i]).toLowerCase().split("-")[0];
      if (code === document.documentElement.lang.toLowerCase().split("-")[0]) return;
      for (var j = 0; j < links.length; j++) {
        if (links[j].getAttribute("data-lang") === code) { location.replace(links[j].href); return; }
      }
    }
  }
})();
