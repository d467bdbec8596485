import { chatConfig, chatLog, badgeLabels, emoteUrl, nameColor, segments, visibleLines, type ChatBoxConfig, type ChatLine } from '../chat-log';
import { h, prefersReducedMotion } from '../dom';
import { num, str } from '../props';
import type { OverlayElement } from '../types';
import { BaseView } from './base';

/** Fade-out of a line that has been shown for `fade_after_s`. */
const FADE_MS = 600;

/**
 * `chat`: the live chat, newest line at the bottom. Lines are keyed by id, so a
 * new batch appends and removes nodes instead of redrawing the box. Text is
 * always set as text; an emote is an image whose alt is its text, and its text
 * again if the image cannot load.
 */
export class ChatView extends BaseView {
  readonly root = h('div', 'content content-chat');
  private readonly list = h('ol', 'chat-lines');
  private config: ChatBoxConfig = chatConfig({});
  private readonly nodes = new Map<string, HTMLLIElement>();
  private readonly timers = new Map<string, number>();
  private readonly unsubscribe: () => void;
  private shown = false;

  constructor() {
    super();
    this.list.setAttribute('aria-live', 'off');
    this.root.append(this.list);
    this.unsubscribe = chatLog.subscribe(() => this.render());
  }

  update(el: OverlayElement): void {
    this.config = chatConfig(el.properties);
    const bg = str(el.properties.background) ?? '#0E0E1A';
    const alpha = Math.max(0, Math.min(1, num(el.properties.background_opacity) ?? 0.55));
    this.root.style.setProperty('--chat-bg', /^#[0-9a-f]{6}$/i.test(bg) ? `${bg}${Math.round(alpha * 255).toString(16).padStart(2, '0')}` : bg);
    this.root.classList.toggle('chat-no-badges', !this.config.badges);
    this.render();
  }

  override start(): void {
    this.shown = true;
    this.render();
  }

  override hidden(): void {
    this.shown = false;
  }

  override destroy(): void {
    this.unsubscribe();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private render(): void {
    const want = visibleLines(chatLog.all, this.config);
    const keep = new Set(want.map((l) => l.id));
    for (const [id, node] of this.nodes) {
      if (!keep.has(id)) this.drop(id, node);
    }
    for (const line of want) {
      if (this.nodes.has(line.id)) continue;
      const node = lineNode(line, this.config.badges);
      this.nodes.set(line.id, node);
      this.list.append(node);
      this.scheduleFade(line);
    }
  }

  private drop(id: string, node: HTMLLIElement): void {
    this.nodes.delete(id);
    const t = this.timers.get(id);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(id);
    node.remove();
  }

  private scheduleFade(line: ChatLine): void {
    if (this.config.fadeAfterS <= 0) return;
    const age = Date.now() - line.ts;
    const wait = Math.max(0, this.config.fadeAfterS * 1000 - age);
    this.timers.set(
      line.id,
      window.setTimeout(() => {
        const node = this.nodes.get(line.id);
        if (!node) return;
        if (!this.shown || prefersReducedMotion() || typeof node.animate !== 'function') {
          this.drop(line.id, node);
          return;
        }
        node.dataset.fading = 'true';
        const anim = node.animate([{ opacity: 1 }, { opacity: 0 }], { duration: FADE_MS, easing: 'ease-out', fill: 'forwards' });
        anim.onfinish = () => this.drop(line.id, node);
      }, wait),
    );
  }
}

function lineNode(line: ChatLine, badges: boolean): HTMLLIElement {
  const li = h('li', 'chat-line');
  li.dataset.chatLine = line.id;
  li.dataset.user = line.login;
  if (line.action) li.classList.add('chat-action');
  if (badges) {
    for (const b of badgeLabels(line.badges)) {
      const span = h('span', `chat-badge chat-badge-${b.kind}`);
      span.textContent = b.label;
      li.append(span);
    }
  }
  const name = h('span', 'chat-name');
  name.textContent = line.name;
  name.style.color = nameColor(line.login, line.color);
  li.append(name);
  const text = h('span', 'chat-text');
  if (line.action) text.style.color = name.style.color;
  for (const seg of segments(line.text, line.emotes)) {
    if ('emote' in seg) {
      const img = h('img', 'chat-emote');
      img.alt = seg.text;
      img.dataset.emote = seg.emote;
      img.decoding = 'async';
      img.referrerPolicy = 'no-referrer';
      img.addEventListener('error', () => img.replaceWith(document.createTextNode(seg.text)), { once: true });
      img.src = emoteUrl(seg.emote);
      text.append(img);
    } else {
      text.append(document.createTextNode(seg.text));
    }
  }
  li.append(text);
  return li;
}
