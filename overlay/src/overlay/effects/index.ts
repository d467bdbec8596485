// Every built-in effect registers itself on import.
import './confetti';
import './hearts';
import './rain';
import './fireworks';
import './snow';
import './spin';
import './ambient';

export { effectNameOf, effectNames, lookupEffect } from './registry';
export type { EffectDef, EffectInstance, EffectKind } from './registry';
