/* Browse, search and guide pages: Escape on the search page, the guide's scroll to the current
   time. Where focus starts and how arrows move it lives in focus.js, global keys in app.js. */
(function () {
  "use strict";

  /* On the search page Escape goes back to where the person came from (even while typing). */
  function searchEscape(e) {
    if (e.key !== "Escape" || !e.target.matches("[data-search-input]")) return;
    e.preventDefault();
    if (history.length > 1) history.back(); else window.location.href = "/";
  }

  /* The guide opens scrolled so the current-time line is in view. */
  function guideToNow() {
    var box = document.getElementById("guide-grid");
    var line = box && box.querySelector(".guide-now-line");
    if (!line) return;
    var x = line.getBoundingClientRect().left - box.getBoundingClientRect().left + box.scrollLeft;
    box.scrollLeft = Math.max(0, x - box.clientWidth / 3);
  }

  document.addEventListener("keydown", searchEscape, true);
  document.addEventListener("DOMContentLoaded", guideToNow);
  if (document.readyState !== "loading") guideToNow();
})();
