import { redirect, type LoaderFunctionArgs } from '@remix-run/node';
import { getViewer } from '../.server/session.js';

export async function loader({ request }: LoaderFunctionArgs) {
  return redirect((await getViewer(request)) ? '/customers' : '/login');
}
