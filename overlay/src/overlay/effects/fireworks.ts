// "fireworks": rockets climb from the bottom and burst into glowing sparks
// with short trails; additive blending makes overlaps bloom. Properties:
// count (rockets, 7), duration_s (3), colors.
import { clamp, num } from '../props';
import type { OverlayElement } from '../types';
import { colorList, FESTIVE, pick } from './palette';
import { rand } from './particles';
import { type EffectContext, type EffectInstance, registerEffect } from './registry';
import { CanvasRunner } from './runner';

interface Spark {
  x: number; y: number; px: number; py: number; vx: number; vy: number;
  age: number; life: number; color: string; rocket: boolean; size: number;
}

const GRAVITY = 240;
/** Rockets decelerate harder so they burst about a second after launch. */
const ROCKET_GRAVITY = 900;

class Fireworks implements EffectInstance {
  private readonly runner: CanvasRunner;
  private sparks: Spark[] = [];
  private launches: number[] = []; // seconds from play
  private clock = 0;
  private colors = FESTIVE;
  private emitting = false;

  constructor(private readonly ctx: EffectContext) {
    this.runner = new CanvasRunner(ctx.root, ctx.width, ctx.height, (g, dt) => this.tick(g, dt));
  }

  play(el: OverlayElement): void {
    const p = el.properties;
    let rockets = Math.round(clamp(num(p.count) ?? 7, 1, 40));
    if (this.ctx.reducedMotion) rockets = Math.min(rockets, 2);
    const seconds = clamp(num(p.duration_s) ?? 3, 0.5, 60);
    this.colors = colorList(p.colors, FESTIVE);
    this.clock = 0;
    this.emitting = true;
    const span = Math.max(0.1, seconds - 1.4);
    this.launches = Array.from({ length: rockets }, (_, i) => (rockets === 1 ? 0 : (i / (rockets - 1)) * span)).reverse();
    this.runner.start();
  }

  private launch(): void {
    const { width, height } = this.ctx;
    const x = rand(0.15, 0.85) * width;
    const peak = rand(0.18, 0.42) * height;
    const vy = -Math.sqrt(2 * ROCKET_GRAVITY * (height - peak));
    this.sparks.push({ x, y: height, px: x, py: height, vx: rand(-40, 40), vy, age: 0, life: 9, color: '#fff4d6', rocket: true, size: 3 });
  }

  private burst(s: Spark): void {
    const color = pick(this.colors, Math.random());
    const second = pick(this.colors, Math.random());
    const n = 70;
    const speed = rand(220, 340);
    for (let i = 0; i < n; i++) {
      const a = (i / n) * Math.PI * 2 + rand(-0.05, 0.05);
      const v = speed * rand(0.55, 1);
      this.sparks.push({ x: s.x, y: s.y, px: s.x, py: s.y, vx: Math.cos(a) * v, vy: Math.sin(a) * v, age: 0,
        life: rand(1.1, 1.7), color: i % 3 === 0 ? second : color, rocket: false, size: rand(2.6, 4.2) });
    }
  }

  private tick(g: CanvasRenderingContext2D, dt: number): boolean {
    this.clock += dt;
    while (this.emitting && this.launches.length > 0 && (this.launches[this.launches.length - 1] as number) <= this.clock) {
      this.launches.pop();
      this.launch();
    }
    if (this.launches.length === 0) this.emitting = false;
    g.globalCompositeOperation = 'lighter';
    g.lineCap = 'round';
    const next: Spark[] = [];
    for (const s of this.sparks) {
      s.age += dt;
      s.px = s.x;
      s.py = s.y;
      if (s.rocket) {
        s.vy += ROCKET_GRAVITY * dt;
        s.x += s.vx * dt;
        s.y += s.vy * dt;
        if (s.vy >= -20) {
          this.burst(s);
          continue;
        }
      } else {
        const drag = Math.exp(-1.6 * dt);
        s.vx *= drag;
        s.vy = s.vy * drag + GRAVITY * 0.35 * dt;
        s.x += s.vx * dt;
        s.y += s.vy * dt;
        if (s.age >= s.life) continue;
      }
      const fade = s.rocket ? 1 : 1 - s.age / s.life;
      g.globalAlpha = Math.max(0, fade);
      g.strokeStyle = s.color;
      g.lineWidth = s.size;
      g.beginPath();
      // Trail: from a few frames back along the velocity to the spark.
      g.moveTo(s.x - s.vx * 0.045, s.y - s.vy * 0.045);
      g.lineTo(s.x, s.y);
      g.stroke();
      next.push(s);
    }
    this.sparks = next;
    g.globalAlpha = 1;
    return this.emitting || this.sparks.length > 0;
  }

  stop(): void {
    this.emitting = false;
    this.launches = [];
  }

  clear(): void {
    this.stop();
    this.sparks = [];
    this.runner.clear();
  }

  destroy(): void {
    this.clear();
    this.runner.destroy();
  }
}

registerEffect('animation', { name: 'fireworks', fullStage: true, create: (ctx) => new Fireworks(ctx) });
