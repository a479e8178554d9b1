// `npm start`: the local demo server (dist/server.js, built from src/server/): a voice session in
// the browser with the built-in local session, and a relay to the OpenAI Realtime API when
// OPENAI_API_KEY is set. `npm start -- --port 9000` (or PORT=9000) picks the port; Ctrl-C stops it.
// `npm install` builds dist/ (the prepare script); if dist/ is missing, it is built first.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const root = new URL('../', import.meta.url);
const needed = ['dist/server.js', 'dist/browser.js', 'dist/worklet.js'];
if (needed.some((file) => !existsSync(new URL(file, root)))) {
  console.log('realtime-pcm demo: building dist/ first (npm run build)...');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
// a URL, not a literal path: the bundle is built output, not a module to type-check
await import(new URL('dist/server.js', root).href);
