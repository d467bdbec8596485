// "spin": a prize wheel (SVG) that spins to the server-chosen angle or
// segment and ends exactly there. Properties: segments, target_angle |
// target_segment, turns (5), spin_duration_s (5). A new trigger_id spins
// again from where the wheel stands. The landed segment is exposed as
// data-result on the wheel node.
import { setData } from '../dom';
import { warn } from '../log';
import { mod360, type Segment, segmentAt, spinEnd, spinTiming, targetAngle, wheelSegments } from '../spin-plan';
import type { OverlayElement } from '../types';
import { type EffectContext, type EffectInstance, registerEffect } from './registry';

const NS = 'http://www.w3.org/2000/svg';
const EASE = 'cubic-bezier(0.12, 0.7, 0.14, 1)';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const n = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  return n;
}

function arc(i: number, n: number, r: number): string {
  const a0 = ((i / n) * 360 - 90) * (Math.PI / 180);
  const a1 = (((i + 1) / n) * 360 - 90) * (Math.PI / 180);
  const large = 360 / n > 180 ? 1 : 0;
  return `M0 0 L${r * Math.cos(a0)} ${r * Math.sin(a0)} A${r} ${r} 0 ${large} 1 ${r * Math.cos(a1)} ${r * Math.sin(a1)} Z`;
}

class Spin implements EffectInstance {
  private readonly box = document.createElement('div');
  private readonly wheel = document.createElement('div');
  private rotation = 0;
  private anim: Animation | null = null;
  private key = '';

  constructor(private readonly ctx: EffectContext) {
    this.box.className = 'spin';
    this.wheel.className = 'spin-wheel';
    // The wheel's drop shadow is the box-shadow of a still disc under it, not a CSS filter:
    // a filter is applied by the compositor on every frame the area changes (costly without
    // a GPU, and the wheel changes it all the time), a box-shadow is rastered once. The
    // wheel is round, so its shadow does not change as it turns.
    const shadow = document.createElement('div');
    shadow.className = 'spin-shadow';
    const pointer = svg('svg', { class: 'spin-pointer', viewBox: '0 0 40 48' });
    pointer.append(svg('path', { d: 'M4 4 H36 L20 44 Z', fill: '#ffffff', stroke: '#101522', 'stroke-width': 3, 'stroke-linejoin': 'round' }));
    this.box.append(shadow, this.wheel, pointer);
    ctx.root.append(this.box);
  }

  private render(segments: Segment[]): void {
    const key = JSON.stringify(segments);
    if (key === this.key) return;
    this.key = key;
    const r = 100;
    const face = svg('svg', { viewBox: '-110 -110 220 220', class: 'spin-face' });
    face.append(svg('circle', { r: 108, fill: '#101522' }));
    const n = segments.length;
    segments.forEach((s, i) => {
      face.append(svg('path', { d: arc(i, n, r), fill: s.color, stroke: 'rgba(16,21,34,0.55)', 'stroke-width': 1.2 }));
      if (!s.label) return;
      const mid = ((i + 0.5) / n) * 360;
      // Radial labels: the room along the radius does not shrink with more segments.
      const room = r * 0.68;
      const size = Math.max(6, Math.min(15, room / Math.max(1, s.label.length * 0.62), (Math.PI * 2 * r * 0.6) / n / 1.3));
      const t = svg('text', {
        x: r * 0.58, y: 0, transform: `rotate(${mid - 90})`, 'text-anchor': 'middle', 'dominant-baseline': 'central',
        class: 'spin-label', 'font-size': Math.round(size * 10) / 10,
      });
      t.textContent = s.label; // never markup
      face.append(t);
    });
    // Rim studs and the hub.
    for (let i = 0; i < n * 2; i++) {
      const a = ((i / (n * 2)) * 360 - 90) * (Math.PI / 180);
      face.append(svg('circle', { cx: 104 * Math.cos(a), cy: 104 * Math.sin(a), r: 2.2, fill: '#ffe9a8' }));
    }
    face.append(svg('circle', { r: 17, fill: '#ffffff', stroke: '#101522', 'stroke-width': 4 }));
    face.append(svg('circle', { r: 6, fill: '#7C4DFF' }));
    this.wheel.replaceChildren(face);
  }

  update(el: OverlayElement): void {
    this.render(wheelSegments(el.properties.segments));
  }

  play(el: OverlayElement): void {
    const segments = wheelSegments(el.properties.segments);
    this.render(segments);
    const target = targetAngle(el.properties, segments.length);
    if (target === null) {
      setData(this.box, 'state', 'idle');
      return;
    }
    const { turns, duration } = spinTiming(el.properties, this.ctx.reducedMotion);
    const from = this.rotation;
    const end = spinEnd(from, target, turns);
    this.anim?.cancel();
    const land = (): void => {
      // Keep the exact angle, small enough that the next spin stays precise.
      this.rotation = mod360(end);
      this.wheel.style.transform = `rotate(${this.rotation}deg)`;
      setData(this.box, 'state', 'landed');
      setData(this.box, 'result', String(segmentAt(this.rotation, segments.length)));
      this.anim?.cancel();
      this.anim = null;
    };
    setData(this.box, 'state', 'spinning');
    this.box.removeAttribute('data-result');
    if (duration === 0) {
      land();
      return;
    }
    try {
      const anim = this.wheel.animate([{ transform: `rotate(${from}deg)` }, { transform: `rotate(${end}deg)` }],
        { duration, easing: EASE, fill: 'forwards' });
      anim.onfinish = land;
      this.anim = anim;
    } catch (e) {
      warn('wheel animation failed', e);
      land();
    }
  }

  stop(): void {}

  clear(): void {}

  destroy(): void {
    this.anim?.cancel();
    this.anim = null;
    this.box.remove();
  }
}

registerEffect('animation', { name: 'spin', fullStage: false, create: (ctx) => new Spin(ctx) });
