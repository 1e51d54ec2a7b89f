// The headless server's access key, on the page's side. `kling-archive serve` prints
// `http://127.0.0.1:<port>/#key=<key>`: the fragment never travels to a server, and the page moves
// the key into sessionStorage (this origin and this tab only) and out of the address bar and history.
// The key is sent as a header by the client; it is never a cookie, which every port would receive.
const STORAGE_KEY = 'kling-archive.key';

export interface KeyPlace {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  history: Pick<History, 'replaceState' | 'state'>;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
}

/** The key from the address (kept, then removed from it) or from this tab's earlier visit; null if none. */
export function takeLaunchKey(place: KeyPlace): string | null {
  const match = /^#key=([\w-]+)$/.exec(place.location.hash);
  if (match?.[1]) {
    place.storage.setItem(STORAGE_KEY, match[1]);
    place.history.replaceState(place.history.state, '', `${place.location.pathname}${place.location.search}`);
    return match[1];
  }
  return place.storage.getItem(STORAGE_KEY);
}
