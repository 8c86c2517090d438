import { Alert, AppShell, Badge, Button, Group, Text, Title } from '@mantine/core';
import { Form, Link, useRouteLoaderData } from '@remix-run/react';
import type { ReactNode } from 'react';
import type { loader as rootLoader } from '../root.js';
import { ROLE_LABELS } from '../../graphql/policy.js';

/** The frame around every page: who is signed in, and whether this is the sandbox. */
export function AppFrame({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof rootLoader>('root');
  const viewer = data?.viewer ?? null;
  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Title order={2} size="h3">
              <Link to={viewer ? '/customers' : '/login'} style={{ color: 'inherit', textDecoration: 'none' }}>
                Panorama
              </Link>
            </Title>
            {data?.sandbox ? (
              <Badge color="yellow" variant="light" visibleFrom="sm">
                Sandbox
              </Badge>
            ) : null}
          </Group>
          {viewer ? (
            <Group gap="sm" wrap="nowrap">
              <Text size="sm" visibleFrom="sm">
                {viewer.name} · {ROLE_LABELS[viewer.role]}
              </Text>
              <Form method="post" action="/logout">
                <Button type="submit" variant="subtle" size="xs">
                  Sign out
                </Button>
              </Form>
            </Group>
          ) : null}
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        {data?.sandbox ? (
          <Alert color="yellow" variant="light" mb="md" title="Built-in sandbox" role="status">
            Panorama is running on its built-in sandbox: the customers, invoices, projects and tickets below are generated
            demo data, not your systems. Set the Salesforce, QuickBooks, Asana and Zendesk variables to connect real ones.
          </Alert>
        ) : null}
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
