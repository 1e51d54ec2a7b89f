// The tab's title for a route: the view (or the search), then the app.
import type { Route } from './router';

export const APP_NAME = 'Kling Archive';

export function pageTitle(route: Route, downloads = 0): string {
  const q = route.filters.q.trim();
  const view =
    route.view === 'tasks'
      ? downloads > 0
        ? `Tasks (${downloads} downloading)`
        : 'Tasks'
      : route.view === 'settings'
        ? 'Settings'
        : route.work
          ? 'Viewer'
          : q
            ? `Search “${q.length > 40 ? `${q.slice(0, 40)}…` : q}”`
            : route.filters.favorites
              ? 'Favorites'
              : 'Gallery';
  return `${view} · ${APP_NAME}`;
}
