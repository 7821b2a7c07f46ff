// A titled section of a page with its own error boundary.
import type { ReactNode } from 'react';
import { ErrorBoundary } from './ErrorBoundary';

interface Props {
  title: string;
  subtitle?: string;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
}

export function Panel({ title, subtitle, actions, children, className, testId }: Props) {
  const id = `panel-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section className={`panel ${className ?? ''}`} aria-labelledby={id} data-testid={testId}>
      <header className="panel-head">
        <div>
          <h2 id={id}>{title}</h2>
          {subtitle && <p className="muted small">{subtitle}</p>}
        </div>
        {actions && <div className="panel-actions">{actions}</div>}
      </header>
      <ErrorBoundary name={title}>{children}</ErrorBoundary>
    </section>
  );
}
