/* xtplay global keys, for keyboards and TV remotes:
   "/" search · Escape/Backspace back · arrows move focus between [data-nav] elements ·
   digits jump to a channel number · Enter activates (native).
   Pages can take a key first: listen on document and call preventDefault(). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return el.isContentEditable || tag === "TEXTAREA" || tag === "SELECT" ||
      (tag === "INPUT" && !/^(checkbox|radio|button|submit|reset|range)$/i.test(el.type));
  }

  function visible(el) {
    var r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
  }

  /* Spatial navigation: the nearest [data-nav] element in the arrow's direction. */
  function moveFocus(dir) {
    var items = Array.prototype.filter.call(document.querySelectorAll("[data-nav]"), visible);
    if (!items.length) return false;
    var cur = document.activeElement;
    if (!cur || items.indexOf(cur) < 0) { items[0].focus(); return true; }
    var a = cur.getBoundingClientRect();
    var ax = a.left + a.width / 2, ay = a.top + a.height / 2;
    var best = null, bestScore = Infinity;
    items.forEach(function (el) {
      if (el === cur) return;
      var b = el.getBoundingClientRect();
      var bx = b.left + b.width / 2, by = b.top + b.height / 2;
      var dx = bx - ax, dy = by - ay, main, cross;
      if (dir === "ArrowRight") { main = dx; cross = dy; }
      else if (dir === "ArrowLeft") { main = -dx; cross = dy; }
      else if (dir === "ArrowDown") { main = dy; cross = dx; }
      else { main = -dy; cross = dx; }
      if (main <= 1) return;
      var score = main + Math.abs(cross) * 2;
      if (score < bestScore) { bestScore = score; best = el; }
    });
    if (best) { best.focus(); best.scrollIntoView({ block: "nearest", inline: "nearest" }); return true; }
    return false;
  }

  /* Digits typed within 1.5 s form a channel number. */
  var digits = "", digitTimer = null;
  function channelDigit(d) {
    digits += d;
    var hint = document.getElementById("channel-number-hint");
    if (!hint) {
      hint = document.createElement("div");
      hint.id = "channel-number-hint";
      hint.setAttribute("role", "status");
      hint.style.cssText = "position:fixed;top:1rem;right:1rem;font-size:2.5rem;background:#000c;padding:.25rem 1rem;border-radius:8px;z-index:20";
      document.body.appendChild(hint);
    }
    hint.textContent = digits;
    clearTimeout(digitTimer);
    digitTimer = setTimeout(function () {
      var n = digits; digits = ""; hint.remove();
      var ev = new CustomEvent("xtplay:channel-number", { detail: { number: parseInt(n, 10) }, cancelable: true });
      if (document.dispatchEvent(ev)) {
        var tmpl = document.body.dataset.channelUrl || "/live/number/{n}";
        window.location.href = tmpl.replace("{n}", encodeURIComponent(n));
      }
    }, 1500);
  }

  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    var el = document.activeElement;
    if (e.key === "Escape" && typing(el)) { el.blur(); e.preventDefault(); return; }
    if (typing(el)) return;
    if (e.key === "/") {
      e.preventDefault();
      var box = document.querySelector("input[type=search]");
      if (box) box.focus(); else window.location.href = "/search";
    } else if (e.key === "Escape" || e.key === "Backspace") {
      if (history.length > 1) { e.preventDefault(); history.back(); }
    } else if (/^Arrow(Up|Down|Left|Right)$/.test(e.key)) {
      if (moveFocus(e.key)) e.preventDefault();
    } else if (/^[0-9]$/.test(e.key) && !document.body.hasAttribute("data-no-digits")) {
      channelDigit(e.key);
    }
  });

  /* <select data-autosubmit> submits its form on change (the header's profile selector). */
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (t && t.matches && t.matches("[data-autosubmit]") && t.form) t.form.requestSubmit();
  });
})();
