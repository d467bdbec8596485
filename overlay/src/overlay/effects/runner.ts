// A canvas plus a requestAnimationFrame loop that runs only while its tick
// says there is something to draw: an idle effect costs no frames at all.
import { h } from '../dom';

/** Draws one frame; returns false when nothing is left to animate. */
export type Tick = (ctx: CanvasRenderingContext2D, dt: number, now: number) => boolean;

const MAX_DT = 1 / 20; // a stalled tab resumes smoothly instead of teleporting particles

export class CanvasRunner {
  private canvas: HTMLCanvasElement | null = null;
  private ctx: CanvasRenderingContext2D | null = null;
  private raf = 0;
  private last = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly width: number,
    private readonly height: number,
    private readonly tick: Tick,
  ) {}

  get running(): boolean {
    return this.raf !== 0;
  }

  /** Starts the loop (creating the canvas on first use). */
  start(): void {
    if (this.raf !== 0) return;
    if (!this.ctx) {
      const canvas = h('canvas', 'effect-canvas');
      canvas.width = Math.max(1, Math.round(this.width));
      canvas.height = Math.max(1, Math.round(this.height));
      // A software canvas: with software GL a GPU canvas that fills paths every frame costs
      // several times more (three ambient canvases: 33 ms frames against 16.7).
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      if (!ctx) throw new Error('2d canvas unavailable');
      this.root.append(canvas);
      this.canvas = canvas;
      this.ctx = ctx;
    }
    this.last = 0;
    this.show(true);
    this.raf = requestAnimationFrame(this.frame);
  }

  /**
   * An idle canvas is hidden: a shown one stays a full-size layer that the compositor blends
   * on every frame anything else on the stage moves, even when it holds nothing.
   */
  private show(on: boolean): void {
    if (this.canvas) this.canvas.style.visibility = on ? '' : 'hidden';
  }

  private readonly frame = (now: number): void => {
    this.raf = 0;
    const ctx = this.ctx;
    if (!ctx) return;
    const dt = this.last === 0 ? 1 / 60 : Math.min(MAX_DT, (now - this.last) / 1000);
    this.last = now;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.globalCompositeOperation = 'source-over';
    ctx.clearRect(0, 0, this.width, this.height);
    let alive = false;
    try {
      alive = this.tick(ctx, dt, now);
    } finally {
      if (alive) this.raf = requestAnimationFrame(this.frame);
      else {
        ctx.clearRect(0, 0, this.width, this.height);
        this.show(false);
      }
    }
  };

  /** Stops the loop and wipes the canvas. */
  clear(): void {
    if (this.raf !== 0) cancelAnimationFrame(this.raf);
    this.raf = 0;
    this.ctx?.setTransform(1, 0, 0, 1, 0, 0);
    this.ctx?.clearRect(0, 0, this.width, this.height);
    this.show(false);
  }

  destroy(): void {
    this.clear();
    if (this.canvas) {
      // Zero size frees the backing store right away instead of at GC.
      this.canvas.width = 0;
      this.canvas.height = 0;
      this.canvas.remove();
    }
    this.canvas = null;
    this.ctx = null;
  }
}
