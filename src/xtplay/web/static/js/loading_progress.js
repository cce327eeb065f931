// The first-sync loading page: follows the "xtplay:sync" events of the header (a file, not inline, for the Content-Security-Policy).
(function () {
  if (window.xtLoadingFollows) return;
  window.xtLoadingFollows = true;
  document.addEventListener("xtplay:sync", function (e) {
    var box = document.getElementById("loading-progress");
    if (!box || !box.getAttribute("hx-get")) return;
    var d = e.detail.data;
    if (e.detail.event === "progress") {
      var text = box.querySelector("[data-loading-text]"), bar = box.querySelector("[data-loading-bar]");
      if (text) text.textContent = ": " + (d.step || d.phase) + " — " + d.percent + "%" + (d.eta ? ", " + d.eta : "");
      if (bar && d.percent != null) { bar.hidden = false; bar.value = d.percent; }
    } else if (window.htmx) {
      htmx.ajax("GET", box.getAttribute("hx-get"), {target: "#loading-progress", swap: "outerHTML"});
    }
  });
})();
