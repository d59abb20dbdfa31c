/**
 * How far a run has got, for the line an interrupted run prints ("interrupted while grouping, after
 * 120,000 records"). For tests, CHATLINT_TEST_PHASE_MARKERS=1 prints `chatlint-phase: <phase>` on stderr
 * as each phase starts, and CHATLINT_TEST_PHASE_MARKERS=pause:<phase> also waits there (the event loop
 * keeps running, so signals are handled): a test sends its signal once it has seen the marker, never
 * after a guessed time.
 */
export const PHASES = ['starting', 'reading', 'spilling', 'grouping', 'writing'] as const;
export type Phase = (typeof PHASES)[number];

const state = { phase: 'starting' as Phase, records: 0 };

export function currentProgress(): { phase: Phase; records: number } {
  return { ...state };
}

export function countRecords(n: number): void {
  state.records += n;
}

/** Enters a phase; resolves at once unless a test asked to pause there. */
export async function enterPhase(phase: Phase): Promise<void> {
  if (phase === 'starting') state.records = 0;
  state.phase = phase;
  const markers = process.env.CHATLINT_TEST_PHASE_MARKERS;
  if (!markers) return;
  process.stderr.write(`chatlint-phase: ${phase}\n`);
  if (markers === `pause:${phase}`) {
    // Held open by a timer so the process does not exit; only a signal ends it.
    await new Promise<never>(() => setInterval(() => {}, 1 << 30));
  }
}
