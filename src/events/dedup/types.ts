/**
 * Two-phase dedup (SPEC §4): a key is claimed before its write and marked done after it, or
 * released when the write failed so that EventBridge's retry is stored.
 *  - claimed: this caller owns the key and must commit or release it;
 *  - done: the event is already stored (a duplicate);
 *  - busy: another replica is storing it right now.
 */
export type ClaimOutcome = 'claimed' | 'done' | 'busy';

export interface DedupStore {
  readonly name: 'memory' | 'redis';
  claim(key: string): Promise<ClaimOutcome>;
  commit(key: string): Promise<void>;
  release(key: string): Promise<void>;
  /** Throws when the store is not usable (readiness). */
  check(): Promise<void>;
  close(): Promise<void>;
}
