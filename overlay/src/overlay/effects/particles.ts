// Shared machinery of the sprite-particle effects (hearts, rain, snow): each particle's
// motion is simulated once when it spawns (the effect's `move`) and handed to the effect's
// swarm (effects/swarm.ts); spawns are spread over the effect's duration in waves.
import { clamp, num } from '../props';
import type { OverlayElement } from '../types';
import { durationOf, simulate } from './flight';
import type { EffectContext, EffectInstance } from './registry';
import { newSwarm } from './new-swarm';
import { type Flight, fit, type Look, spread, type Swarm } from './swarm';

export interface Particle {
  x: number;
  y: number;
  vx: number;
  vy: number;
  age: number;
  life: number;
  size: number;
  /** Radians. */
  rot: number;
  vr: number;
  phase: number;
  /** How it looks (its size is `size`). */
  sprite: Pick<Look, 'kind' | 'color' | 'src'>;
  alpha: number;
}

export interface ParticleEffectSpec {
  /** Particles per play at most (after clamping the element's `count`). */
  defaultCount: number;
  maxCount: number;
  defaultDuration: number;
  /** `count` particles on screen for as long as it is shown (snow) instead of spawns over duration_s. */
  continuous?: boolean;
  /** Called on each play: prepare sprites from the element's properties. */
  prepare(el: OverlayElement, ctx: EffectContext): void;
  spawn(p: Particle, ctx: EffectContext, index: number): void;
  /** Moves one particle by dt seconds (0: only derive alpha and rotation); false when it is gone. */
  move(p: Particle, dt: number, ctx: EffectContext): boolean;
}

/** How often a snowfall short of flakes (the budget was full) tries again. */
const TOP_UP_MS = 2000;
/** The longest a particle is followed; every built-in one leaves the stage long before. */
const MAX_FLIGHT_S = 60;

function blank(): Particle {
  return { x: 0, y: 0, vx: 0, vy: 0, age: 0, life: 1, size: 1, rot: 0, vr: 0, phase: Math.random() * Math.PI * 2, sprite: { kind: 'flake' }, alpha: 1 };
}

export class ParticleEffect implements EffectInstance {
  private readonly swarm: Swarm;

  constructor(private readonly ctx: EffectContext, private readonly spec: ParticleEffectSpec) {
    this.swarm = newSwarm(ctx.root, ctx.width, ctx.height);
  }

  play(el: OverlayElement): void {
    const p = el.properties;
    this.spec.prepare(el, this.ctx);
    let count = Math.round(clamp(num(p.count) ?? num(p.particle_count) ?? this.spec.defaultCount, 1, this.spec.maxCount));
    if (this.ctx.reducedMotion) count = Math.max(1, Math.round(count / 3));
    if (this.spec.continuous) {
      // Each flake falls forever along its own path. The first ones start at a random point of
      // it, so that the stage is already full instead of filling up for seconds; flakes the
      // particle budget had no room for are topped up later, falling in from the top.
      this.swarm.clear();
      const fill = (first: boolean) => (room: number): Flight[] => {
        const flakes = Array.from({ length: fit(count - this.swarm.size, room) }, (_, i) => {
          const f = this.flight(i, 0);
          f.forever = true;
          if (first) f.delay = -Math.random() * durationOf(f.poses);
          return f;
        });
        this.swarm.at(TOP_UP_MS, fill(false));
        return flakes;
      };
      this.swarm.at(0, fill(true));
      return;
    }
    const seconds = clamp(num(p.duration_s) ?? this.spec.defaultDuration, 0.3, 60);
    // Spawns stop a bit before the end so the last ones are seen.
    spread(this.swarm, count, Math.max(0.2, seconds * 0.7), (i, delay) => this.flight(i, delay));
  }

  private flight(index: number, delay: number): Flight {
    const { spec, ctx } = this;
    const p = blank();
    spec.spawn(p, ctx, index);
    spec.move(p, 0, ctx);
    const poses = simulate(
      (dt) => {
        p.age += dt;
        return spec.move(p, dt, ctx);
      },
      () => ({ x: p.x, y: p.y, rot: (p.rot * 180) / Math.PI, alpha: p.alpha }),
      MAX_FLIGHT_S,
    );
    return { look: { ...p.sprite, width: p.size, height: p.size }, poses, delay };
  }

  stop(): void {
    this.swarm.stop();
  }

  clear(): void {
    this.swarm.clear();
  }

  destroy(): void {
    this.swarm.destroy();
  }
}

export function rand(lo: number, hi: number): number {
  return lo + Math.random() * (hi - lo);
}

/** A picture drawn once on a small canvas, as the image the particles that show it use. */
export function sprite(size: number, draw: (ctx: CanvasRenderingContext2D, s: number) => void): Pick<Look, 'kind' | 'src'> {
  const c = document.createElement('canvas');
  c.width = c.height = Math.max(1, Math.ceil(size));
  const ctx = c.getContext('2d');
  if (ctx) draw(ctx, c.width);
  return { kind: 'image', src: c.toDataURL('image/png') };
}
