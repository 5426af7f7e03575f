import type { FastifyBaseLogger } from 'fastify';
import { errors } from '../errors.js';
import type { ClaimOutcome, DedupStore } from './dedup/types.js';
import type { EventRecord } from './sinks/types.js';

/** What became of one event: stored now, stored before, or its Idempotency-Key holds another payload. */
export type Status = 'accepted' | 'duplicate' | 'reused';

/** What a key already held in the store means for this event: stored once already, or another payload's. */
const knownStatus = (state: Exclude<ClaimOutcome, 'claimed'>): Exclude<Status, 'accepted'> =>
  (state === 'done' ? 'duplicate' : 'reused');

/** This caller owns the key: it writes the event, then settles the claim (commit, or release). */
export interface Owned {
  kind: 'owned';
  settle(result: Settled): Promise<void>;
}

/** `known`: the store holds the key already; `twin`: this process is writing it, its outcome is this event's. */
export type Claim =
  | Owned
  | { kind: 'known'; status: 'duplicate' | 'reused' }
  | { kind: 'twin'; outcome: Promise<Status> };

type Settled = { status: Status } | { error: unknown };

interface InFlight {
  fingerprint?: string;
  claimed: Promise<ClaimOutcome>;
  outcome: Promise<Status>;
}

/**
 * The claim phase of the two-phase dedup (dedup/types.ts), one owner per key in this process: a
 * twin joins its owner instead of writing again. Joining waits for the owner's claim, never for
 * its write, so a request's claims depend on store calls only and claims cannot wait in a circle.
 */
export class Claims {
  private readonly inFlight = new Map<string, InFlight>();

  constructor(private readonly store: DedupStore, private readonly log: FastifyBaseLogger) {}

  claim(record: EventRecord): Promise<Claim> {
    const owner = this.inFlight.get(record.key);
    if (owner) return this.join(owner, record);
    let settle!: (result: Settled) => void;
    const outcome = new Promise<Status>((resolve, reject) => {
      settle = (r) => ('error' in r ? reject(r.error) : resolve(r.status));
    });
    outcome.catch(() => undefined); // no twin may be listening
    const claimed = this.claimInStore(record);
    this.inFlight.set(record.key, { fingerprint: record.fingerprint, claimed, outcome });
    return claimed.then((state): Claim => {
      if (state === 'claimed') return { kind: 'owned', settle: (result) => this.settle(record, result, settle) };
      this.inFlight.delete(record.key);
      const status = knownStatus(state);
      settle({ status });
      return { kind: 'known', status };
    }, (error: unknown) => {
      this.inFlight.delete(record.key);
      settle({ error });
      throw error;
    });
  }

  private async join(owner: InFlight, record: EventRecord): Promise<Claim> {
    // Another payload under a key being written right now: which one the key keeps is not known
    // yet, so the retry (429) is answered once it is (IETF Idempotency-Key draft: a conflict).
    if (owner.fingerprint !== record.fingerprint) throw errors.inProgressElsewhere();
    const state = await owner.claimed;
    if (state === 'claimed') return { kind: 'twin', outcome: owner.outcome };
    return { kind: 'known', status: knownStatus(state) };
  }

  private async claimInStore(record: EventRecord): Promise<Exclude<ClaimOutcome, 'busy'>> {
    let state: ClaimOutcome;
    try {
      state = await this.store.claim(record.key, record.fingerprint);
    } catch (err) {
      this.log.warn({ err, store: this.store.name }, 'dedup store unavailable');
      throw errors.dedupUnavailable();
    }
    if (state === 'busy') throw errors.inProgressElsewhere();
    return state;
  }

  private async settle(record: EventRecord, result: Settled, done: (result: Settled) => void) {
    const { store, log } = this;
    const warn = (what: string) => (err: unknown) => log.warn({ err }, `dedup store: ${what}`);
    try {
      if ('error' in result || result.status === 'reused') {
        // Released so that EventBridge's retry of this event is stored, not taken for a duplicate.
        await store.release(record.key).catch(warn('release failed, the claim will expire'));
      } else {
        // The event is durable, so it is acknowledged even if marking it done fails: at worst a
        // later redelivery is written again (and the PostgreSQL sink still keeps it once).
        await store.commit(record.key, record.fingerprint).catch(warn('marking an event done failed'));
      }
    } finally {
      this.inFlight.delete(record.key);
      done(result);
    }
  }
}
