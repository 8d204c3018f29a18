// The hall board: draws each server-sent state, keeps the clock, reconnects by itself, speaks new calls.
// Every event carries the whole board, so a reconnect is also a full resync. Text goes in with textContent only.
(() => {
  'use strict';
  const body = document.body;
  const mpp = body.dataset.mpp;
  const tz = body.dataset.tz || 'Asia/Jakarta';
  const heartbeat = (parseFloat(body.dataset.heartbeat) || 15) * 1000;
  const $ = (id) => document.getElementById(id);
  const status = { online: false, connects: 0, spoken: [], mode: null };
  window.hallBoard = status; // what the browser tests look at

  // ---- clock (the hall PC's clock, shown in the MPP's time zone) ----
  const dateFmt = new Intl.DateTimeFormat('id-ID', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: tz });
  const timeFmt = new Intl.DateTimeFormat('id-ID', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: tz });
  let skew = 0; // server time minus this PC's time (each ping carries the server's time)
  function tick() {
    const now = new Date(Date.now() + skew);
    $('time').textContent = timeFmt.format(now).replace(':', '.');
    $('date').textContent = dateFmt.format(now);
  }
  tick();
  setInterval(tick, 1000);

  // ---- drawing ----
  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function layoutTiles(count) {
    const box = $('tiles').getBoundingClientRect();
    let best = { cols: 1, size: 0 };
    for (let cols = 1; cols <= Math.max(1, count); cols++) {
      const rows = Math.ceil(count / cols);
      const w = box.width / cols, h = box.height / rows;
      const size = Math.min(h * 0.48, w / 4.0); // a number like "A-123" fits in four ems across
      if (size > best.size) best = { cols, size, h };
    }
    const tiles = $('tiles').style;
    tiles.setProperty('--cols', best.cols);
    tiles.setProperty('--num-size', `${Math.floor(best.size)}px`);
    tiles.setProperty('--label-size', `${Math.floor(Math.max(18, Math.min(best.size * 0.36, 44)))}px`);
  }

  function renderCounters(counters) {
    const tiles = $('tiles');
    tiles.replaceChildren(...counters.map((c) => {
      const tile = el('div', 'tile' + (c.fresh ? ' fresh' : '') + (c.number ? '' : ' idle'));
      tile.dataset.counter = c.counter;
      tile.append(el('div', 'label', `LOKET ${c.counter}`), el('div', 'num', c.number || '—'), el('div', 'agency', c.agency));
      return tile;
    }));
    layoutTiles(counters.length);
  }

  function renderRecent(calls) {
    $('recent').replaceChildren(...calls.map((c) => {
      const li = el('li');
      li.append(el('span', 'no', c.number), el('span', 'to', `Loket ${c.counter}`));
      return li;
    }));
    const latest = calls[0];
    $('now-number').textContent = latest ? latest.number : '—';
    $('now-counter').textContent = latest ? `Loket ${latest.counter}` : '';
  }

  function waitingRow(label, count) {
    const tr = el('tr');
    tr.append(el('td', null, label), el('td', null, String(count)));
    return tr;
  }

  // More services than the panel holds are shown a page at a time, turning every few seconds.
  let waitingRows = [], waitingPage = 0;
  function showWaitingPage() {
    const table = $('waiting'), panel = table.parentElement;
    if (!waitingRows.length) {
      const tr = el('tr');
      tr.append(el('td', null, 'Tidak ada antrean menunggu'));
      table.replaceChildren(tr);
      $('waiting-page').textContent = '';
      return;
    }
    table.replaceChildren(...waitingRows.map((w) => waitingRow(w.service, w.count)));
    let perPage = waitingRows.length;
    while (perPage > 1 && panel.scrollHeight > panel.clientHeight) {
      perPage -= 1;
      table.replaceChildren(...waitingRows.slice(0, perPage).map((w) => waitingRow(w.service, w.count)));
    }
    const pages = Math.ceil(waitingRows.length / perPage);
    waitingPage %= pages;
    const rows = waitingRows.slice(waitingPage * perPage, (waitingPage + 1) * perPage);
    table.replaceChildren(...rows.map((w) => waitingRow(w.service, w.count)));
    $('waiting-page').textContent = pages > 1 ? `${waitingPage + 1}/${pages}` : '';
  }
  setInterval(() => { waitingPage += 1; showWaitingPage(); }, 8000);

  function renderWaiting(waiting, total) {
    $('waiting-total').textContent = `(${total})`;
    waitingRows = waiting;
    showWaitingPage();
  }

  let tickerText = null;
  function renderTicker(lines) {
    const text = lines.length ? lines.join('   ◆   ') : 'Selamat datang. Ambil nomor antrean di anjungan dan tunggu nomor Anda dipanggil.';
    if (text === tickerText) return; // leave a running crawl alone
    tickerText = text;
    const ticker = $('ticker');
    ticker.textContent = text;
    ticker.classList.remove('still');
    ticker.style.setProperty('--crawl', `${Math.max(20, Math.round(text.length / 6))}s`);
    ticker.style.animation = 'none';
    void ticker.offsetWidth; // restart the crawl from the right edge
    ticker.style.animation = '';
  }

  // ---- spoken calls: chime, then the browser's own Indonesian voice, else the server's clip, else the chime alone ----
  const seen = new Set();
  let primed = false;
  const pending = [];
  let speaking = false;
  let audio = null;

  function audioContext() {
    if (!audio) {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return null;
      audio = new Ctx();
    }
    return audio;
  }

  function blocked() {
    $('sound').hidden = false; // autoplay refused: one tap on the hall PC unlocks sound
  }
  $('sound').addEventListener('click', () => {
    const ctx = audioContext();
    if (ctx) ctx.resume();
    if (window.speechSynthesis) speechSynthesis.speak(new SpeechSynthesisUtterance(''));
    $('sound').hidden = true;
  });

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const STALE_MS = 120000;

  async function chime() {
    const ctx = audioContext();
    if (!ctx) return;
    if (ctx.state === 'suspended') {
      try { await Promise.race([ctx.resume(), sleep(300)]); } catch (e) { /* stays suspended */ }
    }
    if (ctx.state !== 'running') { blocked(); return; }
    const start = ctx.currentTime + 0.05;
    [[659.25, 0], [523.25, 0.55]].forEach(([freq, at]) => { // "ding-dong": E5 then C5
      const osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, start + at);
      gain.gain.exponentialRampToValueAtTime(0.6, start + at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + at + 1.1);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start + at);
      osc.stop(start + at + 1.2);
    });
    await sleep(1700);
  }

  function localVoice() {
    if (!window.speechSynthesis) return null;
    const voices = speechSynthesis.getVoices();
    // only voices on this PC: a network voice would not work offline and sends the text away
    return voices.find((v) => v.localService && /^id([-_]|$)/i.test(v.lang)) || null;
  }
  if (window.speechSynthesis) speechSynthesis.onvoiceschanged = () => localVoice();

  function speakWithBrowser(voice, text) {
    return new Promise((resolve) => {
      const u = new SpeechSynthesisUtterance(text);
      u.voice = voice; u.lang = voice.lang; u.rate = 0.9;
      const done = () => resolve(true);
      u.onend = done; u.onerror = () => resolve(false);
      setTimeout(done, 15000);
      speechSynthesis.speak(u);
    });
  }

  async function speakWithServer(call) {
    const url = `/board/${encodeURIComponent(mpp)}/suara?nomor=${encodeURIComponent(call.number)}&loket=${encodeURIComponent(call.counter)}`;
    try {
      const response = await fetch(url, { cache: 'force-cache' });
      if (!response.ok) return false;
      const clip = await response.arrayBuffer();
      const ctx = audioContext();
      if (!ctx || ctx.state !== 'running') { blocked(); return false; }
      const buffer = await ctx.decodeAudioData(clip);
      const source = ctx.createBufferSource();
      source.buffer = buffer;
      source.connect(ctx.destination);
      const ended = new Promise((r) => { source.onended = r; });
      source.start();
      await Promise.race([ended, sleep(buffer.duration * 1000 + 1000)]);
      status.lastClipSeconds = buffer.duration;
      return true;
    } catch (e) {
      return false;
    }
  }

  async function say(call) {
    await chime();
    let mode = 'chime';
    if (call.speech) {
      const voice = localVoice();
      if (voice && await speakWithBrowser(voice, call.speech)) mode = 'browser';
      else if (await speakWithServer(call)) mode = 'server';
    }
    status.mode = mode;
    status.spoken.push({ number: call.number, counter: call.counter, mode });
  }

  function flashNow(call) {
    const now = $('now');
    $('now-number').textContent = call.number;
    $('now-counter').textContent = `Loket ${call.counter}`;
    now.setAttribute('aria-label', call.caption);
    now.classList.add('flash');
    setTimeout(() => now.classList.remove('flash'), 8000);
  }

  async function drain() {
    speaking = true;
    while (pending.length) {
      const { call, queued } = pending.shift();
      if (Date.now() - queued > STALE_MS) continue; // a burst of calls: one that waited this long is not said late
      flashNow(call);
      await say(call);
      await sleep(600);
    }
    speaking = false;
  }

  function announceNew(calls) {
    const fresh = calls.filter((c) => !seen.has(c.key));
    calls.forEach((c) => seen.add(c.key));
    if (seen.size > 2000) { // a long day: forget the oldest keys
      const keep = Array.from(seen).slice(-1000);
      seen.clear(); keep.forEach((k) => seen.add(k));
    }
    // the first state after the page opens is history; after a reconnect, calls missed a moment ago are still spoken
    if (primed) fresh.filter((c) => c.fresh).reverse().forEach((c) => pending.push({ call: c, queued: Date.now() }));
    primed = true;
    if (pending.length && !speaking) drain();
  }

  function render(state) {
    if (!state.counters) return; // the MPP left the catalogue: keep the last board
    renderCounters(state.counters);
    renderRecent(state.calls);
    renderWaiting(state.waiting, state.waiting_total);
    renderTicker(state.announcements);
    announceNew(state.calls);
  }
  window.addEventListener('resize', () => layoutTiles($('tiles').children.length));

  // ---- the live feed: reconnect with backoff; a silent stream (no data nor ping) is given up and reopened ----
  let source = null, backoff = 1000, lastHeard = Date.now(), retryTimer = null;

  function setOnline(online) {
    status.online = online;
    $('reconnecting').hidden = online;
  }

  function heard() {
    lastHeard = Date.now();
    backoff = 1000;
    setOnline(true);
  }

  function retry() {
    if (source) { source.close(); source = null; }
    setOnline(false);
    if (retryTimer) return;
    const wait = backoff * (0.75 + Math.random() * 0.5);
    backoff = Math.min(backoff * 2, 30000);
    retryTimer = setTimeout(() => { retryTimer = null; connect(); }, wait);
  }

  function connect() {
    status.connects += 1;
    lastHeard = Date.now();
    source = new EventSource(`/board/${encodeURIComponent(mpp)}/events`);
    source.onmessage = (m) => { heard(); render(JSON.parse(m.data)); };
    source.addEventListener('ping', (m) => {
      heard();
      const server = Number(m.data);
      if (server > 0) { skew = server - Date.now(); tick(); }
    });
    source.onerror = retry;
  }

  setInterval(() => {
    if (source && Date.now() - lastHeard > heartbeat * 2.5 + 5000) retry();
  }, 2000);
  connect();
})();
