// One number with what it counts and over which window.
interface Props {
  title: string;
  value: string;
  detail?: string;
  tone?: 'good' | 'warn' | 'bad';
  testId?: string;
  raw?: number | null;
}

export function StatCard({ title, value, detail, tone, testId, raw }: Props) {
  return (
    <div className={`card stat ${tone ? `stat-${tone}` : ''}`} data-testid={testId} data-value={raw ?? undefined}>
      <div className="stat-title">{title}</div>
      <div className="stat-value">{value}</div>
      {detail && <div className="stat-detail muted">{detail}</div>}
    </div>
  );
}
