import { h, setText } from '../dom';
import { bool, str } from '../props';
import type { OverlayElement } from '../types';
import { BaseView } from './base';

export class TextView extends BaseView {
  readonly root = h('div', 'content content-text');

  update(el: OverlayElement): void {
    // textContent only: chat-supplied text must never become markup.
    setText(this.root, str(el.properties.text) ?? '');
    this.root.classList.toggle('stroke', bool(el.properties.stroke) === true);
  }
}
