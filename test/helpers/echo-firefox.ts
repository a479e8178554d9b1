// Firefox's own echo canceller (libwebrtc's AEC3 inside Gecko) on a lab scene (issue 13;
// echo-browser-run.ts runs it). Firefox's fake microphone (media.navigator.streams.fake) is a tone
// generator that its processing never touches, and its mock audio device (media.cubeb.force_mock_
// context) has no file input, so the microphone here is a real one: a PulseAudio server of our own
// (Debian's pulseaudio, a private socket, started and stopped by the caller) with two null sinks,
// `speaker` (the default output: what Firefox plays, the canceller's reference being its audio
// graph's output) and `mic`, whose monitor is the default source; `paplay` plays the mic file
// into `mic` once the page listens. The reply plays from Web Audio in the mic's AudioContext
// ('webaudio' in echo-browser-page.ts).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { runEchoPage, type EchoBrowserRun, type EchoRunOptions, type OpenEchoPage } from './echo-browser-run.js';
import type { EchoScene } from './echo-scenes.js';

/** Prefs: a real microphone (the PulseAudio source), no prompt, audio allowed to start. */
export const FIREFOX_ECHO_PREFS = {
  'media.navigator.streams.fake': false,
  'media.navigator.permission.disabled': true,
  'media.autoplay.default': 0,
  'media.autoplay.block-webaudio': false,
};

/** Reply ahead of its echo in the mic file: the browser then sees the scene's delay plus ~this (measured). */
export const FIREFOX_LEAD_S = 0.05;

export interface Pulse {
  /** PULSE_SERVER for the browser and paplay. */
  server: string;
  stop(): void;
}

/** Starts a private PulseAudio server (null if pulseaudio is not installed). */
export async function startPulse(): Promise<Pulse | null> {
  if (!existsSync('/usr/bin/pulseaudio')) return null;
  const dir = mkdtempSync(join(os.tmpdir(), 'rtpcm-pulse-'));
  const socket = join(dir, 'native');
  writeFileSync(
    join(dir, 'default.pa'),
    [
      `load-module module-native-protocol-unix socket=${socket} auth-anonymous=1`,
      'load-module module-null-sink sink_name=speaker rate=48000 channels=2',
      'load-module module-null-sink sink_name=mic rate=48000 channels=1',
      'set-default-sink speaker',
      'set-default-source mic.monitor',
      '',
    ].join('\n'),
  );
  const env = { ...process.env, PULSE_RUNTIME_PATH: dir, PULSE_STATE_PATH: dir, HOME: dir };
  const daemon: ChildProcess = spawn('pulseaudio', ['-n', '-F', join(dir, 'default.pa'), '--exit-idle-time=-1', '--daemonize=no', '--log-target=stderr'], {
    env,
    stdio: 'ignore',
  });
  const server = `unix:${socket}`;
  for (let i = 0; i < 50; i++) {
    if (spawnSync('pactl', ['info'], { env: { ...process.env, PULSE_SERVER: server } }).status === 0) {
      return {
        server,
        stop() {
          daemon.kill();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  daemon.kill();
  rmSync(dir, { recursive: true, force: true });
  throw new Error('pulseaudio did not start');
}

/** `open` launches Firefox with FIREFOX_ECHO_PREFS and PULSE_SERVER=pulse.server, and opens the page at the url. */
export function runFirefox(scene: EchoScene, pulse: Pulse, open: OpenEchoPage, options: Partial<EchoRunOptions> = {}): Promise<EchoBrowserRun> {
  const startMic = (micFile: string) => {
    const player = spawn('paplay', ['-d', 'mic', micFile], { env: { ...process.env, PULSE_SERVER: pulse.server }, stdio: 'ignore' });
    return () => player.kill();
  };
  return runEchoPage(scene, 'webaudio', open, { leadS: FIREFOX_LEAD_S, alignment: 'piecewise', ...options }, startMic);
}
