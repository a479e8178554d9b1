// Averages the channels of a render quantum into one, in a buffer made once (and made again only
// if the quantum size changes). A mono input is passed through untouched.

import { BLOCK_FRAMES } from '../constants.js';

export class MonoMixer {
  private mono = new Float32Array(BLOCK_FRAMES);

  mix(channels: Float32Array[]): Float32Array {
    if (channels.length === 1) return channels[0]!;
    const frames = channels[0]!.length;
    if (this.mono.length !== frames) this.mono = new Float32Array(frames);
    const mono = this.mono;
    const count = channels.length;
    for (let i = 0; i < frames; i++) {
      let sum = 0;
      for (let c = 0; c < count; c++) sum += channels[c]![i]!;
      mono[i] = sum / count;
    }
    return mono;
  }
}
