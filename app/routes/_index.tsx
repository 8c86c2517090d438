import { redirect, type LoaderFunctionArgs } from '@remix-run/node';
import { getViewer } from '../.server/session.js';

/** Each role lands on the page that answers its questions first. */
const HOME = { support: '/customers', account_manager: '/accounts', finance: '/finance', admin: '/admin' } as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await getViewer(request);
  return redirect(viewer ? HOME[viewer.role] : '/login');
}
