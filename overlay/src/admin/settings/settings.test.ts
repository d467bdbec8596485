import { describe, expect, it } from 'vitest';
import { envName, formFrom, obsTestText, pinnedText, sectionPatch, type SettingsView } from './settings';

const view: SettingsView = {
  settings: {
    'obs.host': { value: '127.0.0.1', secret: false, source: 'default', read_only: false, restart: false },
    'obs.port': { value: 4455, secret: false, source: 'env', read_only: true, restart: false },
    'obs.enabled': { value: true, secret: false, source: 'saved', read_only: false, restart: false },
    'obs.password': { secret: true, set: true, source: 'saved', read_only: false, restart: false },
  },
  restart_needed: [],
  config_file: null,
};

describe('settings page helpers', () => {
  it('names the variable that pins a key', () => {
    expect(envName('obs.port')).toBe('STAGEHAND__OBS__PORT');
    expect(pinnedText('obs.port', view.settings['obs.port'], null)).toContain('STAGEHAND__OBS__PORT');
    expect(pinnedText('obs.host', view.settings['obs.host'], null)).toBe('');
  });

  it('sends only changes, never pinned keys, secrets only when typed or cleared', () => {
    const form = formFrom(view);
    expect(form['obs.password']).toBe('');
    const keys = ['obs.host', 'obs.port', 'obs.enabled', 'obs.password'];
    const numeric = new Set(['obs.port']);
    expect(sectionPatch(keys, view, form, new Set(), numeric)).toEqual({});
    form['obs.host'] = ' obs.lan ';
    form['obs.port'] = '4460';
    form['obs.enabled'] = false;
    expect(sectionPatch(keys, view, form, new Set(), numeric)).toEqual({ 'obs.host': 'obs.lan', 'obs.enabled': false });
    expect(sectionPatch(keys, view, form, new Set(['obs.password']), numeric)['obs.password']).toBeNull();
    form['obs.password'] = 'pw';
    expect(sectionPatch(keys, view, form, new Set(), numeric)['obs.password']).toBe('pw');
  });

  it('says what failed in the streamer’s words', () => {
    expect(obsTestText({ ok: false, reason: 'wrong_password', message: '' }).title).toBe('Wrong password');
    expect(obsTestText({ ok: false, reason: 'unreachable', message: '' }).title).toMatch(/unreachable/);
    expect(obsTestText({ ok: true, message: '', obs_version: '30.2.3', scenes: 1 }).advice).toMatch(/1 scene\./);
  });
});
