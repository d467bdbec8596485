// `stack` layout containers (pure parts): which stack a child belongs to, the
// order of its children and the flexbox style of the container.
import { num, str } from './props';
import type { Dict, OverlayElement } from './types';
import type { StyleMap } from './style';

/** Key of a stack: its widget and its element name (names are unique per widget). */
export function stackKey(widgetId: number, name: string): string {
  return `${widgetId}\u0000${name}`;
}

/** The stack an element asks to live in (`properties.parent`), or null. */
export function parentKey(el: Pick<OverlayElement, 'widget_id' | 'name' | 'properties'>): string | null {
  const parent = str(el.properties.parent)?.trim();
  if (!parent || parent === el.name) return null;
  return stackKey(el.widget_id, parent);
}

export interface Orderable {
  name: string;
  properties: Dict;
}

/** Children sorted by `properties.order` (numbers first, ascending), then by name. */
export function sortChildren<T extends Orderable>(children: readonly T[]): T[] {
  return [...children].sort((a, b) => {
    const oa = num(a.properties.order);
    const ob = num(b.properties.order);
    if (oa !== undefined && ob !== undefined && oa !== ob) return oa - ob;
    if (oa !== undefined && ob === undefined) return -1;
    if (oa === undefined && ob !== undefined) return 1;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

export type StackDirection = 'vertical' | 'horizontal';
export type StackAlign = 'start' | 'center' | 'end';

export interface StackSpec {
  direction: StackDirection;
  gap: number;
  align: StackAlign;
}

export function stackSpec(props: Dict): StackSpec {
  const d = str(props.direction)?.trim().toLowerCase();
  const a = str(props.align)?.trim().toLowerCase();
  const gap = num(props.gap);
  return {
    direction: d === 'horizontal' ? 'horizontal' : 'vertical',
    gap: gap === undefined ? 0 : Math.min(2000, Math.max(0, gap)),
    align: a === 'center' || a === 'end' ? a : 'start',
  };
}

/** Flexbox declarations for the stack's content node. */
export function stackStyle(spec: StackSpec): StyleMap {
  const align = spec.align === 'start' ? 'flex-start' : spec.align === 'end' ? 'flex-end' : 'center';
  return {
    display: 'flex',
    'flex-direction': spec.direction === 'horizontal' ? 'row' : 'column',
    gap: `${spec.gap}px`,
    'align-items': align,
  };
}
