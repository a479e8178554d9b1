// The playout options of tests that compare played samples with the deltas bit for bit: no fades
// and no playout delay (the PlaybackPipeline's transparent mode: what arrived plays at once,
// exactly as decoded). The fades and the adaptive playout delay themselves are tested in
// test/unit/pipeline-playout.test.ts and test/quality/playback-traces.test.ts.
export const EXACT_PLAYOUT = Object.freeze({ fadeMs: 0, minPlayoutMs: 0, maxPlayoutMs: 0 });
