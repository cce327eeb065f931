// The header's sync region: follows /sync/events and re-sends them as "xtplay:sync" DOM events (a file, not inline, for the Content-Security-Policy).
(function () {
  var region = document.getElementById("sync-status");
  if (!window.EventSource || window.xtSyncSource || !region || !region.dataset.syncEvents) return;
  var source = new EventSource(region.dataset.syncEvents);
  window.xtSyncSource = source;
  function show(d) {
    var here = document.getElementById("sync-status");
    if (!here) return;
    var phase = here.querySelector("[data-sync-phase]"), count = here.querySelector("[data-sync-count]"),
        bar = here.querySelector("progress");
    if (phase) phase.textContent = d.phase;
    if (count) count.textContent = d.total ? " — " + d.done + " / " + d.total : (d.done ? " — " + d.done : "");
    if (bar) { if (d.percent != null) { bar.max = 100; bar.value = d.percent; } else { bar.removeAttribute("value"); } }
    here.dataset.syncPhase = d.phase;
  }
  function tell(name, e) {  // other regions (the loading page) follow the same stream
    document.dispatchEvent(new CustomEvent("xtplay:sync", {detail: {event: name, data: JSON.parse(e.data)}}));
  }
  function finish(e) {
    tell(e.type, e);
    source.close();
    window.xtSyncSource = null;
    window.xtSyncLive = false;
    if (window.htmx && document.getElementById("sync-status")) {
      htmx.ajax("GET", "/sync/status", {target: "#sync-status", swap: "outerHTML"});
    }
  }
  source.onopen = function () { window.xtSyncLive = true; };
  source.onerror = function () { window.xtSyncLive = false; };
  source.addEventListener("progress", function (e) { window.xtSyncLive = true; show(JSON.parse(e.data)); tell("progress", e); });
  source.addEventListener("done", finish);
  source.addEventListener("idle", finish);
})();
