import { redirect, type LoaderFunctionArgs } from '@remix-run/node';
import { beginSignIn } from '../.server/oidc.js';
import { cookieSecret, demoSignInAllowed, safeRedirect } from '../.server/session.js';

/** Sends the browser to the identity provider, with this sign-in's state, nonce and PKCE challenge. */
export async function loader({ request }: LoaderFunctionArgs) {
  if (demoSignInAllowed()) throw redirect('/login');
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get('redirectTo'));
  const { url, setCookie } = await beginSignIn(request, cookieSecret(), redirectTo);
  return redirect(url, { headers: { 'set-cookie': setCookie, 'cache-control': 'no-store' } });
}
