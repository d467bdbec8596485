import { h, setData, setText } from '../dom';
import { bool, str } from '../props';
import { tickerMotion, tickerSpec, type TickerSpec } from '../ticker';
import type { OverlayElement } from '../types';
import { BaseView } from './base';

/**
 * Plain text, or a ticker (`properties.ticker`): two copies of the text in a
 * track moved with the Web Animations API on transform only. With
 * prefers-reduced-motion the text stands still (one copy, ellipsis).
 */
export class TextView extends BaseView {
  readonly root = h('div', 'content content-text');
  private ticker: Ticker | null = null;

  constructor(private readonly reducedMotion = false) {
    super();
  }

  update(el: OverlayElement): void {
    // textContent only: chat-supplied text must never become markup.
    const text = str(el.properties.text) ?? '';
    this.root.classList.toggle('stroke', bool(el.properties.stroke) === true);
    const spec = tickerSpec(el.properties);
    if (spec) {
      this.ticker ??= new Ticker(this.root, this.reducedMotion);
      this.ticker.update(text, spec);
    } else {
      this.dropTicker();
      setText(this.root, text);
    }
  }

  override start(): void {
    this.ticker?.show(true);
  }

  override hidden(): void {
    this.ticker?.show(false);
  }

  override destroy(): void {
    this.dropTicker();
  }

  private dropTicker(): void {
    if (!this.ticker) return;
    this.ticker.destroy();
    this.ticker = null;
  }
}

class Ticker {
  private readonly track = h('div', 'ticker-track');
  private readonly copies = [h('span', 'ticker-copy'), h('span', 'ticker-copy')] as const;
  private spec: TickerSpec | null = null;
  private anim: Animation | null = null;
  private key = '';
  private shown = false;
  private readonly resize: ResizeObserver | null;

  constructor(
    private readonly root: HTMLElement,
    private readonly reducedMotion: boolean,
  ) {
    root.classList.add('ticker');
    this.copies[1].setAttribute('aria-hidden', 'true');
    this.track.append(...this.copies);
    root.replaceChildren(this.track);
    // Web fonts arriving late change the text's width: measure again.
    this.resize = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => this.sync());
    this.resize?.observe(this.copies[0]);
    this.resize?.observe(root);
  }

  update(text: string, spec: TickerSpec): void {
    for (const c of this.copies) {
      setText(c, text);
      c.style.paddingRight = `${spec.gap}px`;
    }
    this.spec = spec;
    this.sync();
  }

  show(shown: boolean): void {
    this.shown = shown;
    this.sync();
  }

  private sync(): void {
    const spec = this.spec;
    if (!spec) return;
    const moving = spec.running && !this.reducedMotion;
    setData(this.root, 'ticker', this.reducedMotion ? 'static' : spec.running ? 'running' : 'stopped');
    this.copies[1].hidden = !moving;
    if (!moving || !this.shown) {
      this.cancel();
      return;
    }
    // Layout pixels (offsetWidth), not screen pixels: the stage is scaled as a whole.
    const box = this.root.clientWidth;
    for (const c of this.copies) c.style.minWidth = `${box}px`;
    const width = this.copies[0].offsetWidth;
    const key = `${width}|${spec.speed}|${spec.direction}`;
    if (key === this.key && this.anim) return;
    this.cancel();
    const m = tickerMotion(spec, width);
    if (!m) return;
    this.key = key;
    this.anim = this.track.animate(m.keyframes, { duration: m.duration, iterations: Infinity, easing: 'linear' });
  }

  private cancel(): void {
    this.anim?.cancel();
    this.anim = null;
    this.key = '';
  }

  destroy(): void {
    this.cancel();
    this.resize?.disconnect();
    this.root.classList.remove('ticker');
    delete this.root.dataset.ticker;
    this.root.replaceChildren();
  }
}
