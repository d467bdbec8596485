// Console logging with a rate limit: an overlay runs for hours inside OBS and
// a misbehaving source must not flood OBS's log.
const WINDOW_MS = 60_000;
const MAX_PER_WINDOW = 40;
let windowStart = 0;
let count = 0;
let suppressed = 0;

function allow(): boolean {
  const now = Date.now();
  if (now - windowStart > WINDOW_MS) {
    if (suppressed > 0) console.warn(`[stagehand overlay] ${suppressed} messages suppressed`);
    windowStart = now;
    count = 0;
    suppressed = 0;
  }
  if (count >= MAX_PER_WINDOW) {
    suppressed++;
    return false;
  }
  count++;
  return true;
}

export function warn(message: string, ...details: unknown[]): void {
  if (allow()) console.warn(`[stagehand overlay] ${message}`, ...details);
}

export function info(message: string, ...details: unknown[]): void {
  if (allow()) console.info(`[stagehand overlay] ${message}`, ...details);
}
