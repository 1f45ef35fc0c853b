import type { Express } from 'express';

export type RouteKey = `${Uppercase<string>} ${string}`;

type Layer = { route?: { path: unknown; methods: Record<string, boolean> } };

/**
 * Every route an express app answers, as "METHOD /path/{param}" (OpenAPI's template syntax), read
 * from the app's router: what the contract tests compare with the documents, both ways.
 */
export function expressRoutes(app: Express): RouteKey[] {
  const stack = (app as unknown as { router: { stack: Layer[] } }).router.stack;
  return stack
    .flatMap(({ route }) => {
      if (!route || typeof route.path !== 'string') return [];
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      return Object.keys(route.methods).map((method) => `${method.toUpperCase()} ${path}` as RouteKey);
    })
    .sort();
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

/** Every operation of an OpenAPI document's `paths`, in the same form. */
export function documentedRoutes(document: { paths: Record<string, Record<string, unknown>> }): RouteKey[] {
  return Object.entries(document.paths)
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => METHODS.has(key))
        .map((method) => `${method.toUpperCase()} ${path}` as RouteKey),
    )
    .sort();
}
