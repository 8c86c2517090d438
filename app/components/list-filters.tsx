import { Button, Group } from '@mantine/core';
import { Form } from '@remix-run/react';
import type { ReactNode } from 'react';

/** The choices of a list's "Customer" filter: rows whose customer Panorama links, or does not. */
export const LINKED_CHOICES = [
  { value: '', label: 'Linked or not' },
  { value: 'yes', label: 'Linked to a customer' },
  { value: 'no', label: 'Not linked' },
];

/**
 * Above a list: its filters and sort as a GET form (so the view lives in the address and works without scripts),
 * Apply, and the CSV export of what the filters select (`csvHref`, the list's address without the cursor).
 */
export function ListFilters({ label, csvHref, busy, children }: { label: string; csvHref: string; busy: boolean; children: ReactNode }) {
  return (
    <Form method="get" aria-label={label}>
      <Group align="flex-end" gap="sm" wrap="wrap">
        {children}
        <Button type="submit" variant="light" loading={busy}>
          Apply
        </Button>
        <Button component="a" href={csvHref} variant="default" download>
          Export CSV
        </Button>
      </Group>
    </Form>
  );
}
