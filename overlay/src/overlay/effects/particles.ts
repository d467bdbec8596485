// Shared machinery of the sprite-particle effects (hearts, rain, snow,
// fireworks): a pool of particles, an emitter that spreads spawns over the
// effect's duration, and the CanvasRunner that draws them.
import { clamp, num } from '../props';
import type { OverlayElement } from '../types';
import type { EffectContext, EffectInstance } from './registry';
import { CanvasRunner } from './runner';

export interface Particle {
  x: number;
  y: number;
  vx: number;
  vy: number;
  age: number;
  life: number;
  size: number;
  rot: number;
  vr: number;
  phase: number;
  sprite: CanvasImageSource;
  alpha: number;
}

export interface ParticleEffectSpec {
  /** Particles per play at most (after clamping the element's `count`). */
  defaultCount: number;
  maxCount: number;
  defaultDuration: number;
  /** Keep spawning while shown (snow) instead of for duration_s. */
  continuous?: boolean;
  /** Called on each play: prepare sprites from the element's properties. */
  prepare(el: OverlayElement, ctx: EffectContext): void;
  spawn(p: Particle, ctx: EffectContext, index: number): void;
  /** Moves one particle; false when it is gone. */
  move(p: Particle, dt: number, ctx: EffectContext): boolean;
  /** Optional custom drawing (default: the sprite, rotated, faded by alpha). */
  draw?(g: CanvasRenderingContext2D, p: Particle): void;
  composite?: GlobalCompositeOperation;
}

function blank(): Particle {
  return { x: 0, y: 0, vx: 0, vy: 0, age: 0, life: 1, size: 1, rot: 0, vr: 0, phase: 0, sprite: null as unknown as CanvasImageSource, alpha: 1 };
}

export class ParticleEffect implements EffectInstance {
  private readonly runner: CanvasRunner;
  private readonly live: Particle[] = [];
  private readonly pool: Particle[] = [];
  private toSpawn = 0;
  private spawnRate = 0; // per second
  private spawnCarry = 0;
  private spawned = 0;
  private emitting = false;

  constructor(private readonly ctx: EffectContext, private readonly spec: ParticleEffectSpec) {
    this.runner = new CanvasRunner(ctx.root, ctx.width, ctx.height, (g, dt) => this.tick(g, dt));
  }

  play(el: OverlayElement): void {
    const p = el.properties;
    this.spec.prepare(el, this.ctx);
    const reduced = this.ctx.reducedMotion;
    let count = Math.round(clamp(num(p.count) ?? num(p.particle_count) ?? this.spec.defaultCount, 1, this.spec.maxCount));
    if (reduced) count = Math.max(1, Math.round(count / 3));
    const seconds = clamp(num(p.duration_s) ?? this.spec.defaultDuration, 0.3, 60);
    this.spawned = 0;
    this.spawnCarry = 0;
    this.emitting = true;
    if (this.spec.continuous) {
      // Snow: `count` flakes on screen at once, replenished while shown.
      this.toSpawn = Infinity;
      this.spawnRate = count / 6;
      // Start with a screenful so it does not look empty for seconds.
      for (let i = 0; i < Math.round(count * 0.7); i++) this.emit(true);
    } else {
      this.toSpawn = count;
      // Spawns stop a bit before the end so the last ones are seen.
      this.spawnRate = count / Math.max(0.2, seconds * 0.7);
    }
    this.runner.start();
  }

  private emit(prefill = false): void {
    const p = this.pool.pop() ?? blank();
    p.age = 0;
    p.alpha = 1;
    p.rot = 0;
    p.vr = 0;
    p.phase = Math.random() * Math.PI * 2;
    this.spec.spawn(p, this.ctx, this.spawned++);
    if (prefill) p.y = Math.random() * this.ctx.height;
    this.live.push(p);
  }

  private tick(g: CanvasRenderingContext2D, dt: number): boolean {
    if (this.emitting && this.spawned < this.toSpawn) {
      this.spawnCarry += this.spawnRate * dt;
      while (this.spawnCarry >= 1 && this.spawned < this.toSpawn) {
        this.spawnCarry -= 1;
        this.emit();
      }
    } else if (this.spawned >= this.toSpawn) {
      this.emitting = false;
    }
    if (this.spec.composite) g.globalCompositeOperation = this.spec.composite;
    const draw = this.spec.draw;
    for (let i = this.live.length - 1; i >= 0; i--) {
      const p = this.live[i] as Particle;
      p.age += dt;
      if (!this.spec.move(p, dt, this.ctx)) {
        // Swap-remove: order does not matter, and no array churn per frame.
        this.live[i] = this.live[this.live.length - 1] as Particle;
        this.live.pop();
        this.pool.push(p);
        continue;
      }
      if (p.alpha <= 0.01) continue;
      if (draw) {
        draw(g, p);
        continue;
      }
      g.globalAlpha = Math.min(1, p.alpha);
      const s = p.size;
      if (p.rot === 0) {
        g.drawImage(p.sprite, p.x - s / 2, p.y - s / 2, s, s);
      } else {
        g.setTransform(1, 0, 0, 1, p.x, p.y);
        g.rotate(p.rot);
        g.drawImage(p.sprite, -s / 2, -s / 2, s, s);
        g.setTransform(1, 0, 0, 1, 0, 0);
      }
    }
    g.globalAlpha = 1;
    return this.emitting || this.live.length > 0;
  }

  stop(): void {
    this.emitting = false;
  }

  clear(): void {
    this.emitting = false;
    this.pool.push(...this.live);
    this.live.length = 0;
    this.runner.clear();
  }

  destroy(): void {
    this.clear();
    this.pool.length = 0;
    this.runner.destroy();
  }
}

export function rand(lo: number, hi: number): number {
  return lo + Math.random() * (hi - lo);
}
