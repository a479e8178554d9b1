// Errors the pipelines raise on bad audio input (the stream goes on after them).
import { RealtimePcmError } from '../errors.js';

/** Why audio given to a pipeline was (partly) rejected. */
export type AudioInputErrorCode = 'odd_byte_count' | 'not_a_string' | 'invalid_item_id';

/** Thrown by `PlaybackPipeline.pushDelta` for malformed audio; whole samples are still played. */
export class AudioInputError extends RealtimePcmError {
  constructor(code: AudioInputErrorCode, message: string) {
    super(code, message);
    this.name = 'AudioInputError';
  }
}
