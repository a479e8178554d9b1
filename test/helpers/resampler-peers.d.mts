export interface PeerStream {
  process(block: Float32Array): number;
  free(): void;
}
export interface ResamplerPeer {
  name: string;
  quality: string;
  /** Delay the peer adds, ms, where it reports one. */
  latencyMs?: number;
  convert(input: Float32Array): Float32Array;
  stream(): Promise<PeerStream>;
}
export function resamplerPeers(inputRate: number, outputRate: number): Promise<ResamplerPeer[]>;
