// Catches a render error in one panel so the rest of the page keeps working (the reference
// had a single boundary for the whole app).
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props { name: string; children: ReactNode }
interface State { error: Error | null }

export class ErrorBoundary extends Component<Props, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    // Kept for whoever opens the console; the panel shows the short version.
    console.warn(`Panel "${this.props.name}" failed:`, error, info.componentStack);
  }

  render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <div className="state state-error" role="alert">
        <strong>This panel could not be shown.</strong>
        <span className="muted">{this.state.error.message}</span>
        <button type="button" className="btn btn-small" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
