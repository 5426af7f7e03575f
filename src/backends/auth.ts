import type { Budget } from '../http/budget.js';
import { createTokenSource } from '../http/oauth2.js';
import type { RetryPolicy } from '../http/retry.js';
import type { SourceContext } from '../sources/definition.js';
import type { ResolvedAuth } from './settings.js';

// How a declared backend authenticates its calls (docs/backends.md, "Authentication").

export interface Authorizer {
  /**
   * `call` with the headers that authenticate it. OAuth 2.0 waits for a token at most until `budget`
   * ends, and after a 401 calls once more with a new token (src/http/oauth2.ts).
   */
  send<T>(budget: Budget, call: (headers: Record<string, string>) => Promise<T>): Promise<T>;
  readiness?: (budget: Budget) => Promise<void>;
}

const fixed = (headers: Record<string, string>): Authorizer => ({ send: (_budget, call) => call(headers) });

export function authorizer(
  auth: ResolvedAuth, target: string, policy: { timeoutMs: number; retry: RetryPolicy }, ctx: SourceContext,
): Authorizer {
  switch (auth.type) {
    case 'none':
      return fixed({});
    case 'apiKey':
      return fixed({ [auth.header.toLowerCase()]: auth.value });
    case 'bearer':
      return fixed({ authorization: `Bearer ${auth.token}` });
    case 'basic':
      return fixed({ authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` });
    case 'oauth2': {
      const tokens = createTokenSource({
        target: `${target} login`,
        tokenUrl: auth.tokenUrl,
        clientId: auth.clientId,
        clientSecret: auth.clientSecret,
        ...(auth.scope !== undefined && { scope: auth.scope }),
        ...(auth.clientAuth !== undefined && { clientAuth: auth.clientAuth }),
        // Without expires_in in the answer (Salesforce sends none), refresh after 15 minutes or on a 401.
        defaultExpiresInSeconds: auth.expiresInSeconds ?? 900,
        ...policy,
      }, ctx);
      return {
        send: (budget, call) => tokens.withToken(budget, (token) => call({ authorization: `Bearer ${token}` })),
        readiness: tokens.ready,
      };
    }
  }
}
