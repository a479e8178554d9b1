// The echo canceller's bench hooks (assembly/bench-hooks.ts: the suppressor's trace and the cost
// split's ablations, behind `--use BENCH_HOOKS=1`) are not compiled into the release build, so a
// change to the canceller that breaks them would go unseen until a bench needs them: here they are
// compiled (unoptimized, nothing written) from the sources as they are, and the release module is
// checked to carry none of their exports. Cost: about 2 s of CPU (asc).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kernelModule } from '../../src/wasm/load.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HOOK_EXPORTS = ['aec_trace_set', 'aec_trace_count', 'aec_double', 'aec_emulate'];

describe('bench hooks', () => {
  it('compile with --use BENCH_HOOKS=1 against the kernels as they are', () => {
    const asc = `${ROOT}node_modules/assemblyscript/bin/asc.js`;
    const args = ['assembly/index-hooks.ts', '--target', 'debug', '--use', 'BENCH_HOOKS=1', '--noEmit'];
    let errors = '';
    try {
      execFileSync(process.execPath, [asc, ...args], { cwd: ROOT, stdio: 'pipe' });
    } catch (e) {
      errors = String((e as { stderr?: Buffer }).stderr ?? e);
    }
    expect(errors).toBe('');
  }, 60_000);

  it('are absent from the release module', () => {
    const names = WebAssembly.Module.exports(kernelModule()).map((e) => e.name);
    expect(names).toContain('aec_process');
    for (const name of HOOK_EXPORTS) expect(names).not.toContain(name);
  });
});
