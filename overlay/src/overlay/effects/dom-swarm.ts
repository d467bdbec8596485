// The GPU-compositing particle backend: one small node per particle, moved by a Web Animation
// on transform and opacity. The compositor runs them: no per-frame JavaScript and no
// full-stage canvas to upload, which with software GL costs a whole frame per canvas.
import { h } from '../dom';
import { keyframesOf, trackOf } from './flight';
import { FLAKE_STOPS, type Flight, type Look, STAR_POINTS, STREAK_GLOW, streakStops, Swarm } from './swarm';

const STAR_CLIP = `polygon(${STAR_POINTS.map(([x, y]) => `${(x * 100).toFixed(1)}% ${(y * 100).toFixed(1)}%`).join(', ')})`;
const stops = (list: ReadonlyArray<readonly [number, string]>): string => list.map(([at, c]) => `${c} ${at * 100}%`).join(', ');

function styleLook(n: HTMLElement, look: Look): void {
  const s = n.style;
  s.width = `${look.width}px`;
  s.height = `${look.height}px`;
  s.marginLeft = `${-look.width / 2}px`;
  s.marginTop = `${-look.height / 2}px`;
  const color = look.color ?? '#ffffff';
  switch (look.kind) {
    case 'rect':
      s.background = color;
      s.borderRadius = '1px';
      break;
    case 'circle':
      s.background = color;
      s.borderRadius = '50%';
      break;
    case 'star':
      s.background = color;
      s.clipPath = STAR_CLIP;
      break;
    case 'image':
      s.background = `url(${JSON.stringify(look.src ?? '')}) center / contain no-repeat`;
      break;
    case 'flake':
      s.background = `radial-gradient(closest-side, ${stops(FLAKE_STOPS)})`;
      break;
    case 'streak':
      s.background = `linear-gradient(to right, ${stops(streakStops(color))})`;
      s.boxShadow = `0 0 ${look.height * STREAK_GLOW}px ${color}`;
      s.borderRadius = '999px';
      break;
  }
}

export class DomSwarm extends Swarm {
  private readonly layer: HTMLDivElement;
  private readonly flying = new Set<Animation>();

  constructor(root: HTMLElement) {
    super('dom');
    this.layer = h('div', 'fx-swarm');
    root.append(this.layer);
  }

  get size(): number {
    return this.flying.size;
  }

  protected fly(wave: Flight[]): void {
    const batch = document.createDocumentFragment();
    for (const f of wave) {
      const n = h('div', 'fx-p');
      styleLook(n, f.look);
      batch.append(n);
      const track = trackOf(f.poses);
      // Before its delay and after its end the node shows its own style, which is invisible
      // (.fx-p has opacity 0); it is removed when it finishes.
      const a = n.animate(keyframesOf(track), {
        duration: track.duration,
        delay: f.delay ?? 0,
        iterations: f.forever ? Infinity : 1,
        easing: 'linear',
      });
      this.flying.add(a);
      a.onfinish = () => {
        if (this.flying.delete(a)) this.landed();
        n.remove();
      };
    }
    this.layer.append(batch);
  }

  protected endRounds(): void {
    for (const a of this.flying) {
      const effect = a.effect;
      if (!effect || effect.getTiming().iterations !== Infinity) continue;
      effect.updateTiming({ iterations: (effect.getComputedTiming().currentIteration ?? 0) + 1 });
    }
  }

  protected drop(): void {
    for (const a of this.flying) a.cancel();
    this.flying.clear();
    this.layer.replaceChildren();
  }

  protected remove(): void {
    this.layer.remove();
  }
}

