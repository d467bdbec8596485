import { describe, expect, it } from 'vitest';
import {
  actorLabel,
  commandExample,
  commandUsage,
  cooldownText,
  describeEntry,
  moveItem,
  normalizeTrigger,
  prefixOf,
  parseAliases,
  parseTarget,
  relativeTime,
} from './format';
import { bind, bindError, comboFor, comboFromEvent, dashboardIndex, isTypingTarget, loadBindings, pruneBindings, saveBindings, unbind } from './hotkeys';
import { adminSocketUrl } from './live';
import type { AuditEntry, FeatureSpec } from './types';

const blast: FeatureSpec = {
  name: 'trigger_blast',
  display_name: 'Trigger Confetti Blast',
  parameters: [
    { name: 'intensity', type: 'dropdown', display_name: 'Intensity', optional: false, options: ['Low', 'Medium', 'High'] },
    { name: 'color', type: 'color', display_name: 'Color', optional: true, default: '#FF5733' },
  ],
};

describe('activity feed lines', () => {
  it('reads audit targets', () => {
    expect(parseTarget('ConfettiAlertWidget "Birthday" (3).trigger_blast')).toEqual({ widgetClass: 'ConfettiAlertWidget', name: 'Birthday', id: 3, member: 'trigger_blast' });
    expect(parseTarget('dashboard "Main" (1)')).toEqual({ widgetClass: null, name: 'Main', id: 1, member: null });
    expect(parseTarget('widget 9')).toMatchObject({ name: 'widget 9', id: 9 });
    expect(parseTarget('DeathCounterWidget "Deaths"')).toEqual({ widgetClass: 'DeathCounterWidget', name: 'Deaths', id: null, member: null });
    expect(parseTarget('something else')).toMatchObject({ name: 'something else', id: null });
  });

  it('describes an execute with feature display name and parameters', () => {
    const e: AuditEntry = {
      id: 1,
      at_ms: 0,
      actor: { kind: 'chat', login: 'ada' },
      action: 'execute',
      target: 'ConfettiAlertWidget "Party" (3).trigger_blast',
      params: { intensity: 'High' },
      ok: true,
      error: null,
    };
    const d = describeEntry(e, (id, f) => (id === 3 && f === 'trigger_blast' ? 'Trigger Confetti Blast' : null));
    expect(d).toMatchObject({ verb: 'Ran', subject: 'Trigger Confetti Blast', detail: 'Party', params: [{ name: 'intensity', value: 'High', color: null }], failed: false, error: null, widgetId: 3, feature: 'trigger_blast' });
    expect(describeEntry(e).subject).toBe('Trigger blast');
    expect(actorLabel(e.actor)).toBe('@ada');
    expect(describeEntry({ ...e, action: 'activate_dashboard', target: 'dashboard "Main" (1)' }).verb).toBe('Went live with');
    expect(describeEntry({ ...e, action: 'create_command', target: 'command !x' })).toMatchObject({ verb: 'Created chat command', subject: '!x' });
    expect(describeEntry({ ...e, action: 'update_command', target: 'command !party (1)' })).toMatchObject({ subject: '!party' });
    expect(describeEntry({ ...e, action: 'create_widget', target: 'DeathCounterWidget "Deaths"' })).toMatchObject({ subject: 'Deaths', detail: 'DeathCounterWidget' });
  });

  it('renders from the structured subject, never the target text', () => {
    const e: AuditEntry = {
      id: 2,
      at_ms: 0,
      actor: { kind: 'admin' },
      action: 'execute',
      target: 'garbage that must not be read',
      params: { amount: 5 },
      ok: true,
      error: null,
      subject: { kind: 'widget', widget_id: 4, widget_name: 'Goal', widget_class: 'DonationGoalWidget', feature: 'set_goal', live: true },
    };
    expect(describeEntry(e, (id, f) => (id === 4 && f === 'set_goal' ? 'Set Goal' : null))).toMatchObject({ verb: 'Ran', subject: 'Set Goal', detail: 'Goal', notShown: false, widgetId: 4 });
    expect(describeEntry({ ...e, subject: { ...e.subject!, live: false } }).notShown).toBe(true);
    const dash = describeEntry({ ...e, action: 'activate_dashboard', params: null, subject: { kind: 'dashboard', dashboard_id: 1, dashboard_name: 'Main' } });
    expect(dash).toMatchObject({ verb: 'Went live with', subject: 'Main', params: [] });
    const el = describeEntry({ ...e, action: 'patch_element', subject: { kind: 'element', widget_id: 4, widget_name: 'Goal', element: 'bar' } });
    expect(el).toMatchObject({ verb: 'Edited element', subject: 'bar', detail: 'Goal' });
  });

  it('failures read as failures, with the daemon\'s message', () => {
    const e: AuditEntry = {
      id: 3,
      at_ms: 0,
      actor: { kind: 'admin' },
      action: 'create_command',
      target: 'command !confetti',
      params: null,
      ok: false,
      error: 'command 1 (!confetti) already uses one of these names',
      subject: { kind: 'command', trigger: '!confetti' },
    };
    expect(describeEntry(e)).toMatchObject({ verb: 'Could not create chat command', subject: '!confetti', failed: true, error: 'command 1 (!confetti) already uses one of these names' });
    const run = describeEntry({ ...e, action: 'execute', error: 'Target is required', subject: { kind: 'widget', widget_id: 2, widget_name: 'Goal', feature: 'set_goal' } });
    expect(run).toMatchObject({ verb: 'Could not run', subject: 'Set goal', failed: true, notShown: false });
    // Older daemons without subject: still a failure.
    expect(describeEntry({ ...e, subject: undefined })).toMatchObject({ verb: 'Could not create chat command', subject: '!confetti', failed: true });
    expect(describeEntry({ ...e, error: null }).error).toBe('failed without a message');
  });

  it('relative times', () => {
    expect(relativeTime(1000, 2000)).toBe('just now');
    expect(relativeTime(0, 42_000)).toBe('42s ago');
    expect(relativeTime(0, 3 * 3600_000)).toBe('3h ago');
  });
});

describe('one spelling of a trigger', () => {
  it('adds the prefix when missing, like the daemon', () => {
    expect(normalizeTrigger('boom')).toBe('!boom');
    expect(normalizeTrigger(' !Boom ')).toBe('!boom');
    expect(normalizeTrigger('')).toBe('');
    expect(normalizeTrigger('hype', '?')).toBe('?hype');
    expect(prefixOf({ usage: '?hype <n>' })).toBe('?');
    expect(prefixOf({})).toBe('!');
  });
});

describe('chat command usage as viewers see it', () => {
  it('spelled like the daemon: required <…>, optional […], presets left out', () => {
    expect(commandUsage('!confetti', blast)).toBe('!confetti <Low|Medium|High> [color]');
    expect(commandUsage('!confetti', blast, { color: '#00FF88' })).toBe('!confetti <Low|Medium|High>');
    expect(commandUsage(' ', null)).toBe('!command');
    // The daemon's own test line (src/chat/usage.rs).
    const specs: FeatureSpec['parameters'] = [
      { name: 'amount', type: 'number', display_name: 'Amount', optional: false, min: 1, max: 100 },
      { name: 'offset', type: 'slider', display_name: 'Offset', optional: true, default: 0, min: -10, max: 10, step: 0.5 },
      { name: 'loud', type: 'checkbox', display_name: 'Loud', optional: true, default: false },
      { name: 'fx', type: 'multiselect', display_name: 'Effects', optional: true, options: ['fire', 'ice'] },
      { name: 'font', type: 'dropdown', display_name: 'Font', optional: false, options: ['A very long option name', 'Another long option name'] },
      { name: 'message', type: 'text', display_name: 'Message', optional: true, max_length: 100 },
    ];
    expect(commandUsage('!x', { name: 'x', display_name: 'X', parameters: specs })).toBe(
      '!x <amount 1-100> [offset -10 to 10] [loud yes|no] [fx fire,ice] <font> [message...]',
    );
  });
  it('an example line', () => {
    expect(commandExample('!confetti', blast)).toBe('!confetti high');
    expect(commandExample('!confetti', blast, { intensity: 'Low' })).toBe('!confetti');
  });
  it('cooldowns and aliases', () => {
    expect(cooldownText({ cooldown_global_s: 0, cooldown_user_s: 0 })).toBe('No cooldown');
    expect(cooldownText({ cooldown_global_s: 30, cooldown_user_s: 10 })).toBe('30s for everyone · 10s per viewer');
    expect(parseAliases('!Boom, !pop  !boom,,')).toEqual(['!boom', '!pop']);
  });
  it('moves list items', () => {
    expect(moveItem(['a', 'b', 'c'], 0, 2)).toEqual(['b', 'c', 'a']);
    expect(moveItem(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(moveItem(['a', 'b'], 5, 0)).toEqual(['a', 'b']);
  });
});

describe('hotkeys', () => {
  it('names key presses by physical key', () => {
    expect(comboFromEvent({ key: 'c', code: 'KeyC' })).toBe('C');
    expect(comboFromEvent({ key: 'C', code: 'KeyC', shiftKey: true, ctrlKey: true })).toBe('Ctrl+Shift+C');
    expect(comboFromEvent({ key: 'F5', code: 'F5' })).toBe('F5');
    expect(comboFromEvent({ key: 'Shift', code: 'ShiftLeft', shiftKey: true })).toBeNull();
    expect(comboFromEvent({ key: '!', code: 'Digit1', shiftKey: true })).toBe('Shift+1');
  });

  it('1–9 switch dashboards and cannot be bound', () => {
    expect(dashboardIndex({ key: '1', code: 'Digit1' })).toBe(0);
    expect(dashboardIndex({ key: '9', code: 'Numpad9' })).toBe(8);
    expect(dashboardIndex({ key: '0', code: 'Digit0' })).toBeNull();
    expect(dashboardIndex({ key: '2', code: 'Digit2', ctrlKey: true })).toBeNull();
    expect(bindError('3')).toMatch(/dashboards/);
    expect(bindError('Shift+3')).toBeNull();
    expect(bindError('Tab')).toMatch(/used by the page/);
    expect(bindError('Q')).toBeNull();
  });

  it('one key per feature, one feature per key', () => {
    const t1 = { widget_id: 1, feature: 'a' };
    const t2 = { widget_id: 2, feature: 'b' };
    let b = bind({}, 'Q', t1);
    b = bind(b, 'W', t1); // rebinding the feature drops Q
    expect(b).toEqual({ W: t1 });
    b = bind(b, 'W', t2); // the key now fires the other feature
    expect(b).toEqual({ W: t2 });
    expect(comboFor(b, t2)).toBe('W');
    expect(unbind(b, t2)).toEqual({});
    expect(pruneBindings({ Q: t1, W: t2 }, new Set([2]))).toEqual({ W: t2 });
  });

  it('persists bindings and survives garbage', () => {
    const mem = new Map<string, string>();
    const storage = { getItem: (k: string) => mem.get(k) ?? null, setItem: (k: string, v: string) => void mem.set(k, v) };
    saveBindings(storage, { Q: { widget_id: 1, feature: 'a' } });
    expect(loadBindings(storage)).toEqual({ Q: { widget_id: 1, feature: 'a' } });
    mem.set('stagehand.admin.hotkeys', '{"X": {"widget_id": "1"}, "Y": 3}');
    expect(loadBindings(storage)).toEqual({});
    mem.set('stagehand.admin.hotkeys', 'not json');
    expect(loadBindings(storage)).toEqual({});
    expect(loadBindings(null)).toEqual({});
  });

  it('never fires while typing', () => {
    expect(isTypingTarget({ tagName: 'INPUT', type: 'text' })).toBe(true);
    expect(isTypingTarget({ tagName: 'input', type: 'checkbox' })).toBe(false);
    expect(isTypingTarget({ tagName: 'SELECT' })).toBe(true);
    expect(isTypingTarget({ tagName: 'DIV', isContentEditable: true })).toBe(true);
    expect(isTypingTarget({ tagName: 'BUTTON' })).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});

describe('admin socket', () => {
  it('url with token when one is set', () => {
    expect(adminSocketUrl({ protocol: 'http:', host: 'h:1' }, '')).toBe('ws://h:1/ws?client_type=admin');
    expect(adminSocketUrl({ protocol: 'https:', host: 'h' }, 'a b')).toBe('wss://h/ws?client_type=admin&token=a%20b');
  });
});

describe('play_alert entries', () => {
  const base: AuditEntry = {
    id: 9,
    at_ms: 0,
    actor: { kind: 'timer' },
    action: 'play_alert',
    target: 'PixelQueen subscribed (tier 2, 14 months) (queue main)',
    params: { queue: 'main', kind: 'sub', alert_id: 4 },
    ok: true,
    error: null,
    subject: { kind: 'alert', widget_id: 3, widget_name: 'Sub alert', widget_class: 'SubscriberAlertWidget' },
  };
  it('reads as an alert with its label', () => {
    const d = describeEntry(base);
    expect(d.verb).toBe('Alert:');
    expect(d.subject).toBe('PixelQueen subscribed (tier 2, 14 months)');
    expect(d.detail).toBe('Sub alert');
    expect(d.skipped).toBe(false);
    expect(d.params).toEqual([]);
  });
  it('a skipped one is a warning, naming other queues', () => {
    const d = describeEntry({ ...base, ok: false, error: 'its widget was deleted', target: 'X followed (queue big)' });
    expect(d.verb).toBe('Alert skipped:');
    expect(d.skipped).toBe(true);
    expect(d.failed).toBe(true);
    expect(d.error).toBe('its widget was deleted');
    expect(d.detail).toBe('Sub alert · queue big');
  });
});

describe('alert_queue entries', () => {
  const e = (target: string, ok = true): AuditEntry => ({ id: 1, at_ms: 0, actor: { kind: 'admin' }, action: 'alert_queue', target, params: null, ok, error: ok ? null : 'nope', subject: { kind: 'alert_queue' } });
  it('read as sentences', () => {
    const d = describeEntry(e('alert queue main: Control(Pause)'));
    expect([d.verb, d.subject]).toEqual(['Paused', 'the main alert queue']);
    expect(describeEntry(e('alert queue big: Control(ReplayLast)')).verb).toBe('Replayed the last alert on');
    expect(describeEntry(e('alert queue big: Reorder([3, 1, 2])')).subject).toBe('alert queue “big”');
    expect(describeEntry(e('alert queue main: Control(Skip)', false)).verb).toBe('Could not skip the alert on');
  });
  it('an unknown shape falls back to the target', () => {
    expect(describeEntry(e('alert queue main: Something(1)')).subject).toBe('alert queue main: Something(1)');
  });
});
