import { h, setData, setText } from '../dom';
import { timerDecimals, timerText } from '../timer';
import type { Dict, OverlayElement } from '../types';
import { BaseView } from './base';

const TICK_MS = 200;
/** With tenths or hundredths shown the clock must tick faster than they change. */
const FAST_TICK_MS = 50;

/** mm:ss clock; ticks only while shown and running, so idle timers cost nothing. */
export class TimerView extends BaseView {
  readonly root = h('div', 'content content-timer');
  private readonly value = h('span', 'timer-value');
  private props: Dict = {};
  private shown = false;
  private interval: ReturnType<typeof setInterval> | null = null;

  constructor() {
    super();
    this.root.append(this.value);
  }

  update(el: OverlayElement): void {
    this.props = el.properties;
    this.render();
  }

  override start(): void {
    this.shown = true;
    this.render();
  }

  override restart(): void {
    this.render();
  }

  override stop(): void {
    this.shown = false;
    this.sync(false);
  }

  override destroy(): void {
    this.shown = false;
    this.sync(false);
  }

  private render(): void {
    const { text, state } = timerText(this.props, Date.now());
    setText(this.value, text);
    setData(this.root, 'mode', state.mode);
    setData(this.root, 'running', String(state.running));
    setData(this.root, 'finished', String(state.finished));
    this.sync(this.shown && state.running);
  }

  private sync(tick: boolean): void {
    if (tick && this.interval === null) {
      this.interval = setInterval(() => this.render(), timerDecimals(this.props) > 0 ? FAST_TICK_MS : TICK_MS);
    } else if (!tick && this.interval !== null) {
      clearInterval(this.interval);
      this.interval = null;
    }
  }
}
