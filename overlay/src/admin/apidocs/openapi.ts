// Reading the daemon's OpenAPI 3.1 document (GET /api/openapi.json) for the API page:
// operations grouped by tag, schemas flattened into readable field rows, examples, and the
// request a "Try it" form sends. Pure: no DOM, no fetch.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Schema = { [k: string]: Json };

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema?: Schema;
  example?: Json;
}

export interface MediaType {
  schema?: Schema;
  example?: Json;
}

export interface Response {
  description: string;
  content?: Record<string, MediaType>;
}

export interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, MediaType>; required?: boolean; description?: string };
  responses: Record<string, Response>;
  security?: Record<string, string[]>[];
}

export interface Document {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
  tags?: { name: string; description?: string }[];
}

export const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type Method = (typeof METHODS)[number];

export interface Op {
  /** Stable id for anchors and test hooks, e.g. `post-api-dashboards`. */
  key: string;
  method: Method;
  path: string;
  op: Operation;
}

export interface TagGroup {
  name: string;
  description: string;
  ops: Op[];
}

export function opKey(method: string, path: string): string {
  return `${method}-${path}`.replace(/[{}]/g, '').replace(/[^a-zA-Z0-9]+/g, '-').replace(/-+$/, '').toLowerCase();
}

/** Every operation, grouped by its first tag in the document's tag order. */
export function groups(doc: Document): TagGroup[] {
  const byTag = new Map<string, TagGroup>();
  for (const t of doc.tags ?? []) byTag.set(t.name, { name: t.name, description: t.description ?? '', ops: [] });
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'other';
      if (!byTag.has(tag)) byTag.set(tag, { name: tag, description: '', ops: [] });
      byTag.get(tag)!.ops.push({ key: opKey(method, path), method, path, op });
    }
  }
  return [...byTag.values()].filter((g) => g.ops.length > 0);
}

/** Operations whose method, path, summary or tag contain every word of `query`. */
export function filterGroups(gs: TagGroup[], query: string): TagGroup[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return gs;
  return gs
    .map((g) => ({
      ...g,
      ops: g.ops.filter((o) => {
        const hay = `${o.method} ${o.path} ${o.op.summary ?? ''} ${g.name}`.toLowerCase();
        return words.every((w) => hay.includes(w));
      }),
    }))
    .filter((g) => g.ops.length > 0);
}

export function refName(s: Schema): string | null {
  const r = s.$ref;
  return typeof r === 'string' ? r.replace('#/components/schemas/', '') : null;
}

export function resolve(doc: Document, s: Schema | undefined): Schema {
  let cur: Schema = s ?? {};
  for (let i = 0; i < 20; i++) {
    const name = refName(cur);
    if (!name) return cur;
    cur = doc.components?.schemas?.[name] ?? {};
  }
  return cur;
}

function asSchema(v: Json | undefined): Schema | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Schema) : undefined;
}

/** `oneOf: [{type: null}, X]` (how Option<T> reads in 3.1) → X, nullable. */
function unwrapNullable(s: Schema): { schema: Schema; nullable: boolean } {
  const alts = Array.isArray(s.oneOf) ? (s.oneOf as Schema[]) : null;
  if (alts && alts.length === 2) {
    const i = alts.findIndex((a) => a.type === 'null');
    if (i >= 0) return { schema: alts[1 - i]!, nullable: true };
  }
  return { schema: s, nullable: false };
}

/** A short type label: `string`, `integer | null`, `Dashboard[]`, `map of integer`, `"low" | "high"`. */
export function typeLabel(doc: Document, raw: Schema | undefined, depth = 0): string {
  if (!raw) return 'any';
  const { schema: s, nullable } = unwrapNullable(raw);
  const suffix = nullable ? ' | null' : '';
  const name = refName(s);
  if (name) {
    const target = resolve(doc, s);
    if (Array.isArray(target.enum) && depth < 2) return target.enum.map((v) => JSON.stringify(v)).join(' | ') + suffix;
    return name + suffix;
  }
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ') + suffix;
  if (Array.isArray(s.oneOf) || Array.isArray(s.anyOf)) {
    const alts = (s.oneOf ?? s.anyOf) as Schema[];
    return alts.map((a) => typeLabel(doc, a, depth + 1)).join(' | ') + suffix;
  }
  if (Array.isArray(s.allOf)) return 'object' + suffix;
  const t = s.type;
  const types = Array.isArray(t) ? (t as string[]) : typeof t === 'string' ? [t] : [];
  const base = types.filter((x) => x !== 'null');
  const nul = types.includes('null') || nullable;
  let label: string;
  if (base.length === 1 && base[0] === 'array') label = `${typeLabel(doc, asSchema(s.items), depth + 1)}[]`;
  else if (base.length === 1 && base[0] === 'object' && asSchema(s.additionalProperties)) label = `map of ${typeLabel(doc, asSchema(s.additionalProperties), depth + 1)}`;
  else if (base.length === 1 && base[0] === 'string' && s.format === 'binary') label = 'file';
  else if (base.length) label = base.join(' | ');
  else label = 'any';
  return nul ? `${label} | null` : label;
}

export interface FieldRow {
  depth: number;
  name: string;
  type: string;
  required: boolean;
  description: string;
}

/** Properties and required names of an object schema, through `allOf` and `$ref`. */
function objectParts(doc: Document, s: Schema, seen: Set<string>): { props: [string, Schema][]; required: Set<string>; description: string } {
  const name = refName(s);
  const r = resolve(doc, s);
  const props: [string, Schema][] = [];
  const required = new Set<string>();
  if (name) {
    if (seen.has(name)) return { props, required, description: '' };
    seen = new Set(seen).add(name);
  }
  for (const part of Array.isArray(r.allOf) ? (r.allOf as Schema[]) : []) {
    const sub = objectParts(doc, part, seen);
    props.push(...sub.props);
    sub.required.forEach((x) => required.add(x));
  }
  const own = asSchema(r.properties);
  if (own) for (const [k, v] of Object.entries(own)) props.push([k, v as Schema]);
  if (Array.isArray(r.required)) (r.required as string[]).forEach((x) => required.add(x));
  return { props, required, description: typeof r.description === 'string' ? r.description : '' };
}

/** The object (or the items' object) a field's schema describes, if any: for nesting. */
function nestedObject(doc: Document, raw: Schema): Schema | null {
  const { schema } = unwrapNullable(raw);
  const r = resolve(doc, schema);
  if (r.type === 'array' || (Array.isArray(r.type) && r.type.includes('array'))) {
    const items = asSchema(r.items);
    return items ? nestedObject(doc, items) : null;
  }
  if (asSchema(r.properties) || Array.isArray(r.allOf)) return schema;
  return null;
}

/** The fields of a schema as rows (nested objects indented, up to `maxDepth`). */
export function fieldRows(doc: Document, schema: Schema | undefined, maxDepth = 3): FieldRow[] {
  const out: FieldRow[] = [];
  const walk = (s: Schema, depth: number, seen: Set<string>): void => {
    const { props, required } = objectParts(doc, s, seen);
    const name = refName(s);
    const nextSeen = name ? new Set(seen).add(name) : seen;
    for (const [k, v] of props) {
      const r = resolve(doc, unwrapNullable(v).schema);
      const description = typeof v.description === 'string' ? v.description : typeof r.description === 'string' && !asSchema(r.properties) ? r.description : '';
      out.push({ depth, name: k, type: typeLabel(doc, v), required: required.has(k), description });
      const nested = nestedObject(doc, v);
      const nestedName = nested ? refName(unwrapNullable(nested).schema) : null;
      if (nested && depth + 1 < maxDepth && !(nestedName && nextSeen.has(nestedName))) walk(nested, depth + 1, nextSeen);
    }
  };
  if (!schema) return out;
  const top = nestedObject(doc, schema);
  if (top) walk(top, 0, new Set());
  return out;
}

/** What the schema is, in a line: `Dashboard`, `DashboardSummary[]`, `object`. */
export function schemaTitle(doc: Document, s: Schema | undefined): string {
  return s ? typeLabel(doc, s) : '';
}

/** The schema's own description (of the referenced component). */
export function schemaDescription(doc: Document, s: Schema | undefined): string {
  if (!s) return '';
  const r = resolve(doc, unwrapNullable(s).schema);
  const items = r.type === 'array' ? resolve(doc, asSchema(r.items)) : null;
  const d = (items ?? r).description;
  return typeof d === 'string' ? d : '';
}

/** The example of a media type: its own, else its schema's. */
export function exampleOf(doc: Document, media: MediaType | undefined): Json | undefined {
  if (!media) return undefined;
  if (media.example !== undefined) return media.example;
  const r = resolve(doc, media.schema);
  if (r.example !== undefined) return r.example as Json;
  if (r.type === 'array') {
    const item = resolve(doc, asSchema(r.items));
    if (item.example !== undefined) return [item.example as Json];
  }
  return undefined;
}

export function pretty(v: Json | undefined): string {
  return v === undefined ? '' : JSON.stringify(v, null, 2);
}

/** `200` → "OK" tone for the status chip. */
export function statusTone(status: string | number): 'ok' | 'redirect' | 'client' | 'server' {
  const n = Number(status);
  if (n >= 500) return 'server';
  if (n >= 400) return 'client';
  if (n >= 300 || n === 101) return 'redirect';
  return 'ok';
}

/** The URL a Try-it form calls: path parameters filled in (encoded), query values appended. */
export function buildUrl(path: string, pathValues: Record<string, string>, query: Record<string, string>): string {
  const filled = path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(pathValues[name] ?? ''));
  const q = Object.entries(query).filter(([, v]) => v.trim() !== '');
  return q.length ? `${filled}?${q.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v.trim())}`).join('&')}` : filled;
}

/** The request body's content type, if the operation takes one. */
export function bodyType(op: Operation): string | null {
  const c = op.requestBody?.content;
  return c ? (Object.keys(c)[0] ?? null) : null;
}

export function paramExample(p: Parameter): string {
  if (p.example === undefined || p.example === null) return '';
  return typeof p.example === 'string' ? p.example : JSON.stringify(p.example);
}

/** `a `b` c` → text and code parts (an unpaired backtick stays text). */
export function inlineParts(text: string): { text: string; code: boolean }[] {
  const out: { text: string; code: boolean }[] = [];
  const re = /`([^`]+)`/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), code: false });
    out.push({ text: m[1]!, code: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), code: false });
  return out;
}

/** Keys of the operations `filterGroups` keeps, for hiding the others without re-rendering. */
export function visibleKeys(gs: TagGroup[], query: string): Set<string> {
  return new Set(filterGroups(gs, query).flatMap((g) => g.ops.map((o) => o.key)));
}
