import { describe, expect, it } from 'vitest';
import { buildUrl, exampleOf, fieldRows, filterGroups, groups, inlineParts, opKey, typeLabel, visibleKeys, type Document } from './openapi';

const doc: Document = {
  openapi: '3.1.0',
  info: { title: 'stagehand API', version: '0.1.0' },
  tags: [{ name: 'dashboards', description: 'Dashboards' }, { name: 'widgets' }],
  paths: {
    '/api/dashboards': {
      get: { summary: 'List dashboards', tags: ['dashboards'], responses: { 200: { description: 'OK', content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/DashboardSummary' } } } } } } },
      post: {
        summary: 'Create a dashboard',
        tags: ['dashboards'],
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/NewDashboard' } } } },
        responses: { 201: { description: 'Created' } },
      },
    },
    '/api/widgets/{id}/execute': { post: { summary: 'Run a feature', tags: ['widgets'], responses: { 200: { description: 'OK' } } } },
  },
  components: {
    schemas: {
      Dashboard: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'integer' }, name: { type: 'string' }, obs_scene: { type: ['string', 'null'] }, widget_ids: { type: 'array', items: { type: 'integer' } } } },
      DashboardSummary: { allOf: [{ $ref: '#/components/schemas/Dashboard' }, { type: 'object', required: ['active'], properties: { active: { type: 'boolean' }, pick: { oneOf: [{ type: 'null' }, { $ref: '#/components/schemas/Pick' }] } } }] },
      Pick: { type: 'string', enum: ['random', 'sequence'] },
      NewDashboard: { type: 'object', required: ['name'], properties: { name: { type: 'string' } }, example: { name: 'Main Stream' } },
    },
  },
};

describe('the API reference model', () => {
  it('groups operations by tag in document order', () => {
    const gs = groups(doc);
    expect(gs.map((g) => g.name)).toEqual(['dashboards', 'widgets']);
    expect(gs[0]!.ops.map((o) => o.key)).toEqual(['get-api-dashboards', 'post-api-dashboards']);
    expect(opKey('patch', '/api/widgets/{id}/elements/{name}')).toBe('patch-api-widgets-id-elements-name');
  });

  it('filters by every word', () => {
    const gs = groups(doc);
    expect(filterGroups(gs, 'post dash').flatMap((g) => g.ops.map((o) => o.key))).toEqual(['post-api-dashboards']);
    expect([...visibleKeys(gs, 'execute')]).toEqual(['post-api-widgets-id-execute']);
    expect(visibleKeys(gs, '').size).toBe(3);
  });

  it('labels types, following refs, nullables and enums', () => {
    expect(typeLabel(doc, { type: 'array', items: { $ref: '#/components/schemas/DashboardSummary' } })).toBe('DashboardSummary[]');
    expect(typeLabel(doc, { type: ['string', 'null'] })).toBe('string | null');
    expect(typeLabel(doc, { oneOf: [{ type: 'null' }, { $ref: '#/components/schemas/Pick' }] })).toBe('"random" | "sequence" | null');
    expect(typeLabel(doc, { type: 'object', additionalProperties: { type: 'integer' } })).toBe('map of integer');
  });

  it('flattens allOf into field rows with required marks', () => {
    const rows = fieldRows(doc, { type: 'array', items: { $ref: '#/components/schemas/DashboardSummary' } });
    expect(rows.map((r) => `${r.name}:${r.type}:${r.required}`)).toEqual([
      'id:integer:true',
      'name:string:true',
      'obs_scene:string | null:false',
      'widget_ids:integer[]:false',
      'active:boolean:true',
      'pick:"random" | "sequence" | null:false',
    ]);
  });

  it('finds examples on the media type or the schema', () => {
    expect(exampleOf(doc, { schema: { $ref: '#/components/schemas/NewDashboard' } })).toEqual({ name: 'Main Stream' });
    expect(exampleOf(doc, { example: { a: 1 } })).toEqual({ a: 1 });
    expect(exampleOf(doc, { schema: { type: 'string' } })).toBeUndefined();
  });

  it('builds request URLs with encoded path values and set query values only', () => {
    expect(buildUrl('/api/widgets/{id}/elements/{name}', { id: '3', name: 'pop sound' }, { limit: '', q: ' x ' })).toBe('/api/widgets/3/elements/pop%20sound?q=x');
  });

  it('splits inline code', () => {
    expect(inlineParts('use `id` here')).toEqual([
      { text: 'use ', code: false },
      { text: 'id', code: true },
      { text: ' here', code: false },
    ]);
    expect(inlineParts('a ` b')).toEqual([{ text: 'a ` b', code: false }]);
  });
});
