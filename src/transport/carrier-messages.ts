// A phone carrier's media-stream messages, typed in one place: Twilio Media Streams (Telnyx,
// SignalWire and others speak the same JSON, some with snake_case names, which are read too).
// In: `connected`, `start` (stream and call ids, media format, custom parameters), `media` (track,
// chunk number, timestamp in ms since the stream started, base64 payload; numbers as strings),
// `mark` (the name of a mark we sent, echoed after playout, or at a `clear`), `dtmf`, `stop`.
// Out: `media`, `mark`, `clear`, each with the `streamSid`. Reading never throws: anything that is
// not one of these becomes a TransportError to count.
// Reference: twilio.com/docs/voice/media-streams/websocket-messages.
import { TransportError } from './errors.js';
import { obj, str } from './protocol.js';
import { parseServerMessage } from './server-message.js';

/** What the carrier sends. */
export type CarrierMessage =
  | { event: 'connected' }
  | {
      event: 'start';
      streamSid: string;
      callSid: string | undefined;
      /** 'mulaw' or 'alaw' when the encoding is G.711; the carrier's name otherwise. */
      encoding: string;
      sampleRate: number;
      channels: number;
      tracks: string[];
      customParameters: Record<string, string>;
    }
  | { event: 'media'; track: string; chunk: number | undefined; timestampMs: number; payload: string }
  | { event: 'mark'; name: string }
  | { event: 'dtmf'; digit: string; track: string | undefined }
  | { event: 'stop' };

const ENCODINGS: Record<string, string> = {
  'audio/x-mulaw': 'mulaw',
  'audio/pcmu': 'mulaw',
  pcmu: 'mulaw',
  mulaw: 'mulaw',
  'audio/x-alaw': 'alaw',
  'audio/pcma': 'alaw',
  pcma: 'alaw',
  alaw: 'alaw',
};

/** A number given as a number or a decimal string (Twilio sends strings), else undefined. */
function num(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function malformed(event: string, what: string): TransportError {
  return new TransportError('malformed_event', `carrier ${event} message ${what}`, `carrier:${event}`);
}

/** Reads one carrier message (JSON text, its bytes, or a parsed object); never throws. */
export function readCarrierMessage(data: unknown): CarrierMessage | TransportError {
  const message = parseServerMessage(data);
  if (message instanceof TransportError) return new TransportError('malformed_event', `carrier message: ${message.message}`, 'carrier');
  const event = message.event;
  switch (event) {
    case 'connected':
      return { event };
    case 'start': {
      const start = obj(message.start);
      const streamSid = str(start?.streamSid) ?? str(start?.stream_id) ?? str(message.streamSid) ?? str(message.stream_id);
      if (start === undefined || streamSid === undefined) return malformed(event, 'needs start.streamSid');
      const format = obj(start.mediaFormat) ?? obj(start.media_format) ?? {};
      const encoding = str(format.encoding) ?? 'audio/x-mulaw';
      const parameters: Record<string, string> = {};
      const given = obj(start.customParameters) ?? obj(start.custom_parameters) ?? {};
      for (const [key, value] of Object.entries(given)) if (typeof value === 'string') parameters[key] = value;
      const tracks = Array.isArray(start.tracks) ? start.tracks.filter((t): t is string => typeof t === 'string') : ['inbound'];
      return {
        event,
        streamSid,
        callSid: str(start.callSid) ?? str(start.call_control_id) ?? str(start.call_sid),
        encoding: ENCODINGS[encoding.toLowerCase()] ?? encoding,
        sampleRate: num(format.sampleRate) ?? num(format.sample_rate) ?? 8000,
        channels: num(format.channels) ?? 1,
        tracks,
        customParameters: parameters,
      };
    }
    case 'media': {
      const media = obj(message.media);
      const payload = media?.payload;
      const timestampMs = num(media?.timestamp);
      if (media === undefined || typeof payload !== 'string' || timestampMs === undefined) {
        return malformed(event, 'needs media.payload (base64) and media.timestamp');
      }
      return { event, track: str(media.track) ?? 'inbound', chunk: num(media.chunk), timestampMs, payload };
    }
    case 'mark': {
      const name = obj(message.mark)?.name;
      if (typeof name !== 'string') return malformed(event, 'needs mark.name');
      return { event, name };
    }
    case 'dtmf': {
      const dtmf = obj(message.dtmf);
      const digit = str(dtmf?.digit);
      if (digit === undefined) return malformed(event, 'needs dtmf.digit');
      return { event, digit, track: str(dtmf?.track) };
    }
    case 'stop':
      return { event };
  }
  const name = typeof event === 'string' ? event.slice(0, 40) : String(event);
  return new TransportError('unknown_event', `unknown carrier message event ${JSON.stringify(name)}`, 'carrier');
}

/** `media` to the carrier: base64 audio for the caller (in the stream's own encoding). */
export function carrierMedia(streamSid: string, payload: string): Record<string, unknown> {
  return { event: 'media', streamSid, media: { payload } };
}

/** `mark` to the carrier: echoed back once the audio sent before it has played (or at a `clear`). */
export function carrierMark(streamSid: string, name: string): Record<string, unknown> {
  return { event: 'mark', streamSid, mark: { name } };
}

/** `clear` to the carrier: drop the audio buffered for the caller now. */
export function carrierClear(streamSid: string): Record<string, unknown> {
  return { event: 'clear', streamSid };
}

/**
 * Our mark names: the playback generation (clears so far), the mark's sequence number, the item and
 * how much of it was sent, e.g. `g2.m41.item_abc.1280ms`. Only the generation and the sequence are
 * read back; the rest is for people reading logs.
 */
export function markName(generation: number, seq: number, itemId: string, itemSentMs: number): string {
  return `g${generation}.m${seq}.${itemId}.${Math.floor(itemSentMs)}ms`;
}

/** The generation and sequence of one of our mark names, or undefined for a name not ours. */
export function parseMarkName(name: string): { generation: number; seq: number } | undefined {
  const match = /^g(\d{1,9})\.m(\d{1,15})\./.exec(name);
  return match === null ? undefined : { generation: Number(match[1]), seq: Number(match[2]) };
}
