// Types for scripts/echo-rooms.mjs (imported by test/helpers/echo-sources.ts).
export type Vec3 = [number, number, number];
export interface Room {
  name: string;
  what: string;
  dims: Vec3;
  rt60: number;
  speaker: Vec3;
  mic: Vec3;
  user: Vec3;
  speakerHz: number;
  moved: { speaker: Vec3; mic: Vec3; what: string };
  heldOut: boolean;
}
export const SOUND_SPEED_M_S: number;
export const ROOMS: Room[];
export function eyringBeta(dims: Vec3, rt60: number): number;
export function calibratedBeta(room: Room): number;
export function placement(room: Room, variant: 'a' | 'b'): { speaker: Vec3; mic: Vec3 };
export function roomResponses(room: Room, sampleRate: number, beta?: number): { beta: number; echoA: Float64Array; echoB: Float64Array; user: Float64Array };
export function rt60FromResponse(h: ArrayLike<number>, sampleRate: number): number;
export function directToReverberantDb(h: ArrayLike<number>, sampleRate: number, directSeconds: number): number;
export function energyAfterDb(h: ArrayLike<number>, sampleRate: number, directSeconds: number, ms: number): number | null;
export function energyDecayDb(h: ArrayLike<number>): Float64Array;
export function highPass(h: Float64Array, sampleRate: number, cornerHz: number): Float64Array;
export function response(room: Room, source: Vec3, mic: Vec3, beta: number, sampleRate: number, cornerHz: number, seed: number): Float64Array;
export function seedOf(name: string): number;
