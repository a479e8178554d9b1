// The relay: one page WebSocket <-> one upstream OpenAI Realtime WebSocket. The server holds the
// API key and sends it upstream only (Authorization header); nothing the page receives can carry
// it (any occurrence in upstream text is replaced). The page's messages are limited in size by
// the server's WebSocket (maxPayload), must be JSON text events, and are queued (bounded) until
// the upstream socket opens. Either side closing closes the other.
import { WebSocket, type RawData } from 'ws';

export const DEFAULT_MODEL = 'gpt-realtime';
/** What the page may queue while the upstream connection opens. */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;

export interface RelayOptions {
  apiKey: string;
  /** wss://api.openai.com/v1/realtime?model=MODEL unless given (tests point it at 127.0.0.1). */
  upstreamUrl: string;
  log?: (line: string) => void;
}

export function openAIRealtimeUrl(model: string): string {
  return `wss://api.openai.com/v1/realtime?model=${encodeURIComponent(model)}`;
}

/** Connects `page` to the upstream session and forwards both ways until either closes. */
export function relay(page: WebSocket, options: RelayOptions): void {
  const { apiKey } = options;
  const scrub = (text: string) => (apiKey.length >= 8 ? text.split(apiKey).join('[redacted]') : text);
  const upstream = new WebSocket(options.upstreamUrl, { headers: { Authorization: `Bearer ${apiKey}` }, perMessageDeflate: false });
  const queue: string[] = [];
  let queuedBytes = 0;
  const toPage = (event: Record<string, unknown>) => {
    if (page.readyState === WebSocket.OPEN) page.send(JSON.stringify(event));
  };
  const relayError = (code: string, message: string) =>
    toPage({ type: 'error', event_id: `event_relay_${code}`, error: { type: 'relay_error', code, message: scrub(message), param: null, event_id: null } });

  upstream.on('open', () => {
    options.log?.('relay: connected upstream');
    for (const text of queue) upstream.send(text);
    queue.length = 0;
    queuedBytes = 0;
  });
  upstream.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) return; // the Realtime API speaks JSON text
    const text = data.toString();
    if (page.readyState === WebSocket.OPEN) page.send(scrub(text));
  });
  upstream.on('unexpected-response', (_request, response) => {
    relayError(
      'upstream_refused',
      `the Realtime API refused the connection: HTTP ${response.statusCode ?? '?'}${response.statusCode === 401 ? ' (check OPENAI_API_KEY)' : ''}`,
    );
    page.close(1011, 'upstream refused');
    upstream.terminate();
  });
  upstream.on('error', (error) => {
    relayError('upstream_error', `upstream connection failed: ${error.message}`);
    page.close(1011, 'upstream error');
  });
  upstream.on('close', (code) => {
    options.log?.(`relay: upstream closed (${code})`);
    if (page.readyState === WebSocket.OPEN) page.close(code === 1000 ? 1000 : 1011, 'upstream closed');
  });

  page.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      page.close(1003, 'send JSON text events');
      return;
    }
    const text = data.toString();
    let ok = false;
    try {
      const event = JSON.parse(text) as unknown;
      ok = event !== null && typeof event === 'object' && !Array.isArray(event) && typeof (event as Record<string, unknown>).type === 'string';
    } catch {
      ok = false;
    }
    if (!ok) {
      relayError('invalid_event', 'the relay forwards JSON objects with a string "type" only');
      return;
    }
    if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
    else if (upstream.readyState === WebSocket.CONNECTING) {
      queuedBytes += text.length;
      if (queuedBytes > MAX_QUEUED_BYTES) {
        page.close(1013, 'too much queued before the upstream session opened');
        upstream.terminate();
        return;
      }
      queue.push(text);
    }
  });
  page.on('close', () => {
    if (upstream.readyState === WebSocket.OPEN) upstream.close(1000);
    else if (upstream.readyState === WebSocket.CONNECTING) upstream.terminate();
  });
}
