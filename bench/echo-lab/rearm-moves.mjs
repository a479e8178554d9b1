// (mirror24) The delay estimate's far moves under a path change's re-arm, over lab groups, through a hooked build:
// every accepted onset move past half the filter's window whose update began in a re-arm (the fast confirmation),
// earlier or later, with the blocks since the user was last present (dl_user: the talk flag or the suppressor's
// presence; < 2 x mature: the statistics hold the user's words), the peak lag's updates since its reference resumed,
// and whether a move back (to within half the window of the old onset) followed within BACK_S (3 s). The moves
// seminar23 left: an earlier far move taken on the user's words in a re-arm and moved back.
//
//   ECHO_HOOKED=<index.js> node bench/echo-lab/rearm-moves.mjs bt,bt24,btsbc,btsbc24 0,31,97 [name regexp]
import { blockCall, loadLab, selectScenes } from './common.mjs';
import { importHooked } from './hooked-build.mjs';

const BACK_S = 3;
const [groupsArg, shiftsArg, nameArg] = process.argv.slice(2);
const lab = await loadLab();
const lib = await importHooked();
const shifts = (shiftsArg ?? '0').split(',').map(Number);
let calls = 0;
let events = 0;
let back = 0;
let userBack = 0;
const hit = new Set();
for (const { params, scene, shifts: list } of selectScenes(lab, { only: new RegExp(nameArg ?? '.'), groups: groupsArg.split(','), shifts })) {
  for (const shift of list) {
    calls++;
    const { aec, k, s, blockMs, blocks, step } = blockCall(lib, scene, shift);
    const name = `${lab.sceneName(params)} +${shift}`;
    /** @type {{ t: number, from: number, to: number, ago: number, fresh: number, earlier: boolean, backAt?: number }[]} */
    const moves = [];
    let onset = -1;
    let rearm = 0;
    let half = 0;
    for (let b = 0; b < blocks; b++) {
      const t = step(b);
      const now = k.aec_onset_blocks(s);
      half = (k.aec_delay_debug(s, 7, 0) - 2) >> 1;
      if (onset >= 0 && now >= 0 && now !== onset) {
        for (const m of moves) if (m.backAt === undefined && t - m.t <= BACK_S && Math.abs(now - m.from) <= half) m.backAt = t;
        if (rearm > 0 && Math.abs(now - onset) > half) {
          const peak = k.aec_delay_debug(s, 8, 0);
          moves.push({ t, from: onset, to: now, ago: k.aec_delay_debug(s, 6, 0), fresh: k.aec_delay_debug(s, 4, peak), earlier: now < onset });
        }
      }
      onset = now;
      rearm = k.aec_delay_debug(s, 2, 0);
    }
    const mature = k.aec_delay_debug(s, 9, 0);
    aec.free();
    for (const m of moves) {
      events++;
      const user = m.ago < 2 * mature;
      if (m.backAt !== undefined) back++;
      if (m.backAt !== undefined && user && m.earlier) {
        userBack++;
        hit.add(name);
      }
      console.log(
        `${name}: ${m.t.toFixed(2)} s onset ${(m.from * blockMs).toFixed(0)} -> ${(m.to * blockMs).toFixed(0)} ms (${m.earlier ? 'earlier' : 'later'}) user ${m.ago} blocks ago${user ? ' (in the statistics)' : ''} peak fresh ${m.fresh}${m.backAt !== undefined ? ` BACK at ${m.backAt.toFixed(2)} s` : ''}`,
      );
    }
  }
}
console.log(
  `${calls} calls, ${events} far moves in a re-arm, ${back} moved back within ${BACK_S} s, ${userBack} earlier ones on the user's statistics and moved back (${hit.size} calls: ${[...hit].join('; ')})`,
);
