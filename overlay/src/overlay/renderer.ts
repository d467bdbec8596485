// Keeps one ElementNode per element id on the stage and applies frames to
// them: snapshots differentially, updates to the one element concerned.
// Children of `stack` elements are placed inside their stack's node.
import { planSnapshot } from './diff';
import { warn } from './log';
import { ElementNode } from './node';
import { num } from './props';
import { parentKey, sortChildren, stackKey } from './stack';
import type { OverlayElement, UpdateAction } from './types';

/** Nesting deeper than this (or a loop of parents) puts the element back on the stage. */
const MAX_NESTING = 8;

function layoutFields(el: OverlayElement): string {
  return `${el.element_type}\u0000${el.widget_id}\u0000${el.name}\u0000${String(el.properties.parent)}\u0000${String(num(el.properties.order))}`;
}

export class Renderer {
  private readonly nodes = new Map<number, ElementNode>();
  private layoutDirty = false;

  constructor(private readonly stage: HTMLElement) {}

  get size(): number {
    return this.nodes.size;
  }

  applySnapshot(elements: readonly OverlayElement[]): void {
    const plan = planSnapshot(this.nodes.keys(), elements);
    for (const id of plan.remove) this.remove(id);
    for (const el of plan.update) this.upsert(el);
    for (const el of plan.create) this.upsert(el);
    this.layout();
  }

  applyUpdate(action: UpdateAction, el: OverlayElement): void {
    // show/hide/update all carry the element's full state; the state (visible,
    // enabled, trigger_id) decides what happens, so a repeated frame is harmless.
    if (action === 'delete') this.remove(el.id);
    else this.upsert(el);
    this.layout();
  }

  private upsert(el: OverlayElement): void {
    // One broken element must never stop the others from rendering.
    try {
      const existing = this.nodes.get(el.id);
      if (existing) {
        if (layoutFields(existing.element) !== layoutFields(el)) this.layoutDirty = true;
        existing.update(el);
        return;
      }
      const node = new ElementNode(el);
      this.nodes.set(el.id, node);
      this.stage.append(node.wrapper);
      this.layoutDirty = true;
    } catch (e) {
      warn(`could not render element ${el.id} ("${el.name}")`, e);
    }
  }

  private remove(id: number): void {
    const node = this.nodes.get(id);
    if (!node) return;
    this.nodes.delete(id);
    this.layoutDirty = true;
    // Children of a removed stack go back to the stage before it leaves the DOM.
    if (node.container) for (const child of [...node.container.children]) this.stage.append(child);
    try {
      node.destroy();
    } catch (e) {
      warn(`could not remove element ${id}`, e);
      node.wrapper.remove();
    }
  }

  /** Puts every element where it belongs: its stack (in order) or the stage. */
  private layout(): void {
    if (!this.layoutDirty) return;
    this.layoutDirty = false;
    const stacks = new Map<string, ElementNode>();
    for (const node of this.nodes.values()) {
      if (node.container) stacks.set(stackKey(node.element.widget_id, node.element.name), node);
    }
    const parentOf = (node: ElementNode): ElementNode | null => {
      const key = parentKey(node.element);
      return key ? (stacks.get(key) ?? null) : null;
    };
    const groups = new Map<ElementNode, ElementNode[]>();
    for (const node of this.nodes.values()) {
      let parent = parentOf(node);
      // Refuse loops (a inside b inside a) and absurd depth.
      let p = parent;
      for (let depth = 0; p; depth++) {
        if (p === node || depth >= MAX_NESTING) {
          parent = null;
          break;
        }
        p = parentOf(p);
      }
      const target = parent?.container ?? this.stage;
      if (node.wrapper.parentElement !== target) target.append(node.wrapper);
      if (parent) {
        const list = groups.get(parent) ?? [];
        list.push(node);
        groups.set(parent, list);
      } else {
        node.setStacked(false, null);
      }
    }
    for (const children of groups.values()) {
      const sorted = sortChildren(children.map((n) => ({ name: n.element.name, properties: n.element.properties, n })));
      sorted.forEach(({ n }, i) => n.setStacked(true, i));
    }
  }
}
