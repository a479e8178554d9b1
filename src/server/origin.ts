// Which pages may open the server's WebSockets: only its own origin (http://127.0.0.1:PORT and
// http://localhost:PORT), checked against the listening port rather than the Host header, so a
// page on another site (or one that rebinds its DNS name to 127.0.0.1) is refused.
import type { IncomingMessage } from 'node:http';

export function ownOrigins(port: number, extra: readonly string[] = []): Set<string> {
  return new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`, ...extra]);
}

export function originAllowed(request: IncomingMessage, allowed: ReadonlySet<string>): boolean {
  const origin = request.headers.origin;
  return typeof origin === 'string' && allowed.has(origin);
}
