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
  onended?: ((this: unknown, event: Event) => unknown) | null;
  onmute?: ((this: unknown, event: Event) => unknown) | null;
  onunmute?: ((this: unknown, event: Event) => unknown) | null;
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
  dispatchEvent?(event: Event): boolean;
}

const PROBE = 'realtime-pcm-listener-probe';

/**
 * Whether `track` calls listeners added with addEventListener: Firefox 153 calls a track's `onended`,
 * `onmute`, `onunmute` but none of its addEventListener listeners (for a dispatched event, of any
 * type, on a getUserMedia or a destination node's track; its other event targets do; measured,
 * ended21), as lib-jitsi-meet found for `ended` (github.com/jitsi/lib-jitsi-meet pull 1216). Told
 * by an event of our own type, which no listener of the app's hears.
 */
function listenersHeard(track: WatchedTrack): boolean {
  if (typeof track.dispatchEvent !== 'function' || typeof Event !== 'function') return true;
  let heard = false;
  const probe = () => {
    heard = true;
  };
  track.addEventListener(PROBE, probe);
  track.dispatchEvent(new Event(PROBE));
  track.removeEventListener(PROBE, probe);
  return heard;
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
    let last: Event | undefined; // the same event through a listener and the handler property: once
    const once = (event: Event | undefined) => {
      if (!watching || ended || (event !== undefined && event === last)) return false;
      last = event;
      return true;
    };
    const end = (event?: Event) => {
      if (!once(event)) return;
      ended = true;
      const name = track.label === '' ? 'the microphone' : `the microphone "${track.label}"`;
      onEnded({
        code: MICROPHONE_ENDED,
        message: `${name} (track ${track.id}) ended: nothing more comes from it; open the microphone again (openMicrophone) and connect a new source`,
      });
    };
    const mute = (event: Event) => once(event) && onEvent({ type: 'microphone_muted', trackId: track.id, label: track.label });
    const unmute = (event: Event) => once(event) && onEvent({ type: 'microphone_unmuted', trackId: track.id, label: track.label });
    track.addEventListener('ended', end);
    track.addEventListener('mute', mute);
    track.addEventListener('unmute', unmute);
    removers.push(() => {
      track.removeEventListener('ended', end);
      track.removeEventListener('mute', mute);
      track.removeEventListener('unmute', unmute);
    });
    if (!listenersHeard(track)) {
      // the handler properties, chained before the app's own (called after ours), put back on close
      // if still ours (close calls in the reverse order of connection put every one back)
      for (const [property, handle] of [
        ['onended', end],
        ['onmute', mute],
        ['onunmute', unmute],
      ] as const) {
        const previous = track[property];
        const ours = function (this: unknown, event: Event) {
          handle(event);
          return previous?.call(this, event);
        };
        track[property] = ours;
        removers.push(() => {
          if (track[property] === ours) track[property] = previous ?? null;
        });
      }
    }
    if (track.readyState === 'ended') queueMicrotask(() => end());
  }
  return () => {
    watching = false;
    for (const remove of removers.splice(0)) remove();
  };
}
