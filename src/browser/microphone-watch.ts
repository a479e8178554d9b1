// Watches the microphone's audio tracks on the main thread (ended21): a track that ends (the device
// unplugged, the permission revoked, the browser or OS ending the capture) is reported once as the
// error `microphone_ended`, and a track muted or unmuted by the browser, the OS or the device (not by
// `track.enabled`, which fires nothing) as `microphone_muted` / `microphone_unmuted`. The page's own
// `track.stop()` fires no `ended` (as specified): the processors' silence watch (mic-silence.ts)
// reports that one, as `microphone_silent`. The listeners are removed by the returned function
// (the nodes' close()).
import { checkOptionRange } from '../errors.js';

/** The error code of a microphone track that ended (its label and id are in the message). */
export const MICROPHONE_ENDED = 'microphone_ended';

/**
 * What the microphone watch reports besides the error `microphone_ended`: a track muted or unmuted by
 * the browser, the OS or the device (`trackId`, `label`: the track's), and the input gone to exact
 * zeros or no channels for `microphoneSilentMs` while not paused (`silentMs`: how long, at the report)
 * and back (`silentMs`: how long it lasted).
 */
export type MicrophoneEvent =
  | { type: 'microphone_muted'; trackId: string; label: string }
  | { type: 'microphone_unmuted'; trackId: string; label: string }
  | { type: 'microphone_silent'; silentMs: number }
  | { type: 'microphone_resumed'; silentMs: number };

/** The default `microphoneSilentMs` where the source is a microphone: exact zeros (or no input) this long mean it died. */
export const DEFAULT_MICROPHONE_SILENT_MS = 1000;

/**
 * The `microphoneSilentMs` a node runs with: the option (0..600000 ms), else the default where the
 * source is a microphone (`isMicrophone`), else 0 (off).
 */
export function microphoneSilentMs(owner: string, value: number | undefined, isMicrophone: boolean): number {
  if (value === undefined) return isMicrophone ? DEFAULT_MICROPHONE_SILENT_MS : 0;
  return checkOptionRange(owner, 'microphoneSilentMs', value, 0, 600_000);
}

/** The part of a MediaStreamTrack the watch uses. */
interface WatchedTrack {
  readonly id: string;
  readonly label: string;
  readonly readyState?: string;
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/** The audio tracks of `stream`, else of `source` when it is a MediaStreamAudioSourceNode (its `mediaStream`). */
export function microphoneTracks(source: AudioNode | undefined, stream?: MediaStream): WatchedTrack[] {
  const from = stream ?? (source as { mediaStream?: MediaStream } | undefined)?.mediaStream;
  const tracks = from?.getAudioTracks?.();
  return Array.isArray(tracks) ? (tracks as WatchedTrack[]) : [];
}

/**
 * Listens to each track's `ended`, `mute` and `unmute`; `onEnded` is called once per track (at once,
 * on a microtask, for a track already ended). Returns the function that removes every listener.
 */
export function watchMicrophone(
  tracks: WatchedTrack[],
  onEnded: (error: { code: string; message: string }) => void,
  onEvent: (event: MicrophoneEvent) => void,
): () => void {
  const removers: (() => void)[] = [];
  let watching = true;
  for (const track of tracks) {
    let ended = false;
    const end = () => {
      if (ended || !watching) return;
      ended = true;
      const name = track.label === '' ? 'the microphone' : `the microphone "${track.label}"`;
      onEnded({
        code: MICROPHONE_ENDED,
        message: `${name} (track ${track.id}) ended: nothing more comes from it; open the microphone again (openMicrophone) and connect a new source`,
      });
    };
    const mute = () => watching && !ended && onEvent({ type: 'microphone_muted', trackId: track.id, label: track.label });
    const unmute = () => watching && !ended && onEvent({ type: 'microphone_unmuted', trackId: track.id, label: track.label });
    track.addEventListener('ended', end);
    track.addEventListener('mute', mute);
    track.addEventListener('unmute', unmute);
    removers.push(() => {
      track.removeEventListener('ended', end);
      track.removeEventListener('mute', mute);
      track.removeEventListener('unmute', unmute);
    });
    if (track.readyState === 'ended') queueMicrotask(end);
  }
  return () => {
    watching = false;
    for (const remove of removers.splice(0)) remove();
  };
}
