import { redirect, type ActionFunctionArgs } from '@remix-run/node';
import { signOut } from '../.server/session.js';

export const action = ({ request }: ActionFunctionArgs) => signOut(request);
export const loader = () => redirect('/login');
