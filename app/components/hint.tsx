import { Tooltip } from '@mantine/core';
import { useMounted } from '@mantine/hooks';
import type { ReactElement } from 'react';

/**
 * Mantine's `<Tooltip>` once the page runs scripts. A tooltip shows only on hover, so until then the element alone
 * is what the server renders and hydration finds (Mantine's tooltip renders the same element, and on the server
 * spends floating-ui's positioning hooks on it: ~4 % of a customer page's allocations for its dozen). The label
 * must not be the element's only name: the element keeps its own (an `aria-label`, or its text).
 */
export function Hint({ label, children }: { label: string; children: ReactElement }) {
  const mounted = useMounted();
  return mounted ? <Tooltip label={label}>{children}</Tooltip> : children;
}
