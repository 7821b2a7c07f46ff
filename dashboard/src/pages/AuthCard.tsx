// The frame of the login and signup pages, and the list of server errors they show.
import type { ReactNode } from 'react';
import { ThemeToggle } from '../components/ThemeToggle';

export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="auth-page" id="main">
      <ThemeToggle className="auth-theme" />
      <div className="auth-brand">
        <h1>SecuraFlow</h1>
        <p className="muted">Real-time API Security &amp; Monitoring</p>
      </div>
      <section className="card auth-card" aria-labelledby="auth-title">
        <h2 id="auth-title">{title}</h2>
        {children}
      </section>
    </main>
  );
}

export function FormErrors({ messages }: { messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <div className="form-error" role="alert" data-testid="form-error">
      {messages.length === 1 ? <p>{messages[0]}</p> : <ul>{messages.map((m) => <li key={m}>{m}</li>)}</ul>}
    </div>
  );
}
