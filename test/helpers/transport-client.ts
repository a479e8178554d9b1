// Test-side helpers for the transport tests: waiting for asynchronous conditions, a raw `ws`
// client wired to an adapter, deterministic signals, and an independent float -> PCM16 reference.
import WebSocket from 'ws';
import { RealtimeAudioAdapter, type RealtimeAudioAdapterOptions } from '../../src/transport/adapter.js';
import type { AdapterEvent } from '../../src/transport/events.js';
import type { RealtimeTestServer, ServerConnection } from './realtime-server.js';

/** Resolves once `predicate` holds (polled every millisecond), or rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** A `ws` client socket, open. */
export async function openSocket(url: string, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  const socket = new WebSocket(url, options);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return socket;
}

/**
 * An OpenAI adapter (`settings`, sending on the socket) wired to a `ws` client of `server`'s
 * `/v1/realtime?model=gpt-realtime`: every server message handed to it and counted (`handled`).
 * Resolves once the socket is open, with the server's end of it.
 */
export async function openaiClient(
  server: RealtimeTestServer,
  settings: Omit<RealtimeAudioAdapterOptions, 'protocol' | 'send'>,
): Promise<{ socket: WebSocket; adapter: RealtimeAudioAdapter; conn: ServerConnection; handled: () => number }> {
  const socket = new WebSocket(`${server.url}/v1/realtime?model=gpt-realtime`);
  const adapter = new RealtimeAudioAdapter({ protocol: 'openai', send: socket, ...settings });
  let handled = 0;
  socket.on('message', (data: Buffer) => {
    adapter.handleServerEvent(data);
    handled++;
  });
  await new Promise((resolve) => socket.once('open', resolve));
  const conn = await server.connection();
  return { socket, adapter, conn, handled: () => handled };
}

/** The truncate a client owes after `playedFrames` of an item played at 24 kHz: the whole milliseconds heard. */
export function truncateAt(itemId: string | undefined, playedFrames: number) {
  return { type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: Math.floor((playedFrames * 1000) / 24000) };
}

/** Collects adapter events by type. */
export class EventLog {
  readonly events: AdapterEvent[] = [];
  readonly push = (event: AdapterEvent): void => {
    this.events.push(event);
  };
  of<T extends AdapterEvent['type']>(type: T): Extract<AdapterEvent, { type: T }>[] {
    return this.events.filter((e) => e.type === type) as Extract<AdapterEvent, { type: T }>[];
  }
  errorCodes(): string[] {
    return this.of('error').map((e) => e.error.code);
  }
}

/** Deterministic PCM16 covering the whole range (a multiplicative pattern, not a smooth signal). */
export function patternPcm(frames: number, seed = 1): Int16Array {
  const out = new Int16Array(frames);
  let x = seed >>> 0;
  for (let i = 0; i < frames; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = (x >>> 16) - 32768;
  }
  return out;
}

/** A tone as PCM16 (for audio that should survive resampling). */
export function tonePcm(frames: number, rate: number, hz: number, amplitude = 12000): Int16Array {
  const out = new Int16Array(frames);
  for (let i = 0; i < frames; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
  return out;
}

/** A float32 microphone signal: a tone plus a seeded pattern, with a few out-of-range samples. */
export function micSignal(frames: number, rate: number, seed = 7): Float32Array {
  const out = new Float32Array(frames);
  let x = seed >>> 0;
  for (let i = 0; i < frames; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate) + ((x >>> 8) / 16777216 - 0.5) * 0.2;
  }
  out[10] = 1.5;
  out[11] = -1.5;
  return out;
}

/** Float -> PCM16 by the stated convention (x 32768, round half away from zero, clamp, NaN -> 0), in plain JS. */
export function referencePcm16(input: Float32Array): Int16Array {
  const out = new Int16Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const v = input[i]! * 32768;
    if (Number.isNaN(v)) continue;
    const r = v < 0 ? -Math.round(-v) : Math.round(v);
    out[i] = Math.max(-32768, Math.min(32767, r));
  }
  return out;
}

/** Seeded random chunk lengths summing to `total`, mixing 1-sample, 128-frame and odd pieces. */
export function chunking(total: number, seed: number): number[] {
  const sizes: number[] = [];
  let x = seed >>> 0;
  let left = total;
  while (left > 0) {
    x = (Math.imul(x, 22695477) + 1) >>> 0;
    const pick = x % 5;
    const size = pick === 0 ? 1 : pick === 1 ? 128 : pick === 2 ? 1 + ((x >>> 20) % 37) : pick === 3 ? 480 : 1 + ((x >>> 12) % 3000);
    const n = Math.min(size, left);
    sizes.push(n);
    left -= n;
  }
  return sizes;
}
