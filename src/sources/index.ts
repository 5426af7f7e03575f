import genesysUser from './genesys/user.js';

/**
 * The backends written in code, first in the answer and in `failedSources`; the backends of
 * BACKENDS_FILE (src/backends/, by default the CRM and the orders) follow them.
 */
export const BUILT_IN_SOURCES = [genesysUser];
