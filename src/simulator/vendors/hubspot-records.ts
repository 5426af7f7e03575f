// The simulated HubSpot account's contacts and deals: a pure function of the email, phone or id
// asked for. HubSpot sends every property value as a string (numbers, booleans, dates) and a
// property asked for that has no value as null.
import { BASE, DAY, hash, phoneFrom, pick } from '../http.js';

export type Properties = Record<string, string | null>;

export interface HsObject {
  id: string;
  properties: Properties;
  createdAt: string;
  updatedAt: string;
  archived: false;
}

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald'] as const;
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth'] as const;
const STAGES = ['lead', 'opportunity', 'customer', 'subscriber'] as const;
const OPEN_DEAL_STAGES = ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'contractsent'] as const;

/** The contact with this email, phone or id; found by email or phone, its id comes from it. */
export function hsContact(key: { email: string } | { phone: string } | { id: string }): HsObject {
  const id = 'id' in key ? key.id : String(100_000 + (hash(JSON.stringify(key)) % 900_000_000));
  const h = hash(id);
  const created = new Date(BASE - (h % 1_000) * DAY).toISOString();
  const updated = new Date(BASE - (h % 10) * DAY).toISOString();
  return {
    id,
    properties: {
      hs_object_id: id,
      email: 'email' in key ? key.email : `contact${id}@example.com`,
      phone: 'phone' in key ? key.phone : phoneFrom(h),
      firstname: pick(FIRST, h),
      lastname: pick(LAST, h >>> 4),
      company: `Company ${id.slice(-3)}`,
      jobtitle: h % 3 === 0 ? null : 'Operations Manager',
      lifecyclestage: pick(STAGES, h),
      hubspotscore: String(h % 100),
      hs_email_optout: h % 2 === 0 ? 'true' : 'false',
      hs_language: (h >>> 1) % 2 === 0 ? null : 'fr',
      createdate: created,
      lastmodifieddate: updated,
    },
    createdAt: created,
    updatedAt: updated,
    archived: false,
  };
}

/** The deals associated with a contact, newest first; every third one is won, so closed. */
export function hsDeals(contactId: string, count: number): HsObject[] {
  const h = hash(contactId);
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const won = n % 3 === 0;
    const id = String(9_000_000 + (hash(`${contactId}#${n}`) % 1_000_000_000));
    const created = new Date(BASE - n * DAY - (h % DAY)).toISOString();
    return {
      id,
      properties: {
        hs_object_id: id,
        dealname: `Deal ${n} of ${contactId}`,
        amount: String(((h % 10_000) + n * 1_250) / 100),
        dealstage: won ? 'closedwon' : pick(OPEN_DEAL_STAGES, h + n),
        pipeline: 'default',
        hs_is_closed: String(won),
        closedate: new Date(BASE + n * DAY).toISOString(),
        createdate: created,
        hs_lastmodifieddate: created,
      },
      createdAt: created,
      updatedAt: created,
      archived: false,
    };
  });
}

/** The properties HubSpot returns when a search names none. */
export const DEFAULT_PROPERTIES = {
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  deals: [
    'amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline',
  ],
} as const;
