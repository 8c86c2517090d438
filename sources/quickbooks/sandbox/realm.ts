/** The company (realm) id of the sandbox's QuickBooks world. */
export { QBO_REALM_ID as QBO_SANDBOX_REALM_ID } from '../../sandbox/constants.js';
