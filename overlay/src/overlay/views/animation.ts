import { h } from '../dom';
import { warn } from '../log';
import { effectNameOf, type EffectDef, type EffectInstance, lookupEffect } from '../effects';
import { dict, num } from '../props';
import { STAGE_HEIGHT, STAGE_WIDTH } from '../style';
import type { OverlayElement } from '../types';
import { BaseView } from './base';

const warned = new Set<string>();

/** Logs an unknown effect name once per page, whichever element names it. */
export function warnUnknownEffect(kind: string, name: string): void {
  const key = `${kind}:${name}`;
  if (warned.has(key)) return;
  warned.add(key);
  warn(`unknown ${kind} effect "${name}": nothing is drawn`);
}

/**
 * `animation` and `canvas` elements: draw the effect their properties name
 * (effects/registry.ts). Played on show and on every new trigger_id, stopped
 * on hide, cleared once off screen. Unknown names render nothing.
 */
export class EffectView extends BaseView {
  readonly root: HTMLDivElement;
  private def: EffectDef | null = null;
  private inst: EffectInstance | null = null;
  private name = '';
  private el: OverlayElement | null = null;
  private size = '';

  constructor(private readonly kind: 'animation' | 'canvas', private readonly reducedMotion: boolean) {
    super();
    this.root = h('div', `content content-${kind}`);
  }

  override get fullStage(): boolean {
    // Canvas effects live in the element's box; animations mostly cover the stage.
    return this.kind === 'animation' && (this.def?.fullStage ?? true);
  }

  override get effect(): string | null {
    return this.name || null;
  }

  private box(el: OverlayElement): { width: number; height: number } {
    if (this.def?.fullStage) return { width: STAGE_WIDTH, height: STAGE_HEIGHT };
    const size = dict(el.properties.size);
    const fallback = this.kind === 'canvas' ? 320 : 500;
    return {
      width: Math.round(Math.min(4096, Math.max(16, num(size.width) ?? fallback))),
      height: Math.round(Math.min(4096, Math.max(16, num(size.height) ?? (this.kind === 'canvas' ? 200 : fallback)))),
    };
  }

  update(el: OverlayElement): void {
    this.el = el;
    const name = effectNameOf(this.kind, el.properties);
    const def = name ? lookupEffect(this.kind, name) : undefined;
    if (name && !def) warnUnknownEffect(this.kind, name);
    const box = this.box(el);
    const size = `${box.width}x${box.height}`;
    // A new effect, or a resized box for a canvas: start over with a fresh instance.
    if (name !== this.name || (this.inst && size !== this.size && !(def?.fullStage))) {
      this.drop();
      this.name = name;
      this.def = def ?? null;
    }
    this.size = size;
    if (this.inst) this.inst.update?.(el);
    else if (this.def?.name === 'spin') this.ensure(); // the wheel is visible before its first spin
  }

  private ensure(): EffectInstance | null {
    if (this.inst || !this.def || !this.el) return this.inst;
    const box = this.box(this.el);
    try {
      this.inst = this.def.create({ root: this.root, reducedMotion: this.reducedMotion, ...box });
      this.inst.update?.(this.el);
    } catch (e) {
      warn(`effect "${this.name}" could not start`, e);
      this.inst = null;
    }
    return this.inst;
  }

  override start(): void {
    const el = this.el;
    if (el) this.ensure()?.play(el);
  }

  override restart(): void {
    this.start();
  }

  override stop(): void {
    this.inst?.stop();
  }

  override hidden(): void {
    this.inst?.clear();
  }

  private drop(): void {
    const inst = this.inst;
    this.inst = null;
    inst?.destroy();
  }

  override destroy(): void {
    this.drop();
  }
}
