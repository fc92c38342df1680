/** A plain JSON object (not an array, not null). */
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Equal as JSON: an absent property and one set to undefined are the same. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}
const sorted = (v: unknown): unknown => (Array.isArray(v) ? v.map(sorted)
  : isObject(v) ? Object.fromEntries(Object.keys(v).filter((k) => v[k] !== undefined).sort().map((k) => [k, sorted(v[k])])) : v);

export interface Rebased {
  /** The newest settings with the user's changes on top. */
  merged: Record<string, unknown>;
  /** Where the user's own value was put back ("rules.blocked_ip.weight"). */
  reapplied: string[];
  /** Of those, the ones the other person changed too: the user's value is shown, theirs is lost unless re-entered. */
  overridden: string[];
}

/**
 * Re-bases a draft saved against `base` onto `theirs`, the newer version someone else saved: every value
 * the user changed (from `base`) is put on `theirs`, everything else is theirs. Objects are merged key by
 * key, so two people changing different rules both keep their change; a list is one value (changed or not).
 */
export function rebaseDraft(base: Record<string, unknown>, mine: Record<string, unknown>, theirs: Record<string, unknown>): Rebased {
  const reapplied: string[] = [];
  const overridden: string[] = [];
  const walk = (b: unknown, m: unknown, t: unknown, path: string): unknown => {
    if (sameJson(m, b)) return t;
    if (isObject(b) && isObject(m) && isObject(t)) {
      const out: Record<string, unknown> = { ...t };
      for (const key of new Set([...Object.keys(m), ...Object.keys(b)])) {
        const next = walk(b[key], m[key], t[key], path ? `${path}.${key}` : key);
        if (next === undefined) delete out[key];
        else out[key] = next;
      }
      return out;
    }
    reapplied.push(path);
    if (!sameJson(t, b) && !sameJson(t, m)) overridden.push(path);
    return m;
  };
  const merged = { ...theirs };
  for (const key of Object.keys(mine)) {
    if (key === 'version') continue;
    merged[key] = walk(base[key], mine[key], theirs[key], key);
  }
  return { merged, reapplied, overridden };
}
