// The rooms of the echo lab (issue 13): geometry, RT60 and speaker roll-off of each, for the
// image-source simulator in scripts/echo-rooms.mjs (which re-exports them).

/** @typedef {[number, number, number]} Vec3 */
/**
 * @typedef {{ name: string, what: string, dims: Vec3, rt60: number, speaker: Vec3, mic: Vec3, user: Vec3,
 *   speakerHz: number, moved: { speaker: Vec3, mic: Vec3, what: string }, heldOut: boolean }} Room
 */

/**
 * The rooms. Dimensions and positions in metres ([x, y, z], z up). `moved` is the second
 * placement of the same room for a path change mid-call (offsets added to speaker and mic).
 * Held-out rooms (car, phone, conference) are for testing only, never for tuning.
 */
/** @type {Room[]} */
export const ROOMS = [
  {
    name: 'laptop',
    what: 'laptop on a desk in a small office: speaker under the keyboard, mic 7 cm away',
    dims: [4.2, 3.4, 2.7],
    rt60: 0.25,
    speaker: [2.0, 1.5, 0.76],
    mic: [2.0, 1.5495, 0.8095],
    user: [2.05, 2.1, 1.15],
    speakerHz: 200,
    moved: { speaker: [0.18, -0.1, 0], mic: [0.18, -0.1, 0], what: 'the laptop slid 21 cm along the desk' },
    heldOut: false,
  },
  {
    name: 'desk',
    what: 'desk speaker 0.5 m from the mic in an office',
    dims: [5.0, 4.0, 2.8],
    rt60: 0.4,
    speaker: [1.2, 1.0, 0.9],
    mic: [1.6, 1.3, 0.9],
    user: [1.7, 1.9, 1.2],
    speakerHz: 80,
    moved: { speaker: [0, 0, 0], mic: [0.2, 0.15, 0], what: 'the mic moved 25 cm' },
    heldOut: false,
  },
  {
    name: 'kiosk',
    what: 'kiosk / room speaker in a lobby, mic 1.4 m from the speaker (direct path below the reverberation)',
    dims: [7.0, 6.0, 3.2],
    rt60: 0.6,
    speaker: [3.5, 0.4, 1.6],
    mic: [3.5, 1.8, 1.5],
    user: [4.2, 2.6, 1.6],
    speakerHz: 100,
    moved: { speaker: [0.3, 0, 0], mic: [0, 0, 0], what: 'the speaker moved 30 cm' },
    heldOut: false,
  },
  {
    name: 'car',
    what: 'car cabin: door speaker, overhead-console mic about 1 m away',
    dims: [2.6, 1.5, 1.2],
    rt60: 0.1,
    speaker: [0.9, 0.05, 0.35],
    mic: [1.1, 0.75, 1.1],
    user: [1.2, 0.4, 0.95],
    speakerHz: 60,
    moved: { speaker: [0, 0, 0], mic: [0.12, 0, -0.05], what: 'the mic (phone in a holder) moved 13 cm' },
    heldOut: true,
  },
  {
    name: 'phone',
    what: 'phone on a kitchen table in speaker mode: bottom speaker, top mic 14 cm apart',
    dims: [4.5, 4.0, 2.6],
    rt60: 0.35,
    speaker: [2.0, 2.0, 0.76],
    mic: [2.0, 2.14, 0.76],
    user: [2.1, 2.6, 1.2],
    speakerHz: 300,
    moved: { speaker: [-0.1, 0.1, 0], mic: [-0.1, 0.1, 0], what: 'the phone pushed 14 cm across the table' },
    heldOut: true,
  },
  {
    name: 'conference',
    what: 'conference room: soundbar under a screen, table mic 2 m away',
    dims: [8.0, 5.5, 3.0],
    rt60: 0.8,
    speaker: [4.0, 0.3, 1.2],
    mic: [4.0, 2.3, 0.76],
    user: [5.2, 3.0, 1.2],
    speakerHz: 60,
    moved: { speaker: [0, 0, 0], mic: [0.25, 0.1, 0], what: 'the table mic moved 27 cm' },
    heldOut: true,
  },
];
