// The admin's state and every action that talks to the daemon. One reactive object; the
// WebSocket keeps it truthful (element updates applied in place, structural changes
// re-fetched), and /api/status is polled for client counts.

import { reactive } from 'vue';
import { api, ApiError, errorText, getToken, setToken, setUnauthorizedHandler } from './api';
import { STRUCTURAL_ACTIONS, describeEntry, moveItem } from './format';
import { buildPayload, errorField, listWords, missingRequired, peopleWords, reconcileValues, type FieldErrors, type FormValues } from './forms';
import * as hk from './hotkeys';
import { adminSocketUrl, LiveLink, type LinkState } from './live';
import { parseAccount, parseAccounts, type TwitchAccount, type TwitchAccounts, type TwitchRole } from './settings/twitch';
import type {
  AuditEntry,
  ChatCommand,
  ChatLine,
  CommandTestResult,
  Dashboard,
  DashboardDetail,
  Dict,
  Element,
  Executed,
  FeatureSpec,
  Permission,
  Status,
  Widget,
  WidgetType,
} from './types';

export interface FeatureForm {
  values: FormValues;
  touched: string[];
  /** The daemon's messages, per field. */
  errors: FieldErrors;
  /** A daemon message that belongs to no single field. */
  formError: string;
  /** Last run from this page, for the button's feedback. */
  last: { ok: boolean; at: number; standby?: boolean } | null;
  /** The last run reached no overlay: the dashboard to offer going live with. */
  standby: { dashboardId: number | null; dashboardName: string } | null;
  /** Spec signature the values were reconciled against. */
  sig: string;
}

export interface Toast {
  id: number;
  kind: 'ok' | 'error' | 'info';
  text: string;
}

export type Route = { page: 'dashboards'; dashboardId: number | null } | { page: 'commands' } | { page: 'alerts' } | { page: 'events' } | { page: 'media' } | { page: 'settings' } | { page: 'api' } | { page: 'notfound'; path: string };

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

const PREVIEW_KEY = 'stagehand.admin.preview';
const AUDIT_KEEP = 60;
const CHAT_KEEP = 80;

export const state = reactive({
  booted: false,
  needToken: false,
  tokenMessage: '',
  link: 'connecting' as LinkState,
  /** The daemon answered the last status poll. */
  reachable: true,
  status: null as Status | null,
  dashboards: [] as Dashboard[],
  activeId: null as number | null,
  route: { page: 'dashboards', dashboardId: null } as Route,
  detail: null as DashboardDetail | null,
  detailMissing: false,
  widgetTypes: [] as WidgetType[],
  allWidgets: null as Widget[] | null,
  audit: [] as AuditEntry[],
  auditAvailable: true,
  chat: [] as ChatLine[],
  commands: null as ChatCommand[] | null,
  /** null = not asked yet; false = this daemon has no /api/commands. */
  commandsAvailable: null as boolean | null,
  forms: {} as Record<string, FeatureForm>,
  running: {} as Record<string, boolean>,
  /** Widget id -> when a feature of it last fired (any source), for a flash on its panel. */
  fired: {} as Record<number, { at: number; by: string; feature: string }>,
  toasts: [] as Toast[],
  bindings: hk.loadBindings(storage()) as hk.Bindings,
  /** A feature waiting for a key press to bind, as `widgetId:feature`. */
  capturing: null as string | null,
  preview: (storage()?.getItem(PREVIEW_KEY) ?? (window.innerWidth >= 1280 ? '1' : '0')) === '1',
  now: Date.now(),
  helpOpen: false,
  /** Bumped when OBS's scene list may have changed (frames), so pickers ask again. */
  obsScenesRev: 0,
  /** The overlay preview iframe is on screen (it is one of the connected overlays). */
  previewShown: false,
  /** A dashboard being activated (request in flight). */
  goingLive: null as number | null,
  /** Twitch login (Settings): null = not asked yet. Kept current by `twitch_accounts` frames. */
  twitchAccounts: null as TwitchAccounts | null,
  /** false = this daemon has no /api/twitch/accounts (an older build). */
  twitchAccountsAvailable: true,
  /** Bumped on every `command_executed` frame and on a reconnect: the alert queues may have moved (the Alerts page re-fetches). */
  alertsRev: 0,
});

// ---------------------------------------------------------------- toasts

let toastSeq = 0;
export function toast(kind: Toast['kind'], text: string, ms = 4000): void {
  const id = ++toastSeq;
  state.toasts.push({ id, kind, text });
  if (state.toasts.length > 4) state.toasts.shift();
  setTimeout(() => dismissToast(id), ms);
}
export function dismissToast(id: number): void {
  const i = state.toasts.findIndex((t) => t.id === id);
  if (i >= 0) state.toasts.splice(i, 1);
}

function fail(prefix: string, e: unknown): void {
  if (e instanceof ApiError && e.status === 401) return; // the token prompt says it
  toast('error', `${prefix}: ${errorText(e)}`, 6000);
}

// ---------------------------------------------------------------- routing (#/d/3, #/commands)

/** `#/`, `#/d/3`, `#/commands`; anything else is a page that does not exist (said so, not hidden). */
export function parseHash(hash: string): Route {
  const h = hash.replace(/^#\/?/, '').replace(/\/+$/, '');
  if (h === '') return { page: 'dashboards', dashboardId: null };
  if (h === 'commands') return { page: 'commands' };
  if (h === 'media') return { page: 'media' };
  if (h === 'alerts') return { page: 'alerts' };
  if (h === 'events') return { page: 'events' };
  if (h === 'settings') return { page: 'settings' };
  if (h === 'api') return { page: 'api' };
  const m = /^d\/(\d+)$/.exec(h);
  if (m) return { page: 'dashboards', dashboardId: Number(m[1]) };
  return { page: 'notfound', path: `#/${h}` };
}

export function go(route: Route): void {
  const hash = route.page === 'settings' ? '#/settings' : route.page === 'api' ? '#/api' : route.page === 'media' ? '#/media' : route.page === 'alerts' ? '#/alerts' : route.page === 'events' ? '#/events' : route.page === 'commands' ? '#/commands' : route.page === 'notfound' ? route.path : route.dashboardId !== null ? `#/d/${route.dashboardId}` : '#/';
  if (location.hash !== hash) history.replaceState(null, '', hash);
  applyRoute(route);
}

function applyRoute(route: Route): void {
  const prev = state.route;
  state.route = route;
  if (route.page === 'commands') {
    void loadCommands();
    void loadAllWidgets();
    return;
  }
  if (route.page === 'media') return; // the Media page loads its own library
  if (route.page === 'alerts') {
    void loadAllWidgets(); // which alert widgets (and queues) exist
    return;
  }
  if (route.page === 'notfound' || route.page === 'settings' || route.page === 'api' || route.page === 'events') return;
  if (state.dashboards.length && !state.dashboards.some((d) => d.id === route.dashboardId)) {
    ensureSelection(); // no (or an unknown) dashboard in the address: the live one, else the first
    return;
  }
  const changed = prev.page !== 'dashboards' || prev.dashboardId !== route.dashboardId || state.detail?.id !== route.dashboardId;
  if (changed) {
    if (state.detail && state.detail.id !== route.dashboardId) state.detail = null;
    void loadDetail();
  }
}

export const selectedId = (): number | null => (state.route.page === 'dashboards' ? state.route.dashboardId : null);

export function selectDashboard(id: number): void {
  go({ page: 'dashboards', dashboardId: id });
}

/** Keeps the route on an existing dashboard: the active one, else the first. */
function ensureSelection(): void {
  if (state.route.page !== 'dashboards') return;
  const id = state.route.dashboardId;
  if (id !== null && state.dashboards.some((d) => d.id === id)) return;
  const next = state.dashboards.find((d) => d.id === state.activeId) ?? state.dashboards[0];
  go({ page: 'dashboards', dashboardId: next ? next.id : null });
}

// ---------------------------------------------------------------- loading

let detailReq = 0;

export async function loadDashboards(): Promise<void> {
  try {
    const list = await api<Dashboard[]>('GET', '/api/dashboards');
    state.dashboards = list;
    const active = list.find((d) => d.active);
    state.activeId = active ? active.id : null;
    ensureSelection();
  } catch (e) {
    fail('Could not load dashboards', e);
  }
}

export async function loadDetail(): Promise<void> {
  const id = selectedId();
  const req = ++detailReq;
  if (id === null) {
    state.detail = null;
    return;
  }
  try {
    const d = await api<DashboardDetail>('GET', `/api/dashboards/${id}`);
    if (req !== detailReq) return; // a newer request is on its way
    state.detail = d;
    state.detailMissing = false;
    for (const w of d.widgets) for (const f of w.features) formFor(w.id, f);
  } catch (e) {
    if (req !== detailReq) return;
    if (e instanceof ApiError && e.status === 404) {
      state.detail = null;
      state.detailMissing = true;
      await loadDashboards();
      return;
    }
    fail('Could not load the dashboard', e);
  }
}

export async function loadWidgetTypes(): Promise<void> {
  try {
    state.widgetTypes = await api<WidgetType[]>('GET', '/api/widget-types');
  } catch (e) {
    fail('Could not load the widget library', e);
  }
}

export async function loadAllWidgets(): Promise<void> {
  try {
    state.allWidgets = await api<Widget[]>('GET', '/api/widgets');
    prune();
  } catch (e) {
    fail('Could not load widgets', e);
  }
}

export async function loadStatus(): Promise<void> {
  try {
    const s = await api<Status>('GET', '/api/status');
    // obs/twitch frames may be newer than the poll; the poll is the fallback.
    state.status = s;
    state.reachable = true;
    if (state.link !== 'live' && s.active_dashboard_id !== undefined && s.active_dashboard_id !== state.activeId) setActive(s.active_dashboard_id);
  } catch (e) {
    state.reachable = !(e instanceof ApiError && e.status === 0);
  }
}

export async function loadAudit(): Promise<void> {
  try {
    const list = await api<AuditEntry[]>('GET', '/api/audit?limit=40');
    state.audit = list;
    state.auditAvailable = true;
  } catch (e) {
    if (e instanceof ApiError && e.missingEndpoint) state.auditAvailable = false;
  }
}

export async function loadCommands(): Promise<void> {
  try {
    state.commands = await api<ChatCommand[]>('GET', '/api/commands');
    state.commandsAvailable = true;
  } catch (e) {
    if (e instanceof ApiError && e.missingEndpoint) {
      state.commandsAvailable = false;
      state.commands = [];
      return;
    }
    fail('Could not load chat commands', e);
  }
}

let refreshTimer: ReturnType<typeof setTimeout> | null = null;
/** Something changed elsewhere: re-fetch lists and the open dashboard (coalesced). */
export function scheduleRefresh(): void {
  if (refreshTimer !== null) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    void refreshAll();
  }, 40);
}

export async function refreshAll(): Promise<void> {
  const jobs: Promise<void>[] = [loadDashboards().then(() => loadDetail())];
  if (state.allWidgets !== null) jobs.push(loadAllWidgets());
  if (state.commandsAvailable) jobs.push(loadCommands());
  await Promise.all(jobs);
}

// ---------------------------------------------------------------- live updates

function eachWidget(fn: (w: Widget) => void): void {
  for (const w of state.detail?.widgets ?? []) fn(w);
  for (const w of state.allWidgets ?? []) fn(w);
}

function applyElement(el: Element, deleted: boolean): void {
  eachWidget((w) => {
    if (w.id !== el.widget_id) return;
    const i = w.elements.findIndex((e) => e.id === el.id || e.name === el.name);
    if (deleted) {
      if (i >= 0) w.elements.splice(i, 1);
    } else if (i >= 0) {
      // Keep `media` (not on the wire) and replace the rest.
      w.elements[i] = { ...w.elements[i], ...el } as Element;
    } else {
      w.elements.push(el);
    }
  });
}

function setActive(id: number | null): void {
  state.activeId = id;
  for (const d of state.dashboards) d.active = d.id === id;
  if (state.detail) {
    state.detail.active = state.detail.id === id;
    for (const w of state.detail.widgets) w.enabled = id !== null && state.dashboards.find((d) => d.id === id)?.widget_ids.includes(w.id) === true;
  }
  if (state.status) state.status.active_dashboard_id = id;
}

function addAudit(entry: AuditEntry): void {
  if (state.audit.some((a) => a.id === entry.id)) return;
  state.audit.unshift(entry);
  state.audit.sort((a, b) => b.id - a.id);
  if (state.audit.length > AUDIT_KEEP) state.audit.length = AUDIT_KEEP;
}

function mergeStatus(part: 'obs' | 'twitch', f: Dict): void {
  if (!state.status) return;
  const src = (f.status && typeof f.status === 'object' ? f.status : f) as Dict;
  const target = state.status[part] as unknown as Dict;
  for (const [k, v] of Object.entries(src)) if (k !== 'type' && k !== 'seq') target[k] = v;
}

let chatSeq = 0;
function addChat(f: Dict): void {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const login = str(f.login);
  const text = str(f.text) || str(f.message);
  if (!text) return;
  const roles = (f.roles && typeof f.roles === 'object' ? f.roles : {}) as Record<string, unknown>;
  state.chat.push({
    key: ++chatSeq,
    login,
    display_name: str(f.display_name) || str(f.user) || login || 'viewer',
    text,
    color: str(f.color) || null,
    at_ms: typeof f.at_ms === 'number' ? f.at_ms : Date.now(),
    roles: ['broadcaster', 'moderator', 'vip', 'subscriber'].filter((r) => roles[r] === true),
  });
  if (state.chat.length > CHAT_KEEP) state.chat.splice(0, state.chat.length - CHAT_KEEP);
}

let snapshots = 0;
function onFrame(f: Dict & { type: string }): void {
  switch (f.type) {
    case 'snapshot': {
      setActive(typeof f.active_dashboard_id === 'number' ? f.active_dashboard_id : null);
      for (const el of (f.elements as Element[] | undefined) ?? []) applyElement(el, false);
      // A reconnect (or resync): we may have missed anything; start from the daemon's truth.
      if (snapshots++ > 0) {
        scheduleRefresh();
        state.alertsRev++;
        void loadAudit();
        if (state.twitchAccounts) void loadTwitchAccounts();
      }
      break;
    }
    case 'element_update': {
      const el = f.element as Element | undefined;
      if (el) applyElement(el, f.action === 'delete');
      break;
    }
    case 'dashboard_activated':
      setActive(typeof f.dashboard_id === 'number' ? f.dashboard_id : null);
      break;
    case 'dashboard_deactivated':
      if (state.activeId === f.dashboard_id) setActive(null);
      break;
    case 'command_executed': {
      const entry = f.entry as AuditEntry | undefined;
      if (!entry) break;
      addAudit(entry);
      state.alertsRev++;
      if (entry.ok && STRUCTURAL_ACTIONS.has(entry.action)) scheduleRefresh();
      if (entry.ok && entry.action === 'execute') {
        const d = describeEntry(entry);
        if (d.widgetId !== null) {
          const by = entry.actor.kind === 'chat' ? `@${entry.actor.login ?? 'chat'}` : entry.actor.kind === 'admin' ? '' : entry.actor.kind;
          state.fired[d.widgetId] = { at: Date.now(), by, feature: d.feature ?? '' };
        }
      }
      break;
    }
    case 'obs_status': {
      const was = state.status?.obs.connected;
      mergeStatus('obs', f);
      if (state.status && state.status.obs.connected !== was) state.obsScenesRev++;
      break;
    }
    case 'obs_scenes_changed':
      state.obsScenesRev++;
      break;
    case 'twitch_status':
      mergeStatus('twitch', f);
      break;
    case 'twitch_accounts': {
      const a = parseAccounts(f);
      if (a) state.twitchAccounts = a;
      break;
    }
    case 'chat_message':
      addChat(f);
      break;
    default:
      break;
  }
}

export const link = new LiveLink(() => adminSocketUrl(location, getToken()), {
  onFrame,
  onState(s) {
    state.link = s;
  },
});

// ---------------------------------------------------------------- Twitch login (Settings)

export async function loadTwitchAccounts(): Promise<void> {
  try {
    const a = parseAccounts(await api<unknown>('GET', '/api/twitch/accounts'));
    if (a) state.twitchAccounts = a;
    state.twitchAccountsAvailable = true;
  } catch (e) {
    if (e instanceof ApiError && e.missingEndpoint) state.twitchAccountsAvailable = false;
    else fail('Could not load the Twitch accounts', e);
  }
}

function putAccount(a: TwitchAccount): void {
  if (state.twitchAccounts) state.twitchAccounts[a.role] = a;
}

/** Starts a device-code login; the account comes back `pending` with the code to approve. Throws the daemon's refusal. */
export async function twitchLogin(role: TwitchRole): Promise<void> {
  putAccount(parseAccount(await api<unknown>('POST', `/api/twitch/accounts/${role}/login`), role));
}

/** Logs out (the daemon revokes the token at Twitch and forgets it) or cancels a pending login. */
export async function twitchLogout(role: TwitchRole): Promise<void> {
  putAccount(parseAccount(await api<unknown>('DELETE', `/api/twitch/accounts/${role}`), role));
}

// ---------------------------------------------------------------- dashboards

export async function createDashboard(name: string, obsScene: string | null): Promise<Dashboard> {
  const d = await api<DashboardDetail>('POST', '/api/dashboards', { name, obs_scene: obsScene || null });
  await loadDashboards();
  selectDashboard(d.id);
  return d;
}

export async function updateDashboard(id: number, patch: { name?: string; obs_scene?: string | null; widget_ids?: number[]; position?: number }): Promise<DashboardDetail> {
  const d = await api<DashboardDetail>('PATCH', `/api/dashboards/${id}`, patch);
  const i = state.dashboards.findIndex((x) => x.id === id);
  if (i >= 0) state.dashboards[i] = { ...state.dashboards[i]!, ...stripWidgets(d) };
  if (state.detail?.id === id) state.detail = d;
  return d;
}

function stripWidgets(d: DashboardDetail): Dashboard {
  const { widgets: _w, ...rest } = d;
  return rest;
}

export async function deleteDashboard(id: number): Promise<void> {
  await api('DELETE', `/api/dashboards/${id}`);
  state.dashboards = state.dashboards.filter((d) => d.id !== id);
  if (state.activeId === id) setActive(null);
  ensureSelection();
  await loadDashboards();
}

/** Not optimistic: the page only says "live" once the daemon committed it. */
export async function activateDashboard(id: number): Promise<void> {
  if (state.goingLive !== null) return;
  state.goingLive = id;
  try {
    const d = await api<DashboardDetail>('POST', `/api/dashboards/${id}/activate`);
    if (d.active) setActive(id);
  } catch (e) {
    fail('Could not go live', e);
  } finally {
    state.goingLive = null;
  }
}

/** New tab order; positions are sort keys, so every tab gets its index. */
export async function reorderDashboards(from: number, to: number): Promise<void> {
  const order = moveItem(state.dashboards, from, to);
  state.dashboards = order.map((d, i) => ({ ...d, position: i }));
  try {
    for (const [i, d] of order.entries()) {
      if (d.position !== i) await api('PATCH', `/api/dashboards/${d.id}`, { position: i });
    }
  } catch (e) {
    fail('Could not reorder dashboards', e);
  }
  await loadDashboards();
}

// ---------------------------------------------------------------- widgets

export async function createWidget(widgetClass: string, name: string, dashboardId: number | null): Promise<Widget> {
  const w = await api<Widget>('POST', '/api/widgets', {
    widget_class: widgetClass,
    name,
    dashboard_ids: dashboardId !== null ? [dashboardId] : [],
  });
  await refreshAll();
  return w;
}

export async function addExistingWidget(dashboardId: number, widgetId: number): Promise<void> {
  const d = state.dashboards.find((x) => x.id === dashboardId);
  const ids = [...(d?.widget_ids ?? state.detail?.widget_ids ?? [])];
  if (!ids.includes(widgetId)) ids.push(widgetId);
  await updateDashboard(dashboardId, { widget_ids: ids });
  if (state.allWidgets) void loadAllWidgets();
}

export async function removeFromDashboard(dashboardId: number, widgetId: number): Promise<void> {
  const d = state.detail?.id === dashboardId ? state.detail : state.dashboards.find((x) => x.id === dashboardId);
  const ids = (d?.widget_ids ?? []).filter((x) => x !== widgetId);
  await updateDashboard(dashboardId, { widget_ids: ids });
}

export async function reorderWidgets(dashboardId: number, from: number, to: number): Promise<void> {
  const d = state.detail;
  if (!d || d.id !== dashboardId) return;
  const widgets = moveItem(d.widgets, from, to);
  d.widgets = widgets; // optimistic; the PATCH answer confirms it
  const ids = widgets.map((w) => w.id);
  const rest = d.widget_ids.filter((id) => !ids.includes(id));
  try {
    await updateDashboard(dashboardId, { widget_ids: [...ids, ...rest] });
  } catch (e) {
    fail('Could not reorder widgets', e);
    void loadDetail();
  }
}

export async function updateWidget(id: number, patch: { name?: string; widget_parameters?: Dict }): Promise<Widget> {
  const w = await api<Widget>('PATCH', `/api/widgets/${id}`, patch);
  replaceWidget(w);
  return w;
}

function replaceWidget(w: Widget): void {
  if (state.detail) {
    const i = state.detail.widgets.findIndex((x) => x.id === w.id);
    if (i >= 0) state.detail.widgets[i] = w;
  }
  if (state.allWidgets) {
    const i = state.allWidgets.findIndex((x) => x.id === w.id);
    if (i >= 0) state.allWidgets[i] = w;
  }
  for (const f of w.features) formFor(w.id, f);
}

export async function deleteWidget(id: number): Promise<void> {
  await api('DELETE', `/api/widgets/${id}`);
  if (state.detail) state.detail.widgets = state.detail.widgets.filter((w) => w.id !== id);
  await refreshAll();
  prune();
}

export async function patchElement(widgetId: number, name: string, patch: Dict): Promise<Element> {
  const el = await api<Element>('PATCH', `/api/widgets/${widgetId}/elements/${encodeURIComponent(name)}`, patch);
  applyElement(el, false);
  return el;
}

// ---------------------------------------------------------------- features

export const formKey = (widgetId: number, feature: string): string => `${widgetId}:${feature}`;

function specSig(f: FeatureSpec): string {
  return JSON.stringify(f.parameters);
}

/** The form of one feature, created with defaults, and kept in line with its spec. */
export function formFor(widgetId: number, feature: FeatureSpec): FeatureForm {
  const key = formKey(widgetId, feature.name);
  let form = state.forms[key];
  const sig = specSig(feature);
  if (!form) {
    state.forms[key] = {
      values: reconcileValues(feature.parameters, {}, new Set()),
      touched: [],
      errors: {},
      formError: '',
      last: null,
      standby: null,
      sig,
    };
    form = state.forms[key]!;
  } else if (form.sig !== sig) {
    form.values = reconcileValues(feature.parameters, form.values, new Set(form.touched));
    form.sig = sig;
  }
  return form;
}

export function setField(widgetId: number, feature: string, name: string, value: FormValues[string]): void {
  const form = state.forms[formKey(widgetId, feature)];
  if (!form) return;
  form.values[name] = value;
  if (!form.touched.includes(name)) form.touched.push(name);
  delete form.errors[name];
  form.formError = '';
}

/** Is the widget on the live dashboard (what the overlay shows)? */
export function widgetIsLive(widgetId: number): boolean {
  const active = state.dashboards.find((d) => d.id === state.activeId);
  return active !== undefined && active.widget_ids.includes(widgetId);
}

/** The dashboard to go live with for a widget: the one on screen if it holds it, else its first. */
export function standbyDashboard(widgetId: number): Dashboard | null {
  const here = state.dashboards.find((d) => d.id === selectedId());
  if (here && here.widget_ids.includes(widgetId)) return here;
  return state.dashboards.find((d) => d.widget_ids.includes(widgetId)) ?? null;
}

export async function execute(widget: Widget, feature: FeatureSpec): Promise<boolean> {
  const key = formKey(widget.id, feature.name);
  const form = formFor(widget.id, feature);
  if (state.running[key]) return false;
  const missing = missingRequired(feature.parameters, form.values);
  if (missing.length) {
    // Say what is missing before sending anything.
    const errors: FieldErrors = {};
    for (const p of missing) errors[p.name] = `${p.display_name || p.name} is required`;
    form.errors = { ...form.errors, ...errors };
    form.formError = `Fill in ${listWords(missing.map((p) => p.display_name || p.name))} first.`;
    form.last = { ok: false, at: Date.now() };
    return false;
  }
  state.running[key] = true;
  try {
    const res = await api<Executed>('POST', `/api/widgets/${widget.id}/execute`, {
      feature: feature.name,
      parameters: buildPayload(feature.parameters, form.values),
    });
    const live = typeof res.live === 'boolean' ? res.live : widgetIsLive(widget.id);
    form.errors = {};
    form.formError = '';
    form.last = { ok: true, at: Date.now(), standby: !live };
    if (live) form.standby = null;
    else {
      const d = standbyDashboard(widget.id);
      form.standby = { dashboardId: d?.id ?? null, dashboardName: d?.name ?? '' };
    }
    for (const el of res.elements ?? []) applyElement(el, false);
    return true;
  } catch (e) {
    form.last = { ok: false, at: Date.now() };
    form.standby = null;
    if (e instanceof ApiError && e.status !== 401) {
      const names = feature.parameters.map((p) => p.name);
      const field = errorField(e.field, 'parameters', names);
      const text = peopleWords(e.message, feature.parameters);
      if (field) form.errors = { ...form.errors, [field]: text };
      else form.formError = text;
    } else if (!(e instanceof ApiError)) {
      form.formError = errorText(e);
    }
    return false;
  } finally {
    state.running[key] = false;
  }
}

/** "Go live and run": activate the widget's dashboard, then run the feature again. */
export async function goLiveAndRun(widget: Widget, feature: FeatureSpec): Promise<boolean> {
  const form = formFor(widget.id, feature);
  const id = form.standby?.dashboardId ?? standbyDashboard(widget.id)?.id ?? null;
  if (id === null) {
    toast('error', `${widget.name} is on no dashboard; add it to one first.`);
    return false;
  }
  await activateDashboard(id);
  if (state.activeId !== id) return false;
  return execute(widget, feature);
}

function findWidget(id: number): Widget | undefined {
  return state.detail?.widgets.find((w) => w.id === id) ?? state.allWidgets?.find((w) => w.id === id);
}

/** A bound key was pressed: run that feature with what its form holds now. */
export async function runHotkey(combo: string): Promise<boolean> {
  const target = state.bindings[combo];
  if (!target) return false;
  let w = findWidget(target.widget_id);
  if (!w) {
    try {
      w = await api<Widget>('GET', `/api/widgets/${target.widget_id}`);
    } catch (e) {
      fail(`Shortcut ${combo}`, e);
      return true;
    }
  }
  const f = w.features.find((x) => x.name === target.feature);
  if (!f) {
    toast('error', `Shortcut ${combo}: ${w.name} has no feature ${target.feature}`);
    return true;
  }
  const ok = await execute(w, f);
  toast(ok ? 'ok' : 'error', ok ? `${combo} → ${f.display_name} (${w.name})` : `${combo} → ${f.display_name}: ${firstError(w.id, f.name)}`, 2500);
  return true;
}

function firstError(widgetId: number, feature: string): string {
  const form = state.forms[formKey(widgetId, feature)];
  if (!form) return 'failed';
  return form.formError || Object.values(form.errors)[0] || 'failed';
}

// ---------------------------------------------------------------- hotkey bindings

export function setBinding(combo: string, target: hk.HotkeyTarget): void {
  state.bindings = hk.bind(state.bindings, combo, target);
  hk.saveBindings(storage(), state.bindings);
}

export function clearBinding(target: hk.HotkeyTarget): void {
  state.bindings = hk.unbind(state.bindings, target);
  hk.saveBindings(storage(), state.bindings);
}

function prune(): void {
  if (!state.allWidgets) return;
  const ids = new Set(state.allWidgets.map((w) => w.id));
  const pruned = hk.pruneBindings(state.bindings, ids);
  if (Object.keys(pruned).length !== Object.keys(state.bindings).length) {
    state.bindings = pruned;
    hk.saveBindings(storage(), pruned);
  }
}

// ---------------------------------------------------------------- chat commands

export type CommandDraft = Omit<ChatCommand, 'id' | 'usage'>;

export async function saveCommand(id: number | null, draft: CommandDraft): Promise<ChatCommand> {
  const c = id === null ? await api<ChatCommand>('POST', '/api/commands', draft) : await api<ChatCommand>('PATCH', `/api/commands/${id}`, draft);
  await loadCommands();
  return c;
}

export async function setCommandEnabled(c: ChatCommand, enabled: boolean): Promise<void> {
  const prev = c.enabled;
  c.enabled = enabled;
  try {
    await api('PATCH', `/api/commands/${c.id}`, { enabled });
  } catch (e) {
    c.enabled = prev;
    fail('Could not change the command', e);
  }
}

/** Runs a chat line through the daemon's real chat logic; `execute` fires it for real. */
export async function testCommand(body: { line: string; role: Permission; user?: string; execute?: boolean }): Promise<CommandTestResult> {
  return api<CommandTestResult>('POST', '/api/commands/test', body);
}

export async function deleteCommand(id: number): Promise<void> {
  await api('DELETE', `/api/commands/${id}`);
  await loadCommands();
}

// ---------------------------------------------------------------- preview, token, boot

export function setPreview(on: boolean): void {
  state.preview = on;
  try {
    storage()?.setItem(PREVIEW_KEY, on ? '1' : '0');
  } catch {
    // fine
  }
}

export async function submitToken(t: string): Promise<void> {
  setToken(t);
  state.needToken = false;
  state.tokenMessage = '';
  await bootData();
  link.restart();
}

async function bootData(): Promise<void> {
  const extra = state.route.page === 'commands' ? [loadCommands(), loadAllWidgets()] : state.route.page === 'alerts' ? [loadAllWidgets()] : [];
  await Promise.all([loadStatus(), loadWidgetTypes(), loadDashboards(), loadAudit(), ...extra]);
  await loadDetail();
}

export async function boot(): Promise<void> {
  setUnauthorizedHandler(() => {
    if (!state.needToken) {
      state.tokenMessage = getToken() ? 'That token was not accepted. Check server.admin_token in the daemon config.' : '';
      state.needToken = true;
    }
  });
  state.route = parseHash(location.hash);
  window.addEventListener('hashchange', () => applyRoute(parseHash(location.hash)));
  await bootData();
  state.booted = true;
  link.start();
  setInterval(() => void loadStatus(), 3000);
  setInterval(() => {
    state.now = Date.now();
  }, 5000);
}
