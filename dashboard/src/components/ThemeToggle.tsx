// The light/dark switch (the choice is saved in this browser).
import { useTheme } from '../theme/ThemeContext';

export function ThemeToggle({ className = '' }: { className?: string }) {
  const { theme, toggle } = useTheme();
  return (
    <button type="button" className={`btn btn-ghost ${className}`} onClick={toggle} data-testid="theme-toggle"
      title="Toggle theme (saved in this browser)">
      <span aria-hidden="true">{theme === 'dark' ? '☀ ' : '☾ '}</span>{theme === 'dark' ? 'Light theme' : 'Dark theme'}
    </button>
  );
}
