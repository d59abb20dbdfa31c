/**
 * Time zones' offsets by UTC hour, as Intl gave them to the build for the built-in packs' zones
 * (scripts/parse-packs.mjs, report/local-time.ts `zoneOffsetChanges`), under one tz database: a report prints
 * local times of those hours without making an Intl.DateTimeFormat, ~11 ms of a small pretty check.
 * config/parse.ts hands the build's table over (knowZoneOffsets); another tz database or ICU leaves it unused.
 */

/** From `hour` (UTC hours since 1970) on, the zone's offset in milliseconds; null for an hour that holds a change. */
export type OffsetChange = [hour: number, offset: number | null];

/** What the build wrote: the engine it asked, the hours covered [from, to), and each zone's changes in order. */
export interface ZoneOffsetTable {
  tz: string;
  icu: string;
  from: number;
  to: number;
  zones: Record<string, OffsetChange[]>;
}

let known: { from: number; to: number; zones: Map<string, OffsetChange[]> } | undefined;

const isChange = (value: unknown): value is OffsetChange =>
  Array.isArray(value) && value.length === 2 && Number.isInteger(value[0]) && (value[1] === null || Number.isInteger(value[1]));

/** Takes the build's table when it was made under this process's tz database and ICU, in place of any before. */
export function knowZoneOffsets(data: unknown): void {
  known = undefined;
  if (typeof data !== 'object' || data === null) return;
  const { tz, icu, from, to, zones } = data as Partial<ZoneOffsetTable>;
  if (tz === undefined || tz !== process.versions.tz || icu !== process.versions.icu || !Number.isInteger(from) || !Number.isInteger(to)) return;
  if (typeof zones !== 'object' || zones === null) return;
  const taken = new Map<string, OffsetChange[]>();
  for (const [zone, changes] of Object.entries(zones)) {
    // Each zone's list starts at `from` and goes forward, or the zone is left to Intl.
    if (Array.isArray(changes) && changes.every(isChange) && changes[0]?.[0] === from && changes.every((c, i) => i === 0 || c[0] > (changes[i - 1] as OffsetChange)[0])) {
      taken.set(zone, changes);
    }
  }
  known = { from: from as number, to: to as number, zones: taken };
}

/** The zone's offset through UTC `hour` from the build's table: NaN when a change falls in it, undefined when not known. */
export function knownZoneOffset(zone: string, hour: number): number | undefined {
  if (!known || hour < known.from || hour >= known.to) return undefined;
  const changes = known.zones.get(zone);
  if (!changes) return undefined;
  // The last change at or before the hour.
  let low = 0;
  let high = changes.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((changes[mid] as OffsetChange)[0] <= hour) low = mid;
    else high = mid - 1;
  }
  const offset = (changes[low] as OffsetChange)[1];
  return offset === null ? Number.NaN : offset;
}
