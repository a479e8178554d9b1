// A page stand-in for the demo server tests: a `ws` client with an Origin header that records
// every message and close, and waits for conditions.
import { WebSocket } from 'ws';

export class PageClient {
  readonly received: Record<string, unknown>[] = [];
  readonly texts: string[] = [];
  closed: { code: number; reason: string } | undefined;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const text = data.toString();
      this.texts.push(text);
      this.received.push(JSON.parse(text));
      this.wake();
    });
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  /** Opens `url` with the given Origin; rejects with the HTTP status if the upgrade is refused. */
  static open(url: string, origin: string | undefined): Promise<PageClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers: origin === undefined ? {} : { Origin: origin } });
      const client = new PageClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  send(event: Record<string, unknown> | string): void {
    this.socket.send(typeof event === 'string' ? event : JSON.stringify(event));
  }

  of(type: string): Record<string, any>[] {
    return this.received.filter((e) => e.type === type) as Record<string, any>[];
  }

  async waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${this.received.map((e) => e.type).join(', ')}`)), timeoutMs);
      const waiter = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      };
      this.waiters.push(waiter);
    });
  }

  close(): void {
    this.socket.close();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
