import { h } from '../dom';
import { dict, num } from '../props';
import { STAGE_HEIGHT, STAGE_WIDTH } from '../style';
import type { OverlayElement } from '../types';
import { BaseView } from './base';

/** Reserved for custom rendering: an empty canvas the size of the element. */
export class CanvasView extends BaseView {
  readonly root = h('div', 'content content-canvas');
  private readonly canvas = h('canvas');

  constructor() {
    super();
    this.root.append(this.canvas);
  }

  update(el: OverlayElement): void {
    const size = dict(el.properties.size);
    const w = Math.round(Math.min(8192, Math.max(1, num(size.width) ?? STAGE_WIDTH)));
    const ht = Math.round(Math.min(8192, Math.max(1, num(size.height) ?? STAGE_HEIGHT)));
    // Setting width/height clears the canvas: only when it really changes.
    if (this.canvas.width !== w) this.canvas.width = w;
    if (this.canvas.height !== ht) this.canvas.height = ht;
  }
}
