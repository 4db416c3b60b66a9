// A clip or camera thumbnail, with a quiet placeholder when there is none or
// its (signed, short-lived) URL no longer loads.
import { useState } from 'preact/hooks';

export function Thumb(props: { url?: string | undefined; label: string; badge?: string | undefined }) {
  const [failed, setFailed] = useState<string | null>(null);
  const show = props.url && failed !== props.url;
  return (
    <span class="thumb">
      {show ? (
        <img src={props.url} alt="" loading="lazy" decoding="async" onError={() => setFailed(props.url ?? null)} />
      ) : (
        <span class="thumb-placeholder" aria-hidden="true">
          <svg viewBox="0 0 24 24" width="28" height="28">
            <rect x="2" y="6" width="14" height="12" rx="3" fill="currentColor" />
            <path d="M16 10.5 22 7v10l-6-3.5z" fill="currentColor" />
          </svg>
        </span>
      )}
      {props.badge ? <span class="thumb-badge">{props.badge}</span> : null}
    </span>
  );
}
