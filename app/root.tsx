import '@mantine/core/styles.css';
import '@mantine/charts/styles.css';
import '@mantine/spotlight/styles.css';
import './styles.css';
import { Anchor, ColorSchemeScript, MantineProvider, Stack, Text, Title, mantineHtmlProps } from '@mantine/core';
import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useRouteError } from '@remix-run/react';
import type { ReactNode } from 'react';
import { AppFrame } from './components/app-frame.js';
import { useNonce } from './components/nonce.js';
import { theme } from './theme.js';
import { ThemeVariables } from './components/theme-variables.js';
import { sandboxNotice } from './.server/sandbox-notice.js';
import { getViewer } from './.server/session.js';
import { viewerAccess } from './.server/viewer-access.js';
import { settings } from './.server/settings.js';

export const meta: MetaFunction = () => [{ title: 'Panorama' }, { name: 'description', content: 'Every customer, as all your systems know them.' }];

export const links: LinksFunction = () => [{ rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await getViewer(request);
  const sandbox = Boolean(settings().sources.sandboxOrigin);
  const notice = sandbox ? await sandboxNotice(request) : { full: false, setCookie: null };
  return data({ viewer: viewer ? viewerAccess(viewer) : null, sandbox, sandboxNoticeFull: notice.full }, notice.setCookie ? { headers: { 'set-cookie': notice.setCookie } } : undefined);
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en" {...mantineHtmlProps}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
        <ColorSchemeScript defaultColorScheme="auto" nonce={nonce} />
      </head>
      <body>
        {/* the theme's variables are computed once (components/theme-variables.tsx), not on every render */}
        <MantineProvider theme={theme} defaultColorScheme="auto" getStyleNonce={nonce ? () => nonce : undefined} withCssVariables={false}>
          <ThemeVariables nonce={nonce} />
          {children}
        </MantineProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return (
    <AppFrame>
      <Outlet />
    </AppFrame>
  );
}

const ERROR_TITLES: Record<number, string> = {
  400: 'That request did not work',
  401: 'Please sign in',
  403: 'Not for your role',
  404: 'Not found',
  429: 'Too many requests',
  503: 'Not available just now',
};

/**
 * Every error page keeps the app frame (navigation, search, who is signed in) and speaks plainly: the title says
 * what happened, the text is Panorama's own words from the loader, never a stack or a schema field.
 */
export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const title = ERROR_TITLES[status] ?? 'Something went wrong';
  const own = isRouteErrorResponse(error) && typeof error.data === 'string' && error.data.trim() ? error.data : null;
  const detail = own ?? 'Panorama hit an unexpected error. Try again; if it keeps happening, tell your admin.';
  return (
    <AppFrame>
      <Stack gap="sm" maw={640} data-testid="error-page" data-status={status}>
        <Title order={1}>{title}</Title>
        <Text>{detail}</Text>
        <Text>
          <Anchor component={Link} to="/customers">
            Back to customers
          </Anchor>
        </Text>
      </Stack>
    </AppFrame>
  );
}
