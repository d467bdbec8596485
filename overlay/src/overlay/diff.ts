// Differential snapshot application, as a pure plan: which element ids to
// remove, which to update in place and which to create.
import type { OverlayElement } from './types';

export interface SnapshotPlan {
  remove: number[];
  update: OverlayElement[];
  create: OverlayElement[];
}

export function planSnapshot(existing: Iterable<number>, incoming: readonly OverlayElement[]): SnapshotPlan {
  // Last occurrence wins if the server ever repeats an id.
  const byId = new Map<number, OverlayElement>();
  for (const el of incoming) byId.set(el.id, el);

  const have = new Set(existing);
  const plan: SnapshotPlan = { remove: [], update: [], create: [] };
  for (const id of have) if (!byId.has(id)) plan.remove.push(id);
  for (const el of byId.values()) (have.has(el.id) ? plan.update : plan.create).push(el);
  return plan;
}
