// REST + WebSocket shapes the admin UI uses (shared/design/PROTOCOL.md).

import type { Dict, MediaDetail, OverlayElement } from '../overlay/types';

// The wire element and its media are the overlay's types: one definition of the protocol.
export type { Dict, MediaDetail };

export type ParamType = 'dropdown' | 'multiselect' | 'checkbox' | 'text' | 'color' | 'number' | 'slider' | 'media';

export interface ParamSpec {
  name: string;
  type: ParamType;
  display_name: string;
  description?: string;
  optional: boolean;
  default?: unknown;
  options?: string[];
  min?: number;
  max?: number;
  step?: number;
  max_length?: number;
  /** `media` parameters: the kind of library file they take. */
  media_kind?: 'image' | 'video' | 'audio';
  /** A `media` parameter holding a list of ids (at most `max_items`). */
  multiple?: boolean;
  max_items?: number;
}

export interface FeatureSpec {
  name: string;
  display_name: string;
  description?: string;
  parameters: ParamSpec[];
}

export interface WidgetType {
  widget_class: string;
  display_name: string;
  description: string;
  widget_parameters: ParamSpec[];
  elements: { name: string; element_type: string }[];
  features: FeatureSpec[];
}

/** An element as the REST API returns it: the wire element plus its role → media id map. */
export interface Element extends OverlayElement {
  media?: Record<string, number | null>;
}

export interface Widget {
  id: number;
  widget_class: string;
  name: string;
  widget_parameters: Dict;
  state?: Dict;
  display_name: string;
  dashboard_ids: number[];
  enabled: boolean;
  elements: Element[];
  features: FeatureSpec[];
}

export interface Dashboard {
  id: number;
  name: string;
  obs_scene: string | null;
  widget_ids: number[];
  position: number;
  active: boolean;
}

export interface DashboardDetail extends Dashboard {
  widgets: Widget[];
}

export interface Status {
  version: string;
  uptime_s: number;
  active_dashboard_id: number | null;
  overlay_clients: number;
  admin_clients?: number;
  engine?: { commands: number; commits: number };
  obs: { enabled: boolean; connected: boolean; state?: string; current_scene: string | null; last_error?: string | null };
  twitch: { enabled: boolean; connected: boolean; channel: string | null; last_error?: string | null };
}

export type ActorKind = 'admin' | 'chat' | 'event' | 'obs' | 'timer';

/** What an audit entry is about, as structured fields (names and ids), never parsed from text. */
export interface AuditSubject {
  kind: 'widget' | 'dashboard' | 'command' | 'binding' | 'element' | 'media' | string;
  widget_id?: number;
  widget_name?: string;
  widget_class?: string;
  feature?: string;
  dashboard_id?: number;
  dashboard_name?: string;
  command_id?: number;
  trigger?: string;
  binding_id?: number;
  element?: string;
  /** For runs: the widget was on the live dashboard, so the overlay showed it. */
  live?: boolean;
}

export interface AuditEntry {
  id: number;
  at_ms: number;
  actor: { kind: ActorKind | string; login?: string; event?: string };
  action: string;
  target: string;
  params: unknown;
  ok: boolean;
  error: string | null;
  subject?: AuditSubject;
}

/** `POST /api/widgets/{id}/execute`'s answer. */
export interface Executed {
  ok: boolean;
  elements: Element[];
  /** The widget is on the live dashboard (absent from older daemons). */
  live?: boolean;
}

export type Permission = 'everyone' | 'subscriber' | 'vip' | 'moderator' | 'broadcaster';

export interface ChatCommand {
  id: number;
  trigger: string;
  aliases: string[];
  widget_id: number;
  feature: string;
  args: Dict;
  permission: Permission;
  cooldown_global_s: number;
  cooldown_user_s: number;
  enabled: boolean;
  reply_on_error?: boolean;
  /** The daemon's usage line, as viewers see it in a reply. */
  usage?: string;
}

export interface Media {
  id: number;
  filename: string;
  original_name: string;
  mime_type: string;
  size: number;
  url?: string;
  kind?: string;
  display_name?: string;
  tags?: string[];
  width?: number | null;
  height?: number | null;
  duration?: number | null;
  animated?: boolean;
  thumbnail_url?: string | null;
  used_by?: { widget_id: number; widget_name: string; element: string; role: string }[];
}

export interface ObsScene {
  name: string;
  uuid?: string;
}

export interface ChatLine {
  key: number;
  login: string;
  display_name: string;
  text: string;
  color: string | null;
  at_ms: number;
  /** broadcaster, moderator, vip, subscriber: the ones this viewer has. */
  roles: string[];
}

/** `POST /api/commands/test`: what a chat line would do. */
export interface CommandTestResult {
  outcome: 'not_a_command' | 'denied' | 'unavailable' | 'invalid' | 'cooldown' | 'run';
  command_id: number | null;
  trigger: string | null;
  reply: string | null;
  explanation: string;
  call: { widget_id: number; widget_name: string; feature: string; feature_name: string; parameters: Dict; live: boolean } | null;
  cooldown_s: number | null;
  executed: boolean;
}
