// The demo page: a microphone (or the bundled speech fixture) and the speaker wired to a realtime
// session with realtime-pcm's `connectRealtimeAudio` (the whole adapter in an AudioWorklet), over
// a WebSocket to this server: /session (the built-in local session) or /relay (the OpenAI
// Realtime API, through the server, which holds the key). `window.demo` exposes what happened,
// for the browser test.
// 'realtime-pcm/browser' is dist/browser.js, through the import map in index.html.
import * as pcm from 'realtime-pcm/browser';
import { DemoView } from './ui.js';

/** @typedef {import('realtime-pcm/browser').RealtimeAudioConnection} RealtimeAudioConnection */
/** @typedef {{ context: AudioContext, source: AudioNode, close: () => Promise<void> }} Source */

/**
 * An element of index.html by id (the page has each one; typed loosely: inputs and buttons).
 * @param {string} id
 * @returns {any}
 */
const $ = (id) => document.getElementById(id);
const view = new DemoView();
/**
 * What happened, for the browser test.
 * @type {{ state: string, mode: string | null, contextRate: number | null, chunks: { count: number, bytes: number },
 *   serverTypes: Record<string, number>, clientTypes: Record<string, number>, events: object[], interruptions: object[],
 *   errors: unknown[], stats: import('realtime-pcm/browser').AdapterStats | null, levels: number, speaking: boolean, ready?: boolean }}
 */
const demo = {
  state: 'idle',
  mode: null,
  contextRate: null,
  chunks: { count: 0, bytes: 0 },
  serverTypes: {},
  clientTypes: {},
  events: [],
  interruptions: [],
  errors: [],
  stats: null,
  levels: 0,
  speaking: false,
};
/** @type {any} */ (window).demo = demo;

/** @type {{ socket: WebSocket, source: Source, connection: RealtimeAudioConnection, timer: ReturnType<typeof setInterval> } | null} */
let session = null;
const config = await (await fetch('/config.json')).json();
if (config.relay) {
  /** @type {HTMLInputElement} */ (document.querySelector('input[value=relay]')).disabled = false;
  $('relay-note').textContent = `(${config.model}; the API key stays on the server)`;
}

/** @param {string} text */
const typeOf = (text) => /^\{"type":"([^"]+)"/.exec(text)?.[1] ?? /"type":"([^"]+)"/.exec(text.slice(0, 200))?.[1] ?? '?';
/**
 * @param {Record<string, number>} map
 * @param {string} type
 */
const count = (map, type) => (map[type] = (map[type] ?? 0) + 1);
const APPEND_PREFIX = '{"type":"input_audio_buffer.append","audio":"';

/** @param {string} text */
function onClientText(text) {
  if (text.startsWith(APPEND_PREFIX)) {
    const b64 = text.length - APPEND_PREFIX.length - 2;
    const padding = text.endsWith('=="}') ? 2 : text.endsWith('="}') ? 1 : 0;
    const bytes = (b64 / 4) * 3 - padding;
    demo.chunks.count++;
    demo.chunks.bytes += bytes;
    count(demo.clientTypes, 'input_audio_buffer.append');
    view.chunk(bytes, demo.speaking, demo.chunks);
    return;
  }
  const event = JSON.parse(text);
  count(demo.clientTypes, event.type);
  demo.events.push({ dir: 'out', ...event });
  if (event.type === 'conversation.item.truncate') view.log('cut', `conversation.item.truncate ${event.item_id} audio_end_ms=${event.audio_end_ms}`);
  else view.log('out', event.type);
}

/** @param {string} text */
function onServerText(text) {
  const type = typeOf(text);
  count(demo.serverTypes, type);
  if (type === 'response.output_audio.delta' || type === 'response.output_audio_transcript.delta') {
    view.log('in', type);
    return;
  }
  const event = JSON.parse(text);
  demo.events.push({ dir: 'in', ...event });
  let detail = '';
  if (type === 'input_audio_buffer.speech_started') detail = ` at ${event.audio_start_ms} ms`;
  else if (type === 'input_audio_buffer.speech_stopped') detail = ` at ${event.audio_end_ms} ms`;
  else if (type === 'response.done') detail = ` (${event.response?.status})`;
  else if (type === 'conversation.item.truncated') detail = ` ${event.item_id} at ${event.audio_end_ms} ms`;
  else if (type === 'response.output_audio_transcript.done') detail = `: “${event.transcript}”`;
  else if (type === 'error') {
    detail = `: ${event.error?.code ?? event.error?.type}: ${event.error?.message}`;
    demo.errors.push(event.error);
  }
  view.log(type === 'error' ? 'err' : 'in', `${type}${detail}`);
}

/**
 * @param {boolean} useFixture
 * @returns {Promise<Source>}
 */
async function openSource(useFixture) {
  if (!useFixture) {
    const mic = await pcm.openMicrophone();
    return { context: mic.context, source: mic.source, close: () => mic.close() };
  }
  // the fixture plays in a loop as the "microphone", and quietly on the speaker so you hear it too
  const context = new AudioContext({ latencyHint: 'interactive' });
  const bytes = await (await fetch('/demo/assets/turn-48000.wav')).arrayBuffer();
  const buffer = await context.decodeAudioData(bytes);
  const player = context.createBufferSource();
  player.buffer = buffer;
  player.loop = true;
  const source = context.createGain();
  player.connect(source);
  const monitor = context.createGain();
  monitor.gain.value = 0.35;
  player.connect(monitor).connect(context.destination);
  player.start();
  return { context, source, close: () => context.close() };
}

async function start() {
  const mode = /** @type {HTMLInputElement} */ (document.querySelector('input[name=mode]:checked')).value;
  const useFixture = $('fixture').checked;
  const speechOnly = $('speech-only').checked;
  $('start').disabled = true;
  view.status('connecting…');
  try {
    const socket = new WebSocket(`ws://${location.host}/${mode === 'relay' ? 'relay' : 'session'}`);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = () => reject(new Error('the WebSocket did not open'));
    });
    const source = await openSource(useFixture);
    await source.context.resume();
    const sendTarget = {
      /** @param {string} text */
      send(text) {
        socket.send(text);
        onClientText(text);
      },
      get readyState() {
        return socket.readyState;
      },
      get bufferedAmount() {
        return socket.bufferedAmount;
      },
    };
    const connection = await pcm.connectRealtimeAudio({
      context: source.context,
      source: source.source,
      protocol: 'openai',
      send: sendTarget,
      vad: true,
      // the browser's own echo cancellation stays on (openMicrophone); ours runs on what it leaves
      echoCancellation: $('echo').value === 'canceller',
      echoGate: $('echo').value === 'gate',
      localBargeIn: $('local-barge-in').checked,
      // send only speech: silence gating (with prefix padding) and turns ended here, by commit
      silenceGating: speechOnly,
      turnDetection: speechOnly ? 'none' : 'server',
      onLevel(level) {
        demo.levels++;
        demo.speaking = level.speaking;
        view.level(level);
      },
      onEvent(event) {
        demo.events.push({ dir: 'local', ...event });
        if (event.type === 'interrupted') {
          demo.interruptions.push(event);
          view.cut();
          view.log(
            'cut',
            `barge-in (${event.source}): playback flushed (${event.flushedMs.toFixed(0)} ms dropped) after ${event.playedMs.toFixed(0)} ms heard of ${event.itemId}`,
          );
        } else if (event.type === 'error') {
          demo.errors.push(event);
          view.log('err', `${event.code}: ${event.message}`);
        } else if (event.type === 'microphone_silent' || event.type === 'microphone_resumed') {
          view.log(event.type === 'microphone_silent' ? 'err' : 'local', `${event.type} (${event.silentMs} ms of exact zeros or no input)`);
        } else if (event.type === 'microphone_muted' || event.type === 'microphone_unmuted') {
          view.log('local', `${event.type}: ${event.label || event.trackId}`);
        } else {
          view.log('local', `client VAD ${event.type} at ${event.timeMs.toFixed(0)} ms`);
          if (event.type === 'speech_stop' && speechOnly) endTurn();
        }
      },
    });
    socket.onmessage = (message) => {
      connection.handleServerEvent(message.data);
      onServerText(message.data);
    };
    socket.onclose = (event) => {
      if (session !== null) stop(`closed by the server (${event.code}${event.reason ? `: ${event.reason}` : ''})`);
    };
    const turnDetection = speechOnly ? 'none' : 'server_vad';
    if (mode === 'relay') {
      await connection.sessionUpdate(
        { voice: 'marin', turnDetection },
        { instructions: 'You are the voice of a demo of an audio library. Answer in one or two short sentences.', output_modalities: ['audio'] },
      );
    } else await connection.sessionUpdate({ turnDetection });
    const timer = setInterval(async () => {
      demo.stats = await connection.getStats();
      view.stats(demo.stats);
    }, 250);
    session = { socket, source, connection, timer };
    Object.assign(demo, { state: 'live', mode, contextRate: source.context.sampleRate });
    view.status(
      `live · ${mode === 'relay' ? 'OpenAI Realtime via relay' : 'local session'} · ${useFixture ? 'speech fixture' : 'microphone'}${speechOnly ? ' · speech only' : ''} · context ${source.context.sampleRate} Hz`,
      'live',
    );
    $('stop').disabled = false;
    $('interrupt').disabled = false;
  } catch (error) {
    demo.state = 'error';
    const message = error instanceof Error ? error.message : String(error);
    demo.errors.push({ message });
    view.status(`error: ${message}`, 'error');
    $('start').disabled = false;
  }
}

/** Client turn detection: the VAD heard the end of speech, so the turn is committed and answered. */
async function endTurn() {
  const committed = await session?.connection.commit({ createResponse: true });
  view.log('local', committed ? 'turn ended by the client VAD: commit + response.create' : 'turn too short to commit (< 100 ms)');
}

async function stop(reason = 'ended') {
  const s = session;
  session = null;
  if (s === null) return;
  clearInterval(s.timer);
  demo.stats = await s.connection.getStats().catch(() => demo.stats);
  if (demo.stats) view.stats(demo.stats);
  s.connection.close();
  s.socket.close();
  await s.source.close();
  demo.state = 'idle';
  view.status(reason);
  $('start').disabled = false;
  $('stop').disabled = true;
  $('interrupt').disabled = true;
}

$('start').onclick = start;
$('stop').onclick = () => stop();
$('interrupt').onclick = async () => {
  const cut = await session?.connection.interrupt();
  if (!cut) view.log('local', 'nothing playing to stop');
};
demo.ready = true;
