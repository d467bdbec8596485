// Gap detection for the per-connection `seq` (PROTOCOL.md: it grows by exactly
// 1 per frame). Pure state machine so it can be unit-tested.
//
//  - A snapshot is always applied and sets the base.
//  - Before the first snapshot, and after a gap until the next snapshot,
//    every other frame is ignored (it would apply on top of unknown state).
//  - Any other seq than last+1 is a gap: the caller sends {type:"resync"} once.

export type Verdict = 'apply' | 'ignore' | 'resync';

export class SeqTracker {
  private last: number | null = null;
  private awaiting = true;

  /** New connection: the server starts over with a snapshot. */
  reset(): void {
    this.last = null;
    this.awaiting = true;
  }

  get lastSeq(): number | null {
    return this.last;
  }

  /** True while frames are being dropped until the next snapshot. */
  get awaitingSnapshot(): boolean {
    return this.awaiting;
  }

  accept(isSnapshot: boolean, seq: number | null): Verdict {
    if (seq === null || !Number.isSafeInteger(seq)) return 'ignore';
    if (isSnapshot) {
      this.last = seq;
      this.awaiting = false;
      return 'apply';
    }
    if (this.awaiting || this.last === null) return 'ignore';
    if (seq === this.last + 1) {
      this.last = seq;
      return 'apply';
    }
    this.awaiting = true;
    return 'resync';
  }
}
