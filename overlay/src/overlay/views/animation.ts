import confetti from 'canvas-confetti';
import { h } from '../dom';
import { warn } from '../log';
import { planConfetti } from '../confetti-plan';
import { str } from '../props';
import { STAGE_HEIGHT, STAGE_WIDTH } from '../style';
import type { Dict, OverlayElement } from '../types';
import { BaseView } from './base';

type Cannon = ReturnType<typeof confetti.create>;

/**
 * `animation` elements. "confetti" fires canvas-confetti on a full-stage
 * canvas owned by this element: several bursts over duration_s, replayed on
 * every trigger, cleared on hide.
 */
export class AnimationView extends BaseView {
  readonly root = h('div', 'content content-animation');
  override readonly fullStage = true;
  private props: Dict = {};
  private canvas: HTMLCanvasElement | null = null;
  private cannon: Cannon | null = null;
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private warnedKind: string | null = null;

  constructor(private readonly reducedMotion: boolean) {
    super();
  }

  update(el: OverlayElement): void {
    this.props = el.properties;
  }

  override start(): void {
    this.fire();
  }

  override restart(): void {
    this.fire();
  }

  override stop(): void {
    // No new bursts; particles already in the air fade with the exit animation.
    this.clearTimers();
  }

  override hidden(): void {
    this.clearTimers();
    this.cannon?.reset();
  }

  override destroy(): void {
    this.clearTimers();
    this.cannon?.reset();
    this.cannon = null;
    this.canvas?.remove();
    this.canvas = null;
  }

  private ensureCannon(): Cannon {
    if (this.cannon) return this.cannon;
    // Created on first use: elements that never fire cost no 8 MB canvas.
    const canvas = h('canvas', 'confetti-canvas');
    canvas.width = STAGE_WIDTH;
    canvas.height = STAGE_HEIGHT;
    this.root.append(canvas);
    this.canvas = canvas;
    this.cannon = confetti.create(canvas, { resize: false, useWorker: false, disableForReducedMotion: false });
    return this.cannon;
  }

  private fire(): void {
    this.clearTimers();
    const kind = (str(this.props.animation) ?? 'confetti').toLowerCase();
    if (kind !== 'confetti') {
      if (this.warnedKind !== kind) warn(`unsupported animation "${kind}"`);
      this.warnedKind = kind;
      return;
    }
    let cannon: Cannon;
    try {
      cannon = this.ensureCannon();
    } catch (e) {
      warn('confetti canvas unavailable', e);
      return;
    }
    for (const burst of planConfetti(this.props, { reducedMotion: this.reducedMotion })) {
      const { at, ...options } = burst;
      const go = (): void => {
        try {
          void cannon(options)?.catch(() => undefined);
        } catch (e) {
          warn('confetti burst failed', e);
        }
      };
      if (at <= 0) {
        go();
        continue;
      }
      const t = setTimeout(() => {
        this.timers.delete(t);
        go();
      }, at);
      this.timers.add(t);
    }
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
