/* audiocast pages. Without this script everything still works: native audio
   controls, the full text, and chapter links as #t= media fragments. */
(function () {
  "use strict";
  document.documentElement.className += " js";

  function stored(key) { try { return window.localStorage.getItem(key); } catch (e) { return null; } }
  function store(key, value) {
    try { if (value === null) window.localStorage.removeItem(key); else window.localStorage.setItem(key, value); }
    catch (e) { /* private mode: nothing is remembered */ }
  }
  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    var mm = h ? (m < 10 ? "0" : "") + m : String(m);
    return (h ? h + ":" : "") + mm + ":" + (s < 10 ? "0" : "") + s;
  }

  // One episode at a time: starting a player pauses every other one.
  document.addEventListener("play", function (event) {
    var players = document.getElementsByTagName("audio");
    for (var i = 0; i < players.length; i++) {
      if (players[i] !== event.target && !players[i].paused) players[i].pause();
    }
  }, true);

  // Chapter links seek their player instead of opening the audio file.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-start]");
    if (!link) return;
    var player = document.getElementById(link.getAttribute("data-player"));
    if (!player) return;
    event.preventDefault();
    player.currentTime = parseFloat(link.getAttribute("data-start"));
    player.play();
  });

  var block = document.getElementById("timeline");
  if (!block) return;
  var info = JSON.parse(block.textContent);
  var audio = document.getElementById(info.player);
  if (!audio) return;
  var cues = info.cues;            // [[start, end], ...] in seconds, one per sentence
  var chapters = info.chapters;    // [start, ...] in seconds
  var sentences = [];
  var nodes = document.querySelectorAll(".s[data-i]");
  for (var n = 0; n < nodes.length; n++) sentences[parseInt(nodes[n].getAttribute("data-i"), 10)] = nodes[n];
  var chapterLinks = document.querySelectorAll("ol.chapters a[data-start]");
  var announcer = document.getElementById("announce");
  var playButton = document.getElementById("play");
  var speed = document.getElementById("speed");
  var resume = document.getElementById("resume");
  var follow = document.getElementById("follow");
  var positionKey = "audiocast.position." + info.id;
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  document.getElementById("controls").hidden = false;
  var focusable = sentences.length ? sentences[0] : null;
  if (focusable) focusable.tabIndex = 0;
  for (var k = 1; k < sentences.length; k++) if (sentences[k]) sentences[k].tabIndex = -1;

  // ---------------------------------------------------------------- which sentence, which chapter
  function lastStartingBefore(starts, t, pick) {
    var lo = 0, hi = starts.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (pick(starts[mid]) <= t + 0.001) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }
  var current = -1, currentChapter = -1, following = true, readerScrolledAt = 0;

  function inView(el) {
    var box = el.getBoundingClientRect();
    var top = document.getElementById("player").getBoundingClientRect().bottom;
    return box.top >= top && box.bottom <= window.innerHeight;
  }
  function bringIntoView(el, force) {
    if (!force && (reducedMotion || !following || Date.now() - readerScrolledAt < 700)) return;
    if (inView(el)) return;
    el.scrollIntoView({ block: "center", behavior: reducedMotion ? "auto" : "smooth" });
  }
  function update() {
    var t = audio.currentTime;
    var index = lastStartingBefore(cues, t, function (c) { return c[0]; });
    if (index !== current) {
      if (current >= 0 && sentences[current]) {
        sentences[current].classList.remove("current");
        sentences[current].removeAttribute("aria-current");
      }
      current = index;
      var el = current >= 0 ? sentences[current] : null;
      if (el) {
        el.classList.add("current");
        el.setAttribute("aria-current", "true");
        if (!audio.paused) bringIntoView(el, false);
      }
    }
    var chapter = lastStartingBefore(chapters, t, function (c) { return c; });
    if (chapter !== currentChapter) {
      if (currentChapter >= 0 && chapterLinks[currentChapter]) chapterLinks[currentChapter].removeAttribute("aria-current");
      if (chapter >= 0 && chapterLinks[chapter]) chapterLinks[chapter].setAttribute("aria-current", "true");
      if (currentChapter !== -1 && chapter >= 0 && announcer && !audio.paused) {
        announcer.textContent = "Chapter: " + info.titles[chapter];
      }
      currentChapter = chapter;
    }
  }
  var ticking = false;
  function tick() {
    update();
    if (!audio.paused) window.requestAnimationFrame(tick); else ticking = false;
  }
  audio.addEventListener("play", function () {
    playButton.textContent = "Pause";
    if (!ticking) { ticking = true; window.requestAnimationFrame(tick); }
  });
  audio.addEventListener("pause", function () { playButton.textContent = "Play"; update(); savePosition(); });
  audio.addEventListener("seeked", update);
  audio.addEventListener("timeupdate", function () { update(); if (Math.floor(audio.currentTime) % 5 === 0) savePosition(); });
  audio.addEventListener("ended", function () { store(positionKey, null); });

  // ---------------------------------------------------------------- the reader scrolled away
  // Only the reader's own scrolling (wheel, touch, scroll keys, the scroll bar) counts.
  function readerScrolls() { readerScrolledAt = Date.now(); }
  window.addEventListener("wheel", readerScrolls, { passive: true });
  window.addEventListener("touchmove", readerScrolls, { passive: true });
  document.addEventListener("mousedown", function (event) {
    if (event.target === document.documentElement) readerScrolls();
  });
  document.addEventListener("keydown", function (event) {
    var keys = ["PageUp", "PageDown", "Home", "End", "ArrowUp", "ArrowDown", " "];
    var onControl = event.target.closest && event.target.closest(".s, button, select, audio, input, textarea, a");
    if (keys.indexOf(event.key) >= 0 && !onControl) readerScrolls();
  });
  window.addEventListener("scroll", function () {
    if (Date.now() - readerScrolledAt > 700 || audio.paused || reducedMotion) return;
    var el = sentences[current];
    if (!el) return;
    if (!inView(el)) { following = false; follow.hidden = false; }
    else if (!following) { following = true; follow.hidden = true; }  // they came back to it
  }, { passive: true });
  follow.addEventListener("click", function () {
    following = true; follow.hidden = true;
    if (sentences[current]) bringIntoView(sentences[current], true);
  });

  // ---------------------------------------------------------------- seeking
  function seek(seconds, play) {
    audio.currentTime = Math.max(0, Math.min(seconds, audio.duration || seconds));
    update();
    if (play) audio.play();
  }
  function seekSentence(el) {
    following = true; follow.hidden = true;
    seek(parseFloat(el.getAttribute("data-start")), true);
    moveFocus(el);
  }
  function moveFocus(el) {
    if (focusable && focusable !== el) focusable.tabIndex = -1;
    focusable = el; el.tabIndex = 0;
  }
  document.addEventListener("click", function (event) {
    var el = event.target.closest && event.target.closest(".s[data-i]");
    if (el) seekSentence(el);
  });
  document.addEventListener("keydown", function (event) {
    var el = event.target.closest && event.target.closest(".s[data-i]");
    if (!el) return;
    var i = parseInt(el.getAttribute("data-i"), 10);
    if (event.key === "Enter" || event.key === " ") { event.preventDefault(); seekSentence(el); }
    else if (event.key === "ArrowDown" || event.key === "ArrowRight") { step(i, 1, event); }
    else if (event.key === "ArrowUp" || event.key === "ArrowLeft") { step(i, -1, event); }
  });
  function step(i, by, event) {
    var next = sentences[i + by];
    if (!next) return;
    event.preventDefault();
    moveFocus(next); next.focus();
  }
  function chapterStep(by) {
    var t = audio.currentTime;
    var index = lastStartingBefore(chapters, t, function (c) { return c; });
    // "previous" restarts the chapter unless it has only just begun
    if (by < 0 && index >= 0 && t - chapters[index] > 3) by = 0;
    var target = Math.max(0, Math.min(chapters.length - 1, index + by));
    if (chapters.length) seek(chapters[target], !audio.paused);
  }
  var actions = {
    toggle: function () { if (audio.paused) audio.play(); else audio.pause(); },
    back: function () { seek(audio.currentTime - 15, !audio.paused); },
    forward: function () { seek(audio.currentTime + 30, !audio.paused); },
    previous: function () { chapterStep(-1); },
    next: function () { chapterStep(1); },
    slower: function () { changeSpeed(-1); },
    faster: function () { changeSpeed(1); }
  };
  document.getElementById("controls").addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (button) actions[button.getAttribute("data-action")]();
  });

  // ---------------------------------------------------------------- speed, remembered
  function setSpeed(value) {
    var rate = parseFloat(value);
    if (!(rate >= 0.5 && rate <= 3)) return;
    audio.playbackRate = audio.defaultPlaybackRate = rate;
    speed.value = String(value);
    store("audiocast.speed", speed.value);
  }
  function changeSpeed(by) {
    var i = speed.selectedIndex + by;
    if (i >= 0 && i < speed.options.length) setSpeed(speed.options[i].value);
  }
  speed.addEventListener("change", function () { setSpeed(speed.value); });
  var savedSpeed = stored("audiocast.speed");
  for (var o = 0; o < speed.options.length; o++) if (speed.options[o].value === savedSpeed) setSpeed(savedSpeed);

  // ---------------------------------------------------------------- position, remembered
  function savePosition() {
    var t = audio.currentTime;
    if (t > 5 && (!audio.duration || t < audio.duration - 5)) store(positionKey, t.toFixed(1));
  }
  var savedPosition = parseFloat(stored(positionKey));
  if (savedPosition > 5 && savedPosition < info.duration - 5) {
    resume.textContent = "Resume from " + clock(savedPosition);
    resume.hidden = false;
    resume.addEventListener("click", function () { resume.hidden = true; seek(savedPosition, true); });
    audio.addEventListener("play", function () { resume.hidden = true; }, { once: true });
  }

  // ---------------------------------------------------------------- keyboard shortcuts
  var keys = { k: "toggle", j: "back", l: "forward", p: "previous", n: "next", "<": "slower", ">": "faster" };
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select")) return;
    // only while the player or the text has focus (WCAG 2.1.4)
    if (!(target.closest && target.closest("#player, .text"))) return;
    var action = keys[event.key];
    if (action) { event.preventDefault(); actions[action](); }
  });

  // ---------------------------------------------------------------- embed snippet
  var copy = document.getElementById("copy-embed");
  if (copy) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var code = document.getElementById("embed-code").textContent;
      var done = function () { document.getElementById("copied").textContent = "Copied."; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(code).then(done, function () { selectCode(); });
      } else { selectCode(); }
    });
  }
  function selectCode() {
    var range = document.createRange();
    range.selectNodeContents(document.getElementById("embed-code"));
    var selection = window.getSelection();
    selection.removeAllRanges(); selection.addRange(range);
    document.getElementById("copied").textContent = "Selected: press Ctrl+C to copy.";
  }
  update();
})();
