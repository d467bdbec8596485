import { h, setText } from '../dom';
import { bool, num, str } from '../props';
import type { OverlayElement } from '../types';
import { BaseView } from './base';

const BUMP: Keyframe[] = [
  { transform: 'scale(1)', offset: 0 },
  { transform: 'scale(1.35)', offset: 0.3 },
  { transform: 'scale(1)', offset: 1 },
];

/** label + prefix + value + suffix; `.counter-value` holds exactly the number. */
export class CounterView extends BaseView {
  readonly root = h('div', 'content content-counter');
  private readonly label = h('span', 'counter-label');
  private readonly prefix = h('span', 'counter-prefix');
  private readonly value = h('span', 'counter-value');
  private readonly suffix = h('span', 'counter-suffix');
  private last: number | null = null;
  private bump: Animation | null = null;

  constructor() {
    super();
    const number = h('span', 'counter-number');
    number.append(this.prefix, this.value, this.suffix);
    this.root.append(this.label, number);
  }

  update(el: OverlayElement, first: boolean): void {
    const p = el.properties;
    const label = str(p.label) ?? '';
    setText(this.label, label);
    this.label.hidden = label === '';
    setText(this.prefix, str(p.prefix) ?? '');
    setText(this.suffix, str(p.suffix) ?? '');
    this.root.classList.toggle('stroke', bool(p.stroke) === true);

    const value = num(p.value) ?? 0;
    setText(this.value, String(value));
    if (!first && this.last !== null && value !== this.last) this.animateBump(value > this.last);
    this.last = value;
  }

  private animateBump(up: boolean): void {
    this.root.dataset.direction = up ? 'up' : 'down';
    try {
      this.bump?.cancel();
      this.bump = this.value.animate(BUMP, { duration: 450, easing: 'cubic-bezier(0.2, 0.8, 0.2, 1)' });
    } catch {
      // Web Animations missing: the number still changes, just without the bump.
    }
  }

  override destroy(): void {
    this.bump?.cancel();
    this.bump = null;
  }
}
