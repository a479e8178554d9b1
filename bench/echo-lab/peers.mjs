// The peers (speexdsp MDF + preprocessor at 500 ms, webrtc-audio-processing 0.3 told the delay) on a lab
// scene, through bench/echo-peers/peers.cpp built once with g++ and pkg-config into a temp dir (needs
// libspeexdsp-dev, libwebrtc-audio-processing-dev): the output aligned to the mic by each peer's
// latency (bench/echo.bench.mjs peerLatency). Used by st-split.mjs and peers-side.mjs.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ROOT } from './common.mjs';

/** The peers' output latency, samples. @param {string} peer @param {number} rate */
function peerLatency(peer, rate) {
  /** @type {Record<number, number>} */
  const webrtc = { 16000: 112, 24000: 199, 48000: 383 };
  const lat = peer === 'speex' ? rate / 100 : webrtc[rate];
  if (lat === undefined) throw new Error(`webrtc latency at ${rate} Hz not measured`);
  return lat;
}

/** Builds the harness; `run(peer, scene)` gives that peer's aligned output, `close()` removes the temp dir. */
export function peerRunner() {
  const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-peers-'));
  const bin = join(tmp, 'peers');
  const pc = spawnSync('pkg-config', ['--cflags', '--libs', 'speexdsp', 'webrtc-audio-processing'], { encoding: 'utf8' });
  if (pc.status !== 0) throw new Error('peers need libspeexdsp-dev and libwebrtc-audio-processing-dev');
  execFileSync('g++', ['-O2', '-std=c++14', '-o', bin, join(ROOT, 'bench/echo-peers/peers.cpp'), ...pc.stdout.trim().split(/\s+/)]);
  /** @param {string} peer @param {import('./common.mjs').EchoScene} scene */
  const run = (peer, scene) => {
    const [mic, ref, out] = ['mic', 'ref', 'out'].map((n) => join(tmp, `${n}.f32`));
    writeFileSync(mic, scene.mic);
    writeFileSync(ref, scene.reference);
    const filterMs = peer === 'speex' ? 500 : 250;
    const delayMs = String(Math.round(scene.meta.echoDelayMs));
    execFileSync(bin, [peer, String(scene.sampleRate), mic, ref, out, '--filter-ms', String(filterMs), '--delay-ms', delayMs]);
    const b = readFileSync(out);
    const raw = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
    const lat = peerLatency(peer, scene.sampleRate);
    const aligned = new Float32Array(scene.mic.length);
    for (let i = 0; i < aligned.length; i++) aligned[i] = raw[i + lat] ?? 0;
    return aligned;
  };
  return { run, close: () => rmSync(tmp, { recursive: true, force: true }) };
}
