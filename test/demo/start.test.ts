// `npm start` as a user runs it (node scripts/start.mjs, on the built dist/server.js): it prints
// its 127.0.0.1 URL, serves the page there, takes --port, and stops cleanly on SIGINT (Ctrl-C).
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function startScript(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['scripts/start.mjs', ...args], { cwd: root, env: { ...process.env, OPENAI_API_KEY: '', ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${out} ${err}`)), 15000);
    child.stdout.on('data', () => {
      const match = /realtime-pcm demo: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  return { child, url, exited, output: () => out + err };
}

describe('npm start (scripts/start.mjs)', () => {
  it('prints its URL, serves the demo page, and stops on SIGINT', async () => {
    const run = startScript(['--port', '0']);
    const url = await run.url;
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<script type="module" src="\/demo\/app\.js">/);
    expect(run.output()).toMatch(/built-in local session \(set OPENAI_API_KEY/);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(/realtime-pcm demo: stopped/);
  });

  it('uses the port it is given, and says so when that port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const taken = startScript([], { PORT: String(port) });
      expect(await taken.exited).toBe(1);
      expect(taken.output()).toMatch(new RegExp(`port ${port} is in use`));
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
    const run = startScript(['--port', String(port)]);
    expect(await run.url).toBe(`http://127.0.0.1:${port}/`);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });
});
