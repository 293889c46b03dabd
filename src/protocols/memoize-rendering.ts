/**
 * A pure renderer, remembered per settings object and the JSON of its other arguments.
 *
 * Rendering builds a whole XML or plist document for every answer, while a cached account's settings
 * do not change between its requests. discover hands out the same settings object for the same
 * account and directory answer (createDiscover remembers them), so the renderings hang off that
 * object: they go when it goes, and a repeat costs two map lookups. The other arguments (the
 * provider's names, render options) are compared by their JSON, computed once per object.
 *
 * Only pure functions of immutable, JSON-like arguments may be wrapped (no clock, no randomness);
 * the renderers' golden tests pin their output.
 */
export function memoizeRendering<Settings extends object, Rest extends readonly unknown[], Rendered>(
  render: (settings: Settings, ...rest: Rest) => Rendered,
): (settings: Settings, ...rest: Rest) => Rendered {
  const bySettings = new WeakMap<Settings, Map<string, Rendered>>();
  return (settings, ...rest) => {
    const key = rest.map(jsonOf).join('\0');
    let renderings = bySettings.get(settings);
    if (renderings === undefined) {
      renderings = new Map();
      bySettings.set(settings, renderings);
    }
    const known = renderings.get(key);
    if (known !== undefined) return known;
    const rendered = render(settings, ...rest);
    renderings.set(key, rendered);
    return rendered;
  };
}

const jsonOfObject = new WeakMap<object, string>();

/** JSON of an argument; an object's is computed once (arguments are immutable). */
function jsonOf(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  let json = jsonOfObject.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    jsonOfObject.set(value, json);
  }
  return json;
}
