// Named visual effects for `animation` and `canvas` elements: each effect is a
// small module that registers itself here by name. Pure: no DOM at import
// time, so lookups are unit-testable.
import { str } from '../props';
import type { Dict, OverlayElement } from '../types';

/** What an effect gets to draw with. */
export interface EffectContext {
  /** Node the effect owns (inside the element's content node). */
  readonly root: HTMLElement;
  readonly reducedMotion: boolean;
  /** Drawing area in CSS px: the whole stage or the element's box. */
  readonly width: number;
  readonly height: number;
}

/** A running effect on one element. */
export interface EffectInstance {
  /** Show or a new trigger_id: (re)play with the element's current properties. */
  play(el: OverlayElement): void;
  /** Properties changed without a new trigger. */
  update?(el: OverlayElement): void;
  /** Hide began: stop emitting; what is already on screen may finish. */
  stop(): void;
  /** Off screen: clear everything and stop every frame callback. */
  clear(): void;
  destroy(): void;
}

export interface EffectDef {
  readonly name: string;
  /** Covers the whole 1920x1080 stage (confetti) rather than the element's box (spin). */
  readonly fullStage: boolean;
  create(ctx: EffectContext): EffectInstance;
}

export type EffectKind = 'animation' | 'canvas';

const registries: Record<EffectKind, Map<string, EffectDef>> = { animation: new Map(), canvas: new Map() };

export function registerEffect(kind: EffectKind, def: EffectDef): void {
  registries[kind].set(def.name, def);
}

/** Normalized effect name: trimmed, lower-case; '' when absent. */
export function normalizeEffectName(v: unknown): string {
  return (str(v) ?? '').trim().toLowerCase();
}

/**
 * The effect an element names: `properties.effect`, else the older
 * `properties.animation` key; animation elements default to confetti.
 */
export function effectNameOf(kind: EffectKind, props: Dict): string {
  const name = normalizeEffectName(props.effect) || normalizeEffectName(props.animation);
  if (name) return name;
  return kind === 'animation' ? 'confetti' : '';
}

export function lookupEffect(kind: EffectKind, name: string): EffectDef | undefined {
  return registries[kind].get(normalizeEffectName(name));
}

export function effectNames(kind: EffectKind): string[] {
  return [...registries[kind].keys()].sort();
}
