import type { ReactNode } from 'react';

/**
 * A table that may scroll sideways on a phone. A scrollable region must be reachable by
 * keyboard to be scrolled without a pointer, so it takes focus and carries the table's name.
 */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex -- a scrollable region is focusable by design (WCAG 2.1.1)
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
