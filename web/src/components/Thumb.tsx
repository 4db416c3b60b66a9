// A clip or camera thumbnail, with a quiet placeholder when there is none or
// its (signed, short-lived) URL no longer loads.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Clip } from '../model';
import type { Thumbnails } from '../thumbnails';

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

/** A clip's still, fetched (signed) only once its card scrolls near the screen. */
export function ClipThumb(props: { clip: Clip; thumbnails: Thumbnails; label: string; badge?: string | undefined }) {
  const { clip, thumbnails } = props;
  const [url, setUrl] = useState<string | null | undefined>(() => thumbnails.cached(clip));
  const el = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const known = thumbnails.cached(clip);
    setUrl(known);
    if (known !== undefined || !el.current) return;
    let live = true;
    const fetchNow = () => {
      void thumbnails.get(clip).then((u) => live && setUrl(u));
    };
    if (typeof IntersectionObserver === 'undefined') {
      fetchNow();
      return () => {
        live = false;
      };
    }
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          io.disconnect();
          fetchNow();
        }
      },
      { rootMargin: '300px 0px' },
    );
    io.observe(el.current);
    return () => {
      live = false;
      io.disconnect();
    };
  }, [clip, thumbnails]);
  return (
    <span ref={el} class="thumb-wrap">
      <Thumb url={url ?? undefined} label={props.label} badge={props.badge} />
    </span>
  );
}
