// The header's sync region: follows /sync/events and re-sends them as "xtplay:sync" DOM events (a file, not inline, for the Content-Security-Policy).
(function () {
  var region = document.getElementById("sync-status");
  if (!window.EventSource || window.xtSyncSource || !region || !region.dataset.syncEvents) return;
  // While the event stream is live, the regions' one-second polling is not needed (htmx's
  // trigger filters would need eval, which the Content-Security-Policy forbids).
  document.addEventListener("htmx:beforeRequest", function (e) {
    var id = e.target && e.target.id;
    if (window.xtSyncLive && (id === "sync-status" || id === "loading-progress")) e.preventDefault();
  });
  var source = new EventSource(region.dataset.syncEvents);
  window.xtSyncSource = source;
  function show(d) {
    var here = document.getElementById("sync-status");
    if (!here) return;
    var phase = here.querySelector("[data-sync-phase]"), count = here.querySelector("[data-sync-count]"),
        bar = here.querySelector("progress");
    if (phase) phase.textContent = d.step || d.phase;
    if (count) count.textContent = " — " + d.percent + "%" + (d.eta ? ", " + d.eta : "");
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
