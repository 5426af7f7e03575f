// Just enough SOQL for the simulated Salesforce query resource: one object, a field list, equality
// conditions joined by AND, ORDER BY one field and LIMIT. What it does not understand is a
// MALFORMED_QUERY, as Salesforce answers a query it cannot parse.

export type Literal = string | number | boolean | null;

export interface Soql {
  fields: string[];
  object: string;
  where: { field: string; value: Literal }[];
  orderBy?: { field: string; descending: boolean };
  limit?: number;
}

const QUERY = new RegExp(String.raw`^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?`
  + String.raw`(?:\s+ORDER\s+BY\s+(\w+)(?:\s+(ASC|DESC))?)?(?:\s+LIMIT\s+(\d{1,9}))?\s*$`, 'is');
const CONDITION = /(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|true|false|null|-?\d+(?:\.\d+)?)\s*(?:\s+AND\s+|$)/iy;

function literal(text: string): Literal {
  if (text.startsWith("'")) return text.slice(1, -1).replace(/\\(.)/g, '$1');
  const lower = text.toLowerCase();
  if (lower === 'null') return null;
  if (lower === 'true' || lower === 'false') return lower === 'true';
  return Number(text);
}

function conditions(text: string): Soql['where'] | undefined {
  const out: Soql['where'] = [];
  CONDITION.lastIndex = 0;
  while (CONDITION.lastIndex < text.length) {
    const m = CONDITION.exec(text);
    if (!m) return undefined;
    out.push({ field: m[1]!, value: literal(m[2]!) });
  }
  return out;
}

/** The parsed query, or undefined when it is not SOQL this simulator reads. */
export function parseSoql(text: string): Soql | undefined {
  const m = QUERY.exec(text);
  if (!m) return undefined;
  const fields = m[1]!.split(',').map((f) => f.trim());
  if (fields.some((f) => !/^\w+$/.test(f))) return undefined;
  const where = m[3] === undefined ? [] : conditions(m[3].trim());
  if (where === undefined) return undefined;
  return {
    fields,
    object: m[2]!,
    where,
    ...(m[4] !== undefined && { orderBy: { field: m[4], descending: m[5]?.toUpperCase() === 'DESC' } }),
    ...(m[6] !== undefined && { limit: Number(m[6]) }),
  };
}
