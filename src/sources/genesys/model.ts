import type platformClient from 'purecloud-platform-client-v2';
import { z } from 'zod';
import { upstream } from '../../http/errors.js';
import { textField } from '../fields.js';

// The user section and how a Genesys `User` (docs/genesys-data-actions.md) becomes one: `presence`
// is presence.presenceDefinition.systemPresence, `routingStatus` is routingStatus.status. The SDK
// types the answers: `User` for one user, `UserEntityListing` for the bulk listing.

export const TARGET = 'genesys';

export const userData = z.object({
  id: textField('Genesys user id', '6a3af858-942f-489d-9700-5f9bcdcdae9b'),
  name: textField('Display name', 'Jane Agent'),
  email: textField('Email', 'jane@example.com'),
  department: textField('Department', 'Support'),
  title: textField('Job title', 'Senior Agent'),
  presence: textField('System presence, e.g. Available', 'Available'),
  routingStatus: textField('ACD routing status, e.g. IDLE', 'IDLE'),
});
export type UserData = z.infer<typeof userData>;

export const emptyUser: UserData = {
  id: '', name: '', email: '', department: '', title: '', presence: '', routingStatus: '',
};

/** A user as one answer gave it; `expanded` when the answer carried both presence and routing status. */
export interface UserRecord {
  user: UserData;
  expanded: boolean;
}

const nullableText = z.string().nullish();
const rawUser = z.object({
  id: z.string(),
  name: nullableText,
  email: nullableText,
  department: nullableText,
  title: nullableText,
  presence: z.object({ presenceDefinition: z.object({ systemPresence: nullableText }).nullish() }).nullish(),
  routingStatus: z.object({ status: nullableText }).nullish(),
});

const listing = z.object({ entities: z.array(rawUser), total: z.number().optional() });

function toRecord(u: z.infer<typeof rawUser>): UserRecord {
  return {
    user: {
      id: u.id,
      name: u.name ?? '',
      email: u.email ?? '',
      department: u.department ?? '',
      title: u.title ?? '',
      presence: u.presence?.presenceDefinition?.systemPresence ?? '',
      routingStatus: u.routingStatus?.status ?? '',
    },
    // `expand` is best effort (UsersApi): an answer may leave either out.
    expanded: u.presence != null && u.routingStatus != null,
  };
}

export function parseUser(body: platformClient.Models.User): UserRecord {
  const parsed = rawUser.safeParse(body);
  if (!parsed.success) throw upstream.badResponse(TARGET, 'an answer that is not a Genesys user');
  return toRecord(parsed.data);
}

/** The users of a bulk answer by id; `complete` unless the listing says it holds more than this page. */
export function parseListing(body: platformClient.Models.UserEntityListing) {
  const parsed = listing.safeParse(body);
  if (!parsed.success) throw upstream.badResponse(TARGET, 'an answer that is not a Genesys user listing');
  const users = new Map(parsed.data.entities.map((u) => [u.id, toRecord(u)]));
  const { total } = parsed.data;
  return { users, complete: total === undefined || total <= parsed.data.entities.length };
}
