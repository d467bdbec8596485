// Setup bundles and dashboard templates in the admin UI: what the daemon answers
// (/api/import's report, /api/templates), how that reads to a streamer, and the few calls
// that move zips up and down. The pure parts are unit-tested (bundles.test.ts).

import { ApiError, api, apiRaw } from './api';

export type OnConflict = 'rename' | 'replace' | 'skip';
export type ItemAction = 'create' | 'rename' | 'replace' | 'skip' | 'reuse' | 'unresolved';

/** One record of the bundle and what the import does with it. */
export interface ReportItem {
  name: string;
  action: ItemAction;
  conflict: boolean;
  existing_id?: number;
  new_name?: string;
  /** Widgets: how many elements the bundle configures. */
  elements?: number;
  note?: string;
}

export interface ImportReport {
  dashboards: ReportItem[];
  widgets: ReportItem[];
  commands: ReportItem[];
  event_bindings: ReportItem[];
  media: ReportItem[];
  conflicts: number;
  dashboard_ids: number[];
}

export interface ImportOutcome {
  dry_run: boolean;
  imported: boolean;
  report: ImportReport;
}

export interface TemplateInfo {
  id: string;
  name: string;
  description: string;
  dashboard_name: string;
  widgets: number;
  media: number;
  contents: {
    widgets: { name: string; widget_class: string; elements: number }[];
    commands: string[];
    event_bindings: string[];
  };
  created_ms: number;
  bytes: number;
}

export type ReportKind = 'dashboards' | 'widgets' | 'commands' | 'event_bindings' | 'media';
export const REPORT_KINDS: ReportKind[] = ['dashboards', 'widgets', 'commands', 'event_bindings', 'media'];

const NOUNS: Record<ReportKind | 'elements', [string, string]> = {
  dashboards: ['dashboard', 'dashboards'],
  widgets: ['widget', 'widgets'],
  commands: ['chat command', 'chat commands'],
  event_bindings: ['event binding', 'event bindings'],
  media: ['media file', 'media files'],
  elements: ['element', 'elements'],
};

export const SECTION_TITLES: Record<ReportKind, string> = {
  dashboards: 'Dashboards',
  widgets: 'Widgets',
  commands: 'Chat commands',
  event_bindings: 'Event bindings',
  media: 'Media files',
};

/** `1 widget`, `3 widgets`. */
export function count(n: number, kind: ReportKind | 'elements'): string {
  const [one, many] = NOUNS[kind];
  return `${n} ${n === 1 ? one : many}`;
}

/** "a, b and c". */
export function listWords(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

// ---------------------------------------------------------------- file names

/** `Main Stream!` → `main-stream`. */
export function slug(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return s;
}

/** `stagehand-setup-2026-12-04.zip`, or `stagehand-main-stream-2026-12-04.zip` for one dashboard (the local date). */
export function exportFileName(date: Date, dashboardName?: string): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const what = dashboardName === undefined ? 'setup' : slug(dashboardName) || 'dashboard';
  return `stagehand-${what}-${day}.zip`;
}

/** The query of `GET /api/export`: everything, or the chosen dashboards. */
export function exportPath(ids: number[] | null): string {
  return ids === null ? '/api/export' : `/api/export?dashboards=${ids.join(',')}`;
}

// ---------------------------------------------------------------- the report

export type Tone = 'new' | 'renamed' | 'replace' | 'skip' | 'reuse' | 'conflict';

export interface ReportLine {
  name: string;
  /** What happens to it, in a few words. */
  badge: string;
  tone: Tone;
  /** A second line: the element count, why it is skipped, what it replaces. */
  detail: string;
}

export interface ReportSection {
  kind: ReportKind;
  title: string;
  /** `2 new · 1 renamed`. */
  tally: string;
  lines: ReportLine[];
}

function line(kind: ReportKind, it: ReportItem): ReportLine {
  const elements = it.elements !== undefined && it.elements > 0 ? `with ${count(it.elements, 'elements')}` : '';
  const shown = kind === 'event_bindings' ? eventName(it.name) : it.name;
  switch (it.action) {
    case 'create':
      return { name: shown, badge: 'New', tone: 'new', detail: elements };
    case 'rename':
      return { name: shown, badge: `New as “${it.new_name ?? it.name}”`, tone: 'renamed', detail: listWords([`yours keeps the name “${it.name}”`, elements].filter(Boolean)) };
    case 'replace':
      return { name: shown, badge: 'Replaces yours', tone: 'replace', detail: elements ? `your ${NOUNS[kind][0]} of this name is overwritten, ${elements}` : `your ${NOUNS[kind][0]} of this name is overwritten` };
    case 'skip':
      if (it.conflict) return { name: shown, badge: 'Keeps yours', tone: 'skip', detail: kind === 'widgets' ? 'your widget of this name is used instead' : 'not imported' };
      return { name: shown, badge: 'Not imported', tone: 'skip', detail: it.note ? skipNote(it.note) : '' };
    case 'reuse':
      return { name: shown, badge: 'Already in your library', tone: 'reuse', detail: 'the same file is used, not copied again' };
    case 'unresolved':
    default:
      return { name: shown, badge: 'Name taken', tone: 'conflict', detail: `you already have a ${NOUNS[kind][0]} called “${it.name}”` };
  }
}

function skipNote(note: string): string {
  if (note === 'only on skipped dashboards') return 'it is only on dashboards that are not imported';
  if (note === 'its widget is not imported') return 'its widget is not imported';
  return note;
}

const EVENTS: Record<string, string> = { sub: 'Subscription', resub: 'Resubscription', gift_sub: 'Gifted sub', raid: 'Raid', cheer: 'Cheer (bits)' };
export function eventName(event: string): string {
  return EVENTS[event] ?? event;
}

const TALLY: [Tone, string][] = [
  ['new', 'new'],
  ['renamed', 'renamed'],
  ['replace', 'replacing yours'],
  ['reuse', 'already there'],
  ['skip', 'not imported'],
  ['conflict', 'name taken'],
];

/** The report as sections of lines (empty kinds left out). */
export function reportSections(report: ImportReport): ReportSection[] {
  return REPORT_KINDS.filter((k) => report[k].length > 0).map((kind) => {
    const lines = report[kind].map((it) => line(kind, it));
    const tally = TALLY.map(([tone, word]) => [lines.filter((l) => l.tone === tone).length, word] as const)
      .filter(([n]) => n > 0)
      .map(([n, word]) => `${n} ${word}`)
      .join(' · ');
    return { kind, title: SECTION_TITLES[kind], tally, lines };
  });
}

/** Records this import writes (created, renamed or replaced), per kind. */
export function written(report: ImportReport, kind: ReportKind): number {
  return report[kind].filter((it) => it.action === 'create' || it.action === 'rename' || it.action === 'replace' || it.action === 'unresolved').length;
}

/** Elements configured by the widgets this import writes. */
export function writtenElements(report: ImportReport): number {
  return report.widgets.filter((it) => it.action !== 'skip').reduce((n, it) => n + (it.elements ?? 0), 0);
}

/** One sentence: what the import writes. `done` = it happened. */
export function reportHeadline(report: ImportReport, done = false): string {
  const parts: string[] = [];
  for (const kind of REPORT_KINDS) {
    const n = written(report, kind);
    if (!n) continue;
    if (kind === 'widgets') {
      const e = writtenElements(report);
      parts.push(e ? `${count(n, kind)} (${count(e, 'elements')})` : count(n, kind));
    } else parts.push(count(n, kind));
  }
  if (!parts.length) return done ? 'Nothing was imported: everything in the setup was kept as you have it.' : 'Nothing would change: everything in this setup is kept as you have it.';
  return `${done ? 'Imported' : 'Imports'} ${listWords(parts)}.`;
}

export interface ConflictChoice {
  value: OnConflict;
  label: string;
  explain: string;
}

export const CONFLICT_CHOICES: ConflictChoice[] = [
  { value: 'rename', label: 'Keep both', explain: 'Import the file’s version under a new name, like “Main Stream (2)” or “!confetti2”. Nothing you have changes.' },
  { value: 'replace', label: 'Replace mine', explain: 'Overwrite yours with the file’s version. Yours keeps its place, so whatever uses it still does.' },
  { value: 'skip', label: 'Keep mine', explain: 'Leave yours as it is and skip the file’s version. Where the file needs a widget you already have, yours is used.' },
];

/** `3 items` in the conflict question. */
export function conflictQuestion(report: ImportReport): string {
  const n = report.conflicts;
  if (!n) return '';
  const kinds = REPORT_KINDS.filter((k) => report[k].some((it) => it.conflict)).map((k) => NOUNS[k][1]);
  return `${n === 1 ? 'One thing in this setup has the same name' : `${n} things in this setup have the same names`} as ${n === 1 ? 'one' : 'ones'} you already have (${listWords(kinds)}). What should happen to ${n === 1 ? 'it' : 'them'}?`;
}

// ---------------------------------------------------------------- errors in people's words

export interface Problem {
  title: string;
  detail: string;
}

const PLACES: Record<string, string> = {
  dashboards: 'dashboard',
  widgets: 'widget',
  commands: 'chat command',
  event_bindings: 'event binding',
  media: 'media file',
  elements: 'element',
};

/** `manifest.widgets[1].elements[0].name` → `widget 2, element 1`. */
export function placeOf(field: string): string {
  const parts: string[] = [];
  for (const m of field.matchAll(/(\w+)\[(\d+)\]/g)) {
    const what = PLACES[m[1] ?? ''];
    if (what) parts.push(`${what} ${Number(m[2]) + 1}`);
  }
  return parts.join(', ');
}

/** Why a bundle (or a template) could not be read or imported, for the streamer. */
export function bundleProblem(e: unknown): Problem {
  if (!(e instanceof ApiError)) return { title: 'The import did not work', detail: e instanceof Error ? e.message : String(e) };
  const field = e.field ?? '';
  if (e.status === 0) return { title: 'stagehand is not reachable', detail: 'Check that stagehand is still running, then try again.' };
  if (e.status === 401) return { title: 'The admin token is needed', detail: 'Enter the admin token, then try again.' };
  if (e.code === 'too_large') return { title: 'This file is too big', detail: `${capital(e.message)}.` };
  if (e.code === 'unsupported_version') return { title: 'Made by a different version of stagehand', detail: `${capital(e.message)}. Update stagehand to import it.` };
  if (e.code === 'storage_error') return { title: 'stagehand could not store the setup', detail: `${capital(e.message)}. Is the disk full?` };
  if (e.status === 409) return { title: 'Some names are taken', detail: 'Choose what should happen to the things you already have, then import again.' };
  if (e.status === 422) {
    if (field === 'bundle') return { title: 'This is not a stagehand setup file', detail: 'It could not be opened as a zip. Pick the .zip that “Export setup” saved; if it is that file, it may have been cut short while copying.' };
    if (field === 'manifest.json') return { title: 'This setup file is damaged', detail: 'Its list of contents (manifest.json) is missing or cannot be read.' };
    if (field === 'manifest.format') return { title: 'This zip is not a stagehand setup', detail: 'It has a manifest.json, but not one written by stagehand.' };
    if (/^manifest\.media\[\d+\]\.(sha256|size)$/.test(field)) return { title: 'A media file in this setup is damaged', detail: `${capital(e.message)}. Export the setup again and use the new file.` };
    if (field.startsWith('manifest.')) {
      const place = placeOf(field);
      return { title: 'Something in this setup cannot be imported', detail: `${place ? `${capital(place)}: ` : ''}${e.message}. Nothing was imported.` };
    }
    if (field) return { title: 'This zip holds files that are not part of a stagehand setup', detail: `${capital(e.message)}.` };
  }
  return { title: 'The import did not work', detail: e.message };
}

function capital(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}

/** A dropped or picked file that is plainly not a zip, said before it is sent. */
export function fileProblem(file: { name: string; size: number }, maxBytes?: number): Problem | null {
  if (file.size === 0) return { title: 'This file is empty', detail: `“${file.name}” has no content. Pick the .zip that “Export setup” saved.` };
  if (!/\.zip$/i.test(file.name)) return { title: 'Pick a .zip file', detail: `“${file.name}” is not a stagehand setup. Setups are .zip files saved by “Export setup”.` };
  if (maxBytes !== undefined && file.size > maxBytes) return { title: 'This file is too big', detail: `It is larger than ${Math.round(maxBytes / 1048576)} MiB.` };
  return null;
}

/** `1.2 MB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / 1048576).toFixed(1)} MB`;
}

// ---------------------------------------------------------------- calls

/** Downloads the bundle (everything, or `ids`) and saves it as `filename` via a Blob link. */
export async function downloadBundle(ids: number[] | null, filename: string): Promise<number> {
  const res = await apiRaw('GET', exportPath(ids));
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has taken its copy once the click ran; free the memory a little later.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
  return blob.size;
}

/** `POST /api/import`: a dry run reports only; otherwise it writes (or refuses) whole. */
export async function importBundle(file: Blob, opts: { dryRun: boolean; onConflict: OnConflict | null }): Promise<ImportOutcome> {
  const q = new URLSearchParams();
  if (opts.dryRun) q.set('dry_run', 'true');
  if (opts.onConflict) q.set('on_conflict', opts.onConflict);
  const qs = q.toString();
  const res = await apiRaw('POST', `/api/import${qs ? `?${qs}` : ''}`, file, 'application/zip');
  return (await res.json()) as ImportOutcome;
}

export function listTemplates(): Promise<TemplateInfo[]> {
  return api<TemplateInfo[]>('GET', '/api/templates');
}

export function saveTemplate(dashboardId: number, name: string, description: string): Promise<TemplateInfo> {
  return api<TemplateInfo>('POST', '/api/templates', { dashboard_id: dashboardId, name, description });
}

export function useTemplate(id: string, name: string | null): Promise<ImportOutcome> {
  return api<ImportOutcome>('POST', `/api/templates/${encodeURIComponent(id)}/use`, name ? { name } : {});
}

export async function deleteTemplate(id: string): Promise<void> {
  await api('DELETE', `/api/templates/${encodeURIComponent(id)}`);
}
