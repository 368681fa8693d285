import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';

interface Props<T> {
  items: readonly T[];
  rowHeight: number;
  height: number;
  label: string;
  render: (item: T, index: number) => ComponentChildren;
  empty?: ComponentChildren;
}

/** A fixed-row-height list that only puts the visible rows (plus a margin) in the DOM. */
export function VirtualList<T>({ items, rowHeight, height, label, render, empty }: Props<T>) {
  const [top, setTop] = useState(0);
  const ref = useRef<HTMLDivElement>(null);
  if (items.length === 0) return <div class="empty">{empty ?? 'Nothing yet.'}</div>;
  const first = Math.max(0, Math.floor(top / rowHeight) - 5);
  const last = Math.min(items.length, Math.ceil((top + height) / rowHeight) + 5);
  const rows = [];
  for (let i = first; i < last; i++) {
    rows.push(
      <div role="listitem" class="vrow" style={{ top: `${i * rowHeight}px`, height: `${rowHeight}px` }} key={i}>
        {render(items[i]!, i)}
      </div>,
    );
  }
  return (
    <div
      ref={ref}
      class="vlist"
      role="list"
      aria-label={label}
      tabIndex={0}
      style={{ height: `${Math.min(height, items.length * rowHeight + 2)}px` }}
      onScroll={(e) => setTop((e.currentTarget as HTMLDivElement).scrollTop)}
    >
      <div style={{ height: `${items.length * rowHeight}px`, position: 'relative' }}>{rows}</div>
    </div>
  );
}
