// The page that puts a browser's own echo canceller between a lab scene's mic and our metrics
// (issue 13; echo-browser-run.ts drives it). Two ways for the reply to reach the canceller as its
// reference, one per browser, each the one its canceller takes here:
// - 'webrtc' (Chromium, whose renderer-side canceller takes WebRTC's playout only): the reply goes
//   through a peer connection looped back inside the page (Opus made near-transparent: 510 kb/s in
//   the 'audio' application, which the encoder takes when the stream is stereo; measured 32-35 dB
//   waveform SNR received, against 12 dB for the mono 'voip' default) and its remote track plays
//   from an <audio> element; the receiver's jitter buffer is held at 200 ms and `silenceS` of
//   silence go ahead of the reply, so its time stretching settles first;
// - 'webaudio' (Firefox, whose canceller takes what its audio graph plays): the reply plays from an
//   AudioBufferSourceNode in the same AudioContext as the mic.
// The mic file (a fake capture device, or a PulseAudio source fed by paplay) carries a noise burst
// at `markS`, which tells the page where the file stands in the AudioContext's timeline; the reply is
// scheduled from it, `leadS` ahead of its echo in the file. One AudioWorklet records both the
// processed mic (input 0) and the reply as played or received (input 1), from the same quantum.
// pageSetup and pageFinish run in the page (serialized by page.evaluate): they use nothing outside.
export const MARK_S = 0.2;
export const MARK_MS = 20;
/** Silence played through the loopback before the reply (the jitter buffer settles). */
export const SILENCE_S = 3;

export const TAP_WORKLET = `registerProcessor('echo-tap', class extends AudioWorkletProcessor {
  constructor() { super(); this.on = false; this.marked = false; this.port.onmessage = (e) => { this.on = e.data; }; }
  process(inputs) {
    if (!this.on) return true;
    const mic = inputs[0][0], ref = inputs[1][0];
    if (!this.marked && mic) for (let i = 0; i < mic.length; i++) if (Math.abs(mic[i]) > 0.1) { this.marked = true; this.port.postMessage({ markFrame: currentFrame + i }); break; }
    this.port.postMessage([mic ? mic.slice() : new Float32Array(128), ref ? ref.slice() : new Float32Array(128)]);
    return true;
  }
});`;

export interface PageRun {
  via: 'webrtc' | 'webaudio';
  /** getUserMedia's constraints (echoCancellation, noiseSuppression, autoGainControl). */
  constraints: Record<string, boolean>;
  /** Play the reply (false: the loopback runs silent; the canceller has no reference). */
  play: boolean;
  /** Where the scene starts in the mic file, s. */
  padS: number;
  /** How long before its echo in the file the reply enters the loopback, s. */
  leadS: number;
  jitterBufferMs: number;
  seconds: number;
  markS: number;
  silenceS: number;
}

export interface PageResult {
  /** Processed mic and received reference, float32 little-endian, base64. */
  mic: string;
  reference: string;
  settings: Record<string, unknown>;
  bitrate: number | null;
}

/** Runs in the page: sets up the reply's path, the mic and the recording; resolves once recording. */
export async function pageSetup(o: PageRun): Promise<void> {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const ctx = new AudioContext({ sampleRate: 48000 });
  await ctx.resume();
  while (ctx.state !== 'running') await sleep(20);
  await ctx.audioWorklet.addModule('tap.js');
  const reply = await ctx.decodeAudioData(await (await fetch('reply.wav')).arrayBuffer());
  const tap = new AudioWorkletNode(ctx, 'echo-tap', { numberOfInputs: 2, numberOfOutputs: 1, outputChannelCount: [1] });
  tap.connect(ctx.destination);
  const lead = Math.round(o.silenceS * ctx.sampleRate);
  const padded = ctx.createBuffer(1, reply.length + lead, ctx.sampleRate);
  padded.getChannelData(0).set(reply.getChannelData(0), lead);
  const source = ctx.createBufferSource();
  source.buffer = padded;
  const closers: (() => void)[] = [];
  let bitrate = async (): Promise<number | null> => null;
  if (o.via === 'webaudio') {
    source.connect(ctx.destination);
    source.connect(tap, 0, 1);
  } else {
    const toPeer = ctx.createMediaStreamDestination();
    source.connect(toPeer);
    const pc1 = new RTCPeerConnection();
    const pc2 = new RTCPeerConnection();
    pc1.onicecandidate = (e) => e.candidate && void pc2.addIceCandidate(e.candidate);
    pc2.onicecandidate = (e) => e.candidate && void pc1.addIceCandidate(e.candidate);
    const remote = new Promise<MediaStream>((r) => {
      pc2.ontrack = (e) => r(e.streams[0] ?? new MediaStream([e.track]));
    });
    pc1.addTrack(toPeer.stream.getAudioTracks()[0]!, toPeer.stream);
    const opus = (sdp = '') => sdp.replace(/a=fmtp:111 ([^\r]*)/, 'a=fmtp:111 $1;maxaveragebitrate=510000;stereo=1;sprop-stereo=1');
    const offer = await pc1.createOffer();
    await pc1.setLocalDescription(offer);
    await pc2.setRemoteDescription({ type: 'offer', sdp: opus(offer.sdp) });
    const answer = await pc2.createAnswer();
    await pc2.setLocalDescription(answer);
    await pc1.setRemoteDescription({ type: 'answer', sdp: opus(answer.sdp) });
    const played = await remote;
    const element = new Audio();
    element.srcObject = played;
    await element.play();
    pc2.getReceivers()[0]!.jitterBufferTarget = o.jitterBufferMs;
    ctx.createMediaStreamSource(played).connect(tap, 0, 1);
    closers.push(
      () => pc1.close(),
      () => pc2.close(),
    );
    bitrate = async () => {
      let bps: number | null = null;
      (await pc1.getStats()).forEach((v: { type: string; targetBitrate?: number }) => {
        if (v.type === 'outbound-rtp') bps = v.targetBitrate ?? null;
      });
      return bps;
    };
    await sleep(300);
  }
  const stream = await navigator.mediaDevices.getUserMedia({ audio: o.constraints });
  ctx.createMediaStreamSource(stream).connect(tap, 0, 0);
  const chunks: [Float32Array, Float32Array][] = [];
  const marked = new Promise<number>((resolve) => {
    tap.port.onmessage = (e: MessageEvent) => {
      if (Array.isArray(e.data)) chunks.push(e.data as [Float32Array, Float32Array]);
      else resolve((e.data as { markFrame: number }).markFrame);
    };
  });
  tap.port.postMessage(true);
  const b64 = (x: Float32Array) => {
    const bytes = new Uint8Array(x.buffer);
    let s = '';
    for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
    return btoa(s);
  };
  (globalThis as unknown as { echoFinish: () => Promise<PageResult> }).echoFinish = async () => {
    const markFrame = await Promise.race([marked, sleep(10000).then(() => -1)]);
    if (markFrame < 0) throw new Error('the mic file marker never arrived');
    if (o.play) source.start(markFrame / ctx.sampleRate + o.padS - o.markS - o.silenceS - o.leadS);
    await sleep(o.seconds * 1000);
    tap.port.postMessage(false);
    const bps = await bitrate();
    const mic = new Float32Array(chunks.length * 128);
    const reference = new Float32Array(chunks.length * 128);
    chunks.forEach(([m, r], k) => {
      mic.set(m, k * 128);
      reference.set(r, k * 128);
    });
    const settings = stream.getAudioTracks()[0]!.getSettings() as Record<string, unknown>;
    for (const t of stream.getTracks()) t.stop();
    for (const close of closers) close();
    await ctx.close();
    return { mic: b64(mic), reference: b64(reference), settings, bitrate: bps };
  };
}

/** Runs in the page after pageSetup (once the mic file plays): schedules the reply, records, returns the recordings. */
export function pageFinish(): Promise<PageResult> {
  return (globalThis as unknown as { echoFinish: () => Promise<PageResult> }).echoFinish();
}
