import { Anchor, Group, Text } from '@mantine/core';
import { Link } from '@remix-run/react';

/**
 * Under a paged list: "Showing 26–50 of 180", a link back to the first page and one to the next, keeping the
 * list's filters (its address without the cursor).
 */
export function ListPager({ path, search, page, shown, totalCount, per, empty }: { path: string; search: string; page: { endCursor: string | null; hasNextPage: boolean; firstIndex: number }; shown: number; totalCount: number; per: number; empty: string }) {
  const params = new URLSearchParams(search);
  const paged = params.has('after');
  params.delete('after');
  const next = new URLSearchParams(params);
  if (page.endCursor) next.set('after', page.endCursor);
  return (
    <Group justify="space-between" mt="sm" px="xs">
      <Text size="sm" c="dimmed">
        {shown ? `Showing ${page.firstIndex}–${page.firstIndex + shown - 1} of ${totalCount}` : empty}
      </Text>
      <Group gap="sm">
        {paged ? (
          <Anchor component={Link} to={`${path}${params.size ? `?${params}` : ''}`}>
            First page
          </Anchor>
        ) : null}
        {page.hasNextPage ? (
          <Anchor component={Link} to={`${path}?${next}`} data-testid="next-page">
            Next {Math.min(per, totalCount - page.firstIndex - shown + 1)}
          </Anchor>
        ) : null}
      </Group>
    </Group>
  );
}
