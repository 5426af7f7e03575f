/**
 * What every sink stores per event (docs/contract.md §3: the NDJSON line shape, the table
 * columns), serialised once at admission, before the record joins a batch: a batch only ever
 * carries ready text.
 */
export interface EventRecord {
  key: string;
  id: string;
  receivedAt: string;
  /** Idempotency-Key events only: the payload's fingerprint, so a reused key with another payload is refused. */
  fingerprint?: string;
  /** The event's JSON text as received (numbers keep every digit). */
  event: string;
  /** The whole record, `{key, id, receivedAt, fingerprint?, event}`, as one JSON line. */
  line: string;
}

/** A record seen by the sink, to warm the memory dedup store on start. */
export interface SeenKey {
  key: string;
  receivedAtMs: number;
  fingerprint?: string;
}

export interface Sink {
  readonly name: 'file' | 'postgres' | 'http';
  /**
   * Makes a batch durable (fsync, commit, 2xx) or throws. Resolves with the keys the sink already
   * held and the fingerprint stored with each, which a sink that enforces uniqueness itself
   * (PostgreSQL) can tell.
   */
  write(records: EventRecord[]): Promise<Map<string, string | undefined>>;
  /** Keys stored at or after `sinceMs`, oldest first; a sink that cannot be read yields none. */
  recent(sinceMs: number, limit: number): AsyncIterable<SeenKey>;
  /** Throws when the sink is not usable (readiness). */
  check(): Promise<void>;
  close(): Promise<void>;
}
