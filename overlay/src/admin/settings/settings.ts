// The settings page's pure parts: what the daemon sends (/api/settings), how a field's
// origin and an OBS test result read to a streamer, and which values a save sends.

export type Source = 'default' | 'saved' | 'file' | 'env';

export interface SettingEntry {
  value?: unknown;
  secret: boolean;
  /** Secrets only: one is set. */
  set?: boolean;
  source: Source;
  read_only: boolean;
  restart: boolean;
}

export interface SettingsView {
  settings: Record<string, SettingEntry>;
  restart_needed: string[];
  config_file: string | null;
}

export interface ObsTestResult {
  ok: boolean;
  reason?: 'unreachable' | 'wrong_password' | 'password_required' | 'too_old' | 'kicked' | 'timeout' | 'not_obs' | string;
  message: string;
  obs_version?: string;
  websocket_version?: string;
  scenes?: number;
}

export type FormValue = string | number | boolean;

/** `obs.port` → `STAGEHAND__OBS__PORT`, the variable that overrides it. */
export function envName(key: string): string {
  return `STAGEHAND__${key.replace(/\./g, '__').toUpperCase()}`;
}

/** Why a field cannot be edited here, or '' when it can. */
export function pinnedText(key: string, e: SettingEntry | undefined, configFile: string | null): string {
  if (!e?.read_only) return '';
  if (e.source === 'env') return `Set by the environment variable ${envName(key)}`;
  return `Set in the config file${configFile ? ` ${configFile}` : ''}`;
}

/** A short word on where the value comes from, shown beside the label. */
export function sourceBadge(e: SettingEntry | undefined): string {
  switch (e?.source) {
    case 'env':
      return 'environment';
    case 'file':
      return 'config file';
    case 'saved':
      return '';
    default:
      return '';
  }
}

/** The headline and the advice for an OBS test result, in the streamer's words. */
export function obsTestText(r: ObsTestResult): { title: string; advice: string } {
  if (r.ok) {
    const scenes = r.scenes === undefined ? '' : `, ${r.scenes} scene${r.scenes === 1 ? '' : 's'}`;
    return { title: `Connected to OBS ${r.obs_version ?? ''}`.trim(), advice: `obs-websocket ${r.websocket_version ?? '?'}${scenes}. Save to use these settings.` };
  }
  switch (r.reason) {
    case 'unreachable':
      return { title: 'OBS is unreachable', advice: 'Nothing answers at this host and port. Is OBS running, with Tools › WebSocket Server Settings › Enable WebSocket server on, and is the port the same?' };
    case 'wrong_password':
      return { title: 'Wrong password', advice: 'OBS rejected the password. Copy it from OBS › Tools › WebSocket Server Settings › Show Connect Info.' };
    case 'password_required':
      return { title: 'OBS needs a password', advice: 'Authentication is on in OBS. Type the password from Tools › WebSocket Server Settings › Show Connect Info.' };
    case 'too_old':
      return { title: 'OBS is too old', advice: `${r.message}. Update OBS Studio to 30.2 or newer.` };
    case 'kicked':
      return { title: 'OBS kicked the session', advice: 'Someone disconnected stagehand in OBS (Tools › WebSocket Server Settings › Connected clients). Test again to reconnect.' };
    case 'timeout':
      return { title: 'OBS did not answer', advice: `${r.message}. OBS may be busy or frozen; try again.` };
    case 'not_obs':
      return { title: 'That is not OBS', advice: `${r.message}. Check the port: it should be the WebSocket server port shown in OBS.` };
    default:
      return { title: 'Could not connect', advice: r.message };
  }
}

/**
 * The patch for a section: changed plain values as typed (numbers for number fields),
 * secrets only when typed or cleared (`null` forgets the saved one), pinned keys never.
 */
export function sectionPatch(
  keys: readonly string[],
  view: SettingsView,
  form: Record<string, FormValue>,
  cleared: ReadonlySet<string>,
  numeric: ReadonlySet<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const e = view.settings[k];
    if (!e || e.read_only) continue;
    const v = form[k];
    if (e.secret) {
      if (typeof v === 'string' && v !== '') out[k] = v;
      else if (cleared.has(k)) out[k] = null;
      continue;
    }
    const typed = numeric.has(k) && typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
    if (typed !== e.value) out[k] = typeof typed === 'string' ? typed.trim() : typed;
  }
  return out;
}

/** Form values from the view: secrets start empty (they are never sent to us). */
export function formFrom(view: SettingsView): Record<string, FormValue> {
  const out: Record<string, FormValue> = {};
  for (const [k, e] of Object.entries(view.settings)) {
    out[k] = e.secret ? '' : ((e.value ?? '') as FormValue);
  }
  return out;
}
