/* xtplay player: one <video> fed by hls.js (HLS), mpegts.js (MPEG-TS, FLV) or natively (MP4,
   radio, and ffmpeg's fragmented MP4 for remuxed/transcoded files). For a channel or a catch-up
   the server starts the stream first (/open) and says which engine its bytes need.
   Every URL comes from /play/… (opaque, same origin). Keys: Space/K play-pause, F fullscreen,
   M mute, ←/→ seek 10 s; live: PageUp/ArrowUp and PageDown/ArrowDown zap, digits pick a
   channel, Backspace/L returns to the last channel. Position is reported every 10 s and on
   leaving; a next episode starts after a cancellable countdown. */
(function () {
  "use strict";
  var root = document.getElementById("player");
  if (!root) return;
  var cfg = JSON.parse(root.dataset.config);
  var video = document.getElementById("video");
  var $ = function (id) { return document.getElementById(id); };
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  var state = {
    type: cfg.type, id: String(cfg.id), start: cfg.start, info: null, engine: null, hls: null, ts: null,
    offset: 0, remuxGen: 0, duration: null, lastChannel: null, zapStartedAt: null, saveTimer: null, nextTimer: null,
    playing: false, failed: false, generation: 0, audio: 0, subtitle: -1
  };
  window.xtplayPlayer = state;

  function base(type, id) {
    if (type === "catchup") return "/play/" + cfg.profile + "/catchup/" + id + "/" + state.start;
    return "/play/" + cfg.profile + "/" + type + "/" + id;
  }
  function fmtTime(s) {
    if (!isFinite(s) || s < 0) s = 0;
    s = Math.floor(s);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(sec).padStart(2, "0");
  }
  function clock(iso) {
    var d = new Date(iso);
    return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  }

  /* ---- messages ---- */
  function showMessage(title, text, retry) {
    state.failed = true;
    $("spinner").hidden = true;
    $("message-title").textContent = title;
    $("message-text").textContent = text;
    $("retry").hidden = retry === false;
    $("message").hidden = false;
    if (retry !== false) $("retry").focus();
  }
  function hideMessage() { state.failed = false; $("message").hidden = true; }

  function explainFailure(gen) {
    if (gen !== state.generation || state.failed) return;
    fetch(base(state.type, state.id) + "/status", { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (gen !== state.generation) return;
        if (s && s.ok === false) showMessage(s.title, s.message, true);
        else showMessage("Playback stopped", "The stream could not be played or broke off. Try again.", true);
      })
      .catch(function () { showMessage("Playback stopped", "xtplay is not answering. Try again.", true); });
  }

  /* ---- engines ---- */
  function detach() {
    state.generation += 1;
    if (state.hls) { state.hls.destroy(); state.hls = null; }
    if (state.ts) {
      try { state.ts.pause(); state.ts.unload(); state.ts.detachMediaElement(); state.ts.destroy(); } catch (e) { /* already gone */ }
      state.ts = null;
    }
    video.removeAttribute("src");
    video.load();
    state.playing = false;
  }

  function playHls(url) {
    var gen = state.generation;
    state.engine = "hls";
    if (window.Hls && Hls.isSupported()) {
      var hls = new Hls({ liveSyncDurationCount: 2, maxBufferLength: 20, backBufferLength: 30, enableWorker: false,
        startFragPrefetch: true });
      state.hls = hls;
      hls.on(Hls.Events.MANIFEST_PARSED, function () { video.play().catch(function () {}); });
      hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, fillTracks);
      hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, fillTracks);
      hls.on(Hls.Events.ERROR, function (ev, data) {
        if (!data.fatal) return;
        if (data.type === Hls.ErrorTypes.MEDIA_ERROR) { hls.recoverMediaError(); return; }
        explainFailure(gen);
      });
      hls.loadSource(url);
      hls.attachMedia(video);
    } else {
      video.src = url;
      video.play().catch(function () {});
    }
  }

  function playTs(url, live, type) {
    var gen = state.generation;
    state.engine = type === "flv" ? "flv" : "ts";
    if (!(window.mpegts && mpegts.getFeatureList().mseLivePlayback)) {
      showMessage("Not supported", "This browser cannot play MPEG-TS streams; use “Open in mpv/VLC”.", false);
      return;
    }
    var player = mpegts.createPlayer({ type: type === "flv" ? "flv" : "mpegts", isLive: live, url: url },
      { enableWorker: false, lazyLoad: false, liveBufferLatencyChasing: live, autoCleanupSourceBuffer: true,
        enableStashBuffer: !live });
    state.ts = player;
    player.on(mpegts.Events.ERROR, function () { explainFailure(gen); });
    player.attachMediaElement(video);
    player.load();
    var p = player.play();
    if (p && p.catch) p.catch(function () {});
  }

  function playNative(url) {
    state.engine = "native";
    video.src = url;
    video.play().catch(function () {});
  }

  /* A channel or catch-up: the server opens it upstream (trying the account's formats, ``fmt``
     first when the viewer chose one) and answers with the engine the stream's bytes need. */
  function playStream(info, live, gen) {
    var fmt = live ? (cfg.fmt || localStorage.getItem("xtplay.liveFormat") || "") : "";
    return fetch(info.open + (fmt ? "?fmt=" + encodeURIComponent(fmt) : ""), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (gen !== state.generation) {  /* zapped on meanwhile: free the provider connection it holds */
          if (res.ok && res.body.src && res.body.src.indexOf("park=") > 0) fetch(res.body.src + "&release=1");
          return;
        }
        if (!res.ok) { failed(res.body); return; }
        var opened = res.body;
        state.opened = opened;
        state.offset = state.type === "catchup" ? (opened.offset || 0) : 0;  /* archive starts by the minute */
        if (opened.engine === "hls") playHls(opened.src);
        else if (opened.engine === "native") playNative(opened.src);
        else playTs(opened.src, live, opened.engine);
      });
  }

  function failed(b) {
    b = b || {};
    var e = typeof b.error === "object" && b.error ? b.error : b;
    var title = e.title || (typeof e.error === "string" ? e.error : "") || "Playback failed";
    showMessage(title, e.message || "This item cannot be played.", e.retryable !== false);
  }

  /* The remux URL from ``at`` seconds with the chosen audio stream (``audio=N``, checked by the server). */
  function remuxUrl(info, at) {
    var q = [];
    if (at) q.push("start=" + at.toFixed(3));
    if (state.audio > 0) q.push("audio=" + state.audio);
    return (info.remux || info.src) + (q.length ? "?" + q.join("&") : "");
  }

  /* A conversion copies the video, so it can only start on a keyframe: the server says which
     one ``at`` lands on, and the clock and subtitles count from there. The latest call wins. */
  function startRemux(info, at) {
    var gen = ++state.remuxGen;
    function go(from) {
      if (gen !== state.remuxGen || state.info !== info) return;  /* a newer seek or another item won */
      state.offset = from;
      video.src = remuxUrl(info, from);
      if (state.subtitle >= 0) setSubtitle(state.subtitle);
      video.play().catch(function () {});
    }
    if (!at || !info.seek) { go(at || 0); return; }
    fetch(info.seek + "?start=" + at.toFixed(3), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) { go(j && typeof j.start === "number" ? j.start : at); })
      .catch(function () { go(at); });
  }

  function playFile(info, at) {
    state.engine = info.mode === "direct" && state.audio === 0 ? "native" : "remux";
    state.duration = info.duration || null;
    at = Math.max(0, at || 0);
    if (state.engine === "native") {
      state.offset = 0;
      video.src = info.src;
      if (at) video.addEventListener("loadedmetadata", function once() {
        video.removeEventListener("loadedmetadata", once);
        video.currentTime = at;
      });
      if (state.subtitle >= 0) setSubtitle(state.subtitle);
      video.play().catch(function () {});
    } else {
      startRemux(info, at);
    }
    $("mode-note").textContent = info.mode === "direct" ? "" :
      info.mode === "remux" ? "Converted for the browser (audio to AAC)." : "Transcoded for the browser (video to H.264).";
  }

  /* ---- loading an item ---- */
  function infoUrl(type, id) {
    return base(type, id) + "/info" + (type === "episode" && cfg.series ? "?series=" + encodeURIComponent(cfg.series) : "");
  }

  function load(type, id, opts) {
    opts = opts || {};
    clearNext();
    hideMessage();
    detach();
    var gen = state.generation;
    $("spinner").hidden = false;
    state.type = type; state.id = String(id); state.info = null; state.opened = null;
    state.audio = 0; clearSubtitle(); state.subtitle = -1;
    var got = opts.info ? Promise.resolve({ ok: true, body: opts.info }) :
      fetch(infoUrl(type, id), { headers: { Accept: "application/json" } }).then(function (r) {
        return r.json().then(function (body) { return { ok: r.ok, body: body }; });
      });
    return got
      .then(function (res) {
        if (gen !== state.generation) return;
        if (!res.ok) { failed(res.body); return; }
        var info = res.body;
        state.info = info;
        showInfo(info);
        if (type === "live") {
          return playStream(info, true, gen);
        } else if (type === "catchup") {
          state.duration = info.duration || null;
          return playStream(info, false, gen);
        } else {
          var at = opts.at != null ? opts.at : (cfg.t != null ? cfg.t : (info.resume || 0));
          startWithPreferredTracks(info);
          playFile(info, at);
        }
      })
      .catch(function () {
        if (gen === state.generation) showMessage("xtplay is not answering", "Check that it is still running, then retry.", true);
      });
  }

  function showInfo(info) {
    $("osd-title").textContent = (info.num ? info.num + " · " : "") + info.title;
    document.title = info.title + " · xtplay";
    var now = "";
    if (info.kind === "catchup") now = "Catch-up: " + info.programme + " (" + clock(info.programme_start) + ")";
    else if (info.now_next && info.now_next.now) {
      now = "Now: " + info.now_next.now.title + " (" + clock(info.now_next.now.start) + "–" + clock(info.now_next.now.stop) + ")";
      if (info.now_next.next) now += " · Next: " + info.now_next.next.title + " (" + clock(info.now_next.next.start) + ")";
    } else if (info.kind === "live") now = "No programme information";
    $("osd-now").textContent = now;
    var live = state.type === "live";
    ["btn-ch-down", "btn-ch-up", "btn-ch-last"].forEach(function (b) { $(b).hidden = !live; });
    $("seek").disabled = live;
    $("open-m3u").href = base(state.type, state.id) + "/playlist.m3u";
    $("open-m3u-direct").href = base(state.type, state.id) + "/playlist.m3u?direct=1";
    flashOsd();
  }

  var osdTimer = null;
  function flashOsd() {
    $("osd").classList.remove("is-hidden");
    clearTimeout(osdTimer);
    osdTimer = setTimeout(function () { if (!video.paused) $("osd").classList.add("is-hidden"); }, 5000);
  }

  /* ---- tracks ---- */
  function fillTracks() {
    var audio = $("audio-tracks"), subs = $("subtitle-tracks");
    audio.innerHTML = ""; subs.innerHTML = "";
    var a = [], s = [], curA = 0, curS = -1, info = state.info;
    if (info && info.audio_tracks && (state.engine === "native" || state.engine === "remux")) {
      /* files: the tracks the server's probe found (browsers hide MSE audio tracks) */
      var name = function (t, what) {
        var label = t.title || t.language || (what + " " + (t.index + 1));
        return t.title && t.language ? label + " (" + t.language + ")" : label;
      };
      a = info.audio_tracks.map(function (t) { return { id: t.index, name: name(t, "Audio") }; });
      curA = state.audio;
      s = (info.subtitle_tracks || []).map(function (t) { return { id: t.index, name: name(t, "Subtitles") }; });
      curS = state.subtitle;
    } else if (state.hls) {
      a = state.hls.audioTracks.map(function (t, i) { return { id: i, name: t.name || t.lang || ("Audio " + (i + 1)) }; });
      curA = state.hls.audioTrack;
      s = state.hls.subtitleTracks.map(function (t, i) { return { id: i, name: t.name || t.lang || ("Subtitles " + (i + 1)) }; });
      curS = state.hls.subtitleTrack;
    } else {
      if (video.audioTracks) {
        for (var i = 0; i < video.audioTracks.length; i++) {
          var t = video.audioTracks[i];
          a.push({ id: i, name: t.label || t.language || ("Audio " + (i + 1)) });
          if (t.enabled) curA = i;
        }
      }
      for (var j = 0; j < video.textTracks.length; j++) {
        var tt = video.textTracks[j];
        s.push({ id: j, name: tt.label || tt.language || ("Subtitles " + (j + 1)) });
        if (tt.mode === "showing") curS = j;
      }
    }
    a.forEach(function (t) { audio.add(new Option(t.name, t.id, false, t.id === curA)); });
    audio.hidden = a.length < 2;
    if (s.length) {
      subs.add(new Option("Subtitles off", -1, false, curS === -1));
      s.forEach(function (t) { subs.add(new Option(t.name, t.id, false, t.id === curS)); });
    }
    subs.hidden = s.length === 0;
  }
  /* A <track> with the subtitle stream as WebVTT, its times counted from the remux's start. */
  function clearSubtitle() {
    Array.prototype.slice.call(video.querySelectorAll("track")).forEach(function (t) { t.remove(); });
  }
  function setSubtitle(i) {
    state.subtitle = i;
    clearSubtitle();
    var info = state.info, sub = null;
    (info && info.subtitle_tracks || []).forEach(function (t) { if (t.index === i) sub = t; });
    if (!sub) { state.subtitle = -1; return; }
    var el = document.createElement("track");
    el.kind = "subtitles";
    el.label = sub.title || sub.language || ("Subtitles " + (i + 1));
    if (sub.language) el.srclang = sub.language;
    el.src = sub.src + (state.offset ? "?start=" + state.offset.toFixed(3) : "");
    el.default = true;
    video.appendChild(el);
    el.track.mode = "showing";
  }
  function isFile() { return !!(state.info && state.info.audio_tracks && (state.engine === "native" || state.engine === "remux")); }

  $("audio-tracks").addEventListener("change", function (e) {
    var i = parseInt(e.target.value, 10);
    if (isFile()) {
      if (i === state.audio) return;
      var at = position();
      state.audio = i;
      detach();
      playFile(state.info, at);  /* restart the remux here with the other audio stream */
      return;
    }
    if (state.hls) state.hls.audioTrack = i;
    else if (video.audioTracks) for (var k = 0; k < video.audioTracks.length; k++) video.audioTracks[k].enabled = k === i;
  });
  $("subtitle-tracks").addEventListener("change", function (e) {
    var i = parseInt(e.target.value, 10);
    if (isFile()) { if (i < 0) { state.subtitle = -1; clearSubtitle(); } else setSubtitle(i); return; }
    if (state.hls) state.hls.subtitleTrack = i;
    else for (var k = 0; k < video.textTracks.length; k++) video.textTracks[k].mode = k === i ? "showing" : "disabled";
  });
  video.addEventListener("loadedmetadata", fillTracks);
  if (video.textTracks) video.textTracks.addEventListener("addtrack", fillTracks);

  /* ---- time, seeking ---- */
  function position() { return state.offset + (video.currentTime || 0); }
  function totalDuration() {
    if (state.duration) return state.duration;
    return isFinite(video.duration) ? video.duration : null;
  }
  function seekTo(t) {
    var d = totalDuration();
    if (state.type === "live" || !state.info) return;
    if (state.type === "catchup") { seekCatchup(t); return; }
    t = Math.max(0, d ? Math.min(t, d - 1) : t);
    if (state.engine === "native") { video.currentTime = t; return; }
    if (state.engine === "remux") {
      detach();
      startRemux(state.info, t);
    } else if (state.ts) {
      video.currentTime = t;
    }
  }
  var seeking = false;
  $("seek").addEventListener("input", function () { seeking = true; });
  $("seek").addEventListener("change", function (e) {
    seeking = false;
    var d = totalDuration();
    if (d) seekTo(d * e.target.value / 1000);
  });
  video.addEventListener("timeupdate", function () {
    var d = totalDuration(), p = position();
    $("time").textContent = state.type === "live" ? "Live" : fmtTime(p) + (d ? " / " + fmtTime(d) : "");
    if (!seeking && d) $("seek").value = Math.round(1000 * p / d);
    if (state.info && state.info.next && d && d - p < 10 && !state.nextTimer && !state.nextCancelled) startNext();
  });
  video.addEventListener("playing", function () {
    state.playing = true;
    $("spinner").hidden = true;
    hideMessage();
    $("btn-play").textContent = "Pause";
  });
  video.addEventListener("waiting", function () { $("spinner").hidden = false; });
  video.addEventListener("pause", function () { $("btn-play").textContent = "Play"; $("osd").classList.remove("is-hidden"); });
  video.addEventListener("error", function () { if (state.engine === "native" || state.engine === "remux") explainFailure(state.generation); });
  video.addEventListener("ended", function () {
    save(true);
    if (state.info && state.info.next && !state.nextCancelled) startNext(true);
  });

  /* ---- resume and history ---- */
  /* Each report carries this player's id and a rising number, so the server keeps the newest
     of them whatever order they arrive in; once the end was reported, leaving reports nothing. */
  var report = { session: Math.random().toString(36).slice(2) + Date.now().toString(36), seq: 0, endedId: null };
  function save(ended) {
    if (!state.info || state.type === "live" || state.type === "catchup") return;
    if (report.endedId === state.id) return;
    if (ended) report.endedId = state.id;
    var d = totalDuration();
    report.seq += 1;
    var body = JSON.stringify({ position: ended && d ? d : position(), duration: d,
      session: report.session, seq: report.seq });
    return fetch(base(state.type, state.id) + "/progress", {
      method: "POST", body: body, keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }
    }).catch(function () {});
  }
  state.save = save;
  state.saveTimer = setInterval(function () { if (!video.paused && state.playing) save(false); }, 10000);
  window.addEventListener("pagehide", function () { save(false); detach(); });
  /* Back to a player kept in the browser's page cache: it was stopped on leaving, so load it
     again (and with it the position saved since, here or on another device). */
  window.addEventListener("pageshow", function (e) { if (e.persisted) window.location.reload(); });
  video.addEventListener("playing", function () { if (!state.nextTimer) report.endedId = null; });  /* played again */

  /* ---- catch-up and timeshift ----
     A catch-up is the provider's archive from a whole minute of the programme: seeking asks
     for it again from the chosen minute (?at=seconds into the programme; /open answers where
     it really begins, the clock counts from there). The seek bar spans the programme. On a
     live channel with an archive, "start over" (S) plays the programme on air from its start;
     in a catch-up, "live" (L) goes back to the channel. */
  function seekCatchup(t) {
    var d = totalDuration(), here = position();
    t = Math.max(0, d ? Math.min(t, d - 1) : t);
    var minute = Math.floor(t / 60) * 60;
    if (t > here && minute <= Math.floor(here / 60) * 60) minute += 60;  /* forward moves at least a minute */
    if (d && minute >= d) minute = Math.max(0, Math.floor((d - 1) / 60) * 60);
    detach();
    var gen = state.generation;
    $("spinner").hidden = false;
    hideMessage();
    state.catchupAt = minute;
    var info = Object.assign({}, state.info, { open: state.info.open.split("?")[0] + (minute ? "?at=" + minute : "") });
    playStream(info, false, gen).catch(function () { explainFailure(gen); });
  }
  function programmeStart(info) {
    var now = info && info.now_next && info.now_next.now;
    return now ? Math.floor(Date.parse(now.start) / 1000) : null;
  }
  function canStartOver() { return state.type === "live" && state.info && state.info.archive_days > 0 && programmeStart(state.info) !== null; }
  function startOver() {
    if (!canStartOver()) return;
    var channel = state.id, start = programmeStart(state.info);
    state.liveChannel = channel;
    state.start = start;
    history.replaceState(null, "", "/watch/catchup/" + encodeURIComponent(channel) + "/" + start);
    load("catchup", channel);
  }
  function goLive() {
    if (state.type !== "catchup") return;
    var channel = state.id;
    state.start = null; state.duration = null;
    history.replaceState(null, "", "/watch/live/" + encodeURIComponent(channel));
    load("live", channel);
  }
  function showTimeshiftButtons() {
    $("btn-start-over").hidden = !canStartOver();
    $("btn-go-live").hidden = state.type !== "catchup";
  }
  function timeshiftKeys(e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(document.activeElement)) return;
    var k = e.key;
    if ((k === "s" || k === "S") && canStartOver()) startOver();
    else if ((k === "l" || k === "L") && state.type === "catchup") goLive();
    else return;
    e.preventDefault(); e.stopPropagation(); flashOsd();
  }
  state.startOver = startOver; state.goLive = goLive;
  $("btn-start-over").addEventListener("click", startOver);
  $("btn-go-live").addEventListener("click", goLive);
  video.addEventListener("loadedmetadata", showTimeshiftButtons);
  video.addEventListener("playing", showTimeshiftButtons);

  /* ---- preferred languages ----
     The server says which audio and subtitle stream of a file match the profile's languages
     (or what was last chosen on this series); a change in the menus is remembered for the
     channel or series (a movie's becomes the profile's preference). */
  function startWithPreferredTracks(info) {
    var pick = info.start_tracks || {};
    if (typeof pick.audio === "number") state.audio = pick.audio;
    if (typeof pick.subtitle === "number") state.subtitle = pick.subtitle;
  }
  function trackLanguage(kind, id) {
    var info = state.info || {}, list = kind === "audio" ? info.audio_tracks : info.subtitle_tracks, found = null;
    if (isFile()) (list || []).forEach(function (t) { if (t.index === id) found = t.language; });
    else if (state.hls) {
      var t = (kind === "audio" ? state.hls.audioTracks : state.hls.subtitleTracks)[id];
      found = t ? t.lang : null;
    }
    return found;
  }
  function rememberTrack(kind, e) {
    var id = parseInt(e.target.value, 10), lang = kind === "subtitle" && id < 0 ? "off" : trackLanguage(kind, id);
    if (!lang || !state.info) return;
    var body = {}; body[kind] = lang;
    fetch(base(state.type, state.id) + "/tracks", {
      method: "POST", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }
    }).catch(function () {});
  }
  $("audio-tracks").addEventListener("change", function (e) { rememberTrack("audio", e); });
  $("subtitle-tracks").addEventListener("change", function (e) { rememberTrack("subtitle", e); });

  /* ---- leaving by key: the position is stored before going Back, so the page shown next
     (details, series, home) already has it; the browser's own Back still saves on pagehide. */
  function backAfterSave(e) {
    if (e.key !== "Escape" && e.key !== "Backspace") return;
    if (state.type === "live" || e.ctrlKey || e.metaKey || e.altKey || typing(document.activeElement)) return;
    if (history.length <= 1) return;
    e.preventDefault(); e.stopPropagation();
    var gone = false;
    function go() { if (!gone) { gone = true; history.back(); } }
    var saved = save(false);
    if (saved) { saved.then(go, go); setTimeout(go, 1500); } else go();
  }

  /* ---- next episode ---- */
  function startNext(now) {
    var next = state.info.next, count = now ? 5 : 10;
    $("next-title").textContent = next.title;
    $("next-count").textContent = count;
    $("next").hidden = false;
    state.nextTimer = setInterval(function () {
      count -= 1;
      $("next-count").textContent = count;
      if (count <= 0) { clearNext(); save(true); window.location.href = next.url; }
    }, 1000);
  }
  function clearNext() {
    if (state.nextTimer) clearInterval(state.nextTimer);
    state.nextTimer = null;
    $("next").hidden = true;
  }
  $("next-cancel").addEventListener("click", function () { state.nextCancelled = true; clearNext(); });
  $("next-now").addEventListener("click", function () { clearNext(); save(true); window.location.href = state.info.next.url; });

  /* ---- zapping ---- */
  function switchTo(id) {
    if (!id || String(id) === state.id) return;
    state.lastChannel = state.id;
    state.zapStartedAt = performance.now();
    history.replaceState(null, "", "/watch/live/" + encodeURIComponent(id) + (cfg.fmt ? "?fmt=" + cfg.fmt : ""));
    load("live", id);
  }
  function zap(step) {
    if (state.type !== "live") return;
    fetch(base("live", state.id) + "/zap?step=" + step, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (j) { if (j.id) switchTo(j.id); });
  }
  function zapNumber(n) {
    fetch(base("live", state.id) + "/zap?number=" + n, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
      .then(function (res) {
        if (res.ok && res.j.id) switchTo(res.j.id);
        else { $("osd-now").textContent = "No channel " + n; flashOsd(); }
      });
  }
  state.zap = zap; state.zapNumber = zapNumber;
  state.lastChannelKey = function () { if (state.lastChannel) switchTo(state.lastChannel); };
  $("btn-ch-up").addEventListener("click", function () { zap(1); });
  $("btn-ch-down").addEventListener("click", function () { zap(-1); });
  $("btn-ch-last").addEventListener("click", state.lastChannelKey);

  var digits = "", digitTimer = null;
  function digit(d) {
    digits += d;
    $("zap-digits").textContent = digits;
    $("zap-digits").hidden = false;
    clearTimeout(digitTimer);
    digitTimer = setTimeout(function () {
      var n = parseInt(digits, 10);
      digits = ""; $("zap-digits").hidden = true;
      zapNumber(n);
    }, 1200);
  }

  /* ---- controls ---- */
  function togglePlay() { if (video.paused) video.play().catch(function () {}); else video.pause(); }
  function toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (root.requestFullscreen) root.requestFullscreen().catch(function () {});
  }
  $("btn-play").addEventListener("click", togglePlay);
  video.addEventListener("click", togglePlay);
  $("btn-fs").addEventListener("click", toggleFullscreen);
  $("btn-mute").addEventListener("click", function () { video.muted = !video.muted; });
  $("volume").addEventListener("input", function (e) { video.volume = parseFloat(e.target.value); video.muted = false; });
  video.addEventListener("volumechange", function () {
    $("btn-mute").textContent = video.muted ? "Unmute" : "Mute";
    $("volume").value = video.muted ? 0 : video.volume;
  });
  $("retry").addEventListener("click", function () {
    var at = state.type === "live" ? null : position();
    load(state.type, state.id, { at: at });
  });
  var launch = $("launch-mpv");
  if (launch) launch.addEventListener("click", function () {
    video.pause();
    fetch(base(state.type, state.id) + "/launch", { method: "POST", headers: { "X-CSRF-Token": csrf, Accept: "application/json" } });
  });
  root.addEventListener("mousemove", flashOsd);

  function typing(el) {
    return el && (el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "SELECT" ||
      (el.tagName === "INPUT" && !/^(range|button|checkbox)$/i.test(el.type)));
  }
  /* Capture phase: the player takes its keys before the site-wide handler (app.js). */
  window.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(document.activeElement)) return;
    var live = state.type === "live", k = e.key, handled = true;
    if (k === " " || k === "k" || k === "K") togglePlay();
    else if (k === "f" || k === "F") toggleFullscreen();
    else if (k === "m" || k === "M") video.muted = !video.muted;
    else if (live && (k === "PageUp" || k === "ArrowUp")) zap(1);
    else if (live && (k === "PageDown" || k === "ArrowDown")) zap(-1);
    else if (live && (k === "Backspace" || k === "l" || k === "L")) state.lastChannelKey();
    else if (live && /^[0-9]$/.test(k)) digit(k);
    else if (!live && k === "ArrowRight") seekTo(position() + 10);
    else if (!live && k === "ArrowLeft") seekTo(position() - 10);
    else handled = false;
    if (handled) { e.preventDefault(); e.stopPropagation(); flashOsd(); }
  }, true);

  window.addEventListener("keydown", backAfterSave, true);
  window.addEventListener("keydown", timeshiftKeys, true);

  load(state.type, state.id, { info: cfg.info });
})();
