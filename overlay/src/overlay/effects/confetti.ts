// "confetti": canvas-confetti bursts planned by confetti-plan.ts, on a
// full-stage canvas created on first use; replayed on every trigger.
import confetti from 'canvas-confetti';
import { h } from '../dom';
import { warn } from '../log';
import { planConfetti } from '../confetti-plan';
import { STAGE_HEIGHT, STAGE_WIDTH } from '../style';
import type { OverlayElement } from '../types';
import { type EffectContext, type EffectInstance, registerEffect } from './registry';

type Cannon = ReturnType<typeof confetti.create>;

class Confetti implements EffectInstance {
  private canvas: HTMLCanvasElement | null = null;
  private cannon: Cannon | null = null;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  /** Bursts still in the air; the canvas is hidden once none are (see CanvasRunner.show). */
  private flying = 0;
  private round = 0;

  constructor(private readonly ctx: EffectContext) {}

  private ensureCannon(): Cannon {
    if (this.cannon) return this.cannon;
    const canvas = h('canvas', 'effect-canvas');
    canvas.width = STAGE_WIDTH;
    canvas.height = STAGE_HEIGHT;
    this.ctx.root.append(canvas);
    this.canvas = canvas;
    this.cannon = confetti.create(canvas, { resize: false, useWorker: false, disableForReducedMotion: false });
    return this.cannon;
  }

  play(el: OverlayElement): void {
    this.clearTimers();
    const cannon = this.ensureCannon();
    const round = this.round;
    for (const burst of planConfetti(el.properties, { reducedMotion: this.ctx.reducedMotion })) {
      const { at, ...options } = burst;
      const go = (): void => {
        if (round !== this.round) return;
        try {
          const landed = cannon(options);
          if (!landed) return;
          this.flying++;
          this.show(true);
          const done = (): void => {
            if (round !== this.round) return;
            this.flying = Math.max(0, this.flying - 1);
            this.hideIfIdle();
          };
          void landed.then(done, done);
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

  stop(): void {
    // No new bursts; particles already in the air fade with the exit animation.
    this.clearTimers();
    this.hideIfIdle();
  }

  clear(): void {
    this.clearTimers();
    this.cannon?.reset();
    // reset() drops the bursts in the air without settling their promises.
    this.round++;
    this.flying = 0;
    this.show(false);
  }

  /**
   * An idle canvas is hidden: a shown one stays a full-stage layer that the compositor
   * blends on every frame anything else on the stage moves, even when it holds nothing.
   */
  private show(on: boolean): void {
    if (this.canvas) this.canvas.style.visibility = on ? '' : 'hidden';
  }

  private hideIfIdle(): void {
    if (this.flying === 0 && this.timers.size === 0) this.show(false);
  }

  destroy(): void {
    this.clear();
    this.cannon = null;
    if (this.canvas) {
      this.canvas.width = 0;
      this.canvas.remove();
    }
    this.canvas = null;
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

registerEffect('animation', { name: 'confetti', fullStage: true, create: (ctx) => new Confetti(ctx) });
