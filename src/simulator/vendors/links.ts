// Where the simulated vendors' links point: to the server itself, as the vendors' own do, or to
// the origin a test chose (SimulatorOptions.vendorLinkOrigin), to check a client keeps its
// credentials for the origin it was given.
import type { Ctx } from '../http.js';

export const ownOrigin = (ctx: Ctx) => `http://${ctx.req.headers.host ?? '127.0.0.1'}`;

export const linkOrigin = (ctx: Ctx) => ctx.state.settings.vendorLinkOrigin || ownOrigin(ctx);
