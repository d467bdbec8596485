// "confetti": the bursts confetti-plan.ts choreographs, each particle flown by the effect's swarm
// (effects/swarm.ts) along the path canvas-confetti's physics gives it: launched at an angle
// within the burst's spread, slowed by `decay` every tick, falling at `gravity`, drifting,
// and fluttering (a flip about each axis) while it fades. Replayed on every trigger.
import { planConfetti, type Burst } from '../confetti-plan';
import { STAGE_HEIGHT, STAGE_WIDTH } from '../style';
import type { OverlayElement } from '../types';
import { type Pose, simulate } from './flight';
import { pick } from './palette';
import { type EffectContext, type EffectInstance, registerEffect } from './registry';
import { newSwarm } from './new-swarm';
import { type Flight, fit, type Look, type Swarm } from './swarm';

/** canvas-confetti moves a particle once per 60 Hz tick. */
const TICK_HZ = 60;
const DEG = 180 / Math.PI;

function lookOf(shape: Burst['shapes'][number], color: string, scalar: number): Look {
  if (shape === 'circle') return { kind: 'circle', color, width: 8 * scalar, height: 8 * scalar };
  if (shape === 'star') return { kind: 'star', color, width: 13 * scalar, height: 13 * scalar };
  return { kind: 'rect', color, width: 9 * scalar, height: 6 * scalar };
}

/** One particle of `burst` on a stage of width x height (pure apart from Math.random). */
export function confettiFlight(burst: Burst, width: number, height: number): Flight {
  const spread = burst.spread / DEG;
  const angle = -burst.angle / DEG + (0.5 * spread - Math.random() * spread);
  let x = burst.origin.x * width;
  let y = burst.origin.y * height;
  let velocity = burst.startVelocity * 0.5 + Math.random() * burst.startVelocity;
  let wobble = Math.random() * 10;
  const wobbleSpeed = Math.min(0.11, Math.random() * 0.1 + 0.05);
  let tilt = (Math.random() * 0.5 + 0.25) * Math.PI;
  const rot = Math.random() * 360;
  const gravity = burst.gravity * 3;
  let tick = 0;
  const tickOnce = (): void => {
    x += Math.cos(angle) * velocity + burst.drift;
    y += Math.sin(angle) * velocity + gravity;
    velocity *= burst.decay;
    wobble += wobbleSpeed;
    tilt += 0.1;
    tick++;
  };
  const poses = simulate(
    (dt) => {
      for (let k = Math.round(dt * TICK_HZ); k > 0 && tick < burst.ticks; k--) tickOnce();
      return tick < burst.ticks;
    },
    (): Pose => ({ x, y, rot, tilt: tilt * DEG, turn: wobble * DEG, alpha: 1 - tick / burst.ticks }),
    burst.ticks / TICK_HZ + 1,
  );
  const shape = pick(burst.shapes, Math.random());
  return { look: lookOf(shape, pick(burst.colors, Math.random()), burst.scalar), poses };
}

class Confetti implements EffectInstance {
  private readonly swarm: Swarm;

  constructor(private readonly ctx: EffectContext) {
    this.swarm = newSwarm(ctx.root, STAGE_WIDTH, STAGE_HEIGHT);
  }

  play(el: OverlayElement): void {
    // A new trigger replaces the stream still to come; what is in the air keeps falling.
    this.swarm.stop();
    for (const burst of planConfetti(el.properties, { reducedMotion: this.ctx.reducedMotion })) {
      this.swarm.at(burst.at, (room) => Array.from({ length: fit(burst.particleCount, room) }, () => confettiFlight(burst, STAGE_WIDTH, STAGE_HEIGHT)));
    }
  }

  stop(): void {
    // No new bursts; particles already in the air fade with the exit animation.
    this.swarm.stop();
  }

  clear(): void {
    this.swarm.clear();
  }

  destroy(): void {
    this.swarm.destroy();
  }
}

registerEffect('animation', { name: 'confetti', fullStage: true, create: (ctx) => new Confetti(ctx) });
