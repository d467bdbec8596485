// FRAMES_DIST=/path/to/dist: the benchmarks load the overlay page and its assets from that
// directory instead of the server's bundle (Playwright routing), so two builds (before/after a
// change) can be compared against the same server binary in one sitting.
import { existsSync } from 'node:fs';
import { join, normalize } from 'node:path';

export async function routeDist(page, dir = process.env.FRAMES_DIST) {
  if (!dir) return;
  if (!existsSync(join(dir, 'overlay', 'index.html'))) throw new Error(`FRAMES_DIST=${dir} has no overlay/index.html`);
  console.log(`overlay bundle: ${dir} (FRAMES_DIST)`);
  await page.route((url) => url.pathname === '/overlay/' || url.pathname === '/overlay/index.html' || url.pathname.startsWith('/assets/'),
    (route) => {
      const { pathname } = new URL(route.request().url());
      const rel = pathname === '/overlay/' ? 'overlay/index.html' : pathname.slice(1);
      const file = normalize(join(dir, rel));
      if (!file.startsWith(normalize(dir)) || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
      return route.fulfill({ path: file });
    });
}

/**
 * Chromium flags for a routed bundle: a page fulfilled by Playwright counts as a public
 * address, so its WebSocket to 127.0.0.1 would be blocked by Local Network Access checks.
 * Compare two bundles with FRAMES_DIST set for both, so that both runs get the same flags.
 */
export function distArgs(args, dir = process.env.FRAMES_DIST) {
  return dir ? [...args, '--disable-features=LocalNetworkAccessChecks'] : args;
}
