import { describe, expect, it } from 'vitest';
import { planSnapshot } from './diff';
import type { OverlayElement } from './types';

function el(id: number, extra: Partial<OverlayElement> = {}): OverlayElement {
  return {
    id, widget_id: 1, name: `e${id}`, element_type: 'text', properties: {}, behavior: {},
    visible: true, enabled: true, media_details: [], ...extra,
  };
}

describe('planSnapshot', () => {
  it('removes missing, updates existing, creates new', () => {
    const plan = planSnapshot([1, 2, 3], [el(2), el(4), el(3)]);
    expect(plan.remove).toEqual([1]);
    expect(plan.update.map((e) => e.id)).toEqual([2, 3]);
    expect(plan.create.map((e) => e.id)).toEqual([4]);
  });

  it('empty snapshot removes everything', () => {
    expect(planSnapshot(new Set([7, 8]).values(), [])).toEqual({ remove: [7, 8], update: [], create: [] });
  });

  it('first snapshot creates everything', () => {
    const plan = planSnapshot([], [el(1), el(2)]);
    expect(plan.create.map((e) => e.id)).toEqual([1, 2]);
    expect(plan.remove).toEqual([]);
  });

  it('a repeated id keeps the last occurrence', () => {
    const plan = planSnapshot([], [el(1, { name: 'old' }), el(1, { name: 'new' })]);
    expect(plan.create).toHaveLength(1);
    expect(plan.create[0]?.name).toBe('new');
  });
});
