// Named effects of `canvas` elements: ambient loops drawn inside the
// element's box with requestAnimationFrame, only while the element is shown.
// "sparkles" (twinkling stars), "bubbles" (rising bubbles), "equalizer"
// (bouncing bars). Properties: effect, colors, count.
import { clamp, num } from '../props';
import type { OverlayElement } from '../types';
import { colorList, FESTIVE, pick } from './palette';
import { rand } from './particles';
import { type EffectContext, type EffectInstance, registerEffect } from './registry';
import { CanvasRunner } from './runner';

type Draw = (g: CanvasRenderingContext2D, t: number, dt: number) => void;

/** An ambient effect: `setup` returns the per-frame drawing for the current properties. */
class Ambient implements EffectInstance {
  private readonly runner: CanvasRunner;
  private draw: Draw | null = null;
  private t = 0;
  private running = false;

  constructor(private readonly ctx: EffectContext, private readonly setup: (el: OverlayElement, ctx: EffectContext) => Draw) {
    this.runner = new CanvasRunner(ctx.root, ctx.width, ctx.height, (g, dt) => {
      this.t += dt;
      this.draw?.(g, this.t, dt);
      return this.running;
    });
  }

  play(el: OverlayElement): void {
    this.draw = this.setup(el, this.ctx);
    this.running = true;
    this.runner.start();
  }

  update(el: OverlayElement): void {
    if (this.running) this.draw = this.setup(el, this.ctx);
  }

  stop(): void {
    // Keeps drawing through the exit fade; clear() ends the loop.
  }

  clear(): void {
    this.running = false;
    this.runner.clear();
  }

  destroy(): void {
    this.clear();
    this.runner.destroy();
  }
}

function countOf(el: OverlayElement, fallback: number, max: number): number {
  return Math.round(clamp(num(el.properties.count) ?? fallback, 1, max));
}

registerEffect('canvas', {
  name: 'sparkles',
  fullStage: false,
  create: (ctx) => new Ambient(ctx, (el, { width, height, reducedMotion }) => {
    const colors = colorList(el.properties.colors, ['#FFFFFF', '#FFE9A8', '#A8E6FF']);
    const stars = Array.from({ length: countOf(el, 40, 400) }, () => ({
      x: rand(0, width), y: rand(0, height), r: rand(3, 9), speed: rand(0.6, 1.6), phase: rand(0, Math.PI * 2), color: pick(colors, Math.random()),
    }));
    return (g, t) => {
      for (const s of stars) {
        const k = reducedMotion ? 0.8 : 0.5 + 0.5 * Math.sin(t * s.speed * 2 + s.phase);
        if (k < 0.05) continue;
        const r = s.r * (0.4 + 0.6 * k);
        g.globalAlpha = k;
        g.fillStyle = s.color;
        g.beginPath();
        // A four-pointed twinkle.
        g.moveTo(s.x, s.y - r * 2);
        g.quadraticCurveTo(s.x, s.y, s.x + r * 2, s.y);
        g.quadraticCurveTo(s.x, s.y, s.x, s.y + r * 2);
        g.quadraticCurveTo(s.x, s.y, s.x - r * 2, s.y);
        g.quadraticCurveTo(s.x, s.y, s.x, s.y - r * 2);
        g.fill();
      }
      g.globalAlpha = 1;
    };
  }),
});

registerEffect('canvas', {
  name: 'bubbles',
  fullStage: false,
  create: (ctx) => new Ambient(ctx, (el, { width, height }) => {
    const colors = colorList(el.properties.colors, ['#7FDBFF', '#B06BFF', '#3BE8B0']);
    const bubbles = Array.from({ length: countOf(el, 24, 200) }, () => ({
      x: rand(0, width), y: rand(0, height), r: rand(6, 22), vy: rand(30, 80), phase: rand(0, Math.PI * 2), color: pick(colors, Math.random()),
    }));
    return (g, t, dt) => {
      g.lineWidth = 2;
      for (const b of bubbles) {
        b.y -= b.vy * dt;
        if (b.y < -b.r) {
          b.y = height + b.r;
          b.x = rand(0, width);
        }
        const x = b.x + Math.sin(t * 1.3 + b.phase) * 8;
        g.globalAlpha = 0.85;
        g.strokeStyle = b.color;
        g.fillStyle = `${b.color}33`;
        g.beginPath();
        g.arc(x, b.y, b.r, 0, Math.PI * 2);
        g.fill();
        g.stroke();
        g.globalAlpha = 0.9;
        g.fillStyle = '#ffffff';
        g.beginPath();
        g.arc(x - b.r * 0.35, b.y - b.r * 0.35, b.r * 0.18, 0, Math.PI * 2);
        g.fill();
      }
      g.globalAlpha = 1;
    };
  }),
});

registerEffect('canvas', {
  name: 'equalizer',
  fullStage: false,
  create: (ctx) => new Ambient(ctx, (el, { width, height, reducedMotion }) => {
    const colors = colorList(el.properties.colors, FESTIVE.slice(0, 5));
    const n = countOf(el, 24, 128);
    const gap = Math.max(2, (width / n) * 0.25);
    const w = (width - gap * (n - 1)) / n;
    const seeds = Array.from({ length: n }, () => [rand(1, 3), rand(2, 5), rand(0, 6)] as const);
    const grad = (x: number, color: string): CanvasGradient => {
      const gr = g0.createLinearGradient(x, height, x, 0);
      gr.addColorStop(0, color);
      gr.addColorStop(1, '#ffffff');
      return gr;
    };
    const g0 = document.createElement('canvas').getContext('2d') as CanvasRenderingContext2D;
    const fills = Array.from({ length: n }, (_, i) => grad(0, pick(colors, i / n)));
    return (g, t) => {
      for (let i = 0; i < n; i++) {
        const [a, b, c] = seeds[i] as readonly [number, number, number];
        const level = reducedMotion ? 0.5 : 0.15 + 0.85 * Math.abs(Math.sin(t * a + c) * 0.6 + Math.sin(t * b + i * 0.4) * 0.4);
        const bh = Math.max(4, level * height);
        const x = i * (w + gap);
        g.fillStyle = fills[i] as CanvasGradient;
        g.beginPath();
        g.roundRect(x, height - bh, w, bh, Math.min(6, w / 2));
        g.fill();
      }
    };
  }),
});
