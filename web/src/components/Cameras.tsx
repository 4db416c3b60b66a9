// The camera strip: each camera with its latest thumbnail, last clip time and
// clip count. Choosing one filters the timeline to it.
import type { Camera } from '../model';
import { relativeTime } from '../format';
import { Thumb } from './Thumb';

export interface CameraList {
  status: 'loading' | 'ready' | 'error';
  items: Camera[];
  error?: string;
}

export function Cameras(props: {
  cameras: CameraList;
  thumbs: Record<string, string | null>;
  selected?: string | undefined;
  now: Date;
  onSelect: (id: string | undefined) => void;
  onRetry: () => void;
}) {
  const { cameras, thumbs, selected, now } = props;
  if (cameras.status === 'loading' && cameras.items.length === 0) {
    return (
      <section class="cameras" aria-label="Cameras" aria-busy="true">
        {[0, 1, 2].map((i) => (
          <div key={i} class="camera-card skeleton" />
        ))}
      </section>
    );
  }
  if (cameras.status === 'error' && cameras.items.length === 0) {
    return (
      <section class="cameras" aria-label="Cameras">
        <div class="state error" role="alert">
          <p>Could not load your cameras. {cameras.error}</p>
          <button type="button" class="btn" onClick={props.onRetry}>
            Try again
          </button>
        </div>
      </section>
    );
  }
  if (cameras.items.length === 0) {
    return (
      <section class="cameras" aria-label="Cameras">
        <div class="state">
          <p>No cameras yet. Clips appear here once a camera uploads its first one.</p>
        </div>
      </section>
    );
  }
  return (
    <section class="cameras" aria-label="Cameras">
      {cameras.items.map((c) => {
        const active = selected === c.id;
        const thumb = c.thumbnailUrl ?? thumbs[c.id];
        return (
          <button
            key={c.id}
            type="button"
            class={active ? 'camera-card active' : 'camera-card'}
            aria-pressed={active}
            data-camera={c.id}
            title={active ? `Show every camera` : `Show only ${c.name}`}
            onClick={() => props.onSelect(active ? undefined : c.id)}
          >
            <Thumb url={thumb ?? undefined} label={c.name} />
            <span class="camera-meta">
              <span class="camera-name">{c.name}</span>
              <span class="muted small">
                {c.lastClipAt ? `Last clip ${relativeTime(c.lastClipAt, now)}` : 'No clips yet'}
                {c.clipCount !== undefined ? ` · ${c.clipCount} ${c.clipCount === 1 ? 'clip' : 'clips'}` : ''}
              </span>
            </span>
          </button>
        );
      })}
    </section>
  );
}
