import { Table } from '@mantine/core';
import type { ReactNode } from 'react';
import { TablePart as T } from './plain.js';

export type Column<T> = {
  key: string;
  /** The header, and the label each value carries when rows are shown as cards. */
  label: string;
  align?: 'left' | 'right';
  /** Keeps the cell on one line (amounts, dates, badges); long text wraps. */
  nowrap?: boolean;
  render: (row: T) => ReactNode;
};

/**
 * A table at 576 px and wider; below that each row becomes a card of label–value lines (CSS only, one markup:
 * no script decides it, and nothing is rendered twice). Any list can adopt it: give it columns and rows.
 */
export function ResponsiveTable<T>({ columns, rows, rowKey, label, testId, rowTestId }: { columns: Column<T>[]; rows: readonly T[]; rowKey: (row: T) => string; label: string; testId?: string; rowTestId?: string }) {
  return (
    <div className="responsive-table" data-testid={testId}>
      <Table verticalSpacing={4} horizontalSpacing={6} fz="sm" striped aria-label={label}>
        <T.Thead>
          <T.Tr>
            {columns.map((c) => (
              <T.Th key={c.key} ta={c.align ?? 'left'}>
                {c.label}
              </T.Th>
            ))}
          </T.Tr>
        </T.Thead>
        <T.Tbody>
          {rows.map((row) => (
            <T.Tr key={rowKey(row)} data-testid={rowTestId}>
              {columns.map((c) => (
                <T.Td key={c.key} ta={c.align ?? 'left'} data-label={c.label} style={c.nowrap ? { whiteSpace: 'nowrap' } : undefined}>
                  {/* one box per value, so a value's own lines (a name, then a note under it) stay together in a card */}
                  <div className="responsive-table-value">{c.render(row)}</div>
                </T.Td>
              ))}
            </T.Tr>
          ))}
        </T.Tbody>
      </Table>
    </div>
  );
}
