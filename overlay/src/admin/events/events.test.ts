import { describe as group, expect, it } from 'vitest';
import { ago, describe, eventsPath, money } from './events';

group('event texts', () => {
  it('reads each kind like a streamer says it', () => {
    expect(describe({ kind: 'cheer', amount: 1500, currency: '', detail: '' })).toBe('cheered 1,500 bits');
    expect(describe({ kind: 'gift_sub', amount: 1, currency: '', detail: '' })).toBe('gifted a sub');
    expect(describe({ kind: 'gift_sub', amount: 20, currency: '', detail: '' })).toBe('gifted 20 subs');
    expect(describe({ kind: 'sub', amount: 1, currency: '', detail: '3' })).toBe('subscribed at tier 3');
    expect(describe({ kind: 'resub', amount: 12, currency: '', detail: '' })).toBe('resubscribed · 12 months');
    expect(describe({ kind: 'donation', amount: 25.5, currency: 'EUR', detail: '' })).toBe('donated €25.50');
    expect(describe({ kind: 'redemption', amount: 500, currency: '', detail: 'Hydrate' })).toBe('redeemed Hydrate');
    expect(money(12, 'chf')).toBe('12 CHF');
  });

  it('says how long ago', () => {
    const now = 10_000_000_000;
    expect(ago(now - 5_000, now)).toBe('just now');
    expect(ago(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(ago(now - 3 * 3_600_000, now)).toBe('3 h ago');
    expect(ago(now - 26 * 3_600_000, now)).toBe('yesterday');
    expect(ago(now - 5 * 86_400_000, now)).toBe('5 days ago');
  });

  it('asks the API for the filter and page', () => {
    expect(eventsPath('all', null, 50)).toBe('/api/events?limit=50');
    expect(eventsPath('subs', 40, 50)).toBe('/api/events?kind=sub%2Cresub&before=40&limit=50');
    expect(eventsPath('cheers', null, 50, 'csv')).toBe('/api/events?kind=cheer&format=csv');
  });
});
