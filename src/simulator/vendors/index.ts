// Salesforce, HubSpot and Zendesk on one simulated server, each under its real paths, for the
// declarations of examples/backends/ (docs/backends.md, "Examples"). Each file cites the vendor's
// API reference its answers are shaped on.
import { type Ctx, notFound } from '../http.js';
import { handleHubspot } from './hubspot.js';
import { handleSalesforce } from './salesforce.js';
import { handleZendesk } from './zendesk.js';

export function handleVendors(ctx: Ctx): void {
  if (ctx.path.startsWith('/services/')) return handleSalesforce(ctx);
  if (ctx.path.startsWith('/crm/v3/')) return handleHubspot(ctx);
  if (ctx.path.startsWith('/api/v2/')) return handleZendesk(ctx);
  notFound(ctx);
}
