// The hash route as Preact state: read on hashchange, written by navigate.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { formatRoute, parseRoute, type Route } from './route';

export function useRoute(): [Route, (r: Route, opts?: { replace?: boolean }) => void] {
  const [route, setRoute] = useState<Route>(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  const navigate = useCallback((r: Route, opts?: { replace?: boolean }) => {
    const hash = formatRoute(r);
    if (hash === location.hash || (hash === '#/' && location.hash === '')) {
      setRoute(parseRoute(hash));
      return;
    }
    if (opts?.replace) history.replaceState(history.state, '', hash);
    else history.pushState(history.state, '', hash);
    setRoute(parseRoute(hash));
  }, []);
  return [route, navigate];
}
