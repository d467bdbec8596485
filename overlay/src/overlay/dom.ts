// Small DOM helpers that write only when a value really changes, so in-place
// updates don't cause needless style recalculation or media reloads.
import { diffStyle, type StyleMap } from './style';

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  return node;
}

export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

export function setData(node: HTMLElement, key: string, value: string): void {
  if (node.dataset[key] !== value) node.dataset[key] = value;
}

/** Applies `next` over what was applied before (`prev`) and returns `next`. */
export function applyStyle(node: HTMLElement, prev: StyleMap, next: StyleMap): StyleMap {
  const { set, remove } = diffStyle(prev, next);
  for (const k of remove) node.style.removeProperty(k);
  for (const [k, v] of set) node.style.setProperty(k, v);
  return next;
}

let reduced: boolean | null = null;
export function prefersReducedMotion(): boolean {
  if (reduced === null) {
    try {
      reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    } catch {
      reduced = false;
    }
  }
  return reduced;
}
