/* The guide under a remote. In the grid ↑/↓ move to the programme of the row above or below
   at the same time (the last row loads more channels), ←/→ move through a row's programmes
   and past the window's edge open the earlier or later window (across midnight into the
   next day) on the same channel, PageUp/PageDown go a day back or ahead, N or the "Now" button
   return to now, Enter plays what is on
   now, opens a past programme as catch-up, or the channel's guide. A channel's guide opens
   scrolled to the programme on now. */
(function () {
  "use strict";
  var grid = document.getElementById("guide-grid");

  function leftOf(el) { return parseFloat(el.style.left) || 0; }
  function widthOf(el) { return parseFloat(el.style.width) || 0; }
  function progs(row) { return Array.prototype.slice.call(row.querySelectorAll("a.guide-prog")); }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#guide-rows > .guide-row")); }

  /* The time (percent of the window) focus keeps while moving up and down. */
  var at = null;
  function timeOf(el) {
    if (!el.classList.contains("guide-prog")) return at != null ? at : 0;
    var a = Math.max(0, leftOf(el)), b = Math.min(100, leftOf(el) + widthOf(el));
    if (at != null && at >= a && at < b) return at;
    var line = document.querySelector(".guide-now-line"), now = line ? leftOf(line) : null;
    if (now != null && now >= a && now < b) return now;  /* on now: the current time itself */
    return (a + b) / 2;
  }
  function cellAt(row, t) {
    var list = progs(row), best = null, gap = Infinity;
    list.forEach(function (p) {
      var a = leftOf(p), b = a + widthOf(p);
      var d = t < a ? a - t : t >= b ? t - b : 0;
      if (d < gap) { gap = d; best = p; }
    });
    return best || row.querySelector("a.guide-channel");
  }
  function go(el) {
    if (!el) return;
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  /* Open another window of the grid with focus on this channel (``edge``: first or last). */
  function shift(link, row, edge) {
    if (!link) return;
    var url = new URL(link.href, location.href);
    url.searchParams.set("ch", row.dataset.channelId);
    if (edge) url.searchParams.set("edge", edge);
    location.href = url.pathname + url.search;
  }

  function dayShift(row, days) {
    var later = document.querySelector("[data-guide-later]");
    if (!later) return;
    var url = new URL(later.href, location.href), start = parseInt(grid.dataset.start, 10);
    url.searchParams.set("start", String(start + days * 86400));
    url.searchParams.set("ch", row.dataset.channelId);
    url.searchParams.delete("edge");
    location.href = url.pathname + url.search;
  }

  function vertical(row, step, t) {
    var all = rows(), i = all.indexOf(row) + step;
    if (i >= 0 && i < all.length) { go(cellAt(all[i], t)); return; }
    if (step > 0 && window.xtplayFocus) {
      xtplayFocus.loadMore(document.getElementById("guide-rows")).then(function (ok) {
        if (ok) { var again = rows(); if (again[i]) go(cellAt(again[i], t)); }
      });
    }
  }

  function onKey(e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    var el = document.activeElement, row = el && el.closest ? el.closest("#guide-rows > .guide-row") : null;
    if ((e.key === "n" || e.key === "N") && grid) {
      e.preventDefault();
      var now = document.querySelector("[data-guide-now]");
      if (now) { if (row) shift(now, row, ""); else location.href = now.href; }
      return;
    }
    if (!row) return;
    if (e.key === "PageDown" || e.key === "PageUp") {  /* a day later or earlier, same time */
      e.preventDefault();
      dayShift(row, e.key === "PageDown" ? 1 : -1);
      return;
    }
    var t = timeOf(el), list = progs(row), i = list.indexOf(el);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      at = t;
      vertical(row, e.key === "ArrowDown" ? 1 : -1, t);
    } else if (e.key === "ArrowRight") {
      if (i < 0) go(cellAt(row, 0));
      else if (i + 1 < list.length) { go(list[i + 1]); at = timeOf(list[i + 1]); }
      else shift(document.querySelector("[data-guide-later]"), row, "first");
    } else if (e.key === "ArrowLeft") {
      if (i > 0) { go(list[i - 1]); at = timeOf(list[i - 1]); }
      else if (i === 0 && leftOf(el) > 0.5) go(row.querySelector("a.guide-channel"));
      else if (i === 0) shift(document.querySelector("[data-guide-earlier]"), row, "last");
      else return;  /* on the channel name: leave the grid (spatial navigation) */
    } else return;
    e.preventDefault();
    e.stopPropagation();
  }

  /* Where focus starts: the channel and edge a window shift asked for, else on now. */
  function start() {
    var q = new URLSearchParams(location.search), ch = q.get("ch");
    if (!ch) return;
    var row = document.querySelector('#guide-rows > .guide-row[data-channel-id="' + CSS.escape(ch) + '"]');
    if (!row) return;
    var list = progs(row), edge = q.get("edge");
    var el = edge === "first" ? list[0] : edge === "last" ? list[list.length - 1] : row.querySelector(".guide-prog.is-now") || list[0];
    go(el || row.querySelector("a.guide-channel"));
  }

  /* A channel's guide opens at the programme on now. */
  function listingToNow() {
    var now = document.querySelector(".programme-list li.is-now");
    if (now) now.scrollIntoView({ block: "center" });
  }

  if (grid) document.addEventListener("keydown", onKey, true);
  function ready() { if (grid) start(); listingToNow(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready); else ready();
})();
