// Where the particle effects' particles fly. An effect plans each particle's path once
// (effects/flight.ts) and hands it to a Swarm (new-swarm.ts picks the backend for the page:
// dom-swarm.ts or canvas-swarm.ts). The base here owns what both share: the waves, launched
// by timers (one per wave, never a frame loop), and the page-wide particle budget.
import { warn } from '../log';
import type { Pose } from './flight';

/** How one particle looks, drawn the same way by both backends. Sizes in CSS px. */
export interface Look {
  kind: 'rect' | 'circle' | 'star' | 'image' | 'flake' | 'streak';
  width: number;
  height: number;
  /** rect, circle, star, streak. */
  color?: string;
  /** image: a loaded picture's URL (media, or a sprite's data: URL). */
  src?: string;
}

export interface Flight {
  look: Look;
  poses: Pose[];
  /** ms from launch until it starts; negative: already under way (snow's first screenful). */
  delay?: number;
  /** Repeat the path (snow falls for as long as it is shown). */
  forever?: boolean;
}

/**
 * How many of `wanted` particles a wave gets with `room` left in the budget: all of them if
 * they fit, else half the room, so the next effect still gets some (a snowfall started after
 * a huge blast is thinner, not missing).
 */
export function fit(wanted: number, room: number): number {
  return wanted <= room ? wanted : Math.max(0, Math.floor(room / 2));
}

/** At most `room` of `all`, spread evenly so a thinned burst keeps its shape. */
export function thinned<T>(all: readonly T[], room: number): T[] {
  if (all.length <= room) return all.slice();
  if (room <= 0) return [];
  const step = all.length / room;
  return Array.from({ length: room }, (_, i) => all[Math.floor(i * step)] as T);
}

/**
 * Particles in flight on the page, per backend and across every effect. Composited layers
 * cost the browser per-frame work (style, paint, layer commit for each one that starts or
 * ends): here 300 keep 60 fps with software GL and 700 drop to 15-30. Canvas particles are
 * one draw each. When effects pile up, a wave that does not fit is thinned (see `fit`),
 * so the overlay keeps its frame rate on air.
 */
export const PARTICLE_BUDGET = { dom: 320, canvas: 2000 } as const;
export type Backend = keyof typeof PARTICLE_BUDGET;
const live: Record<Backend, number> = { dom: 0, canvas: 0 };

/** Wave timers and the page-wide budget; the backends fly the particles. */
export abstract class Swarm {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  protected constructor(private readonly backend: Backend) {}

  /** Particles of this swarm on screen or waiting for their delay. */
  abstract get size(): number;

  /** Particles that still fit the page's budget. */
  get room(): number {
    return Math.max(0, PARTICLE_BUDGET[this.backend] - live[this.backend]);
  }

  /** Flies the flights that fit the budget now. */
  launch(flights: Iterable<Flight>): void {
    const all = [...flights].filter((f) => f.poses.length >= 2);
    const wave = thinned(all, fit(all.length, this.room));
    live[this.backend] += wave.length;
    this.fly(wave);
  }

  protected abstract fly(wave: Flight[]): void;

  /** A particle is gone (landed or cleared). */
  protected landed(count = 1): void {
    live[this.backend] = Math.max(0, live[this.backend] - count);
  }

  /**
   * Launches the wave `make` builds in `ms`. `make` is told how many particles still fit the
   * page's budget, so it need not plan the rest.
   */
  at(ms: number, make: (room: number) => Iterable<Flight>): void {
    const go = (): void => {
      try {
        this.launch(make(this.room));
      } catch (e) {
        warn('particle wave failed', e);
      }
    };
    if (ms <= 0) {
      go();
      return;
    }
    const t = setTimeout(() => {
      this.timers.delete(t);
      go();
    }, ms);
    this.timers.add(t);
  }

  /** No new waves; particles in flight finish, endless ones after their current round. */
  stop(): void {
    this.cancelWaves();
    this.endRounds();
  }

  protected abstract endRounds(): void;

  /** Everything off the stage at once. */
  clear(): void {
    this.cancelWaves();
    this.landed(this.size);
    this.drop();
  }

  protected abstract drop(): void;

  destroy(): void {
    this.clear();
    this.remove();
  }

  protected abstract remove(): void;

  private cancelWaves(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

/** A five-pointed star as a polygon, in fractions of the box. */
export const STAR_POINTS: ReadonlyArray<readonly [number, number]> = Array.from({ length: 10 }, (_, i) => {
  const a = -Math.PI / 2 + (i * Math.PI) / 5;
  const r = i % 2 === 0 ? 0.5 : 0.21;
  return [0.5 + Math.cos(a) * r, 0.5 + Math.sin(a) * r] as const;
});
/** A soft snowflake, bright in the middle. */
export const FLAKE_STOPS: ReadonlyArray<readonly [number, string]> = [[0, 'rgba(255,255,255,1)'], [0.45, 'rgba(240,248,255,0.85)'], [1, 'rgba(220,235,255,0)']];
/** A spark's trail: fading in from its tail to a white-hot head. */
export const streakStops = (color: string): ReadonlyArray<readonly [number, string]> => [[0, 'rgba(0,0,0,0)'], [0.4, color], [0.8, color], [1, '#ffffff']];
/** A streak glows in its colour this many times its thickness around it. */
export const STREAK_GLOW = 1.5;

/** Spreads `count` spawns evenly over `seconds` as waves of `waveMs`: `spawn(i, delayInWave)`. */
export function spread(swarm: Swarm, count: number, seconds: number, spawn: (i: number, delay: number) => Flight, waveMs = 400): void {
  const every = (seconds * 1000) / Math.max(1, count);
  let i = 0;
  for (let wave = 0; i < count; wave += waveMs) {
    const first = i;
    while (i < count && i * every < wave + waveMs) i++;
    const last = i;
    if (last === first) continue;
    swarm.at(wave, (room) => thinned(Array.from({ length: last - first }, (_, k) => first + k), fit(last - first, room)).map((k) => spawn(k, k * every - wave)));
  }
}
