import type { Budget } from '../../http/budget.js';
import { upstream, UpstreamError } from '../../http/errors.js';
import type { Metrics } from '../../metrics.js';
import type { UsersApi } from './api.js';
import { TARGET, type UserData, type UserRecord } from './model.js';

// From a bulk answer to what the cache keeps per user (docs/genesys-data-actions.md, "Bulk
// lookups and refresh-ahead"). A user the complete answer leaves out does not exist for Genesys (deleted, inactive or
// a wrong id: the single lookup answers 404 for all three): it is kept as NOT_FOUND, so that it is
// neither served from an older entry nor asked for again on every call. `expand` is best effort:
// a user without presence or routing status is asked for singly when a caller waits for it or
// nothing is known of them, if the budget has room; otherwise it keeps the last known ones and is
// answered `stale: true` until an answer carries them again.

/** A user Genesys does not know, remembered like a user for USER_CACHE_TTL_MS. */
export const NOT_FOUND = Object.freeze({ notFound: true as const });

/** What the cache holds per id; `current` is false when presence or routing status is not from this answer. */
export type Entry = { user: UserData; current: boolean } | typeof NOT_FOUND;

export type Reason = 'miss' | 'refresh';

export interface UserLoaderDeps {
  api: UsersApi;
  metrics: Metrics;
  /** The entry held for an id, however old. */
  peek(id: string): Entry | undefined;
  /** Budget slots each kind of optional request leaves to the misses (src/sources/genesys/rate-budget.ts). */
  reserve: { refresh: number; single: number };
}

export type UserLoader = (ids: string[], reason: Reason, budget: Budget) => Promise<Map<string, Entry | UpstreamError>>;

export function createUserLoader(deps: UserLoaderDeps): UserLoader {
  const { api, metrics } = deps;

  async function withPresence(record: UserRecord, reason: Reason, budget: Budget): Promise<Entry> {
    const last = deps.peek(record.user.id);
    const known = last === undefined || 'notFound' in last ? undefined : last.user;
    let { user } = record;
    if (reason === 'miss' || !known?.presence) {
      try {
        const single = await api.one(user.id, budget, deps.reserve.single);
        if (single.expanded) {
          metrics.genesysPresenceMissing.inc({ resolution: 'fetched' });
          return { user: single.user, current: true };
        }
        user = single.user;
      } catch (err) {
        if (err instanceof UpstreamError && err.code === 'UPSTREAM_NOT_FOUND') return NOT_FOUND;
        // Refused by the budget, or failed: the bulk answer's fields stand, with the last presence.
      }
    }
    metrics.genesysPresenceMissing.inc({ resolution: known?.presence || known?.routingStatus ? 'kept' : 'unknown' });
    const presence = user.presence || known?.presence || '';
    const routingStatus = user.routingStatus || known?.routingStatus || '';
    return { user: { ...user, presence, routingStatus }, current: false };
  }

  return async (ids, reason, budget) => {
    metrics.genesysBulkSize.observe({ reason }, ids.length);
    const answer = await api.bulk(ids, budget, reason === 'refresh' ? deps.reserve.refresh : 0);
    const results = new Map<string, Entry | UpstreamError>();
    const lacking: UserRecord[] = [];
    for (const id of ids) {
      const record = answer.users.get(id);
      if (record === undefined) {
        // Only a complete answer says a user does not exist; a paged one says nothing of the rest.
        results.set(id, answer.complete ? NOT_FOUND : upstream.badResponse(TARGET, 'a bulk answer without every page'));
      } else if (record.expanded) {
        results.set(id, { user: record.user, current: true });
      } else {
        lacking.push(record);
      }
    }
    await Promise.all(lacking.map(async (record) => {
      results.set(record.user.id, await withPresence(record, reason, budget));
    }));
    return results;
  };
}
