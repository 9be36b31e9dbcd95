/**
 * A table with TanStack Table: a caption, column headers, and a region that scrolls sideways on a
 * narrow screen (keyboard users reach it with Tab and scroll it with the arrow keys). A `sortable`
 * table sorts the rows it shows by a column when its header button is pressed (again: the other
 * way, a third time: back to the order given); the header says how it is sorted (`aria-sort`).
 */
import {
  createColumnHelper,
  createSortedRowModel,
  type RowData,
  rowSortingFeature,
  sortFn_basic,
  sortFn_text,
  type TableOptions,
  tableFeatures,
  useTable,
} from '@tanstack/react-table';
import type { ReactNode } from 'react';

const features = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { basic: sortFn_basic, text: sortFn_text },
});
export type Features = typeof features;
export const columnsFor = <T extends RowData>() => createColumnHelper<Features, T>();

export interface DataTableProps<T extends RowData> {
  caption: ReactNode;
  /** The scroll region's name (the caption as plain text). */
  label: string;
  columns: TableOptions<Features, T>['columns'];
  data: T[];
  rowId: (row: T) => string;
  /** Shown instead of the table when there are no rows. */
  empty: ReactNode;
  captionHidden?: boolean;
  /** Columns sort when their header is pressed (those with `enableSorting: false` do not). */
  sortable?: boolean;
}

const ariaSort = { asc: 'ascending', desc: 'descending' } as const;
const arrows = { asc: ' ▲', desc: ' ▼' } as const;

export function DataTable<T extends RowData>({
  caption,
  label,
  columns,
  data,
  rowId,
  empty,
  captionHidden = false,
  sortable = false,
}: DataTableProps<T>) {
  const table = useTable({ features, columns, data, getRowId: rowId, enableSorting: sortable, enableMultiSort: false });
  const headerGroups = table.getHeaderGroups();
  const rows = table.getRowModel().rows;
  if (rows.length === 0) {
    // No table for no rows: the message reads whole on any screen (a table would scroll it away).
    return (
      <div className="empty-table">
        <p className="caption">{caption}</p>
        <p>{empty}</p>
      </div>
    );
  }
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must be reachable by keyboard (WCAG 2.1.1; axe scrollable-region-focusable)
    <section className="table-scroll" aria-label={label} tabIndex={0}>
      <table>
        <caption className={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>
        <thead>
          {headerGroups.map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const canSort = !header.isPlaceholder && header.column.getCanSort();
                const sorted = header.column.getIsSorted();
                return (
                  <th key={header.id} scope="col" aria-sort={canSort ? (sorted ? ariaSort[sorted] : 'none') : undefined}>
                    {header.isPlaceholder ? null : canSort ? (
                      <button type="button" className="sort-button" onClick={header.column.getToggleSortingHandler()}>
                        <table.FlexRender header={header} />
                        <span aria-hidden="true">{sorted ? arrows[sorted] : ' ↕'}</span>
                      </button>
                    ) : (
                      <table.FlexRender header={header} />
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              {row.getAllCells().map((cell) => (
                <td key={cell.id}>
                  <table.FlexRender cell={cell} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
