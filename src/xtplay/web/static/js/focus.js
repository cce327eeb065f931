/* xtplay focus model: one way for arrows, Enter and Back to reach everything (TV remotes,
   keyboards from the couch). Loaded on every page before app.js, which maps the keys.

   - Spatial navigation over every focusable element (links, buttons, fields, [data-nav]):
     the nearest one in the arrow's direction, scrolled into view.
   - Lists ([data-nav-list]: poster grids, channel lists, search hits) move by row and column,
     page by a screen (PageUp/PageDown), Home/End, a letter jump on lists sorted by name; at the
     last row they load the next page (their "load more" row) and move on, without a pointer.
   - A <select> never changes on an arrow alone: Enter starts choosing (↑/↓ change it), Enter
     again commits (a [data-autosubmit] select submits then), Escape puts the old value back.
   - Focus never stays on <body>: on load it goes to the first invalid field, the element it
     was on when this page was left (Back), [autofocus], the page's main list, or the first
     control of the page (never a destructive one); [data-autofocus] in content htmx brings in
     later takes focus while no key was pressed yet; after an htmx swap to the same control
     again, the first invalid field of the swapped part, or its first control.
   Pages can take a key first (keydown on document with preventDefault). */
(function () {
  "use strict";

  var FOCUSABLE = 'a[href], button, input:not([type=hidden]), select, textarea, summary, ' +
    '[tabindex]:not([tabindex="-1"]), [data-nav]';
  var DANGER = ".btn-danger, [data-danger]";
  var lastKeyboard = false;

  function usable(el) {
    if (el.disabled || el.classList.contains("skip-link") || el.closest("[hidden], [inert]")) return false;
    var r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  }

  /* ---- lists: items by index ---- */
  function listOf(el) { return el && el.closest ? el.closest("[data-nav-list]") : null; }
  function itemsOf(list) {
    return Array.prototype.filter.call(list.children, function (li) {
      return !li.classList.contains("load-more") && !li.hidden;
    });
  }
  function targetIn(li) {
    if (!li) return null;
    return li.matches(FOCUSABLE) ? li : li.querySelector(FOCUSABLE);
  }
  function columns(items) {
    if (items.length < 2) return 1;
    var top = items[0].offsetTop, n = 1;
    while (n < items.length && items[n].offsetTop === top) n += 1;
    return n;
  }
  /* The list items currently on screen (binary search: items are in document order). */
  function onScreen(list) {
    var items = itemsOf(list), lo = 0, hi = items.length - 1, h = window.innerHeight;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (items[mid].getBoundingClientRect().bottom < 0) lo = mid + 1; else hi = mid;
    }
    var out = [];
    for (var i = lo; i < items.length && out.length < 400; i++) {
      var r = items[i].getBoundingClientRect();
      if (r.top > h) break;
      out.push(items[i]);
    }
    return out;
  }

  /* ---- loading the next page of an endless list ---- */
  var loading = null;
  function moreOf(list) { return list.querySelector(":scope > .load-more[hx-get]"); }
  function loadMore(list) {
    var more = moreOf(list);
    if (!more || !window.htmx) return Promise.resolve(false);
    if (loading) return loading;
    loading = new Promise(function (resolve) {
      function done() {
        document.removeEventListener("htmx:afterSettle", done);
        document.removeEventListener("htmx:responseError", failed);
        loading = null; resolve(true);
      }
      function failed() {
        document.removeEventListener("htmx:afterSettle", done);
        document.removeEventListener("htmx:responseError", failed);
        loading = null; resolve(false);
      }
      document.addEventListener("htmx:afterSettle", done);
      document.addEventListener("htmx:responseError", failed);
      if (!more.classList.contains("htmx-request")) htmx.trigger(more, "revealed");
    });
    return loading;
  }

  function place(el) {
    if (!el) return false;
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "nearest", inline: "nearest" });
    return true;
  }

  /* Move within a list to item ``index`` (clamped), loading pages while it lies past the end. */
  function goIndex(list, index, tries) {
    var items = itemsOf(list);
    if (index >= items.length && moreOf(list) && (tries || 0) < 50) {
      loadMore(list).then(function (ok) {
        if (ok) goIndex(list, index, (tries || 0) + 1);
        else place(targetIn(itemsOf(list)[itemsOf(list).length - 1]));
      });
      return true;
    }
    index = Math.max(0, Math.min(index, items.length - 1));
    return place(targetIn(items[index]));
  }

  function rowsPerScreen(items) {
    var h = items[0].getBoundingClientRect().height || 1;
    return Math.max(1, Math.floor(window.innerHeight / h));
  }

  function letterOf(li) {
    var t = (li.dataset.name || li.textContent || "").trim();
    return t ? t[0].toLocaleUpperCase() : "";
  }

  /* Keys inside a list; false when the move leaves the list (spatial navigation takes it). */
  function listKey(list, el, key) {
    var li = el.closest("[data-nav-list] > *");
    var items = itemsOf(list), i = items.indexOf(li);
    if (i < 0 || !items.length) return false;
    var cols = columns(items), last = items.length - 1;
    if (key === "ArrowDown") {
      if (i + cols <= last) return place(targetIn(items[i + cols]));
      if (moreOf(list)) return goIndex(list, i + cols);
      if (Math.floor(i / cols) < Math.floor(last / cols)) return place(targetIn(items[last]));
      return false;
    }
    if (key === "ArrowUp") return i - cols >= 0 ? place(targetIn(items[i - cols])) : false;
    if (key === "ArrowRight") return cols > 1 && i % cols < cols - 1 && i < last ? place(targetIn(items[i + 1])) : false;
    if (key === "ArrowLeft") return cols > 1 && i % cols > 0 ? place(targetIn(items[i - 1])) : false;
    if (key === "PageDown") return goIndex(list, i + cols * rowsPerScreen(items));
    if (key === "PageUp") return goIndex(list, Math.max(0, i - cols * rowsPerScreen(items)));
    if (key === "Home") return place(targetIn(items[0]));
    if (key === "End") return place(targetIn(items[last]));  /* the last loaded; ↓ there loads more */
    if (/^[a-z]$/i.test(key) && list.hasAttribute("data-nav-letters")) return letterJump(list, i, key.toUpperCase(), 0);
    return false;
  }

  /* The next item (after the focused one, wrapping) whose name starts with ``letter``; pages
     past the loaded ones are fetched for it (names are sorted, so it is further down). */
  function letterJump(list, from, letter, tries) {
    var items = itemsOf(list);
    for (var k = 1; k <= items.length; k++) {
      var j = (from + k) % items.length;
      if (letterOf(items[j]) === letter && (j > from || !moreOf(list))) return place(targetIn(items[j]));
    }
    if (moreOf(list) && tries < 50) {
      loadMore(list).then(function (ok) { if (ok) letterJump(list, from, letter, tries + 1); });
      return true;
    }
    showNotice(tr("Nothing starts with {letter}", {letter: letter}));
    return true;
  }

  /* ---- spatial navigation ---- */
  function candidates() {
    var out = [];
    var lists = Array.prototype.slice.call(document.querySelectorAll("[data-nav-list]"));
    Array.prototype.forEach.call(document.querySelectorAll(FOCUSABLE), function (el) {
      if (el.tabIndex < 0 && !el.hasAttribute("data-nav")) return;
      if (listOf(el) && el.closest("[data-nav-list] > *:not(.load-more)")) return;  /* added below */
      if (usable(el)) out.push(el);
    });
    lists.forEach(function (list) {
      onScreen(list).forEach(function (li) {
        Array.prototype.forEach.call(li.matches(FOCUSABLE) ? [li] : li.querySelectorAll(FOCUSABLE), function (el) {
          if (usable(el)) out.push(el);
        });
      });
    });
    return out;
  }

  /* How far ``b`` lies from ``a`` in direction ``dir``: the distance along it, with anything
     not in the same row (or column) ranked after everything that is; Infinity when ``b`` is not that way at all. ``strict``
     asks for ``b`` wholly past ``a``'s edge (first choice: things in the same row or column). */
  function score(a, b, dir, strict) {
    var down = dir === "ArrowDown", up = dir === "ArrowUp", right = dir === "ArrowRight";
    var main = down ? b.top - a.bottom : up ? a.top - b.bottom : right ? b.left - a.right : a.left - b.right;
    var vertical = down || up;
    var gap = vertical ? Math.max(0, b.left - a.right, a.left - b.right) : Math.max(0, b.top - a.bottom, a.top - b.bottom);
    var ac = vertical ? a.top + a.height / 2 : a.left + a.width / 2;
    var bc = vertical ? b.top + b.height / 2 : b.left + b.width / 2;
    if (down || right ? bc <= ac : bc >= ac) return Infinity;
    if (strict && main < -2) return Infinity;
    return Math.max(0, main) + (gap > 0 ? 2000 + gap * 5 : 0);  /* the same row or column first */
  }

  function spatial(dir) {
    var cur = document.activeElement, all = candidates();
    if (!cur || cur === document.body || all.indexOf(cur) < 0 && !cur.matches(FOCUSABLE)) return place(start());
    var a = cur.getBoundingClientRect();
    function best(strict) {
      var found = null, low = Infinity;
      all.forEach(function (el) {
        if (el === cur || el.contains(cur) || cur.contains(el)) return;
        var s = score(a, el.getBoundingClientRect(), dir, strict);
        if (s < low) { low = s; found = el; }
      });
      return found;
    }
    var el = best(true) || best(false);
    if (dir !== "ArrowLeft" && dir !== "ArrowRight") return el ? place(el) : false;
    /* ←/→ stay in their row; past its end they go on in a group of controls that wrapped onto
       the next line (reading order), else focus stays (↑/↓ may go to the nearest thing below) */
    if (el && score(a, el.getBoundingClientRect(), dir, false) < 2000) return place(el);
    var group = all.filter(function (c) { return c.parentElement === cur.parentElement; });
    var i = group.indexOf(cur), next = group[dir === "ArrowRight" ? i + 1 : i - 1];
    return next ? place(next) : false;
  }

  /* ---- selects: choose with Enter, never on an arrow alone ---- */
  function selectKey(sel, key, e) {
    if (!sel.classList.contains("is-choosing")) {
      if (key === "Enter" || key === " ") {
        sel.dataset.before = sel.value;
        sel.classList.add("is-choosing");
        showNotice(tr("↑/↓ to choose, Enter to confirm, Back to cancel"));
        return true;
      }
      return key.length === 1;  /* no type-ahead either: letters would change it */
    }
    if (key === "ArrowUp" || key === "ArrowDown") {
      var step = key === "ArrowDown" ? 1 : -1, n = sel.selectedIndex + step;
      if (n >= 0 && n < sel.options.length) sel.selectedIndex = n;
      return true;
    }
    if (key === "Enter" || key === "Escape" || key === "Backspace" || key === "BrowserBack") {
      var was = sel.dataset.before;
      sel.classList.remove("is-choosing");
      if (key !== "Enter") sel.value = was;
      else if (sel.value !== was) {
        sel.dispatchEvent(new Event("change", { bubbles: true }));
        if (sel.hasAttribute("data-autosubmit") && sel.form) sel.form.requestSubmit();
      }
      delete sel.dataset.before;
      return true;
    }
    return key === "ArrowLeft" || key === "ArrowRight";
  }

  /* ---- where focus starts, and where it goes back to ---- */
  var storeKey = "xtplay.focus:" + location.pathname + location.search;
  /* The page this one was opened from (pages send no referrer): Back returns there. */
  var cameFrom = null;
  try { cameFrom = sessionStorage.getItem("xtplay.left"); } catch (e) { /* storage off */ }
  window.addEventListener("pagehide", function () {
    try { sessionStorage.setItem("xtplay.left", location.pathname + location.search); } catch (e) { /* off */ }
  });
  /* Where focus goes when Back returns to the page this one was opened from. */
  function focusOnReturn(selector) {
    if (!cameFrom) return;
    try { sessionStorage.setItem("xtplay.focus:" + cameFrom, selector); } catch (e) { /* storage off */ }
  }
  function keyOf(el) {
    if (!el || el === document.body) return null;
    if (el.id) return "#" + CSS.escape(el.id);
    var attrs = ["data-channel-id", "data-focus-key", "hx-post", "hx-get", "href", "name"];
    for (var i = 0; i < attrs.length; i++) {
      var v = el.getAttribute(attrs[i]);
      if (v) return el.tagName.toLowerCase() + "[" + attrs[i] + '="' + CSS.escape(v) + '"]';
    }
    return null;
  }
  function find(key) {
    if (!key) return null;
    try { var el = document.querySelector(key); return el && usable(el) ? el : null; } catch (e) { return null; }
  }
  function firstOf(scope) {
    var all = scope.querySelectorAll(FOCUSABLE);
    for (var i = 0; i < all.length; i++) {
      if (all[i].tabIndex >= 0 && !all[i].matches(DANGER) && usable(all[i])) return all[i];
    }
    return null;
  }
  function mainList() {
    var lists = document.querySelectorAll("main [data-nav-list]");
    for (var i = 0; i < lists.length; i++) {
      var t = targetIn(itemsOf(lists[i])[0]);
      if (t && usable(t)) return t;
    }
    return null;
  }
  function cameBack() {
    var nav = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
    return !!nav && nav.type === "back_forward";
  }
  function start() {
    var main = document.getElementById("main") || document.body;
    return main.querySelector('[aria-invalid="true"]') || (cameBack() && find(sessionStorage.getItem(storeKey))) ||
      main.querySelector("[autofocus]:not([hidden]), [data-autofocus]") || document.querySelector("[data-focus-start], .guide-prog.is-now") ||
      mainList() || firstOf(main) || firstOf(document.body);
  }

  document.addEventListener("focusin", function (e) {
    var k = keyOf(e.target);
    if (k) try { sessionStorage.setItem(storeKey, k); } catch (err) { /* storage full or off */ }
  });

  /* After an htmx swap: the same control again, else the first invalid field, else the first
     control of what came in. */
  var before = null, beforeEl = null, beforeList = null, beforeIndex = -1, swapping = false;
  document.addEventListener("htmx:beforeSwap", function () {
    swapping = true;
    var el = document.activeElement, list = listOf(el);
    beforeEl = el;
    before = keyOf(el);
    beforeList = list; beforeIndex = list ? itemsOf(list).indexOf(el.closest("[data-nav-list] > *")) : -1;
  });
  /* A row that went away (a favorite removed) hands focus to the row now in its place. */
  function sameRow() {
    if (!beforeList || !beforeList.isConnected || beforeIndex < 0) return null;
    var items = itemsOf(beforeList);
    return items.length ? targetIn(items[Math.min(beforeIndex, items.length - 1)]) : null;
  }
  document.addEventListener("htmx:afterSettle", function (e) {
    swapping = false;
    var again = beforeEl && beforeEl !== document.body && !beforeEl.isConnected && find(before);
    if (again) { again.focus({ preventScroll: true }); return; }  /* htmx may have moved it to an [autofocus] */
    var target0 = e.detail && e.detail.target;
    var wanted = target0 && target0.isConnected && !movedByKey && target0.querySelector("[data-autofocus]");
    if (wanted && usable(wanted)) { wanted.focus({ preventScroll: true }); return; }  /* details that came in late */
    if (document.activeElement && document.activeElement !== document.body && document.activeElement.isConnected) return;
    var target = e.detail && e.detail.target && e.detail.target.isConnected ? e.detail.target : null;
    var el = (target && target.querySelector('[aria-invalid="true"]')) || find(before) || sameRow() ||
      (target && target.querySelector("[autofocus]")) || (target && firstOf(target)) || start();
    if (el) el.focus({ preventScroll: false });
  });

  /* A focused element that disappears (a swap, a hidden panel) leaves focus on <body>: a
     keyboard user gets the page's starting point back. */
  var movedByKey = false;
  document.addEventListener("keydown", function () { lastKeyboard = true; movedByKey = true; }, true);
  document.addEventListener("pointerdown", function () { lastKeyboard = false; }, true);
  document.addEventListener("focusout", function () {
    setTimeout(function () {
      if (lastKeyboard && !swapping && document.hasFocus() && (document.activeElement === document.body || !document.activeElement)) {
        var el = start();
        if (el) el.focus({ preventScroll: true });
      }
    }, 0);
  });

  /* ---- a small notice ---- */
  var noticeTimer = null;
  function showNotice(text) {
    var box = document.getElementById("nav-notice");
    if (!box) {
      box = document.createElement("div");
      box.id = "nav-notice";
      box.className = "nav-notice";
      box.setAttribute("role", "status");
      document.body.appendChild(box);
    }
    box.textContent = text;
    box.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(function () { box.hidden = true; }, 2500);
  }

  /* ---- the public face, used by app.js and the pages ---- */
  function handle(key, e) {
    var el = document.activeElement;
    if (el && el.tagName === "SELECT" && selectKey(el, key, e)) return true;
    if (!/^(Arrow(Up|Down|Left|Right)|PageUp|PageDown|Home|End|[a-zA-Z])$/.test(key)) return false;
    var list = listOf(el);
    if (list && listKey(list, el, key)) return true;
    if (/^Arrow/.test(key)) { spatial(key); return true; }
    return false;
  }

  window.xtplayFocus = { handle: handle, start: start, place: place, notice: showNotice, loadMore: loadMore,
    focusOnReturn: focusOnReturn };

  /* Back to an endless list whose item was pages down: load pages until it is there again. */
  function reloadTo(key, tries) {
    var list = document.querySelector("main [data-nav-list]");
    if (!key || !list || !moreOf(list) || tries > 40) return;
    loadMore(list).then(function (ok) {
      var el = find(key);
      if (el) place(el); else if (ok) reloadTo(key, tries + 1);
    });
  }
  function initial() {
    if (document.activeElement && document.activeElement !== document.body) return;
    var key = null;
    try { key = cameBack() ? sessionStorage.getItem(storeKey) : null; } catch (e) { /* storage off */ }
    if (key && !find(key)) reloadTo(key, 0);
    var el = start();
    if (el) el.focus({ preventScroll: !!el.closest("[data-nav-list]") && itemsOf(listOf(el))[0] === el.closest("[data-nav-list] > *") });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initial); else initial();
  /* Back to a page kept whole by the browser: focus goes to what this page was left for
     (the player updates it to the channel playing when it zapped). */
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted) return;
    var el = find(sessionStorage.getItem(storeKey)) || (document.activeElement === document.body ? start() : null);
    if (el) place(el);
  });
})();
