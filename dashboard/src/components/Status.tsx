/** A job status as a coloured badge (the word is always shown, colour is only a hint). */
export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge status-${status}`}>{status}</span>;
}

/** A short local time with milliseconds. */
export function time(iso: string | number): string {
  const d = new Date(iso);
  return `${d.toLocaleTimeString(undefined, { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** An error line from an ApiError or anything thrown. */
export function ErrorLine({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  const e = error as { code?: string; message?: string };
  return (
    <p class="error" role="alert">
      {e.code !== undefined ? <strong>{e.code}: </strong> : null}
      {e.message ?? String(error)}
    </p>
  );
}
