// Keeps one ElementNode per element id on the stage and applies frames to
// them: snapshots differentially, updates to the one element concerned.
import { planSnapshot } from './diff';
import { warn } from './log';
import { ElementNode } from './node';
import type { OverlayElement, UpdateAction } from './types';

export class Renderer {
  private readonly nodes = new Map<number, ElementNode>();

  constructor(private readonly stage: HTMLElement) {}

  get size(): number {
    return this.nodes.size;
  }

  applySnapshot(elements: readonly OverlayElement[]): void {
    const plan = planSnapshot(this.nodes.keys(), elements);
    for (const id of plan.remove) this.remove(id);
    for (const el of plan.update) this.upsert(el);
    for (const el of plan.create) this.upsert(el);
  }

  applyUpdate(action: UpdateAction, el: OverlayElement): void {
    // show/hide/update all carry the element's full state; the state (visible,
    // enabled, trigger_id) decides what happens, so a repeated frame is harmless.
    if (action === 'delete') this.remove(el.id);
    else this.upsert(el);
  }

  private upsert(el: OverlayElement): void {
    // One broken element must never stop the others from rendering.
    try {
      const existing = this.nodes.get(el.id);
      if (existing) {
        existing.update(el);
        return;
      }
      const node = new ElementNode(el);
      this.nodes.set(el.id, node);
      this.stage.append(node.wrapper);
    } catch (e) {
      warn(`could not render element ${el.id} ("${el.name}")`, e);
    }
  }

  private remove(id: number): void {
    const node = this.nodes.get(id);
    if (!node) return;
    this.nodes.delete(id);
    try {
      node.destroy();
    } catch (e) {
      warn(`could not remove element ${id}`, e);
      node.wrapper.remove();
    }
  }
}
