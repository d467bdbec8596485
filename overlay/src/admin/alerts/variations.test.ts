import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  cleanTemplate,
  eventBody,
  fetchPreview,
  lineError,
  lineMap,
  lookSummary,
  newRule,
  parseRule,
  parseVariations,
  ruleCount,
  ruleProblem,
  sampleEvent,
  serializeRule,
  serializeVariations,
  variablesFor,
  type RuleRow,
  type VariationRow,
} from './variations';

const rule = (over: Partial<RuleRow>): RuleRow => ({ ...newRule('amount'), ...over });

describe('parse', () => {
  it('reads the example rule with every look', () => {
    const r = parseRule('amount >= 100: image 12|14, sound 7, duration 15, priority 5, confetti, headline "{user} is a legend!", message "{message}"');
    expect(r).toEqual(rule({ value: 100, images: [12, 14], sounds: [7], duration: 15, priority: 5, confetti: true, headline: '{user} is a legend!', message: '{message}' }));
  });
  it('reads every operator, decimals and negative numbers', () => {
    expect(parseRule('bits > 99.5: confetti')).toMatchObject({ variable: 'bits', op: '>', value: 99.5 });
    expect(parseRule('months=12:confetti')).toMatchObject({ variable: 'months', op: '=', value: 12, confetti: true });
    expect(parseRule('tier <= 2: duration 4.5')).toMatchObject({ op: '<=', value: 2, duration: 4.5 });
    expect(parseRule('viewers < -1: priority -3')).toMatchObject({ op: '<', value: -1, priority: -3 });
  });
  it('is case-insensitive about names and looks, like the daemon', () => {
    expect(parseRule('Amount >= 5: Confetti, HEADLINE "Hi"')).toMatchObject({ variable: 'amount', confetti: true, headline: 'Hi' });
  });
  it('accepts a rule with no looks (it matches and keeps the widget look)', () => {
    expect(parseRule('amount >= 5:')).toEqual(rule({ value: 5 }));
  });
  it('keeps commas and colons inside quoted templates', () => {
    expect(parseRule('amount >= 1: headline "Wow, {user}: thanks", confetti')).toMatchObject({ headline: 'Wow, {user}: thanks', confetti: true });
  });
  it('accepts an unquoted template (older texts)', () => {
    expect(parseRule('amount >= 1: headline {user} rocks')).toMatchObject({ headline: '{user} rocks' });
  });
  it('gives up on what it cannot show as a rule', () => {
    for (const line of [
      '# big donations',
      'amount >= 100 confetti',
      'amount >= lots: confetti',
      'amount ~ 5: confetti',
      'money >= 5: confetti',
      'amount >= 5: sparkles',
      'amount >= 5: duration fast',
      'amount >= 5: duration 0',
      'amount >= 5: priority 1.5',
      'amount >= 5: confetti yes',
      'amount >= 5: image 12|x',
      'amount >= 5: sound',
      'amount >= 5: headline ""',
      'amount >= 5: headline "a"b"',
      'amount >= 5: duration 3, duration 4',
      'amount >= NaN: confetti',
      'amount >= inf: confetti',
    ]) {
      expect(parseRule(line), line).toBeNull();
    }
  });
});

describe('rows from text and back', () => {
  const text = [
    '# the big ones first',
    'amount >= 100: image 12|14, sound 7, duration 15, confetti, headline "{user} is a legend!"',
    '',
    'amount >= 20: duration 10',
    'amount >= 5: sparkles',
    '   ',
    'amount < 1:',
  ].join('\n');

  it('keeps unknown and comment lines as raw rows, exactly, and drops blank ones', () => {
    const rows = parseVariations(text);
    expect(rows.map((r) => r.kind)).toEqual(['raw', 'rule', 'rule', 'raw', 'rule']);
    expect(rows[0]).toEqual({ kind: 'raw', text: '# the big ones first' });
    expect(rows[3]).toEqual({ kind: 'raw', text: 'amount >= 5: sparkles' });
  });

  it('round-trips: parse(serialize(rows)) equals rows', () => {
    const rows = parseVariations(text);
    expect(parseVariations(serializeVariations(rows))).toEqual(rows);
    const edited: VariationRow[] = [
      rule({ variable: 'months', op: '=', value: 12, headline: '$user: a year!', message: '%user% said {message}', images: [3], sounds: [4, 5, 6], priority: -2, duration: 7.5 }),
      { kind: 'raw', text: '# note: keep' },
      rule({ variable: 'tier', op: '<', value: 3, confetti: true }),
      rule({ value: 0.5 }),
    ];
    expect(parseVariations(serializeVariations(edited))).toEqual(edited);
  });

  it('writes the grammar the daemon reads', () => {
    expect(serializeRule(rule({ value: 100, images: [12, 14], sounds: [7], duration: 15, confetti: true, headline: '{user} is a legend!' }))).toBe(
      'amount >= 100: image 12|14, sound 7, duration 15, confetti, headline "{user} is a legend!"',
    );
    expect(serializeRule(rule({ value: 5 }))).toBe('amount >= 5:');
    expect(serializeVariations([rule({ value: 1, message: 'thanks' }), { kind: 'raw', text: '  ' }, { kind: 'raw', text: '# x' }])).toBe('amount >= 1: message "thanks"\n# x');
  });

  it('never lets a quote or a line break into a template', () => {
    expect(serializeRule(rule({ value: 1, headline: 'say "hi"\nnow' }))).toBe('amount >= 1: headline "say hinow"');
    expect(cleanTemplate('a "b"')).toEqual({ text: 'a b', changed: true });
    expect(cleanTemplate('{user}!')).toEqual({ text: '{user}!', changed: false });
    expect(serializeVariations([{ kind: 'raw', text: 'a\nb' }])).toBe('a b');
  });

  it('maps the daemon’s line numbers to rows (blank rows written as nothing)', () => {
    const rows: VariationRow[] = [{ kind: 'raw', text: '# a' }, { kind: 'raw', text: '' }, rule({ value: 1 })];
    expect(lineMap(rows)).toEqual({ lines: ['# a', 'amount >= 1:'], rowOfLine: [0, 2] });
  });
});

describe('per-class variables and samples', () => {
  it('offers only the numbers each alert carries', () => {
    expect(variablesFor('FollowerAlertWidget')).toEqual([]);
    expect(variablesFor('SubscriberAlertWidget')).toEqual(['months', 'tier', 'count']);
    expect(variablesFor('DonationAlertWidget')).toEqual(['amount']);
    expect(variablesFor('RaidAlertWidget')).toEqual(['viewers']);
    expect(variablesFor('CheerAlertWidget')).toEqual(['bits']);
    expect(variablesFor('SomethingElse')).toEqual(['amount', 'months', 'tier', 'viewers', 'bits', 'count']);
  });
  it('prefills the preview event with sensible values', () => {
    expect(sampleEvent('DonationAlertWidget')).toEqual({ user: 'PixelQueen', amount: 25, message: 'Love the stream!' });
    expect(sampleEvent('RaidAlertWidget')).toEqual({ user: 'PixelQueen', viewers: 50 });
    expect(sampleEvent('FollowerAlertWidget')).toEqual({ user: 'PixelQueen' });
    expect(Object.keys(sampleEvent('SubscriberAlertWidget'))).toEqual(['user', 'months', 'tier', 'count', 'message']);
  });
  it('a new rule starts with a threshold worth celebrating', () => {
    expect(newRule('bits')).toMatchObject({ variable: 'bits', op: '>=', value: 1000 });
  });
});

describe('problems and messages', () => {
  it('finds what the daemon would refuse before asking', () => {
    expect(ruleProblem(rule({ value: null }))).toMatch(/number/);
    expect(ruleProblem(rule({ value: 1, duration: 0.05 }))).toMatch(/0.1 to 120/);
    expect(ruleProblem(rule({ value: 1, duration: 121 }))).toMatch(/duration/);
    expect(ruleProblem(rule({ value: 1, duration: 120 }))).toBeNull();
    expect(ruleProblem(rule({ value: 1, priority: 1.5 }))).toMatch(/whole/);
    expect(ruleProblem(rule({ value: 1 }))).toBeNull();
    expect(ruleProblem({ kind: 'raw', text: 'whatever' })).toBeNull();
  });
  it('reads the line out of the daemon’s message', () => {
    expect(lineError("line 2: unknown look 'foo' (duration, …)")).toEqual({ line: 2, text: "unknown look 'foo' (duration, …)" });
    expect(lineError('variations: line 3: media 9 is not in the media library')).toEqual({ line: 3, text: 'media 9 is not in the media library' });
    expect(lineError('variations: too long')).toBeNull();
  });
  it('summarises a collapsed rule', () => {
    expect(lookSummary(rule({ value: 1, duration: 15, confetti: true, headline: 'Hi', images: [1, 2], sounds: [3] }), (id) => `file${id}`)).toEqual([
      '15 s',
      'confetti',
      '“Hi”',
      '2 images (random)',
      '♪ file3',
    ]);
  });
});

describe('rule count', () => {
  it('counts rules, not notes or blank lines', () => {
    expect(ruleCount('# big\namount >= 1: confetti\n\n  \namount >= 5: sparkles')).toBe(2);
    expect(ruleCount(undefined)).toBe(0);
    expect(ruleCount('')).toBe(0);
  });
});

describe('the preview request (mocked daemon)', () => {
  afterEach(() => vi.unstubAllGlobals());
  const answer = (status: number, body: unknown) => vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));

  it('sends the unsaved rules and the sample event, and returns the daemon’s render', async () => {
    const result = { feature: 'show_donation', rule: 1, headline: 'PixelQueen is a legend!', message: 'gg', duration_ms: 15000, priority: 0, confetti: true, image: { id: 12, name: 'big.gif', url: '/media/12/big.gif' }, sound: null };
    const fetch = answer(200, result);
    vi.stubGlobal('fetch', fetch);
    const out = await fetchPreview(5, 'amount >= 100: duration 15', { user: 'PixelQueen', amount: '150', message: 'gg' });
    expect(out).toEqual({ ok: true, result });
    const [path, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(path).toBe('/api/alerts/preview');
    expect(init.method).toBe('POST');
    expect(JSON.parse(String(init.body))).toEqual({ widget_id: 5, parameters: { variations: 'amount >= 100: duration 15' }, event: { user: 'PixelQueen', amount: 150, message: 'gg' } });
  });

  it('names the refused line', async () => {
    vi.stubGlobal('fetch', answer(422, { error: { code: 'validation_failed', message: "line 2: unknown look 'foo'", field: 'parameters.variations' } }));
    expect(await fetchPreview(5, 'x', {})).toEqual({ ok: false, status: 422, line: 2, message: "unknown look 'foo'", missing: false });
  });

  it('tells an older daemon (no such endpoint) from an unknown widget', async () => {
    vi.stubGlobal('fetch', answer(404, { error: { code: 'not_found', message: 'no such endpoint' } }));
    expect(await fetchPreview(5, '', {})).toMatchObject({ ok: false, missing: true });
    vi.stubGlobal('fetch', answer(404, { error: { code: 'not_found', message: 'widget 5 not found' } }));
    expect(await fetchPreview(5, '', {})).toMatchObject({ ok: false, missing: false, line: null, message: 'widget 5 not found' });
  });

  it('leaves out empty sample numbers', () => {
    expect(eventBody({ user: 'A', amount: '', bits: 'x', months: 3 })).toEqual({ user: 'A', months: 3 });
    expect(eventBody({ amount: '4.5', viewers: '12.4', bits: -3 })).toEqual({ amount: 4.5, viewers: 12, bits: 0 });
  });

  it('names the trigger and the seed when asked', async () => {
    const fetch = answer(200, { rule: null, headline: '', message: '', duration_ms: 1, priority: 0, confetti: false, image: null, sound: null });
    vi.stubGlobal('fetch', fetch);
    await fetchPreview(7, '', { count: 5 }, { feature: 'trigger_gift', seed: 42 });
    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(JSON.parse(String(init.body))).toEqual({ widget_id: 7, parameters: { variations: '' }, event: { count: 5 }, feature: 'trigger_gift', seed: 42 });
  });
});
