import { describe, expect, it } from 'vitest';
import { ChatLog, HISTORY, badgeLabels, chatConfig, nameColor, parseBatch, parseLine, segments, visibleLines, type ChatLine } from './chat-log';

const line = (id: string, over: Partial<ChatLine> = {}): ChatLine => ({
  id,
  user_id: `u-${id}`,
  login: `user${id}`,
  name: `User${id}`,
  color: null,
  badges: [],
  text: `hello ${id}`,
  emotes: [],
  command: false,
  action: false,
  ts: 1000 + Number(id),
  ...over,
});

describe('chat log', () => {
  it('keeps the newest lines, drops duplicates and applies moderation', () => {
    const log = new ChatLog();
    let calls = 0;
    log.subscribe(() => calls++);
    log.apply(parseBatch({ lines: Array.from({ length: 70 }, (_, i) => line(String(i))) }));
    expect(log.all.length).toBe(HISTORY);
    expect(log.all[0]?.id).toBe('20');
    log.apply(parseBatch({ lines: [line('69')] }));
    expect(log.all.length).toBe(HISTORY);
    log.apply(parseBatch({ lines: [], deleted: ['21'], cleared_users: ['u-22'] }));
    expect(log.all.map((l) => l.id)).not.toContain('21');
    expect(log.all.map((l) => l.id)).not.toContain('22');
    log.apply(parseBatch({ lines: [line('x')], cleared_all: true }));
    expect(log.all.map((l) => l.id)).toEqual(['x']);
    log.reset([line('a'), line('b')]);
    expect(log.all.map((l) => l.id)).toEqual(['a', 'b']);
    expect(calls).toBe(5);
  });

  it('parses wire lines defensively', () => {
    expect(parseLine({ text: 'no id' })).toBeNull();
    expect(parseLine('junk')).toBeNull();
    const l = parseLine({ id: '1', text: 'hi', login: 'fan', emotes: [{ id: '25', start: 3, end: 1 }, { id: '25', start: 0, end: 1 }, 'x'], badges: ['vip/1', 7] });
    expect(l?.name).toBe('fan');
    expect(l?.emotes).toEqual([{ id: '25', start: 0, end: 1 }]);
    expect(l?.badges).toEqual(['vip/1']);
  });

  it('shows the last N lines without commands, bots or cleared ones', () => {
    const lines = [
      line('1', { ts: 100 }),
      line('2', { command: true }),
      line('3', { login: 'Nightbot' }),
      line('4'),
      line('5'),
      line('6'),
    ];
    const c = chatConfig({ max_lines: 2, hide_bots: ['nightbot'], cleared_at_ms: 500 });
    expect(visibleLines(lines, c).map((l) => l.id)).toEqual(['5', '6']);
    const all = chatConfig({ max_lines: 10, hide_commands: false, hide_bots: [] });
    expect(visibleLines(lines, all).length).toBe(6);
    expect(chatConfig({ max_lines: 500 }).maxLines).toBe(HISTORY);
  });

  it('cuts text at emotes by code point', () => {
    expect(segments('Kappa hi Kappa', [{ id: '25', start: 0, end: 4 }, { id: '25', start: 9, end: 13 }])).toEqual([
      { text: 'Kappa', emote: '25' },
      { text: ' hi ' },
      { text: 'Kappa', emote: '25' },
    ]);
    // An emoji before the emote counts as one position, as in Twitch's tags.
    expect(segments('😀 Kappa', [{ id: '25', start: 2, end: 6 }])).toEqual([{ text: '😀 ' }, { text: 'Kappa', emote: '25' }]);
    // Out of range or overlapping spans are left as text.
    expect(segments('hi', [{ id: '1', start: 0, end: 9 }])).toEqual([{ text: 'hi' }]);
    expect(segments('<script>', [])).toEqual([{ text: '<script>' }]);
  });

  it('keeps names readable and labels known badges', () => {
    expect(nameColor('a', '#1E90FF')).toBe('#1E90FF');
    const dark = nameColor('a', '#000080');
    expect(dark).not.toBe('#000080');
    expect(nameColor('fan', null)).toBe(nameColor('fan', null));
    expect(nameColor('fan', 'red')).toMatch(/^#[0-9A-F]{6}$/);
    expect(badgeLabels(['moderator/1', 'glhf-pledge/1', 'subscriber/12'])).toEqual([
      { kind: 'moderator', label: 'Mod' },
      { kind: 'subscriber', label: 'Sub' },
    ]);
  });
});
