export interface PeerStream {
  process(block: Float32Array): number;
  free(): void;
}
export interface ResamplerPeer {
  name: string;
  quality: string;
  convert(input: Float32Array): Float32Array;
  stream(): Promise<PeerStream>;
}
export function resamplerPeers(inputRate: number, outputRate: number): Promise<ResamplerPeer[]>;
