import { Anchor, Badge, Card, Group, MantineProvider, NavLink, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { theme } from '../theme.js';
import * as Plain from './plain.js';

/** An element's markup with each tag's attributes, and each style's declarations, in one order. */
function markup(element: ReactElement): string {
  const html = renderToStaticMarkup(<MantineProvider theme={theme}>{element}</MantineProvider>).replace(/<style[^>]*>.*?<\/style>/gs, '');
  return html.replace(/<([a-z]+)((?:\s+[\w-]+="[^"]*")*)\s*>/g, (_, tag: string, attrs: string) => {
    const list = [...attrs.matchAll(/([\w-]+)="([^"]*)"/g)].map(([, k, v]) =>
      k === 'style' ? `style="${v!.split(';').sort().join(';')}"` : `${k}="${v}"`
    );
    return `<${tag} ${list.sort().join(' ')}>`;
  });
}

describe("the plain components render Mantine's markup", () => {
  it.each([
    [
      'dimmed small print',
      <Text size="xs" c="dimmed">
        Due 3 May
      </Text>,
      <Plain.Text size="xs" c="dimmed">
        Due 3 May
      </Plain.Text>,
    ],
    [
      'a span in a colour',
      <Text span size="sm" c="var(--mantine-color-red-light-color)">
        late
      </Text>,
      <Plain.Text span size="sm" c="var(--mantine-color-red-light-color)">
        late
      </Plain.Text>,
    ],
    [
      'weight and margins',
      <Text size="sm" fw={600} mt="xs" mb={4} w={88} data-testid="t" role="status" aria-live="polite">
        x
      </Text>,
      <Plain.Text size="sm" fw={600} mt="xs" mb={4} w={88} data-testid="t" role="status" aria-live="polite">
        x
      </Plain.Text>,
    ],
    [
      'another element with a style',
      <Text component="li" size="xs" style={{ whiteSpace: 'nowrap' }}>
        x
      </Text>,
      <Plain.Text component="li" size="xs" style={{ whiteSpace: 'nowrap' }}>
        x
      </Plain.Text>,
    ],
    ['no props', <Text>x</Text>, <Plain.Text>x</Plain.Text>],
    [
      'a link out',
      <Anchor href="https://x.test/1" target="_blank" rel="noreferrer" size="sm" style={{ whiteSpace: 'nowrap' }}>
        #1
      </Anchor>,
      <Plain.Anchor href="https://x.test/1" target="_blank" rel="noreferrer" size="sm" style={{ whiteSpace: 'nowrap' }}>
        #1
      </Plain.Anchor>,
    ],
    [
      'a light badge',
      <Badge variant="light" color="red">
        Overdue
      </Badge>,
      <Plain.Badge variant="light" color="red">
        Overdue
      </Plain.Badge>,
    ],
    [
      'a small light badge with a style',
      <Badge size="sm" variant="light" color="green" style={{ flexShrink: 0 }} data-testid="b">
        Paid
      </Badge>,
      <Plain.Badge size="sm" variant="light" color="green" style={{ flexShrink: 0 }} data-testid="b">
        Paid
      </Plain.Badge>,
    ],
    ['a row', <Group>a</Group>, <Plain.Group>a</Plain.Group>],
    [
      'a row of list items, spaced and aligned',
      <Group component="ul" gap={4} justify="space-between" align="flex-start" wrap="nowrap" mt="xs" mb={0} data-testid="g">
        x
      </Group>,
      <Plain.Group component="ul" gap={4} justify="space-between" align="flex-start" wrap="nowrap" mt="xs" mb={0} data-testid="g">
        x
      </Plain.Group>,
    ],
    ['a column', <Stack>x</Stack>, <Plain.Stack>x</Plain.Stack>],
    [
      'a list as a column',
      <Stack gap={2} mt="sm" component="ol" style={{ listStyle: 'none', padding: 0 }} aria-hidden="true">
        x
      </Stack>,
      <Plain.Stack gap={2} mt="sm" component="ol" style={{ listStyle: 'none', padding: 0 }} aria-hidden="true">
        x
      </Plain.Stack>,
    ],
    [
      'a section heading in a smaller size, with a margin',
      <Title order={2} size="h4" id="h" mb="sm">
        Billing
      </Title>,
      <Plain.Title order={2} size="h4" id="h" mb="sm">
        Billing
      </Plain.Title>,
    ],
    [
      'a heading with a margin in pixels',
      <Title order={3} size="h6" mb={4}>
        Notes
      </Title>,
      <Plain.Title order={3} size="h6" mb={4}>
        Notes
      </Plain.Title>,
    ],
    ['a page heading', <Title order={1}>Acme</Title>, <Plain.Title order={1}>Acme</Plain.Title>],
    [
      'a span by component, with a role',
      <Text size="xs" c="dimmed" component="span" role="alert" data-testid="waiting-for">
        Waiting for Zendesk…
      </Text>,
      <Plain.Text size="xs" c="dimmed" component="span" role="alert" data-testid="waiting-for">
        Waiting for Zendesk…
      </Plain.Text>,
    ],
    [
      'the current page in the navigation',
      <NavLink component="a" href="/customers" label="Customers" active aria-current="page" />,
      <Plain.NavLink component="a" href="/customers" label="Customers" active aria-current="page" />,
    ],
    ['another page in the navigation', <NavLink href="/tickets" label="Urgent tickets" active={false} />, <Plain.NavLink href="/tickets" label="Urgent tickets" active={false} />],
    ['a grey line of text to come', <Skeleton height={12} width="75%" radius="sm" />, <Plain.SkeletonLine height={12} width="75%" />],
    [
      'a section card',
      <Card withBorder radius="md" padding="md" component="section" aria-labelledby="h" aria-busy="true" data-testid="section-x" data-state="WAITING">
        <p>one</p>
        <p>two</p>
      </Card>,
      <Plain.SectionCard aria-labelledby="h" aria-busy="true" data-testid="section-x" data-state="WAITING">
        <p>one</p>
        <p>two</p>
      </Plain.SectionCard>,
    ],
  ])('%s', (_, mantine, plain) => {
    expect(markup(plain)).toBe(markup(mantine));
  });

  it('table parts, inside a striped Mantine table', () => {
    const table = (head: ReactElement, body: ReactElement) => (
      <Table striped verticalSpacing={4}>
        {head}
        {body}
      </Table>
    );
    const mantine = table(
      <Table.Thead>
        <Table.Tr>
          <Table.Th ta="right">Total</Table.Th>
        </Table.Tr>
      </Table.Thead>,
      <Table.Tbody>
        <Table.Tr data-testid="row">
          <Table.Td ta="left" data-label="Total" style={{ whiteSpace: 'nowrap' }}>
            1
          </Table.Td>
        </Table.Tr>
      </Table.Tbody>
    );
    const P = Plain.TablePart;
    const plain = table(
      <P.Thead>
        <P.Tr>
          <P.Th ta="right">Total</P.Th>
        </P.Tr>
      </P.Thead>,
      <P.Tbody>
        <P.Tr data-testid="row">
          <P.Td ta="left" data-label="Total" style={{ whiteSpace: 'nowrap' }}>
            1
          </P.Td>
        </P.Tr>
      </P.Tbody>
    );
    expect(markup(plain)).toBe(markup(mantine));
  });
});
