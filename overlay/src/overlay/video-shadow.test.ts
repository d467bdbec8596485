import { describe, expect, it } from 'vitest';
import { containRect, parseDropShadow } from './views/media';

describe('video shadow', () => {
  it('reads the drop-shadow the widgets write', () => {
    expect(parseDropShadow('drop-shadow(0 10px 24px rgba(0, 0, 0, 0.6))')).toEqual({ x: 0, y: 10, blur: 24, color: 'rgba(0, 0, 0, 0.6)' });
    expect(parseDropShadow(' drop-shadow(-2px 3.5px 0 #000) ')).toEqual({ x: -2, y: 3.5, blur: 0, color: '#000' });
  });
  it('leaves anything else to the filter', () => {
    for (const v of [undefined, 42, '', 'blur(4px)', 'drop-shadow(0 10px 24px black) blur(2px)', 'drop-shadow(black 0 10px 24px)', 'drop-shadow(0 1em 2em black)']) {
      expect(parseDropShadow(v)).toBeNull();
    }
  });
  it('places the picture like object-fit: contain', () => {
    expect(containRect(1280, 720, 640, 360)).toEqual({ left: 0, top: 0, width: 640, height: 360 });
    expect(containRect(1280, 720, 640, 640)).toEqual({ left: 0, top: 140, width: 640, height: 360 });
    expect(containRect(720, 1280, 640, 640)).toEqual({ left: 140, top: 0, width: 360, height: 640 });
  });
});
