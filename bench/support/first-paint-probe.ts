// The renderer benchmarks' probe, installed in the page before the app's own scripts: long tasks
// from the start (buffered); the moment the first gallery cell holds its item (a MutationObserver
// sees the DOM change); the main thread done with the frame after it (a frame plus a message
// later); and the first paint: when that cell's own content (its caption's text, or its cover) was
// first on screen, as Element Timing reports it (the presentation time of the frame that painted
// it, raster included). The probe says so on the console (as it says when the gallery shows its
// own error instead): a bench waits for that message, so that nothing of Playwright's runs in the
// page before the first paint.

export interface BenchWindow {
  __bench: {
    longTasks: { start: number; duration: number }[];
    firstCell?: number;
    /** the main thread has produced the frame after the first cell was filled (it may still be on its way to the screen) */
    firstFrame?: number;
    firstPaint?: number;
  };
}

/** An Element Timing entry (not in TypeScript's DOM types yet). */
interface ElementTiming {
  identifier: string;
  /** when the frame that painted it was presented; 0 for a cross-origin image without Timing-Allow-Origin */
  renderTime: number;
  loadTime: number;
}

/** Console messages from the probe start with this. */
export const PROBE = 'kling-bench:';

/** Runs in the page (serialized by Playwright: it may use nothing from outside itself). */
export function pageProbe(prefix: string): void {
  const IDENTIFIER = 'kling-bench-first-cell';
  const bench: BenchWindow['__bench'] = { longTasks: [] };
  (window as unknown as BenchWindow).__bench = bench;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  // The first cell's own content painted: its elements are marked for Element Timing as soon as it
  // holds its item, and the browser reports when their text (or cover) was first painted, at the
  // frame's presentation. A skeleton cell has no text to paint, so it never counts.
  new PerformanceObserver((list) => {
    const entries = list.getEntries() as unknown as ElementTiming[];
    const painted = entries.find((entry) => entry.identifier === IDENTIFIER);
    if (!painted || bench.firstPaint !== undefined) return;
    bench.firstPaint = painted.renderTime || painted.loadTime;
    console.log(`${prefix}painted`);
  }).observe({ type: 'element', buffered: true });
  const observer = new MutationObserver(() => {
    const cell = document.querySelector('[role=gridcell][aria-busy=false]');
    if (!cell) {
      const alert = document.querySelector('main [role=alert]');
      if (alert) {
        observer.disconnect();
        console.log(`${prefix}alert ${alert.textContent ?? ''}`);
      }
      return;
    }
    observer.disconnect();
    bench.firstCell = performance.now();
    for (const element of [cell, ...cell.querySelectorAll('*')])
      element.setAttribute('elementtiming', IDENTIFIER);
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => (bench.firstFrame = performance.now());
      channel.port2.postMessage(0);
    });
  });
  observer.observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['aria-busy'],
  });
}
