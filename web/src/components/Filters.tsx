// Camera and date-range filters plus refresh. Every change goes into the URL.
import type { Camera } from '../model';
import type { Route } from '../route';
import { isDay } from '../route';

export function Filters(props: {
  route: Route;
  cameras: Camera[];
  refreshing: boolean;
  onChange: (r: Route) => void;
  onRefresh: () => void;
}) {
  const { route, cameras } = props;
  type Patch = { [K in 'camera' | 'from' | 'to']?: string | undefined } & { kept?: boolean | undefined };
  const set = (patch: Patch) => {
    const next: Route = { ...route };
    delete next.clip;
    for (const k of Object.keys(patch) as (keyof Patch)[]) {
      const v = patch[k];
      if (v === undefined || v === false) delete next[k];
      else if (k === 'kept') next.kept = true;
      else next[k] = v as string;
    }
    props.onChange(next);
  };
  const day = (v: string) => (v && isDay(v) ? v : undefined);
  const known = cameras.some((c) => c.id === route.camera);
  const filtered = Boolean(route.camera || route.from || route.to || route.kept);
  return (
    <form class="filters" aria-label="Filter clips" onSubmit={(e) => e.preventDefault()}>
      <div class="field">
        <label for="filter-camera">Camera</label>
        <select id="filter-camera" value={route.camera ?? ''} onChange={(e) => set({ camera: e.currentTarget.value || undefined })}>
          <option value="">All cameras</option>
          {cameras.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
          {route.camera && !known ? <option value={route.camera}>{route.camera}</option> : null}
        </select>
      </div>
      <div class="field">
        <label for="filter-from">From</label>
        <input id="filter-from" type="date" value={route.from ?? ''} max={route.to} onChange={(e) => set({ from: day(e.currentTarget.value) })} />
      </div>
      <div class="field">
        <label for="filter-to">To</label>
        <input id="filter-to" type="date" value={route.to ?? ''} min={route.from} onChange={(e) => set({ to: day(e.currentTarget.value) })} />
      </div>
      <div class="field field-check">
        <input id="filter-kept" type="checkbox" checked={Boolean(route.kept)} onChange={(e) => set({ kept: e.currentTarget.checked })} />
        <label for="filter-kept">Kept only</label>
      </div>
      <div class="filter-actions">
        {filtered ? (
          <button type="button" class="btn ghost" onClick={() => set({ camera: undefined, from: undefined, to: undefined, kept: undefined })}>
            Clear filters
          </button>
        ) : null}
        <button type="button" class="btn" onClick={props.onRefresh} disabled={props.refreshing} aria-busy={props.refreshing}>
          <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" class={props.refreshing ? 'spin' : ''}>
            <path d="M20 12a8 8 0 1 1-2.34-5.66M20 4v5h-5" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" />
          </svg>
          {props.refreshing ? 'Checking…' : 'Refresh'}
        </button>
      </div>
    </form>
  );
}
