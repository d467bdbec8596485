// Browser autoplay: OBS plays sound without a click, a normal browser tab may
// not. When a play() is refused for that reason, a one-line hint appears at
// the bottom; the first click anywhere unlocks sound and retries what was
// refused. In OBS no play() is ever refused, so the hint never shows.
const retries = new Set<() => void>();
let hint: HTMLElement | null = null;

function unlock(): void {
  hint?.remove();
  hint = null;
  const pending = [...retries];
  retries.clear();
  for (const retry of pending) retry();
}

/** `retry` is called after the viewer's click (if still wanted). */
export function autoplayBlocked(retry: () => void): void {
  retries.add(retry);
  if (hint) return;
  const button = document.createElement('button');
  button.type = 'button';
  hint = button;
  hint.id = 'sound-hint';
  hint.textContent = '🔇 Click to enable sound';
  document.body.append(hint);
  document.addEventListener('pointerdown', unlock, { once: true, capture: true });
}

/** The media stopped wanting to play (hidden, deleted): forget its retry. */
export function forgetRetry(retry: () => void): void {
  retries.delete(retry);
}

export function isAutoplayError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'NotAllowedError';
}
