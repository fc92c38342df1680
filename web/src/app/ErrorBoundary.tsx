import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State { error: unknown }

/**
 * Catches a page that failed to render or to load its code (after a new release replaced the old
 * chunks, a lazy import fails) and offers a reload instead of a blank screen. Give it a `key` that
 * changes with the page so moving elsewhere clears the error.
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('page failed', error, info.componentStack);
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    const chunk = this.state.error instanceof TypeError && /dynamically imported module|Importing a module script/i.test(this.state.error.message);
    return (
      <section className="full-state" role="alert">
        <h1>{chunk ? 'Orderdeck has been updated' : 'This page failed'}</h1>
        <p>{chunk ? 'Reload to get the new version of this page.' : 'Something went wrong while showing this page. Reloading usually helps; if not, tell your administrator.'}</p>
        <button type="button" className="btn btn-primary" onClick={() => window.location.reload()}>Reload</button>
      </section>
    );
  }
}
