/** The current route as reactive state, following the location hash. */
import { parseRoute, type Route } from './router';

export { href, parseRoute, type Route } from './router';

export const router = $state<{ route: Route }>({ route: parseRoute(globalThis.location?.hash ?? '') });

export function startRouter(): () => void {
  const update = (): void => {
    router.route = parseRoute(location.hash);
  };
  window.addEventListener('hashchange', update);
  update();
  return () => window.removeEventListener('hashchange', update);
}

export function go(to: string): void {
  location.hash = to;
}
