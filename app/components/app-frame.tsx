import { ActionIcon, Alert, Badge, Burger, Button, Group, Popover, Text, Title, UnstyledButton, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Form, Link, useLocation, useNavigation, useRouteLoaderData } from '@remix-run/react';
import { useEffect, useState, type MouseEvent, type ReactNode } from 'react';
import type { loader as rootLoader } from '../root.js';
import { CustomerSpotlight, openCustomerSpotlight } from './customer-spotlight.js';
import { Hint } from './hint.js';
import { NavLink, Stack } from './plain.js';

type Can = { can: Record<'TICKETS' | 'BILLING' | 'ADMIN' | 'DEALS', boolean> };
type NavItem = { to: string; label: string; show: (viewer: Can) => boolean };

/** The pages, each shown to whoever the server says may read what it lists. */
const NAV: NavItem[] = [
  { to: '/customers', label: 'Customers', show: () => true },
  // the accounts a person owns in the CRM, with their deals
  { to: '/accounts', label: 'My accounts', show: (v) => v.can.DEALS },
  { to: '/tickets', label: 'Urgent tickets', show: (v) => v.can.TICKETS },
  { to: '/finance', label: 'Overdue invoices', show: (v) => v.can.BILLING },
  { to: '/admin', label: 'Admin', show: (v) => v.can.ADMIN },
  { to: '/admin/sessions', label: 'Sessions', show: (v) => v.can.ADMIN },
  { to: '/admin/audit', label: 'Read audit', show: (v) => v.can.ADMIN },
];

function ColorSchemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const computed = useComputedColorScheme('light', { getInitialValueInEffect: true });
  const next = computed === 'dark' ? 'light' : 'dark';
  return (
    <Hint label={`Switch to ${next} mode`}>
      <ActionIcon variant="subtle" size="lg" aria-label={`Switch to ${next} mode`} onClick={() => setColorScheme(next)}>
        {computed === 'dark' ? (
          <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2">
            <circle cx="12" cy="12" r="4" />
            <path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4" />
          </svg>
        ) : (
          <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2">
            <path d="M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z" />
          </svg>
        )}
      </ActionIcon>
    </Hint>
  );
}

const SANDBOX_NOTICE =
  'Panorama is running on its built-in sandbox: the customers, invoices, projects and tickets below are generated demo data, not your systems. Set the variables of your CRM, accounting, project and support systems to connect real ones. Demo sign-in exists only here: with real systems connected, people sign in through your identity provider.';

/** After the first page, the sandbox notice is this badge; it opens the same words. */
function SandboxBadge() {
  return (
    <Popover width={320} position="bottom-start" withArrow shadow="md">
      <Popover.Target>
        <UnstyledButton aria-label="Sandbox: what this means" className="pn-target">
          <Badge color="yellow" variant="light" style={{ cursor: 'pointer' }}>
            Sandbox
          </Badge>
        </UnstyledButton>
      </Popover.Target>
      <Popover.Dropdown>
        <Text size="sm" fw={600} mb={4}>
          Built-in sandbox
        </Text>
        <Text size="sm">{SANDBOX_NOTICE}</Text>
      </Popover.Dropdown>
    </Popover>
  );
}

/**
 * A thin bar across the top while a page or an action is on its way (after 150 ms, so a fast answer does not
 * flash), so no wait goes without a cue.
 */
function NavigationProgress() {
  const navigation = useNavigation();
  const busy = navigation.state !== 'idle';
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (!busy) return setShown(false);
    const t = setTimeout(() => setShown(true), 150);
    return () => clearTimeout(t);
  }, [busy]);
  if (!shown) return null;
  return <div className="pn-progress" role="progressbar" aria-label={navigation.state === 'submitting' ? 'Sending' : 'Loading the page'} data-testid="navigation-progress" />;
}

function openSearch(e: MouseEvent) {
  e.preventDefault();
  openCustomerSpotlight();
}

/** The frame around every page: who is signed in, where they can go, search, and whether this is the sandbox. */
export function AppFrame({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof rootLoader>('root');
  const viewer = data?.viewer ?? null;
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  // a new page closes the phone menu; only when it is open, so hydrating a page schedules no update above its
  // streamed sections (an update there before they hydrate makes React render them again on the client)
  useEffect(() => {
    if (opened) close();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- on a new page only, not when the menu opens
  }, [location.pathname]);
  const items = viewer ? NAV.filter((n) => n.show(viewer)) : [];
  // the one item the page is under: the longest address the path starts with (/admin/audit is "Read audit", not "Admin")
  const current = items
    .filter((n) => location.pathname === n.to || location.pathname.startsWith(`${n.to}/`))
    .reduce<string | null>((best, n) => (best === null || n.to.length > best.length ? n.to : best), null);
  return (
    // Plain landmarks with the app's own layout rules (styles.css), not Mantine's AppShell: AppShell gives its parts a
    // new context value when its generated id settles right after hydration, and React then renders every streamed
    // section still arriving again on the client (its recoverable error 421), throwing away the server's HTML.
    <div className="pn-shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="pn-shell-header">
        {/* inside the banner landmark, so the bar is part of the page's structure (axe: region) */}
        <NavigationProgress />
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            {viewer ? <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? 'Close navigation' : 'Open navigation'} /> : null}
            <Title order={2} size="h3">
              <Link to="/" style={{ color: 'inherit', textDecoration: 'none' }}>
                Panorama
              </Link>
            </Title>
            {data?.sandbox ? <SandboxBadge /> : null}
          </Group>
          <Group gap="xs" wrap="nowrap">
            {viewer ? (
              <>
                {/* a link to the search page, so search works before (or without) JavaScript; with it, the dialog opens */}
                <Button component={Link} to="/customers" variant="default" size="xs" onClick={openSearch} aria-keyshortcuts="Control+K Meta+K" visibleFrom="xs">
                  Search customers… <Text span c="dimmed" size="xs" ml={6}>Ctrl K</Text>
                </Button>
                <ActionIcon component={Link} to="/customers" variant="default" size="lg" onClick={openSearch} aria-label="Search customers" aria-keyshortcuts="Control+K Meta+K" hiddenFrom="xs">
                  <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2">
                    <circle cx="11" cy="11" r="7" />
                    <path d="m20 20-3.5-3.5" />
                  </svg>
                </ActionIcon>
              </>
            ) : null}
            <ColorSchemeToggle />
            {viewer ? (
              <>
                <Text size="sm" visibleFrom="md">
                  {viewer.name} · {viewer.roleLabel}
                </Text>
                <Form method="post" action="/logout">
                  <Button type="submit" variant="subtle" size="xs">
                    Sign out
                  </Button>
                </Form>
              </>
            ) : null}
          </Group>
        </Group>
      </header>
      {viewer ? (
        <nav className="pn-shell-navbar" aria-label="Main" data-opened={opened || undefined}>
          <Stack gap={2}>
            {items.map((n) => (
              <NavLink key={n.to} component={Link} to={n.to} label={n.label} active={n.to === current} aria-current={n.to === current ? 'page' : undefined} />
            ))}
            <Text size="xs" c="dimmed" hiddenFrom="md" mt="md" px="sm">
              {viewer.name} · {viewer.roleLabel}
            </Text>
          </Stack>
        </nav>
      ) : null}
      <main className="pn-shell-main" id="main" tabIndex={-1} data-with-navbar={viewer ? true : undefined}>
        {data?.sandbox && data.sandboxNoticeFull ? (
          <Alert color="yellow" variant="light" mb="md" title="Built-in sandbox" role="status">
            {SANDBOX_NOTICE}
          </Alert>
        ) : null}
        {children}
      </main>
      {viewer ? <CustomerSpotlight /> : null}
    </div>
  );
}
