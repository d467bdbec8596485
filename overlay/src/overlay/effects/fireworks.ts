// "fireworks": rockets climb from the bottom and burst into glowing sparks with short
// trails. Each rocket and its burst are simulated when it launches and flown by the
// compositor (effects/swarm.ts). Properties: count (rockets, 7), duration_s (3), colors.
import { clamp, num } from '../props';
import type { OverlayElement } from '../types';
import { durationOf, type Pose, simulate } from './flight';
import { colorList, FESTIVE, pick } from './palette';
import { rand } from './particles';
import { type EffectContext, type EffectInstance, registerEffect } from './registry';
import { newSwarm } from './new-swarm';
import { type Flight, fit, type Look, type Swarm } from './swarm';

const GRAVITY = 240;
/** Rockets decelerate harder so they burst about a second after launch. */
const ROCKET_GRAVITY = 900;
const SPARKS = 70;
/** A streak's node length in px; scaled to the distance travelled in TRAIL_S. */
const STREAK = 24;
const TRAIL_S = 0.08;

/** A streak whose head is at (x, y), pointing along (vx, vy), as long as its speed makes it. */
function streakPose(x: number, y: number, vx: number, vy: number, alpha: number): Pose {
  const speed = Math.hypot(vx, vy);
  const len = clamp(speed * TRAIL_S, 3, 60);
  const a = Math.atan2(vy, vx);
  return { x: x - (Math.cos(a) * len) / 2, y: y - (Math.sin(a) * len) / 2, rot: (a * 180) / Math.PI, sx: len / STREAK, alpha };
}

function streakLook(color: string, thickness: number): Look {
  return { kind: 'streak', color, width: STREAK, height: thickness };
}

/** A rocket from the bottom to its peak, then its burst of up to `sparks`: one wave of flights. */
export function rocketWave(width: number, height: number, colors: readonly string[], sparks = SPARKS): Flight[] {
  let x = rand(0.15, 0.85) * width;
  let y = height;
  const peak = rand(0.18, 0.42) * height;
  const vx = rand(-40, 40);
  let vy = -Math.sqrt(2 * ROCKET_GRAVITY * (height - peak));
  const rocket = simulate(
    (dt) => {
      vy += ROCKET_GRAVITY * dt;
      x += vx * dt;
      y += vy * dt;
      return vy < -20;
    },
    () => streakPose(x, y, vx, vy, 1),
    4,
  );
  const burstAt = durationOf(rocket);
  const flights: Flight[] = [{ look: streakLook('#ffd98a', 3), poses: rocket }];
  const color = pick(colors, Math.random());
  const second = pick(colors, Math.random());
  const speed = rand(220, 340);
  for (let i = 0; i < sparks; i++) {
    const a = (i / sparks) * Math.PI * 2 + rand(-0.05, 0.05);
    const v = speed * rand(0.55, 1);
    let sx = x;
    let sy = y;
    let svx = Math.cos(a) * v;
    let svy = Math.sin(a) * v;
    let age = 0;
    const life = rand(1.1, 1.7);
    const poses = simulate(
      (dt) => {
        const drag = Math.exp(-1.6 * dt);
        svx *= drag;
        svy = svy * drag + GRAVITY * 0.35 * dt;
        sx += svx * dt;
        sy += svy * dt;
        age += dt;
        return age < life;
      },
      () => streakPose(sx, sy, svx, svy, 1 - age / life),
      life,
    );
    flights.push({ look: streakLook(i % 3 === 0 ? second : color, rand(3, 4.6)), poses, delay: burstAt });
  }
  return flights;
}

class Fireworks implements EffectInstance {
  private readonly swarm: Swarm;

  constructor(private readonly ctx: EffectContext) {
    this.swarm = newSwarm(ctx.root, ctx.width, ctx.height);
  }

  play(el: OverlayElement): void {
    const p = el.properties;
    let rockets = Math.round(clamp(num(p.count) ?? 7, 1, 40));
    if (this.ctx.reducedMotion) rockets = Math.min(rockets, 2);
    const seconds = clamp(num(p.duration_s) ?? 3, 0.5, 60);
    const colors = colorList(p.colors, FESTIVE);
    // The last rocket goes up early enough for its burst to be seen before the element hides.
    const span = Math.max(0.1, seconds - 1.4);
    for (let i = 0; i < rockets; i++) {
      const at = rockets === 1 ? 0 : (i / (rockets - 1)) * span * 1000;
      // A crowded stage gets a smaller burst, and no rocket at all when not even that fits.
      this.swarm.at(at, (room) => {
        const n = fit(SPARKS + 1, room);
        return n < 12 ? [] : rocketWave(this.ctx.width, this.ctx.height, colors, n - 1);
      });
    }
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

registerEffect('animation', { name: 'fireworks', fullStage: true, create: (ctx) => new Fireworks(ctx) });
