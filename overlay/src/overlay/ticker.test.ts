import { describe, expect, it } from 'vitest';
import { tickerMotion, tickerSpec } from './ticker';

describe('ticker', () => {
  it('reads the property tolerantly', () => {
    expect(tickerSpec({ text: 'hi' })).toBeNull();
    expect(tickerSpec({ ticker: { speed: 200, direction: 'Right', running: false, gap: 40 } })).toEqual({ speed: 200, direction: 'right', running: false, gap: 40 });
    expect(tickerSpec({ ticker: { speed: 'fast', direction: 'up' } })).toEqual({ speed: 120, direction: 'left', running: true, gap: 96 });
    expect(tickerSpec({ ticker: { speed: 1e9 } })?.speed).toBe(2000);
  });

  it('moves by exactly one copy per cycle at the given speed', () => {
    const left = tickerMotion({ speed: 100, direction: 'left', running: true, gap: 0 }, 1500);
    expect(left?.duration).toBe(15_000);
    expect(left?.keyframes).toEqual([{ transform: 'translateX(0px)' }, { transform: 'translateX(-1500px)' }]);
    const right = tickerMotion({ speed: 100, direction: 'right', running: true, gap: 0 }, 1500);
    expect(right?.keyframes[0]).toEqual({ transform: 'translateX(-1500px)' });
    expect(tickerMotion({ speed: 100, direction: 'left', running: true, gap: 0 }, 0)).toBeNull();
  });
});
