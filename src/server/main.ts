// `npm start` (dist/server.js): starts the demo server and prints its URL. Options: --port N (or
// PORT; default 8787, 0 for any free port); OPENAI_API_KEY enables the relay to the OpenAI
// Realtime API (OPENAI_REALTIME_MODEL picks the model, REALTIME_PCM_UPSTREAM_URL another
// upstream) and sends phone calls (/phone) there; PHONE_STREAM_TOKEN makes /phone require that
// token as the stream's custom parameter `token`. Ctrl-C (SIGINT) or SIGTERM stops it.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startDemoServer } from './demo-server.js';

const { values } = parseArgs({ options: { port: { type: 'string' }, quiet: { type: 'boolean' } }, strict: true });
const port = Number(values.port ?? process.env.PORT ?? 8787);
const root = fileURLToPath(new URL('../', import.meta.url));
const log = values.quiet === true ? undefined : (line: string) => console.log(`  ${line}`);

try {
  const server = await startDemoServer({
    port,
    root,
    apiKey: process.env.OPENAI_API_KEY,
    model: process.env.OPENAI_REALTIME_MODEL,
    upstreamUrl: process.env.REALTIME_PCM_UPSTREAM_URL,
    phone: { token: process.env.PHONE_STREAM_TOKEN || undefined },
    log,
  });
  // stoppable before the URL is out (whoever reads it may signal at once)
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    console.log('realtime-pcm demo: stopped');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  console.log(`realtime-pcm demo: ${server.url}`);
  console.log(
    server.relayEnabled
      ? `  built-in local session, and a relay to the OpenAI Realtime API (${process.env.OPENAI_REALTIME_MODEL ?? 'gpt-realtime'}; the key stays on this server)`
      : '  built-in local session (set OPENAI_API_KEY to relay to the OpenAI Realtime API as well)',
  );
  const phoneUrl = server.url.replace(/^http/, 'ws').replace(/\/$/, '/phone');
  console.log(
    `  phone calls: a carrier media stream on ${phoneUrl} (${server.relayEnabled ? 'to the OpenAI Realtime API' : 'to the local session'}${process.env.PHONE_STREAM_TOKEN ? ', token required' : ''}); see docs/phone.md`,
  );
  console.log('  open it in a browser; Ctrl-C stops the server');
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  console.error(
    code === 'EADDRINUSE'
      ? `realtime-pcm demo: port ${port} is in use; try npm start -- --port 8788 (or PORT=0 for any free port)`
      : `realtime-pcm demo: ${(error as Error).message}`,
  );
  process.exit(1);
}
