/* The one offline banner: ask the server whether the provider answers, right away and then
   every data-health-every seconds, and show or hide the page's single #offline-banner (never a
   second one). The server's check is light and shared by every open page. */
(function () {
  "use strict";
  var banner = document.getElementById("offline-banner");
  if (!banner || !banner.dataset.healthUrl) return;
  var every = Math.max(1, parseFloat(banner.dataset.healthEvery || "10")) * 1000;
  var text = banner.querySelector("[data-health-message]");
  var timer = null;
  function show(h) {
    banner.hidden = !!h.ok;
    if (!h.ok && text) text.textContent = h.message ? "(" + h.message + ")" : "";
  }
  function ask() {
    fetch(banner.dataset.healthUrl, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(show)
      .catch(function () { /* xtplay itself is not answering: the page says so when used */ })
      .then(function () { timer = setTimeout(ask, every); });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { clearTimeout(timer); ask(); }
  });
  ask();
})();
