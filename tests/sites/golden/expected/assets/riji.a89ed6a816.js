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
    /* a chapter link opens the recording at that time; with the player here, seek it instead */
    var chapter = ev.target.closest && ev.target.closest(".chapters a[data-start]");
    var player = chapter && chapter.closest("figure") && chapter.closest("figure").querySelector("audio");
    if (player) {
      ev.preventDefault();
      player.currentTime = parseFloat(chapter.getAttribute("data-start"));
      player.play();
    }
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
