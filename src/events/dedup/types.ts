/**
 * Two-phase dedup (docs/contract.md §3): a key is claimed before its write and marked done after it, or
 * released when the write failed so that EventBridge's retry is stored.
 *  - claimed: this caller owns the key and must commit or release it;
 *  - done: the event is already stored (a duplicate);
 *  - reused: the key is stored with another payload's fingerprint (a reused Idempotency-Key);
 *  - busy: another replica is storing it right now.
 */
export type ClaimOutcome = 'claimed' | 'done' | 'reused' | 'busy';

export interface DedupStore {
  readonly name: 'memory' | 'redis';
  /** `fingerprint`: the payload's, for Idempotency-Key events (docs/eventbridge.md). */
  claim(key: string, fingerprint?: string): Promise<ClaimOutcome>;
  commit(key: string, fingerprint?: string): Promise<void>;
  release(key: string): Promise<void>;
  /** Throws when the store is not usable (readiness). */
  check(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A key stored with one payload's fingerprint meets another payload (IETF Idempotency-Key draft,
 * as Stripe does it). A key stored without one (content keys, or written before fingerprints) cannot tell.
 */
export const isReuse = (stored: string | undefined, incoming: string | undefined) =>
  stored !== undefined && incoming !== undefined && stored !== incoming;

/** How a done key is kept (memory and Redis): "done", or "done:" and the fingerprint. */
export const doneValue = (fingerprint?: string) => (fingerprint === undefined ? 'done' : `done:${fingerprint}`);

/** The outcome of claiming a key found in `state`, for a payload with `fingerprint`. */
export function outcomeOf(state: string, fingerprint: string | undefined): Exclude<ClaimOutcome, 'claimed'> {
  if (state !== 'done' && !state.startsWith('done:')) return 'busy';
  return isReuse(state.slice('done:'.length) || undefined, fingerprint) ? 'reused' : 'done';
}
