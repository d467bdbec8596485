import { decimalsOf, formatCounter, rollDuration, rollValue } from '../counter-roll';
import { h, setText } from '../dom';
import { bool, num, str } from '../props';
import type { OverlayElement } from '../types';
import { BaseView } from './base';

const BUMP: Keyframe[] = [
  { transform: 'scale(1)', offset: 0 },
  { transform: 'scale(1.35)', offset: 0.3 },
  { transform: 'scale(1)', offset: 1 },
];

/**
 * label + prefix + value + suffix. On a change the number rolls to the new
 * value (a few hundred ms of requestAnimationFrame, then none); `.counter-value`
 * holds exactly the final number once the roll is over, and `data-value` on
 * it always holds the target.
 */
export class CounterView extends BaseView {
  readonly root = h('div', 'content content-counter');
  private readonly label = h('span', 'counter-label');
  private readonly prefix = h('span', 'counter-prefix');
  private readonly value = h('span', 'counter-value');
  private readonly suffix = h('span', 'counter-suffix');
  private last: number | null = null;
  private bump: Animation | null = null;
  private shownValue = 0;
  private raf = 0;

  constructor(private readonly reducedMotion = false) {
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
    this.value.dataset.value = String(value);
    if (!first && this.last !== null && value !== this.last) {
      this.animateBump(value > this.last);
      this.roll(this.shownValue, value);
    } else if (this.raf === 0) {
      this.show(value, decimalsOf(value));
    }
    this.last = value;
  }

  private show(v: number, decimals: number): void {
    this.shownValue = v;
    setText(this.value, formatCounter(v, decimals));
  }

  private roll(from: number, to: number): void {
    this.cancelRoll();
    const duration = rollDuration(from, to, this.reducedMotion);
    const decimals = decimalsOf(from, to);
    if (duration === 0) {
      this.show(to, decimalsOf(to));
      return;
    }
    let start = 0;
    const frame = (now: number): void => {
      if (start === 0) start = now;
      const elapsed = now - start;
      if (elapsed >= duration) {
        this.raf = 0;
        this.show(to, decimalsOf(to));
        return;
      }
      this.show(rollValue(from, to, elapsed, duration), decimals);
      this.raf = requestAnimationFrame(frame);
    };
    this.raf = requestAnimationFrame(frame);
  }

  private cancelRoll(): void {
    if (this.raf !== 0) cancelAnimationFrame(this.raf);
    this.raf = 0;
  }

  override hidden(): void {
    // Off screen: land on the final number at once.
    if (this.raf !== 0 && this.last !== null) {
      this.cancelRoll();
      this.show(this.last, decimalsOf(this.last));
    }
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
    this.cancelRoll();
    this.bump?.cancel();
    this.bump = null;
  }
}
