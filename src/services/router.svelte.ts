/** The current route as reactive state, following the location hash. */
import { parseRoute, type Route } from './router';

export { href, parseRoute, type Route } from './router';

export const router = $state<{ route: Route }>({ route: parseRoute(globalThis.location?.hash ?? '') });

export function startRouter(): () => void {
  const update = (): void => {
    router.route = parseRoute(location.hash);
  };
  const change = (): void => {
    update();
    // A new view starts at its top, not at the scroll position of the one before.
    window.scrollTo(0, 0);
  };
  window.addEventListener('hashchange', change);
  update();
  return () => window.removeEventListener('hashchange', change);
}

export function go(to: string): void {
  location.hash = to;
}
