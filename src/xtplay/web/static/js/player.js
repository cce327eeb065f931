/* xtplay player: one <video> fed by hls.js (HLS), mpegts.js (MPEG-TS, FLV) or natively (MP4,
   radio, and ffmpeg's fragmented MP4 for remuxed/transcoded files). For a channel or a catch-up
   the server starts the stream first (/open) and says which engine its bytes need.
   Every URL comes from /play/… (opaque, same origin). Position is reported every 10 s and on
   leaving; a next episode starts after a cancellable countdown.
   Keys (a TV remote's where browsers name them): Space/K/MediaPlayPause play-pause, F
   fullscreen, M mute, ←/→ seek 10 s and ↓ the controls; live: ←/→ the controls, Enter/OK the channel overlay (the list the channel
   came from, now/next per row, ←/→ other lists), ↑/↓ and PageUp/PageDown/ChannelUp/ChannelDown
   zap inside that list, digits then Enter (or a pause) pick a channel number, L the last
   channel, R/green recent channels, * /red favorite; A/yellow next audio track, C/blue
   next subtitles, Z sleep timer, P picture-in-picture, I information, MediaStop stops and goes
   back. Escape/Back closes the overlay, else goes back to the list, focus on this channel. */
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
    playing: false, failed: false, generation: 0, audio: 0, subtitle: -1, list: cfg.list || "all",
    picked: { audio: false, subtitle: false }
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
        else showMessage(tr("Playback stopped"), tr("The stream could not be played or broke off. Try again."), true);
      })
      .catch(function () { showMessage(tr("Playback stopped"), tr("xtplay is not answering. Try again."), true); });
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
      hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, function () { startStreamAudio(); fillTracks(); });
      hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, function () { startStreamSubtitles(); fillTracks(); });
      hls.on(Hls.Events.AUDIO_TRACK_SWITCHED, fillTracks);
      hls.on(Hls.Events.SUBTITLE_TRACK_SWITCH, fillTracks);
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
      showMessage(tr("Not supported"), tr("This browser cannot play MPEG-TS streams; use “Open in mpv/VLC”."), false);
      return;
    }
    var player = mpegts.createPlayer({ type: type === "flv" ? "flv" : "mpegts", isLive: live, url: url },
      { enableWorker: false, lazyLoad: false, liveBufferLatencyChasing: live, autoCleanupSourceBuffer: true,
        enableStashBuffer: !live });
    state.ts = player;
    player.on(mpegts.Events.ERROR, function () { explainFailure(gen); });
    /* A live stream has no end: when its answer ends, xtplay gave up on the provider (after
       re-opening it). Once what came has played, say why, as for an error; a catch-up cut off
       well before its programme's end likewise. */
    player.on(mpegts.Events.LOADING_COMPLETE, function () {
      if (gen !== state.generation) return;
      function out() {
        video.removeEventListener("waiting", out);
        video.removeEventListener("ended", out);
        var early = live || (state.duration && position() < state.duration - 30);
        if (gen === state.generation && early) explainFailure(gen);
      }
      video.addEventListener("waiting", out);
      video.addEventListener("ended", out);
    });
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
    var title = e.title || (typeof e.error === "string" ? e.error : "") || tr("Playback failed");
    showMessage(title, e.message || tr("This item cannot be played."), e.retryable !== false);
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
      info.mode === "remux" ? tr("Converted for the browser (audio to AAC).") : tr("Transcoded for the browser (video to H.264).");
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
    state.audio = 0; clearSubtitle(); state.subtitle = -1; state.picked = { audio: false, subtitle: false };
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
        if (gen === state.generation) showMessage(tr("xtplay is not answering"), tr("Check that it is still running, then retry."), true);
      });
  }

  function showInfo(info) {
    $("osd-title").textContent = (info.num ? info.num + " · " : "") + info.title;
    document.title = info.title + " · xtplay";
    var now = "";
    if (info.kind === "catchup") now = tr("Catch-up: {title} ({time})", {title: info.programme, time: clock(info.programme_start)});
    else if (info.now_next && info.now_next.now) {
      now = tr("Now: {title} ({start}–{stop})", {title: info.now_next.now.title, start: clock(info.now_next.now.start), stop: clock(info.now_next.now.stop)});
      if (info.now_next.next) now += " · Next: " + info.now_next.next.title + " (" + clock(info.now_next.next.start) + ")";
    } else if (info.kind === "live") now = tr("No programme information");
    $("osd-now").textContent = now;
    var live = state.type === "live";
    ["btn-ch-down", "btn-ch-up", "btn-ch-last", "btn-list", "btn-recent", "btn-fav"].forEach(function (b) { $(b).hidden = !live; });
    showProgress(info);
    if (live) { remember(info); showFavorite(); }
    $("seek").disabled = live;
    $("open-m3u").href = base(state.type, state.id) + "/playlist.m3u";
    $("open-m3u-direct").href = base(state.type, state.id) + "/playlist.m3u?direct=1";
    flashOsd();
  }

  /* The info bar's progress through the programme on now. */
  function showProgress(info) {
    var bar = $("osd-progress"), now = info && info.now_next && info.now_next.now;
    if (!now) { bar.hidden = true; return; }
    var a = new Date(now.start).getTime(), b = new Date(now.stop).getTime();
    bar.value = b > a ? Math.max(0, Math.min(100, 100 * (Date.now() - a) / (b - a))) : 0;
    bar.hidden = false;
  }

  var noticeTimer = null;
  function notice(text) {
    $("osd-notice").textContent = text;
    flashOsd();
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(function () { $("osd-notice").textContent = ""; }, 4000);
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
      a = info.audio_tracks.map(function (t) { return { id: t.index, name: name(t, tr("Audio")) }; });
      curA = state.audio;
      s = (info.subtitle_tracks || []).map(function (t) { return { id: t.index, name: name(t, tr("Subtitles")) }; });
      curS = state.subtitle;
    } else if (state.hls) {
      a = state.hls.audioTracks.map(function (t, i) { return { id: i, name: t.name || t.lang || tr("Audio {n}", {n: i + 1}) }; });
      curA = state.hls.audioTrack;
      s = state.hls.subtitleTracks.map(function (t, i) { return { id: i, name: t.name || t.lang || tr("Subtitles {n}", {n: i + 1}) }; });
      curS = state.hls.subtitleTrack;
    } else {
      if (video.audioTracks) {
        for (var i = 0; i < video.audioTracks.length; i++) {
          var t = video.audioTracks[i];
          a.push({ id: i, name: t.label || t.language || tr("Audio {n}", {n: i + 1}) });
          if (t.enabled) curA = i;
        }
      }
      for (var j = 0; j < video.textTracks.length; j++) {
        var tt = video.textTracks[j];
        s.push({ id: j, name: tt.label || tt.language || tr("Subtitles {n}", {n: j + 1}) });
        if (tt.mode === "showing") curS = j;
      }
    }
    a.forEach(function (t) { audio.add(new Option(t.name, t.id, false, t.id === curA)); });
    audio.hidden = a.length < 2;
    if (s.length) {
      subs.add(new Option(tr("Subtitles off"), -1, false, curS === -1));
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
    el.label = sub.title || sub.language || tr("Subtitles {n}", {n: i + 1});
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
    $("time").textContent = state.type === "live" ? tr("Live") : fmtTime(p) + (d ? " / " + fmtTime(d) : "");
    if (!seeking && d) $("seek").value = Math.round(1000 * p / d);
    if (state.info && state.info.next && d && d - p < 10 && !state.nextTimer && !state.nextCancelled) startNext();
  });
  video.addEventListener("playing", function () {
    state.playing = true;
    $("spinner").hidden = true;
    hideMessage();
    $("btn-play").textContent = tr("Pause");
  });
  video.addEventListener("waiting", function () { $("spinner").hidden = false; });
  video.addEventListener("pause", function () { $("btn-play").textContent = tr("Play"); $("osd").classList.remove("is-hidden"); });
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
     (or what was last chosen on this series), and which languages a channel starts in; a
     change in the menus is remembered for the channel or series (a movie's becomes the
     profile's preference). */
  function startWithPreferredTracks(info) {
    var pick = info.start_tracks || {};
    if (typeof pick.audio === "number") state.audio = pick.audio;
    if (typeof pick.subtitle === "number") state.subtitle = pick.subtitle;
  }
  /* A live stream's tracks are known to the player only (HLS renditions, or the browser's own
     audioTracks): it starts on the one in the language the server names (info.languages: every
     spelling of the channel's last choice, else the profile's), once per start, so a track the
     viewer picks afterwards stays. */
  function wanted(list, lang) {
    return !!(lang && list && list.length) && list.indexOf(String(lang).toLowerCase().split(/[-_]/)[0]) >= 0;
  }
  function indexIn(tracks, list) {
    for (var i = 0; i < tracks.length; i++) if (wanted(list, tracks[i].lang || tracks[i].language)) return i;
    return -1;
  }
  function startStreamAudio() {
    var langs = state.info && state.info.languages, i;
    if (!langs || !langs.audio || !langs.audio.length || state.picked.audio) return;
    if (state.hls) {
      if (!state.hls.audioTracks.length) return;
      state.picked.audio = true;
      i = indexIn(state.hls.audioTracks, langs.audio);
      if (i >= 0 && i !== state.hls.audioTrack) state.hls.audioTrack = i;
    } else if (state.engine === "hls" && video.audioTracks && video.audioTracks.length) {
      state.picked.audio = true;
      i = indexIn(video.audioTracks, langs.audio);
      if (i >= 0) for (var k = 0; k < video.audioTracks.length; k++) video.audioTracks[k].enabled = k === i;
    }
  }
  function startStreamSubtitles() {
    var langs = state.info && state.info.languages, i;
    if (!langs || !langs.subtitle || !langs.subtitle.length || state.picked.subtitle) return;
    if (state.hls) {
      if (!state.hls.subtitleTracks.length) return;
      state.picked.subtitle = true;
      i = langs.subtitle === "off" ? -1 : indexIn(state.hls.subtitleTracks, langs.subtitle);
      if (i >= 0 || langs.subtitle === "off") state.hls.subtitleTrack = i;
    } else if (state.engine === "hls" && video.textTracks.length) {
      state.picked.subtitle = true;
      i = langs.subtitle === "off" ? -1 : indexIn(video.textTracks, langs.subtitle);
      if (i >= 0 || langs.subtitle === "off") for (var k = 0; k < video.textTracks.length; k++) video.textTracks[k].mode = k === i ? "showing" : "disabled";
    }
  }
  video.addEventListener("loadedmetadata", function () { if (!state.hls) { startStreamAudio(); startStreamSubtitles(); fillTracks(); } });

  function trackLanguage(kind, id) {
    var info = state.info || {}, list = kind === "audio" ? info.audio_tracks : info.subtitle_tracks, found = null;
    if (isFile()) (list || []).forEach(function (t) { if (t.index === id) found = t.language; });
    else if (state.hls) {
      var t = (kind === "audio" ? state.hls.audioTracks : state.hls.subtitleTracks)[id];
      found = t ? t.lang : null;
    } else if (kind === "audio" && video.audioTracks && video.audioTracks[id]) found = video.audioTracks[id].language;
    else if (kind === "subtitle" && video.textTracks[id]) found = video.textTracks[id].language;
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
  function watchUrl(id) {
    var q = [];
    if (state.list && state.list !== "all") q.push("list=" + encodeURIComponent(state.list));
    if (cfg.fmt) q.push("fmt=" + encodeURIComponent(cfg.fmt));
    return "/watch/live/" + encodeURIComponent(id) + (q.length ? "?" + q.join("&") : "");
  }
  /* The page the player was opened from gets focus back on the channel now playing (Back). */
  function focusBackOn(id) {
    if (window.xtplayFocus) xtplayFocus.focusOnReturn('a[data-channel-id="' + CSS.escape(String(id)) + '"]');
  }
  function switchTo(id, list) {
    if (list) state.list = list;
    if (!id || String(id) === state.id) return;
    state.lastChannel = state.id;
    state.zapStartedAt = performance.now();
    history.replaceState(null, "", watchUrl(id));
    focusBackOn(id);
    load("live", id);
  }
  function zap(step) {
    if (state.type !== "live") return;
    fetch(base("live", state.id) + "/zap?step=" + step + "&list=" + encodeURIComponent(state.list),
      { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (j) { if (j.id) switchTo(j.id); });
  }
  function zapNumber(n) {
    fetch(base("live", state.id) + "/zap?number=" + n, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
      .then(function (res) {
        if (res.ok && res.j.id) switchTo(res.j.id, "all");
        else notice(tr("No channel {n}", {n: n}));
      });
  }
  state.zap = zap; state.zapNumber = zapNumber;
  state.lastChannelKey = function () { if (state.lastChannel) switchTo(state.lastChannel); };
  $("btn-ch-up").addEventListener("click", function () { zap(1); });
  $("btn-ch-down").addEventListener("click", function () { zap(-1); });
  $("btn-ch-last").addEventListener("click", state.lastChannelKey);
  $("btn-list").addEventListener("click", function () { openOverlay(); });
  $("btn-recent").addEventListener("click", openRecent);
  $("btn-fav").addEventListener("click", toggleFavorite);
  $("btn-audio").addEventListener("click", function () { stepSelect($("audio-tracks"), tr("No other audio track")); });
  $("btn-subs").addEventListener("click", function () { stepSelect($("subtitle-tracks"), tr("No other subtitles")); });
  $("btn-sleep").addEventListener("click", stepSleep);
  $("btn-pip").addEventListener("click", togglePip);
  $("btn-info").addEventListener("click", info);
  state.openOverlay = openOverlay; state.openRecent = openRecent;

  var digits = "", digitTimer = null;
  function digit(d) {
    digits += d;
    $("zap-digits").textContent = digits;
    $("zap-digits").hidden = false;
    clearTimeout(digitTimer);
    digitTimer = setTimeout(commitDigits, 1500);
  }
  function commitDigits() {
    clearTimeout(digitTimer);
    var n = parseInt(digits, 10);
    digits = ""; $("zap-digits").hidden = true;
    if (!isNaN(n)) zapNumber(n);
  }

  /* ---- the channel overlay: the current list, now/next per row ---- */
  var overlay = $("overlay"), overlayBody = $("overlay-body");
  function overlayOpen() { return !overlay.hidden; }
  function openOverlay(spec) {
    var url = "/watch/channel-list?list=" + encodeURIComponent(spec || state.list) + "&current=" + encodeURIComponent(state.id);
    return fetch(url, { headers: { Accept: "text/html" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        overlayBody.innerHTML = html;
        if (window.htmx) htmx.process(overlayBody);
        overlay.hidden = false;
        var row = overlayBody.querySelector('a[data-channel-id="' + CSS.escape(state.id) + '"]') ||
          overlayBody.querySelector("a[data-channel-id]") || overlayBody.querySelector("h2");
        if (row) { if (row.tagName === "H2") row.tabIndex = -1; row.focus(); row.scrollIntoView({ block: "center" }); }
      })
      .catch(function () { notice(tr("The channel list could not be loaded.")); });
  }
  function closeOverlay() {
    overlay.hidden = true;
    overlayBody.innerHTML = "";
    root.focus();
  }
  function otherList(step) {
    var head = $("overlay-title");
    if (head) openOverlay(step > 0 ? head.dataset.next : head.dataset.prev);
  }
  overlay.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[data-channel-id]");
    if (!a) return;
    e.preventDefault();
    switchTo(a.dataset.channelId, a.dataset.list);
    closeOverlay();
  });

  /* ---- recent channels (the last 10, newest first) ---- */
  function recent() {
    try { return JSON.parse(localStorage.getItem("xtplay.recent." + cfg.profile) || "[]"); } catch (e) { return []; }
  }
  function remember(info) {
    var ids = recent().filter(function (i) { return i !== state.id; });
    ids.unshift(state.id);
    try { localStorage.setItem("xtplay.recent." + cfg.profile, JSON.stringify(ids.slice(0, 10))); } catch (e) { /* full */ }
  }
  function openRecent() {
    var ids = recent().filter(function (i) { return i !== state.id; });
    if (!ids.length) { notice(tr("No recent channels yet")); return; }
    openOverlay("ids:" + [state.id].concat(ids).slice(0, 10).join(","));
  }

  /* ---- favorite ---- */
  function showFavorite(on) {
    var b = $("btn-fav");
    if (on === undefined) {
      fetch("/api/favorites?type=live", { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (j) {
          var list = j && (j.favorites || j.items || []);
          showFavorite(!!(list || []).some(function (f) { return String(f.provider_id) === state.id; }));
        }).catch(function () {});
      return;
    }
    b.setAttribute("aria-pressed", on ? "true" : "false");
    b.textContent = on ? "★ Favorite" : "☆ Favorite";
  }
  function toggleFavorite() {
    if (state.type !== "live") return;
    fetch("/favorites/live/" + encodeURIComponent(state.id) + "/toggle?compact=1",
      { method: "POST", headers: { "X-CSRF-Token": csrf, "HX-Request": "true" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var on = html.indexOf('aria-pressed="true"') >= 0;
        showFavorite(on);
        notice(on ? tr("Added to favorites") : tr("Removed from favorites"));
      }).catch(function () { notice(tr("The favorite could not be changed.")); });
  }

  /* ---- audio and subtitles: one key each steps to the next track ---- */
  function stepSelect(sel, none) {  /* ``none``: what to say when there is no other track */
    if (sel.hidden || sel.options.length < 2) { notice(none); return; }
    sel.selectedIndex = (sel.selectedIndex + 1) % sel.options.length;
    sel.dispatchEvent(new Event("change"));
    notice(sel.options[sel.selectedIndex].text);
  }

  /* ---- sleep timer ---- */
  var SLEEP_STEPS = [0, 15, 30, 60, 90], sleepAt = 0, sleepTimer = null;
  function stepSleep() {
    var left = sleepAt ? Math.ceil((sleepAt - Date.now()) / 60000) : 0, next = 0;
    for (var i = 0; i < SLEEP_STEPS.length; i++) if (SLEEP_STEPS[i] > left) { next = SLEEP_STEPS[i]; break; }
    if (left >= SLEEP_STEPS[SLEEP_STEPS.length - 1]) next = 0;
    clearTimeout(sleepTimer);
    sleepAt = next ? Date.now() + next * 60000 : 0;
    if (next) sleepTimer = setTimeout(sleep, next * 60000);
    $("btn-sleep").textContent = next ? tr("Sleep: {minutes} min", {minutes: next}) : tr("Sleep: off");
    notice(next ? tr("Sleep in {minutes} minutes", {minutes: next}) : tr("Sleep timer off"));
  }
  function sleep() {
    sleepAt = 0;
    $("btn-sleep").textContent = tr("Sleep: off");
    save(false);
    detach();
    showMessage(tr("Sleep timer"), tr("Playback stopped by the sleep timer."), true);
  }
  state.sleepNow = sleep;

  /* ---- picture-in-picture ---- */
  function togglePip() {
    if (document.pictureInPictureElement) { document.exitPictureInPicture().catch(function () {}); return; }
    if (!document.pictureInPictureEnabled || !video.requestPictureInPicture) { notice(tr("Picture-in-picture is not available here")); return; }
    video.requestPictureInPicture().catch(function () { notice(tr("Picture-in-picture is not available for this stream")); });
  }
  function info() { if (state.info) { showInfo(state.info); } flashOsd(); }

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
    $("btn-mute").textContent = video.muted ? tr("Unmute") : tr("Mute");
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
  /* From the picture into the control bars (arrows move on there; Back returns to the picture). */
  function showControls() { flashOsd(); $("btn-play").focus(); }
  function stop() { save(false); detach(); if (history.length > 1) history.back(); else window.location.href = "/live"; }

  /* Keys while the overlay is open: ←/→ other lists, Back closes; ↑/↓ and Enter are the list's
     (focus.js moves, the row's click switches). */
  function overlayKey(k) {
    if (k === "ArrowLeft" || k === "ArrowRight") {
      otherList(k === "ArrowRight" ? 1 : -1);
      return true;
    }
    if (k === "Escape" || k === "Backspace" || k === "BrowserBack" || k === "GoBack") { closeOverlay(); return true; }
    if (k === "*" || k === "ColorF0Red") {
      var b = document.activeElement && document.activeElement.closest("li") && document.activeElement.closest("li").querySelector(".fav-btn");
      if (b) { b.click(); return true; }
    }
    return false;
  }

  /* Keys on the picture (and the remote's own keys anywhere on the page). */
  function playerKey(k) {
    var live = state.type === "live", onPicture = document.activeElement === root || document.activeElement === document.body;
    if (k === " " || k === "k" || k === "K" || k === "MediaPlayPause") togglePlay();
    else if (k === "MediaPlay") video.play().catch(function () {});
    else if (k === "MediaPause") video.pause();
    else if (k === "MediaStop") stop();
    else if (k === "f" || k === "F") toggleFullscreen();
    else if (k === "m" || k === "M" || k === "AudioVolumeMute") video.muted = !video.muted;
    else if (k === "a" || k === "A" || k === "ColorF2Yellow") stepSelect($("audio-tracks"), tr("No other audio track"));
    else if (k === "c" || k === "C" || k === "ColorF3Blue") stepSelect($("subtitle-tracks"), tr("No other subtitles"));
    else if (k === "z" || k === "Z") stepSleep();
    else if (k === "p" || k === "P") togglePip();
    else if (k === "i" || k === "I" || k === "Info") info();
    else if (live && (k === "ChannelUp" || k === "PageUp" || k === "MediaTrackNext" || (onPicture && k === "ArrowUp"))) zap(1);
    else if (live && (k === "ChannelDown" || k === "PageDown" || k === "MediaTrackPrevious" || (onPicture && k === "ArrowDown"))) zap(-1);
    else if (live && k === "Enter" && digits) commitDigits();
    else if (live && k === "Enter" && onPicture) openOverlay();
    else if (live && (k === "r" || k === "R" || k === "ColorF1Green")) openRecent();
    else if (live && (k === "*" || k === "ColorF0Red")) toggleFavorite();
    else if (live && (k === "l" || k === "L")) state.lastChannelKey();
    else if (live && /^[0-9]$/.test(k)) digit(k);
    else if (live && onPicture && (k === "ArrowLeft" || k === "ArrowRight")) showControls();
    else if (!live && onPicture && k === "ArrowDown") showControls();
    else if (!live && onPicture && k === "ArrowRight") seekTo(position() + 10);
    else if (!live && onPicture && k === "ArrowLeft") seekTo(position() - 10);
    else if (!live && onPicture && k === "Enter") togglePlay();
    else if ((k === "Escape" || k === "Backspace") && !onPicture && root.contains(document.activeElement)) root.focus();
    else return false;
    return true;
  }

  /* Capture phase: the player takes its keys before the site-wide handler (app.js). */
  window.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(document.activeElement)) return;
    var handled = overlayOpen() ? overlayKey(e.key) : playerKey(e.key);
    if (handled) { e.preventDefault(); e.stopPropagation(); flashOsd(); }
  }, true);

  window.addEventListener("keydown", backAfterSave, true);
  window.addEventListener("keydown", timeshiftKeys, true);

  load(state.type, state.id, { info: cfg.info });
})();
