import { redirect, type ActionFunctionArgs } from '@remix-run/node';
import { assertSameOrigin } from '../.server/same-origin.js';
import { signOut } from '../.server/session.js';

/** Signing out is a POST from Panorama's own pages; it ends the session in the store, not just the cookie. */
export const action = ({ request }: ActionFunctionArgs) => {
  assertSameOrigin(request);
  return signOut(request);
};
// a link or a prefetch never signs anyone out
export const loader = () => redirect('/login');
