// The page a share link opens (#/s/<token>): one clip, played and
// downloadable with no sign-in, or a clear page saying why not.
import { useEffect, useState } from 'preact/hooks';
import type { Config } from '../config';
import { captureTime } from '../format';
import { openShare, type ShareFailure, type SharedClip } from '../share';
import { Logo } from './App';

type Load = { status: 'loading' } | { status: 'ready'; clip: SharedClip } | { status: 'failed'; why: ShareFailure };

const failures: Record<ShareFailure, { title: string; text: string }> = {
  notFound: { title: 'This link does not work', text: 'There is no shared clip at this address. Check that the whole link was copied.' },
  gone: { title: 'This link has ended', text: 'The person who shared this clip set it to expire, or revoked it, or the clip was deleted. Ask them for a new link.' },
  throttled: { title: 'Too many requests', text: 'This link is being opened too often. Wait a moment and reload the page.' },
  error: { title: 'The clip could not be loaded', text: 'Something went wrong on the way. Reload the page to try again.' },
};

export function SharePage({ config, token }: { config: Config; token: string }) {
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  useEffect(() => {
    let live = true;
    if (!token) {
      setLoad({ status: 'failed', why: 'notFound' });
      return;
    }
    setLoad({ status: 'loading' });
    openShare(config.apiUrl, token).then((r) => {
      if (live) setLoad(typeof r === 'string' ? { status: 'failed', why: r } : { status: 'ready', clip: r });
    });
    return () => {
      live = false;
    };
  }, [config.apiUrl, token]);

  return (
    <div class="shared-page">
      <header class="shared-head">
        <Logo />
        <span class="brand-name">camvault</span>
        <span class="muted small">shared clip</span>
      </header>
      <main class="shared-main">
        {load.status === 'loading' ? (
          <p role="status" aria-busy="true">
            Opening the shared clip…
          </p>
        ) : load.status === 'failed' ? (
          <div class="panel" role="alert" data-testid="share-failed" data-why={load.why}>
            <h1>{failures[load.why].title}</h1>
            <p>{failures[load.why].text}</p>
          </div>
        ) : (
          <article aria-labelledby="shared-title">
            <h1 id="shared-title">
              {load.clip.cameraName}
              <span class="muted"> · {captureTime(load.clip.capturedAt)}</span>
            </h1>
            <video
              class="video"
              src={load.clip.playUrl}
              poster={load.clip.thumbnailUrl}
              controls
              autoplay
              muted
              playsInline
              preload="auto"
              aria-label={`Shared clip from ${load.clip.cameraName}`}
              data-testid="shared-video"
            />
            <p class="row">
              <a class="btn primary" href={load.clip.downloadUrl} download rel="noopener" data-testid="shared-download">
                Download
              </a>
              <span class="muted small">Shared with you by someone with access to this camera. No sign-in needed.</span>
            </p>
          </article>
        )}
      </main>
    </div>
  );
}
