import { decode, encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { normalizeElement, parseFrame } from './protocol';

const wire = {
  id: 7, widget_id: 3, name: 'death_count', element_type: 'counter',
  properties: { value: 2, label: 'Deaths' }, behavior: { entrance: { type: 'pop', duration: 0.4 } },
  visible: true, enabled: true,
  media_details: [{ id: 1, role: 'image', url: '/media/a.png', mime_type: 'image/png' }],
};

describe('normalizeElement', () => {
  it('keeps a well-formed element', () => {
    expect(normalizeElement(wire)).toEqual(wire);
  });

  it('fills defaults and drops bad media', () => {
    const n = normalizeElement({ id: 1, properties: 5, media_details: [{ role: 'audio' }, 3, { role: 'audio', url: '/m.mp3' }] });
    expect(n).toEqual({
      id: 1, widget_id: 0, name: '', element_type: 'unknown', properties: {}, behavior: {},
      visible: false, enabled: true, media_details: [{ id: 0, role: 'audio', url: '/m.mp3', mime_type: '' }],
    });
  });

  it('rejects elements without an integer id', () => {
    expect(normalizeElement({ id: 'x' })).toBeNull();
    expect(normalizeElement({ id: 1.5 })).toBeNull();
    expect(normalizeElement(null)).toBeNull();
  });
});

describe('parseFrame', () => {
  it('parses a snapshot round-tripped through MessagePack', () => {
    const bytes = encode({ type: 'snapshot', seq: 1, active_dashboard_id: 2, elements: [wire, { bogus: true }] });
    const f = parseFrame(decode(bytes));
    expect(f).toMatchObject({ type: 'snapshot', seq: 1, active_dashboard_id: 2, dropped: 1 });
    if (f.type !== 'snapshot') throw new Error('not a snapshot');
    expect(f.elements).toHaveLength(1);
  });

  it('parses element updates and dashboard frames', () => {
    expect(parseFrame({ type: 'element_update', seq: 4, action: 'hide', element: wire })).toMatchObject({
      type: 'element_update', seq: 4, action: 'hide', element: { id: 7 },
    });
    expect(parseFrame({ type: 'dashboard_activated', seq: 5, dashboard_id: 9 })).toEqual({
      type: 'dashboard_activated', seq: 5, dashboard_id: 9,
    });
    expect(parseFrame({ type: 'dashboard_deactivated', seq: 6, dashboard_id: null })).toEqual({
      type: 'dashboard_deactivated', seq: 6, dashboard_id: null,
    });
  });

  it('reports unknown types with their seq so they are still counted', () => {
    expect(parseFrame({ type: 'obs_status', seq: 9, connected: true })).toEqual({ type: 'unknown', seq: 9, raw_type: 'obs_status' });
  });

  it('turns malformed frames into invalid ones without throwing', () => {
    expect(parseFrame(42)).toMatchObject({ type: 'invalid', seq: null });
    expect(parseFrame([1, 2])).toMatchObject({ type: 'invalid' });
    expect(parseFrame({ seq: 3 })).toMatchObject({ type: 'invalid', seq: 3 });
    expect(parseFrame({ type: 'snapshot', seq: 1, elements: 'x' })).toMatchObject({ type: 'invalid', seq: 1 });
    expect(parseFrame({ type: 'element_update', seq: 2, action: 'explode', element: wire })).toMatchObject({ type: 'invalid', seq: 2 });
    expect(parseFrame({ type: 'element_update', seq: 2, action: 'show', element: { id: 'x' } })).toMatchObject({ type: 'invalid', seq: 2 });
    expect(parseFrame({ type: 'element_update', action: 'show', element: wire })).toMatchObject({ type: 'invalid', seq: null });
  });
});
