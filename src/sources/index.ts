import crm from './crm.js';
import genesysUser from './genesys/user.js';
import orders from './orders.js';

/** The backends of the data actions, in the order of the answer and of `failedSources`. */
export const BUILT_IN_SOURCES = [genesysUser, crm, orders];
