import { applyStyle, h } from '../dom';
import { stackSpec, stackStyle } from '../stack';
import type { StyleMap } from '../style';
import type { OverlayElement } from '../types';
import { BaseView } from './base';

/** `stack`: a flexbox container; the renderer moves the child elements' nodes into it. */
export class StackView extends BaseView {
  readonly root = h('div', 'content content-stack');
  private applied: StyleMap = {};

  override get container(): HTMLElement {
    return this.root;
  }

  update(el: OverlayElement): void {
    // Set on the content node itself; contentStyle's user `css` goes on the same
    // node, so layout keys are applied by this separate map only.
    this.applied = applyStyle(this.root, this.applied, stackStyle(stackSpec(el.properties)));
  }
}
