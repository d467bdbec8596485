import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { STRUCTURAL_ACTIONS, describeEntry } from './format';
import {
  bundleProblem,
  conflictQuestion,
  count,
  exportFileName,
  exportPath,
  fileProblem,
  formatBytes,
  placeOf,
  reportHeadline,
  reportSections,
  slug,
  type ImportReport,
  type ReportItem,
} from './bundles';

const item = (name: string, action: ReportItem['action'], extra: Partial<ReportItem> = {}): ReportItem => ({ name, action, conflict: false, ...extra });
const empty = (): ImportReport => ({ dashboards: [], widgets: [], commands: [], event_bindings: [], media: [], conflicts: 0, dashboard_ids: [] });

describe('file names', () => {
  it('dates the setup with the local day', () => {
    expect(exportFileName(new Date(2026, 11, 4, 23, 59))).toBe('stagehand-setup-2026-12-04.zip');
    expect(exportFileName(new Date(2027, 0, 9))).toBe('stagehand-setup-2027-01-09.zip');
  });
  it('names a one-dashboard export after the dashboard', () => {
    expect(exportFileName(new Date(2026, 11, 4), 'Main Stream!')).toBe('stagehand-main-stream-2026-12-04.zip');
    expect(exportFileName(new Date(2026, 11, 4), 'Café Überlänge')).toBe('stagehand-cafe-uberlange-2026-12-04.zip');
    expect(exportFileName(new Date(2026, 11, 4), '🎉🎉')).toBe('stagehand-dashboard-2026-12-04.zip');
  });
  it('slugs stay short and clean', () => {
    expect(slug('  --Hello   World--  ')).toBe('hello-world');
    expect(slug('a'.repeat(39) + ' bcd').length).toBeLessThanOrEqual(40);
    expect(slug('a'.repeat(39) + ' bcd').endsWith('-')).toBe(false);
  });
  it('asks for everything or the chosen dashboards', () => {
    expect(exportPath(null)).toBe('/api/export');
    expect(exportPath([3, 1])).toBe('/api/export?dashboards=3,1');
  });
});

describe('the dry-run report', () => {
  const report: ImportReport = {
    ...empty(),
    dashboards: [item('Main Stream', 'rename', { conflict: true, existing_id: 1, new_name: 'Main Stream (2)' }), item('Starting Soon', 'create')],
    widgets: [item('Party Confetti', 'create', { elements: 3 }), item('Deaths', 'skip', { note: 'only on skipped dashboards' })],
    commands: [item('!confetti', 'create')],
    event_bindings: [item('cheer', 'create')],
    media: [item('pop.wav', 'reuse', { existing_id: 2 }), item('sprite.png', 'create')],
    conflicts: 1,
  };

  it('says in one sentence what gets written', () => {
    expect(reportHeadline(report)).toBe('Imports 2 dashboards, 1 widget (3 elements), 1 chat command, 1 event binding and 1 media file.');
    expect(reportHeadline(report, true)).toMatch(/^Imported 2 dashboards/);
    expect(reportHeadline({ ...empty(), dashboards: [item('A', 'skip', { conflict: true })] })).toMatch(/^Nothing would change/);
  });

  it('lists every record with what happens to it', () => {
    const s = reportSections(report);
    expect(s.map((x) => x.title)).toEqual(['Dashboards', 'Widgets', 'Chat commands', 'Event bindings', 'Media files']);
    const [dash, widgets, , bindings, media] = s;
    expect(dash!.lines[0]).toMatchObject({ name: 'Main Stream', badge: 'New as “Main Stream (2)”', tone: 'renamed' });
    expect(dash!.lines[0]!.detail).toContain('yours keeps the name “Main Stream”');
    expect(dash!.tally).toBe('1 new · 1 renamed');
    expect(widgets!.lines[0]).toMatchObject({ badge: 'New', detail: 'with 3 elements' });
    expect(widgets!.lines[1]).toMatchObject({ badge: 'Not imported', detail: 'it is only on dashboards that are not imported' });
    expect(bindings!.lines[0]!.name).toBe('Cheer (bits)');
    expect(media!.lines[0]).toMatchObject({ badge: 'Already in your library', tone: 'reuse' });
  });

  it('leaves out kinds the bundle does not have', () => {
    expect(reportSections({ ...empty(), widgets: [item('W', 'create')] }).map((s) => s.kind)).toEqual(['widgets']);
  });

  it('shows replace, keep and unresolved conflicts plainly', () => {
    const [w] = reportSections({ ...empty(), widgets: [item('A', 'replace', { conflict: true, elements: 1 }), item('B', 'skip', { conflict: true }), item('C', 'unresolved', { conflict: true })] });
    expect(w!.lines.map((l) => l.badge)).toEqual(['Replaces yours', 'Keeps yours', 'Name taken']);
    expect(w!.lines[0]!.detail).toBe('your widget of this name is overwritten, with 1 element');
    expect(w!.lines[1]!.detail).toBe('your widget of this name is used instead');
    expect(w!.lines[2]!.detail).toBe('you already have a widget called “C”');
  });

  it('asks about conflicts naming their kinds', () => {
    expect(conflictQuestion(empty())).toBe('');
    expect(conflictQuestion(report)).toBe('One thing in this setup has the same name as one you already have (dashboards). What should happen to it?');
    const two = { ...report, conflicts: 2, commands: [item('!confetti', 'unresolved', { conflict: true })] };
    expect(conflictQuestion(two)).toContain('2 things in this setup have the same names as ones you already have (dashboards and chat commands)');
  });

  it('counts in words', () => {
    expect(count(1, 'media')).toBe('1 media file');
    expect(count(0, 'widgets')).toBe('0 widgets');
    expect(count(2, 'event_bindings')).toBe('2 event bindings');
  });
});

describe('problems in people’s words', () => {
  const e = (status: number, code: string, message: string, field: string | null = null) => new ApiError(status, code, message, field);

  it('a file that is no zip', () => {
    expect(bundleProblem(e(422, 'validation', 'not a stagehand bundle (zip): invalid Zip archive', 'bundle')).title).toBe('This is not a stagehand setup file');
    expect(bundleProblem(e(422, 'validation', 'the bundle has no manifest.json', 'manifest.json')).title).toBe('This setup file is damaged');
  });
  it('a newer bundle', () => {
    const p = bundleProblem(e(422, 'unsupported_version', 'this is a version 7 bundle; this build of stagehand reads version 1', 'manifest.version'));
    expect(p.title).toBe('Made by a different version of stagehand');
    expect(p.detail).toBe('This is a version 7 bundle; this build of stagehand reads version 1. Update stagehand to import it.');
  });
  it('a bad record, located', () => {
    const p = bundleProblem(e(422, 'validation', "unknown widget class 'NoSuchWidget'", 'manifest.widgets[0].widget_class'));
    expect(p.title).toBe('Something in this setup cannot be imported');
    expect(p.detail).toBe("Widget 1: unknown widget class 'NoSuchWidget'. Nothing was imported.");
    expect(placeOf('manifest.widgets[1].elements[0].name')).toBe('widget 2, element 1');
  });
  it('a damaged media file, odd entries, size, storage, network', () => {
    expect(bundleProblem(e(422, 'validation', 'media/a.png does not match its sha256 (damaged or altered)', 'manifest.media[0].sha256')).title).toBe('A media file in this setup is damaged');
    expect(bundleProblem(e(422, 'validation', "unexpected entry '../evil.png'", '../evil.png')).title).toBe('This zip holds files that are not part of a stagehand setup');
    expect(bundleProblem(e(413, 'too_large', 'the bundle is larger than 512 MiB (storage.max_bundle_mb)', 'bundle')).detail).toBe('The bundle is larger than 512 MiB (storage.max_bundle_mb).');
    expect(bundleProblem(e(507, 'storage_error', 'could not store the bundle: disk full')).detail).toContain('Is the disk full?');
    expect(bundleProblem(e(0, 'network', 'x')).title).toBe('stagehand is not reachable');
    expect(bundleProblem(new Error('boom'))).toEqual({ title: 'The import did not work', detail: 'boom' });
  });
  it('a picked file that is plainly wrong', () => {
    expect(fileProblem({ name: 'setup.zip', size: 10 })).toBeNull();
    expect(fileProblem({ name: 'SETUP.ZIP', size: 10 })).toBeNull();
    expect(fileProblem({ name: 'notes.txt', size: 10 })!.title).toBe('Pick a .zip file');
    expect(fileProblem({ name: 'setup.zip', size: 0 })!.title).toBe('This file is empty');
    expect(fileProblem({ name: 'setup.zip', size: 3 * 1048576 }, 1048576)!.title).toBe('This file is too big');
  });
  it('sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(5 * 1048576)).toBe('5.0 MB');
  });
});

describe('the activity feed and live refresh', () => {
  it('an import is structural: every open admin page re-fetches its lists', () => {
    expect(STRUCTURAL_ACTIONS.has('import')).toBe(true);
  });
  it('reads as “Imported” in the feed, and as a failure when refused', () => {
    const e = { id: 9, at_ms: 0, actor: { kind: 'admin' as const }, action: 'import', target: 'bundle (2 dashboards, 2 widgets, 1 commands, 4 media)', params: {}, ok: true, error: null };
    expect(describeEntry(e).verb).toBe('Imported');
    expect(describeEntry({ ...e, ok: false, error: 'conflict' }).verb).toBe('Could not import');
  });
});
