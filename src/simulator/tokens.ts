// Access tokens the simulated logins issue (Genesys, Salesforce) and their APIs check.
import { randomBytes } from 'node:crypto';

// Expired tokens are pruned lazily so a long benchmark that logs in often stays bounded.
const PRUNE_ABOVE = 1000;

/** A new random token, valid for `ttlSeconds` in `tokens`. */
export function issueToken(tokens: Map<string, number>, ttlSeconds: number, prefix = ''): string {
  const now = Date.now();
  if (tokens.size > PRUNE_ABOVE) {
    for (const [t, exp] of tokens) if (exp <= now) tokens.delete(t);
  }
  const token = `${prefix}${randomBytes(24).toString('base64url')}`;
  tokens.set(token, now + ttlSeconds * 1000);
  return token;
}

/** Whether `authorization` is `Bearer <a token of tokens that has not expired>`. */
export function bearerValid(tokens: ReadonlyMap<string, number>, authorization: string | undefined): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  const exp = m ? tokens.get(m[1]!) : undefined;
  return exp !== undefined && exp > Date.now();
}
