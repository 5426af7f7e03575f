import type platformClient from 'purecloud-platform-client-v2';
import type { Budget } from '../../http/budget.js';
import type { HttpClient } from '../../http/client.js';
import type { RetryPolicy } from '../../http/retry.js';
import type { ApiGate, ApiRequest } from './gate.js';
import type { TokenSource } from '../../http/oauth2.js';
import { parseListing, parseUser, TARGET, type UserRecord } from './model.js';

// The two user requests of the Platform API, through the service's own transport (budget, 1 MiB,
// Retry-After, the API gate) rather than the SDK's UsersApi (docs/genesys-data-actions.md):
//  - one user: GET /api/v2/users/{userId}?expand=presence,routingStatus
//  - up to 100 users: GET /api/v2/users?id=…&id=…&expand=presence&expand=routingStatus&pageSize=100,
//    the `id` bulk parameter of UsersApi.getUsers, answered as a UserEntityListing.

export const MAX_BULK_IDS = 100;
const BULK_PARAMETERS = `expand=presence&expand=routingStatus&pageSize=${MAX_BULK_IDS}`;

export interface BulkAnswer {
  users: Map<string, UserRecord>;
  /** False when Genesys paged the answer: it then says nothing of the ids it left out. */
  complete: boolean;
}

/** `reserve`: the budget slots the request must leave unspent (src/sources/genesys/rate-budget.ts). */
export interface UsersApi {
  one(id: string, budget: Budget, reserve?: number): Promise<UserRecord>;
  /** The users found among `ids`, at most 100. */
  bulk(ids: readonly string[], budget: Budget, reserve?: number): Promise<BulkAnswer>;
}

export function createUsersApi(
  settings: { apiUrl: string; retry: RetryPolicy },
  deps: { http: HttpClient; tokens: TokenSource; gate: ApiGate },
): UsersApi {
  const { http, tokens, gate } = deps;

  async function get<T>(url: string, request: ApiRequest, budget: Budget, reserve?: number): Promise<T> {
    const send = async (token: string) => (await http.requestJson<T>({
      target: TARGET,
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${token}` },
      retry: settings.retry,
      budget,
      gate: gate.request(request, reserve),
    })).body;
    return tokens.withToken(budget, send);
  }

  return {
    async one(id, budget, reserve) {
      const url = `${settings.apiUrl}/api/v2/users/${encodeURIComponent(id)}?expand=presence,routingStatus`;
      return parseUser(await get<platformClient.Models.User>(url, 'user', budget, reserve));
    },
    async bulk(ids, budget, reserve) {
      const query = ids.map((id) => `id=${encodeURIComponent(id)}`).join('&');
      const url = `${settings.apiUrl}/api/v2/users?${query}&${BULK_PARAMETERS}`;
      return parseListing(await get<platformClient.Models.UserEntityListing>(url, 'users_bulk', budget, reserve));
    },
  };
}
