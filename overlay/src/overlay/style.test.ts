import { describe, expect, it } from 'vitest';
import { contentStyle, cssDeclarations, diffStyle, toKebab, typographyStyle, wrapperStyle } from './style';

describe('toKebab', () => {
  it('converts camelCase and vendor prefixes', () => {
    expect(toKebab('backgroundColor')).toBe('background-color');
    expect(toKebab('WebkitTextStroke')).toBe('-webkit-text-stroke');
    expect(toKebab('msTransform')).toBe('-ms-transform');
    expect(toKebab('border-radius')).toBe('border-radius');
    expect(toKebab('--my-Var')).toBe('--my-Var');
  });
});

describe('cssDeclarations', () => {
  it('normalizes names and values', () => {
    expect(cssDeclarations({ borderRadius: 12, 'box-shadow': ' 0 0 4px red ', zIndex: 3, opacity: 0.5, margin: 0 })).toEqual({
      'border-radius': '12px', 'box-shadow': '0 0 4px red', 'z-index': '3', opacity: '0.5', margin: '0',
    });
  });

  it('drops unusable names and values', () => {
    expect(cssDeclarations({ 'bad name': 'x', '1abc': 'x', 'a;b': 'x', color: '', width: Number.NaN, x: {}, y: null, z: true })).toEqual({});
    expect(cssDeclarations(null)).toEqual({});
    expect(cssDeclarations([1, 2])).toEqual({});
    expect(cssDeclarations('color: red')).toEqual({});
  });
});

describe('wrapperStyle', () => {
  it('maps position and size to px', () => {
    expect(wrapperStyle({ position: { x: 100, y: 50.5, z_index: 10 }, size: { width: 300, height: 80 } })).toEqual({
      left: '100px', top: '50.5px', 'z-index': '10', width: '300px', height: '80px',
    });
  });

  it('handles absence and bad types', () => {
    expect(wrapperStyle({})).toEqual({});
    expect(wrapperStyle({ position: 'nope', size: { width: -5, height: 'x' } })).toEqual({});
    expect(wrapperStyle({ position: { x: '12' } })).toEqual({ left: '12px' });
  });

  it('full-stage effects cover the stage but keep z-index', () => {
    expect(wrapperStyle({ position: { x: 300, y: 200, z_index: 50 } }, true)).toEqual({
      'z-index': '50', left: '0px', top: '0px', width: '1920px', height: '1080px',
    });
  });
});

describe('typography and content style', () => {
  it('maps text properties', () => {
    expect(typographyStyle({ font_size: 36, color: '#ff0', font_family: 'Bangers', font_weight: 700, align: 'center' })).toEqual({
      'font-size': '36px', color: '#ff0', 'font-family': 'Bangers, var(--sh-font)', 'font-weight': '700', 'text-align': 'center',
    });
    expect(typographyStyle({ align: 'justify', font_size: -3 })).toEqual({});
  });

  it('clamps opacity and lets css win', () => {
    expect(contentStyle({ opacity: 3, color: 'red', css: { color: 'blue' } }, 'text')).toEqual({ opacity: '1', color: 'blue' });
    expect(contentStyle({ opacity: -1, font_size: 20 }, 'image')).toEqual({ opacity: '0' });
  });
});

describe('diffStyle', () => {
  it('sets changed and removes dropped properties only', () => {
    expect(diffStyle({ left: '1px', top: '2px', color: 'red' }, { left: '1px', top: '3px', width: '4px' })).toEqual({
      set: [['top', '3px'], ['width', '4px']],
      remove: ['color'],
    });
    expect(diffStyle({ a: '1' }, { a: '1' })).toEqual({ set: [], remove: [] });
  });
});
