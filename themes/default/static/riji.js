/* Enhancement only: every page works without it. Remembers the reader's language and colour
   scheme, takes a first-time reader on the bare site root to the language their browser prefers,
   and turns a post's plain audio player into one made for listening. */
(function () {
  "use strict";
  var root = document.documentElement;
  function load(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }
  function save(key, value) {
    try {
      if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, value);
    } catch (e) { /* private mode, or storage full: the choice lasts for this page only */ }
  }
  function each(selector, fn, scope) { Array.prototype.forEach.call((scope || document).querySelectorAll(selector), fn); }

  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest(".lang-switch a[data-lang]");
    if (a) save("riji-lang", a.getAttribute("data-lang"));
  });
  /* "/" goes to the search field, as on many sites; in a field it still types a "/" */
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented) return;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var field = document.querySelector("input[type=search][name=q]");
    if (field && field.offsetParent !== null) {
      ev.preventDefault();
      field.focus();
      field.select();
    }
  });

  /* zh-TW -> zh-tw, zh-hant, zh: the exact tag first, then the script its region writes, then
     the bare language, so a reader in Taipei lands on Traditional Chinese when the site has it */
  function forms(tag) {
    var t = String(tag).toLowerCase(), base = t.split("-")[0], out = [t];
    if (base === "zh") out.push(/-(hant|tw|hk|mo)(-|$)/.test(t) ? "zh-hant" : "zh-hans");
    out.push(base);
    return out;
  }
  function chooseLanguage() {
    var links = document.querySelectorAll(".lang-switch a[data-lang]");
    var want = load("riji-lang");
    var prefs = want ? [want] : (navigator.languages || [navigator.language || ""]);
    var here = forms(root.lang);
    for (var i = 0; i < prefs.length; i++) {
      var tries = forms(prefs[i]);
      for (var k = 0; k < tries.length; k++) {
        if (here.indexOf(tries[k]) === 0) return;  /* the page is already in that language */
        for (var j = 0; j < links.length; j++) {
          var a = links[j], names = [a.getAttribute("data-lang"), a.getAttribute("hreflang") || ""];
          if (names.join(" ").toLowerCase().split(" ").indexOf(tries[k]) >= 0) { location.replace(a.href); return; }
        }
      }
    }
  }
  if (document.body.hasAttribute("data-root")) chooseLanguage();

  /* Colour scheme. The inline script in <head> applies a stored choice before the first paint;
     this button cycles system -> light -> dark and remembers the choice. */
  var MODES = ["system", "light", "dark"];
  each(".theme-toggle", function (button) {
    function show(mode) {
      var label = button.getAttribute("data-label") + button.getAttribute("data-" + mode);
      button.setAttribute("data-mode", mode);
      button.querySelector(".visually-hidden").textContent = label;
      button.title = label;
    }
    show(root.getAttribute("data-theme") || "system");
    button.hidden = false;
    button.addEventListener("click", function () {
      var mode = MODES[(MODES.indexOf(button.getAttribute("data-mode")) + 1) % MODES.length];
      if (mode === "system") root.removeAttribute("data-theme"); else root.setAttribute("data-theme", mode);
      save("riji-theme", mode === "system" ? null : mode);
      show(mode);
    });
  });

  /* The player: chapters that seek and follow the playback, speed, skips, and the place a
     reader stopped, kept per episode. */
  function clock(t) { t = Math.floor(t); return Math.floor(t / 60) + ":" + ("0" + t % 60).slice(-2); }
  each("figure.audio", function (figure) {
    var audio = figure.querySelector("audio");
    var live = figure.querySelector(".now-playing");
    var controls = figure.querySelector(".player-controls");
    if (!audio || !controls) return;
    var key = "riji-position:" + audio.getAttribute("data-episode");
    function seek(t) {
      var end = isFinite(audio.duration) ? audio.duration : t;
      audio.currentTime = Math.max(0, Math.min(t, end));
    }
    function say(text) { if (live) live.textContent = text; }

    var chapters = [];
    each(".chapters li[data-start]", function (li) {
      var start = parseFloat(li.getAttribute("data-start"));
      var button = document.createElement("button");
      button.type = "button";
      button.className = "chapter";
      while (li.firstChild) button.appendChild(li.firstChild);
      li.appendChild(button);
      button.addEventListener("click", function () { seek(start); audio.play(); });
      chapters.push({li: li, start: start, title: li.querySelector(".chapter-title").textContent});
    }, figure);
    var current = null;
    function follow() {
      var now = null;
      for (var i = 0; i < chapters.length; i++) if (chapters[i].start <= audio.currentTime + 0.25) now = chapters[i];
      if (now === current) return;
      if (current) { current.li.classList.remove("current"); current.li.removeAttribute("aria-current"); }
      if (now) {
        now.li.classList.add("current");
        now.li.setAttribute("aria-current", "true");
        if (!audio.paused) say(live.getAttribute("data-prefix") + now.title);
      }
      current = now;
    }

    var rates = figure.querySelectorAll("[data-rate]");
    function rate(value) {
      audio.defaultPlaybackRate = audio.playbackRate = value;
      each("[data-rate]", function (b) {
        b.setAttribute("aria-pressed", String(parseFloat(b.getAttribute("data-rate")) === value));
      }, figure);
    }
    each("[data-rate]", function (b) {
      b.addEventListener("click", function () {
        var value = parseFloat(b.getAttribute("data-rate"));
        rate(value);
        save("riji-rate", String(value));
      });
    }, figure);
    var stored = parseFloat(load("riji-rate"));
    if (rates.length && stored > 0) rate(stored);
    each("[data-skip]", function (b) {
      b.addEventListener("click", function () { seek(audio.currentTime + parseFloat(b.getAttribute("data-skip"))); });
    }, figure);
    controls.hidden = false;

    var saved = 0;
    function remember() {
      var t = audio.currentTime;
      if (audio.ended || t < 1) save(key, null); else save(key, t.toFixed(1));
      saved = t;
    }
    function resume() {
      var t = parseFloat(load(key));
      if (t > 0 && (!isFinite(audio.duration) || t < audio.duration - 1)) {
        saved = t;
        seek(t);
        say(live.getAttribute("data-resumed").replace("{time}", clock(t)));
      }
      follow();
    }
    if (audio.readyState >= 1) resume(); else audio.addEventListener("loadedmetadata", resume, {once: true});
    audio.addEventListener("timeupdate", function () {
      follow();
      if (Math.abs(audio.currentTime - saved) >= 5) remember();
    });
    audio.addEventListener("seeked", function () { follow(); remember(); });
    audio.addEventListener("pause", remember);
    audio.addEventListener("ended", remember);
    audio.addEventListener("play", function () { if (current) say(live.getAttribute("data-prefix") + current.title); });
  });
  /* On this day: the build cannot know the reader's date, so the home page looks it up in the
     language's index (month-day -> posts) and lists the entries of earlier years. */
  each("[data-on-this-day]", function (box) {
    if (!window.fetch) return;
    var now = new Date();
    var key = ("0" + (now.getMonth() + 1)).slice(-2) + "-" + ("0" + now.getDate()).slice(-2);
    fetch(box.getAttribute("data-on-this-day")).then(function (r) { return r.ok ? r.json() : {}; }).then(function (days) {
      var list = box.querySelector("ul");
      (days[key] || []).forEach(function (post) {
        if (post.year >= now.getFullYear()) return;
        var li = document.createElement("li"), a = document.createElement("a"), year = document.createElement("span");
        a.href = post.url; a.textContent = post.title;
        year.className = "year"; year.textContent = " " + post.year;
        li.appendChild(a); li.appendChild(year); list.appendChild(li);
      });
      if (list.children.length) box.hidden = false;
    }).catch(function () { /* offline or blocked: nothing to show */ });
  });
})();
