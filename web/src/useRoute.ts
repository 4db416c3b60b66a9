// The hash route as Preact state: read on hashchange, written by navigate.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { formatRoute, parseRoute, type Route } from './route';

/** How navigate writes history: push (default) with an optional state, or replace keeping the entry's state. */
export interface NavigateOptions {
  replace?: boolean;
  state?: unknown;
}

/** history.state of an entry that opened the player from the list: closing goes back to it. */
export const PLAYER_STATE = 'camvault.player';

export function useRoute(): [Route, (r: Route, opts?: NavigateOptions) => void] {
  const [route, setRoute] = useState<Route>(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  const navigate = useCallback((r: Route, opts?: NavigateOptions) => {
    const hash = formatRoute(r);
    if (hash === location.hash || (hash === '#/' && location.hash === '')) {
      setRoute(parseRoute(hash));
      return;
    }
    if (opts?.replace) history.replaceState(history.state, '', hash);
    else history.pushState(opts?.state ?? null, '', hash);
    setRoute(parseRoute(hash));
  }, []);
  return [route, navigate];
}
