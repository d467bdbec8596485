// Turns a decoded MessagePack value into a typed Frame. Pure: no DOM, no I/O.
// Bad input never throws; it becomes an InvalidFrame (keeping `seq` when it is
// readable, so the sequence tracking stays right even for frames we can't use).
import { parseBatch, parseLines } from './chat-log';
import { dict, isDict, num, str } from './props';
import type { Frame, InvalidFrame, MediaDetail, OverlayElement, UpdateAction } from './types';

const ACTIONS: ReadonlySet<string> = new Set(['show', 'hide', 'update', 'delete']);

function safeInt(v: unknown): number | null {
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : null;
}

function normalizeMedia(raw: unknown): MediaDetail | null {
  if (!isDict(raw)) return null;
  const url = str(raw.url);
  const role = str(raw.role);
  if (!url || !role) return null;
  return {
    id: num(raw.id) ?? 0,
    role,
    url,
    mime_type: str(raw.mime_type) ?? '',
  };
}

/** Validates one wire element; null when it has no usable id. */
export function normalizeElement(raw: unknown): OverlayElement | null {
  if (!isDict(raw)) return null;
  const id = safeInt(raw.id);
  if (id === null) return null;
  const media: MediaDetail[] = [];
  if (Array.isArray(raw.media_details)) {
    for (const m of raw.media_details) {
      const n = normalizeMedia(m);
      if (n) media.push(n);
    }
  }
  return {
    id,
    widget_id: safeInt(raw.widget_id) ?? 0,
    name: str(raw.name) ?? '',
    element_type: str(raw.element_type) ?? 'unknown',
    properties: dict(raw.properties),
    behavior: dict(raw.behavior),
    visible: raw.visible === true,
    // Older servers may omit `enabled`; absent means "on the active dashboard".
    enabled: raw.enabled !== false,
    media_details: media,
  };
}

function invalid(reason: string, seq: number | null): InvalidFrame {
  return { type: 'invalid', reason, seq };
}

export function parseFrame(raw: unknown): Frame | InvalidFrame {
  if (!isDict(raw)) return invalid('frame is not a map', null);
  const seq = safeInt(raw.seq);
  const type = raw.type;
  if (typeof type !== 'string') return invalid('frame has no string "type"', seq);

  switch (type) {
    case 'snapshot': {
      if (seq === null) return invalid('snapshot without seq', null);
      if (!Array.isArray(raw.elements)) return invalid('snapshot without elements array', seq);
      const elements: OverlayElement[] = [];
      let dropped = 0;
      for (const e of raw.elements) {
        const n = normalizeElement(e);
        if (n) elements.push(n);
        else dropped++;
      }
      return { type, seq, active_dashboard_id: safeInt(raw.active_dashboard_id), elements, dropped, chat: parseLines(raw.chat) };
    }
    case 'element_update': {
      if (seq === null) return invalid('element_update without seq', null);
      const action = raw.action;
      if (typeof action !== 'string' || !ACTIONS.has(action)) {
        return invalid(`element_update with unknown action ${JSON.stringify(action)}`, seq);
      }
      const element = normalizeElement(raw.element);
      if (!element) return invalid('element_update without a valid element', seq);
      return { type, seq, action: action as UpdateAction, element };
    }
    case 'chat': {
      if (seq === null) return invalid('chat without seq', null);
      return { type, seq, batch: parseBatch(raw) };
    }
    case 'dashboard_activated':
    case 'dashboard_deactivated': {
      if (seq === null) return invalid(`${type} without seq`, null);
      return { type, seq, dashboard_id: safeInt(raw.dashboard_id) };
    }
    default:
      return { type: 'unknown', seq, raw_type: type };
  }
}
