// The software-compositing particle backend: the same flights drawn on one canvas per
// effect, each particle at the pose its track gives for this frame (interpolated as the
// compositor would), from a sprite drawn once per look. The frame loop runs only while a
// particle is left (effects/runner.ts).
import { poseAt, type Track, trackOf } from './flight';
import { CanvasRunner } from './runner';
import { FLAKE_STOPS, type Flight, type Look, STAR_POINTS, STREAK_GLOW, streakStops, Swarm } from './swarm';

interface Flying {
  track: Track;
  look: Look;
  /** performance.now() of its start (after the delay). */
  start: number;
  /** Rounds it flies: 1, Infinity for snow until stopped. */
  rounds: number;
  segment: number;
  sprite: Sprite | null;
}

/** A look drawn once; `pad` (CSS px) of glow around the look's box on each side. */
interface Sprite {
  image: CanvasImageSource;
  pad: number;
}

/** Sprites are drawn at twice their size so scaling and rotation stay crisp. */
const OVERSAMPLE = 2;
const MAX_SPRITES = 200;
const sprites = new Map<string, Sprite>();

function withStops(grad: CanvasGradient, list: ReadonlyArray<readonly [number, string]>): CanvasGradient {
  for (const [at, c] of list) grad.addColorStop(at, c);
  return grad;
}

/** Glow around a look, in CSS px (streaks only). */
const padOf = (look: Look): number => (look.kind === 'streak' ? look.height * STREAK_GLOW : 0);

function drawLook(look: Look): HTMLCanvasElement {
  const c = document.createElement('canvas');
  const pad = Math.ceil(padOf(look) * OVERSAMPLE);
  const w = Math.max(1, Math.ceil(look.width * OVERSAMPLE));
  const hh = Math.max(1, Math.ceil(look.height * OVERSAMPLE));
  c.width = w + 2 * pad;
  c.height = hh + 2 * pad;
  const g = c.getContext('2d');
  if (!g) return c;
  g.translate(pad, pad);
  const color = look.color ?? '#ffffff';
  g.fillStyle = color;
  switch (look.kind) {
    case 'rect':
      g.fillRect(0, 0, w, hh);
      break;
    case 'circle':
      g.beginPath();
      g.ellipse(w / 2, hh / 2, w / 2, hh / 2, 0, 0, Math.PI * 2);
      g.fill();
      break;
    case 'star':
      g.beginPath();
      for (const [x, y] of STAR_POINTS) g.lineTo(x * w, y * hh);
      g.closePath();
      g.fill();
      break;
    case 'flake':
      g.fillStyle = withStops(g.createRadialGradient(w / 2, hh / 2, 0, w / 2, hh / 2, Math.min(w, hh) / 2), FLAKE_STOPS);
      g.fillRect(0, 0, w, hh);
      break;
    case 'streak':
      g.fillStyle = withStops(g.createLinearGradient(0, 0, w, 0), streakStops(color));
      g.shadowColor = color;
      g.shadowBlur = pad;
      g.beginPath();
      g.roundRect(0, 0, w, hh, hh / 2);
      g.fill();
      break;
    case 'image':
      break;
  }
  return c;
}

/** The sprite of a look, or null while its picture is still loading. */
function spriteOf(look: Look): Sprite | null {
  const key = look.kind === 'image' ? `image|${look.src}` : `${look.kind}|${look.color}|${Math.round(look.width)}|${Math.round(look.height)}`;
  let s = sprites.get(key);
  if (!s) {
    if (sprites.size >= MAX_SPRITES) sprites.clear();
    let image: HTMLImageElement | HTMLCanvasElement;
    if (look.kind === 'image') {
      image = new Image();
      image.src = look.src ?? '';
    } else {
      image = drawLook(look);
    }
    s = { image, pad: Math.ceil(padOf(look) * OVERSAMPLE) / OVERSAMPLE };
    sprites.set(key, s);
  }
  if (s.image instanceof HTMLImageElement && !(s.image.complete && s.image.naturalWidth > 0)) return null;
  return s;
}

export class CanvasSwarm extends Swarm {
  private readonly runner: CanvasRunner;
  private flying: Flying[] = [];

  constructor(root: HTMLElement, width: number, height: number) {
    super('canvas');
    this.runner = new CanvasRunner(root, width, height, (g, _dt, now) => this.draw(g, now));
  }

  get size(): number {
    return this.flying.length;
  }

  protected fly(wave: Flight[]): void {
    const now = performance.now();
    for (const f of wave) {
      this.flying.push({ track: trackOf(f.poses), look: f.look, start: now + (f.delay ?? 0), rounds: f.forever ? Infinity : 1, segment: 0, sprite: null });
    }
    if (wave.length > 0) this.runner.start();
  }

  private draw(g: CanvasRenderingContext2D, now: number): boolean {
    const list = this.flying;
    for (let i = list.length - 1; i >= 0; i--) {
      const f = list[i] as Flying;
      const since = now - f.start;
      if (since < 0) continue;
      const duration = Math.max(1, f.track.duration);
      const round = Math.floor(since / duration);
      if (round >= f.rounds) {
        // Swap-remove: order does not matter, and no array churn per frame.
        list[i] = list[list.length - 1] as Flying;
        list.pop();
        this.landed();
        continue;
      }
      const { pose, segment } = poseAt(f.track, since - round * duration, f.segment);
      f.segment = segment;
      const alpha = Math.min(1, pose.alpha ?? 1);
      if (alpha <= 0.01) continue;
      f.sprite ??= spriteOf(f.look);
      if (!f.sprite) continue;
      g.globalAlpha = alpha;
      g.setTransform(1, 0, 0, 1, pose.x, pose.y);
      if (pose.rot) g.rotate((pose.rot * Math.PI) / 180);
      // A flip about an axis, seen face on, is a squeeze along the other one.
      const sx = (pose.sx ?? 1) * (pose.turn === undefined ? 1 : Math.cos((pose.turn * Math.PI) / 180));
      const sy = pose.tilt === undefined ? 1 : Math.cos((pose.tilt * Math.PI) / 180);
      if (sx !== 1 || sy !== 1) g.scale(sx, sy);
      const { width, height } = f.look;
      const { image, pad } = f.sprite;
      g.drawImage(image, -width / 2 - pad, -height / 2 - pad, width + 2 * pad, height + 2 * pad);
    }
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.globalAlpha = 1;
    return list.length > 0;
  }

  protected endRounds(): void {
    const now = performance.now();
    for (const f of this.flying) {
      if (f.rounds === Infinity) f.rounds = Math.max(1, Math.floor((now - f.start) / Math.max(1, f.track.duration)) + 1);
    }
  }

  protected drop(): void {
    this.flying = [];
    this.runner.clear();
  }

  protected remove(): void {
    this.runner.destroy();
  }
}
