// User Timing marks for the first load (performance.getEntriesByType('mark')): where the time goes
// between the script arriving and the first tiles, read by bench/first-load.profile.ts and visible in
// any DevTools trace. Each mark is made once per page: later queries and grids add none.
const made = new Set<string>();

export function markOnce(name: string): void {
  if (made.has(name) || typeof performance === 'undefined') return;
  made.add(name);
  performance.mark(`kling:${name}`);
}
