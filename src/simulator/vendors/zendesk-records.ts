// The simulated Zendesk account's end users and tickets: a pure function of the email, phone or
// id asked for. Ids are numbers, as Zendesk's are.
import { BASE, DAY, hash, phoneFrom, pick } from '../http.js';

export type ZdRecord = Record<string, unknown>;

const NAMES = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov'] as const;
const TIERS = ['gold', 'silver', 'bronze', null] as const;
/** Zendesk's statuses in their order: `status<solved` means new, open, pending or hold. */
export const STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'] as const;
const CYCLE = ['open', 'pending', 'new', 'solved'] as const;
const PRIORITIES = ['urgent', 'high', 'normal', 'low', null] as const;
const CHANNELS = ['voice', 'email', 'web'] as const;
const HOUR = 3_600_000;

const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The end user with this email, phone or id; found by email or phone, the id comes from it. */
export function zdUser(key: { email: string } | { phone: string } | { id: number }, origin: string): ZdRecord {
  const id = 'id' in key ? key.id : 1_000_000 + (hash(JSON.stringify(key)) % 9_000_000);
  const h = hash(String(id));
  return {
    id,
    url: `${origin}/api/v2/users/${id}.json`,
    name: pick(NAMES, h),
    email: 'email' in key ? key.email : `user${id}@example.com`,
    phone: 'phone' in key ? key.phone : phoneFrom(h),
    role: 'end-user',
    locale: h % 2 === 0 ? 'en-US' : 'fr',
    time_zone: 'Eastern Time (US & Canada)',
    organization_id: h % 3 === 0 ? null : 360_000 + (h % 1_000),
    tags: h % 4 === 0 ? ['vip'] : [],
    verified: true,
    active: true,
    suspended: false,
    created_at: stamp(BASE - (h % 1_000) * DAY),
    updated_at: stamp(BASE - (h % 10) * DAY),
    user_fields: { customer_tier: pick(TIERS, h) },
  };
}

/** The tickets a user requested, newest first: open, pending, new, solved, open ... */
export function zdTickets(userId: number, count: number, origin: string): ZdRecord[] {
  const h = hash(String(userId));
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const id = userId * 100 + n;
    const created = BASE - n * DAY - (h % DAY);
    return {
      url: `${origin}/api/v2/tickets/${id}.json`,
      id,
      external_id: null,
      via: { channel: pick(CHANNELS, h + n) },
      created_at: stamp(created),
      updated_at: stamp(created + n * HOUR),
      type: n % 2 === 0 ? 'question' : 'incident',
      subject: `Ticket ${n} of user ${userId}`,
      description: `What user ${userId} wrote in ticket ${n}`,
      priority: pick(PRIORITIES, h + n),
      status: pick(CYCLE, i),
      requester_id: userId,
      submitter_id: userId,
      assignee_id: 400_000 + (h % 100),
      organization_id: null,
      group_id: 500_000 + (n % 3),
      tags: n % 3 === 0 ? ['billing'] : [],
      is_public: true,
    };
  });
}
