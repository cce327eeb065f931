/* xtplay global keys, for keyboards and TV remotes:
   arrows, PageUp/PageDown, Home/End and letters move focus (focus.js) · Enter activates ·
   Escape/Backspace/BrowserBack go back · "/" search · digits then Enter (or a pause) jump to a
   channel number; a number no channel has shows a small notice.
   Pages can take a key first: listen on document and call preventDefault(). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var TEXT = /^(text|search|email|url|password|tel|number|date|time|datetime-local|month|week)$/i;
  function typing(el) {
    if (!el) return false;
    return el.isContentEditable || el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && TEXT.test(el.type));
  }
  function focus() { return window.xtplayFocus; }

  /* In a text field arrows still leave it: ↑/↓ always, ←/→ at either end of the text. */
  function leavesField(el, key) {
    if (el.tagName === "TEXTAREA") return false;
    if (key === "ArrowUp" || key === "ArrowDown") return true;
    if (key !== "ArrowLeft" && key !== "ArrowRight") return false;
    var start = null, end = null;
    try { start = el.selectionStart; end = el.selectionEnd; } catch (e) { /* number fields have none */ }
    if (start === null) return true;
    return key === "ArrowLeft" ? start === 0 && end === 0 : start === el.value.length;
  }

  function back() {
    if (history.length > 1) history.back(); else window.location.href = "/";
  }

  /* Digits form a channel number: Enter commits at once, else a 1.5 s pause does. */
  var digits = "", digitTimer = null;
  function digitHint() {
    var hint = document.getElementById("channel-number-hint");
    if (!hint) {
      hint = document.createElement("div");
      hint.id = "channel-number-hint";
      hint.className = "channel-number-hint";
      hint.setAttribute("role", "status");
      document.body.appendChild(hint);
    }
    return hint;
  }
  function channelDigit(d) {
    digits = (digits + d).slice(-5);
    digitHint().textContent = digits;
    clearTimeout(digitTimer);
    digitTimer = setTimeout(commitDigits, 1500);
  }
  function commitDigits() {
    clearTimeout(digitTimer);
    var n = digits; digits = "";
    var hint = document.getElementById("channel-number-hint");
    if (hint) hint.remove();
    if (!n) return;
    var ev = new CustomEvent("xtplay:channel-number", { detail: { number: parseInt(n, 10) }, cancelable: true });
    if (!document.dispatchEvent(ev)) return;
    var url = (document.body.dataset.channelUrl || "/live/number/{n}").replace("{n}", encodeURIComponent(n));
    fetch(url, { redirect: "manual", headers: { Accept: "text/html" } }).then(function (r) {
      if (r.type === "opaqueredirect" || r.ok) window.location.href = url;
      else focus().notice(tr("No channel {n}", {n: n}));
    }).catch(function () { focus().notice(tr("No channel {n}", {n: n})); });
  }

  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    var el = document.activeElement, key = e.key;
    if (key === "BrowserBack" || key === "GoBack") { e.preventDefault(); back(); return; }
    if (el && el.tagName === "SELECT") {
      if (focus().handle(key, e)) { e.preventDefault(); return; }
      if (key === "Escape" || key === "Backspace") { e.preventDefault(); back(); }
      return;
    }
    if (typing(el)) {
      if (key === "Escape") { e.preventDefault(); back(); }
      else if (leavesField(el, key) && focus().handle(key, e)) e.preventDefault();
      return;
    }
    if (el && el.tagName === "INPUT" && /^(checkbox|radio)$/i.test(el.type) && key === "Enter") {
      e.preventDefault(); el.click(); return;
    }
    if (el && el.tagName === "INPUT" && el.type === "range" && (key === "ArrowLeft" || key === "ArrowRight")) {
      var v = parseFloat(el.value), atEnd = key === "ArrowRight" ? v >= parseFloat(el.max || 100) : v <= parseFloat(el.min || 0);
      if (!atEnd) return;  /* a slider moves; at its end the arrow leaves it */
    }
    if (key === "Enter" && digits) { e.preventDefault(); commitDigits(); return; }
    if (key === "/") {
      e.preventDefault();
      var box = document.querySelector("input[type=search]");
      if (box) box.focus(); else window.location.href = "/search";
    } else if (key === "Escape" || key === "Backspace") {
      e.preventDefault(); back();
    } else if (/^[0-9]$/.test(key) && !document.body.hasAttribute("data-no-digits")) {
      e.preventDefault(); channelDigit(key);
    } else if (focus().handle(key, e)) {
      e.preventDefault();
    }
  });

  /* Phones: the header's links sit behind a menu button; filters start collapsed. */
  var PHONE = window.matchMedia("(max-width: 720px)");
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-menu-toggle]");
    if (!btn) return;
    var nav = document.getElementById(btn.getAttribute("aria-controls")), header = btn.closest(".site-header");
    var open = btn.getAttribute("aria-expanded") !== "true";
    btn.setAttribute("aria-expanded", open ? "true" : "false");
    if (nav) nav.classList.toggle("is-open", open);
    if (header) header.classList.toggle("menu-open", open);
    var first = open && nav && nav.querySelector("a");
    if (first) first.focus();
  });
  function collapseFilters() {
    Array.prototype.forEach.call(document.querySelectorAll("details[data-collapse-on-phone]"), function (d) {
      if (PHONE.matches && !d.querySelector('[aria-invalid="true"]')) d.removeAttribute("open");
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", collapseFilters); else collapseFilters();

  /* <select data-autosubmit> submits its form when a pointer changes it (the header's profile
     selector); from the keyboard it submits only when the choice is confirmed (focus.js). */
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (t && t.matches && t.matches("[data-autosubmit]") && t.form && !t.classList.contains("is-choosing") &&
        !t.hasAttribute("data-before")) t.form.requestSubmit();
  });
})();
