// The demo page's display: level meters, lights, the scrolling timeline, the chunk strip, the
// cost table and the event log. No audio here; app.js feeds it.
/**
 * An element of index.html by id (the page has each one; typed loosely: inputs, canvas, lists).
 * @param {string} id
 * @returns {any}
 */
const $ = (id) => document.getElementById(id);
const TIMELINE_MS = 12000;
const FLOOR_DB = -70;

/** @param {number} db */
const pct = (db) => Math.max(0, Math.min(100, ((db - FLOOR_DB) / -FLOOR_DB) * 100));
/** @param {number} db */
const fmtDb = (db) => (db <= FLOOR_DB ? '–∞ dB' : `${db.toFixed(0)} dB`);

/** @typedef {import('realtime-pcm/browser').SessionLevel} SessionLevel */
/** @typedef {import('realtime-pcm/browser').AdapterStats} AdapterStats */

export class DemoView {
  constructor() {
    this.t0 = performance.now();
    /** @type {Array<{ t: number, mic: number, spk: number, speaking: boolean }>} */
    this.levels = [];
    /** @type {Array<{ t: number, kind: 'chunk' | 'cut' }>} */
    this.marks = [];
    /** @type {HTMLElement[]} */
    this.chunkTiles = [];
    /** @type {HTMLCanvasElement} */
    this.canvas = $('timeline');
    this.ctx = /** @type {CanvasRenderingContext2D} */ (this.canvas.getContext('2d'));
    const draw = () => {
      this.draw();
      requestAnimationFrame(draw);
    };
    requestAnimationFrame(draw);
  }

  now() {
    return performance.now() - this.t0;
  }

  /** @param {string} text */
  status(text, kind = '') {
    $('status').textContent = text;
    $('status').className = `status ${kind}`;
  }

  /** @param {SessionLevel} l */
  level(l) {
    $('mic-bar').style.width = `${pct(l.micDb)}%`;
    $('speaker-bar').style.width = `${pct(l.speakerDb)}%`;
    $('mic-db').textContent = fmtDb(l.micDb);
    $('speaker-db').textContent = fmtDb(l.speakerDb);
    const vad = $('vad-light');
    vad.textContent = l.speaking ? 'VAD: speech' : 'VAD: silence';
    vad.className = `light ${l.speaking ? 'on' : ''}`;
    const gate = $('gate-light');
    if (l.echoReductionDb !== null) {
      // the echo seen past maxDelayMs (a Bluetooth speaker): the next call should set maxDelayMs over it
      const beyond = l.echoBeyondMaxDelayMs ?? -1;
      // the whole canceller's reduction (echoReductionDb: judged over echo-only blocks from 2 s after the
      // echo first came; the linear filter's echoCancellerErleDb reads far under it), "measuring" until then
      const judged = (l.echoOnlyMs ?? 0) > 0;
      const removed = judged ? `${l.echoReductionDb.toFixed(0)} dB removed` : 'measuring';
      gate.textContent = `echo canceller: ${removed}${beyond >= 0 ? `; echo at ${beyond.toFixed(0)} ms, past maxDelayMs` : ''}`;
      gate.className = `light ${judged && l.echoReductionDb >= 20 ? 'open' : ''}`;
    } else {
      gate.textContent = l.echoGateOpen === null ? 'echo: off' : l.echoGateOpen ? 'echo gate: open' : 'echo gate: closed';
      gate.className = `light ${l.echoGateOpen === null ? '' : l.echoGateOpen ? 'open' : 'closed'}`;
    }
    const play = $('play-light');
    play.textContent = l.playingItemId ? `playing: ${l.bufferedMs.toFixed(0)} ms buffered` : 'playback: idle';
    play.className = `light ${l.playingItemId ? 'playing' : ''}`;
    this.levels.push({ t: this.now(), mic: l.micDb, spk: l.speakerDb, speaking: l.speaking });
    while (this.levels.length > 0 && this.levels[0].t < this.now() - TIMELINE_MS - 1000) this.levels.shift();
  }

  /**
   * @param {number} bytes
   * @param {boolean} speaking
   * @param {{ count: number, bytes: number }} total
   */
  chunk(bytes, speaking, total) {
    this.marks.push({ t: this.now(), kind: 'chunk' });
    const tile = document.createElement('span');
    tile.title = `${bytes} bytes, ${(bytes / 48).toFixed(0)} ms`;
    if (speaking) tile.className = 'speech';
    $('chunks').append(tile);
    this.chunkTiles.push(tile);
    if (this.chunkTiles.length > 96) this.chunkTiles.shift()?.remove();
    $('chunk-summary').textContent =
      `${total.count} × input_audio_buffer.append, ${(total.bytes / 1024).toFixed(0)} KiB of PCM16 (last: ${bytes} bytes = ${(bytes / 48).toFixed(0)} ms at 24 kHz)`;
  }

  cut() {
    this.marks.push({ t: this.now(), kind: 'cut' });
  }

  /** @param {AdapterStats} s */
  stats(s) {
    /**
     * @param {string} id
     * @param {string} text
     */
    const set = (id, text) => ($(id).textContent = text);
    set('s-sent', `${s.sentSeconds.toFixed(2)} s`);
    set('s-received', `${s.receivedSeconds.toFixed(2)} s`);
    set('s-played', `${s.playedSeconds.toFixed(2)} s`);
    set('s-flushed', `${s.flushedSeconds.toFixed(2)} s`);
    set('s-silence', `${s.silenceNotSentSeconds.toFixed(2)} s`);
    set('s-interrupts', `${s.interruptions} / ${s.truncatesSent}`);
    // 10 tokens/s in at $32 per 1M, 20 tokens/s out at $64 per 1M
    const cin = (s.sentSeconds * 10 * 32) / 1e6;
    const cout = (s.receivedSeconds * 20 * 64) / 1e6;
    const saved = (s.silenceNotSentSeconds * 10 * 32) / 1e6;
    set('c-in', `$${cin.toFixed(4)}`);
    set('c-out', `$${cout.toFixed(4)}`);
    set('c-saved', `−$${saved.toFixed(4)}`);
    set('c-total', `$${(cin + cout).toFixed(4)}`);
  }

  /**
   * @param {'in' | 'out' | 'local' | 'cut' | 'err'} kind
   * @param {string} text
   */
  log(kind, text) {
    const list = $('log');
    const first = list.firstElementChild;
    // consecutive audio deltas become one line with a count
    if (first && first.dataset.text === text && kind === 'in') {
      const n = Number(first.dataset.count) + 1;
      first.dataset.count = String(n);
      first.querySelector('.m').textContent = `${text} ×${n}`;
      return;
    }
    const item = document.createElement('li');
    item.dataset.text = text;
    item.dataset.count = '1';
    const t = document.createElement('span');
    t.className = 't';
    t.textContent = `${(this.now() / 1000).toFixed(2)} s`;
    const arrow = { in: '← ', out: '→ ', local: '• ', cut: '✂ ', err: '! ' }[kind] ?? '';
    const m = document.createElement('span');
    m.className = `m ${kind}`;
    m.textContent = text;
    item.append(t, document.createTextNode(arrow), m);
    list.prepend(item);
    while (list.children.length > 200) list.lastElementChild.remove();
  }

  draw() {
    const { ctx, canvas } = this;
    const w = canvas.width;
    const h = canvas.height;
    const now = this.now();
    /** @param {number} t */
    const x = (t) => w - ((now - t) / TIMELINE_MS) * w;
    /**
     * @param {number} db
     * @param {number} top
     * @param {number} height
     */
    const y = (db, top, height) => top + height - (pct(db) / 100) * height;
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = 'rgba(210,153,34,0.22)';
    for (let i = 1; i < this.levels.length; i++) {
      if (this.levels[i].speaking) ctx.fillRect(x(this.levels[i - 1].t), 0, x(this.levels[i].t) - x(this.levels[i - 1].t) + 0.5, h - 14);
    }
    /**
     * @param {'mic' | 'spk'} key
     * @param {string} color
     * @param {number} top
     * @param {number} height
     */
    const line = (key, color, top, height) => {
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      this.levels.forEach((p, i) => {
        if (i === 0) ctx.moveTo(x(p.t), y(p[key], top, height));
        else ctx.lineTo(x(p.t), y(p[key], top, height));
      });
      ctx.stroke();
    };
    line('mic', '#3fb950', 4, (h - 18) / 2 - 4);
    line('spk', '#58a6ff', (h - 18) / 2 + 2, (h - 18) / 2 - 4);
    for (const m of this.marks) {
      if (m.t < now - TIMELINE_MS) continue;
      if (m.kind === 'chunk') {
        ctx.fillStyle = '#a371f7';
        ctx.fillRect(x(m.t) - 1, h - 10, 2, 8);
      } else {
        ctx.fillStyle = '#f85149';
        ctx.fillRect(x(m.t) - 1.5, 0, 3, h - 12);
      }
    }
    while (this.marks.length > 0 && this.marks[0].t < now - TIMELINE_MS - 1000) this.marks.shift();
    ctx.fillStyle = '#8b98a5';
    ctx.font = '11px system-ui';
    ctx.fillText('−12 s', 4, h - 2);
    ctx.fillText('now', w - 24, h - 2);
  }
}
