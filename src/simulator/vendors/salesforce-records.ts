// The simulated Salesforce org's Accounts and Cases: a pure function of the id (or the phone)
// asked for, as the other simulated backends are, so tests can predict every field.
import { BASE, DAY, hash, phoneFrom, pick } from '../http.js';

export type SfRecord = Record<string, string | number | boolean | null>;

const NAMES = ['Acme Corp', 'Globex', 'Initech', 'Umbrella Health', 'Stark Industries', 'Wayne Enterprises'] as const;
const TYPES = ['Customer - Direct', 'Customer - Channel', 'Partner', 'Prospect'] as const;
const INDUSTRIES = ['Technology', 'Retail', 'Healthcare', 'Energy', null] as const;
const RATINGS = ['Hot', 'Warm', 'Cold', null] as const;
const SLAS = ['Platinum', 'Gold', 'Silver', 'Bronze'] as const;
const PRIORITIES = ['High', 'Medium', 'Low'] as const;
const ORIGINS = ['Phone', 'Email', 'Web'] as const;
const OPEN_STATUSES = ['New', 'Working', 'Escalated'] as const;

/** A Salesforce-looking 18-character id with the object's key prefix (001 Account, 500 Case). */
function sfId(prefix: string, seed: string): string {
  const a = hash(seed).toString(36).toUpperCase().padStart(7, '0');
  const b = hash(`${seed}#`).toString(36).toUpperCase().padStart(7, '0');
  return `${prefix}${a}${b}`.slice(0, 15).padEnd(15, '0') + 'AAA';
}

/** Salesforce's JSON dateTime: 2025-01-01T10:00:00.000+0000. */
const sfDate = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');


/** The Account with this Id, or the one whose Phone this is (found by phone, its Id comes from the phone). */
export function sfAccount(key: { Id: string } | { Phone: string }): SfRecord {
  const Id = 'Id' in key ? key.Id : sfId('001', `phone:${key.Phone}`);
  const h = hash(Id);
  return {
    Id,
    Name: `${pick(NAMES, h)} ${Id.slice(-4)}`,
    Phone: 'Phone' in key ? key.Phone : phoneFrom(h),
    Type: pick(TYPES, h),
    Industry: pick(INDUSTRIES, h),
    AnnualRevenue: ((h % 900) + 100) * 10_000,
    NumberOfEmployees: (h % 5_000) + 1,
    Rating: pick(RATINGS, h >>> 3),
    BillingCountry: 'United States',
    SLA__c: pick(SLAS, h),
    CustomerPriority__c: pick(PRIORITIES, h),
    Active__c: h % 5 === 0 ? 'No' : 'Yes',
    CreatedDate: sfDate(BASE - (h % 1_000) * DAY),
  };
}

/** The account's cases, newest first; every third one is closed. */
export function sfCases(accountId: string, count: number): SfRecord[] {
  const h = hash(accountId);
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const closed = n % 3 === 0;
    const created = BASE - n * DAY - (h % DAY);
    return {
      Id: sfId('500', `${accountId}#${n}`),
      CaseNumber: String(1_000 + (h % 9_000) * 10 + n).padStart(8, '0'),
      Subject: `Case ${n} of ${accountId}`,
      Status: closed ? 'Closed' : pick(OPEN_STATUSES, h + n),
      Priority: pick(PRIORITIES, h + n),
      Origin: pick(ORIGINS, h + n),
      IsClosed: closed,
      AccountId: accountId,
      CreatedDate: sfDate(created),
      ClosedDate: closed ? sfDate(created + DAY) : null,
    };
  });
}

export const ACCOUNT_FIELDS = new Set(Object.keys(sfAccount({ Id: 'x' })));
export const CASE_FIELDS = new Set(Object.keys(sfCases('x', 1)[0]!));
