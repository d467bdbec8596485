// Wire types of the overlay protocol (PROTOCOL.md). Everything that arrives
// over the socket goes through protocol.ts/normalizeElement first, so code
// past that point can rely on these shapes.
import type { ChatBatch, ChatLine } from './chat-log';

export interface MediaDetail {
  id: number;
  role: string;
  url: string;
  mime_type: string;
}

/** Free-form JSON-ish object as decoded from MessagePack. */
export type Dict = Record<string, unknown>;

export interface OverlayElement {
  id: number;
  widget_id: number;
  name: string;
  element_type: string;
  properties: Dict;
  behavior: Dict;
  visible: boolean;
  enabled: boolean;
  media_details: MediaDetail[];
}

export type UpdateAction = 'show' | 'hide' | 'update' | 'delete';

export type Frame =
  | { type: 'snapshot'; seq: number; active_dashboard_id: number | null; elements: OverlayElement[]; dropped: number; chat: ChatLine[] }
  | { type: 'chat'; seq: number; batch: ChatBatch }
  | { type: 'element_update'; seq: number; action: UpdateAction; element: OverlayElement | null }
  | { type: 'dashboard_activated'; seq: number; dashboard_id: number | null }
  | { type: 'dashboard_deactivated'; seq: number; dashboard_id: number | null }
  | { type: 'unknown'; seq: number | null; raw_type: string };

/** A frame that could not be understood; `seq` is kept when readable so gaps still count right. */
export interface InvalidFrame {
  type: 'invalid';
  reason: string;
  seq: number | null;
}
