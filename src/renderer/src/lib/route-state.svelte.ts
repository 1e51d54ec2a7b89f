// The live route, bound to `location.hash`: back/forward and reload restore the view, the search,
// the filters and the open work. Typing in the search box replaces the history entry instead of
// adding one per keystroke.
import {
  DEFAULT_ROUTE,
  formatRoute,
  parseRoute,
  type GalleryFilters,
  type Route,
  type ViewName,
} from './router';

class RouteState {
  current = $state<Route>(DEFAULT_ROUTE);

  constructor() {
    if (typeof window === 'undefined') return;
    this.current = parseRoute(window.location.hash);
    window.addEventListener('hashchange', () => {
      this.current = parseRoute(window.location.hash);
    });
  }

  go(next: Route, { replace = false }: { replace?: boolean } = {}): void {
    const hash = formatRoute(next);
    this.current = next;
    if (hash === window.location.hash || (hash === '#/gallery' && window.location.hash === '')) return;
    if (replace) history.replaceState(history.state, '', hash);
    else history.pushState(history.state, '', hash);
  }

  view(view: ViewName): void {
    this.go({ ...this.current, view, work: null });
  }

  filters(filters: GalleryFilters, options?: { replace?: boolean }): void {
    this.go({ ...this.current, view: 'gallery', filters, work: null }, options);
  }

  openWork(work: string | null, options?: { replace?: boolean }): void {
    this.go({ ...this.current, work }, options);
  }
}

export const route = new RouteState();
