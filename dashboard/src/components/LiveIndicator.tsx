// "Live" / "Reconnecting…" / "Offline" in the header, from the stream's state.
import { useLive } from '../live/LiveContext';

const TEXT = { live: 'Live', connecting: 'Connecting…', offline: 'Offline' } as const;

export function LiveIndicator() {
  const { status } = useLive();
  return (
    <span className={`live live-${status}`} role="status" aria-live="polite" data-testid="live-status" data-status={status}>
      <span className="dot" aria-hidden="true" />
      {TEXT[status]}
    </span>
  );
}
