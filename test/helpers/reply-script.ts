// The server's side of a scripted response, as OpenAI GA events (JSON text): response.created,
// the output item, then the demo's reply (demo/assets/reply-24000.wav, 2.3 s of 24 kHz PCM16) in
// 100 ms deltas. Used by the browser session scenes and the adapter's echo test.
import { fileURLToPath } from 'node:url';
import { readWav } from './wav-read.js';

const REPLY = fileURLToPath(new URL('../../demo/assets/reply-24000.wav', import.meta.url));

export function replyScript(): string[] {
  const reply = Int16Array.from(readWav(REPLY).samples, (x) => Math.round(x * 32768));
  const events: Record<string, unknown>[] = [
    { type: 'response.created', event_id: 'e1', response: { id: 'resp_1', object: 'realtime.response', status: 'in_progress', output: [] } },
    {
      type: 'response.output_item.added',
      event_id: 'e2',
      response_id: 'resp_1',
      output_index: 0,
      item: { id: 'item_1', type: 'message', role: 'assistant', status: 'in_progress', content: [] },
    },
  ];
  for (let at = 0, n = 3; at < reply.length; at += 2400, n++) {
    const delta = Buffer.from(reply.buffer, reply.byteOffset + at * 2, Math.min(2400, reply.length - at) * 2).toString('base64');
    events.push({ type: 'response.output_audio.delta', event_id: `e${n}`, response_id: 'resp_1', item_id: 'item_1', output_index: 0, content_index: 0, delta });
  }
  return events.map((e) => JSON.stringify(e));
}
