import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import { Panel } from './Panel';

function Broken(): JSX.Element { throw new Error('bad data'); }

describe('Panel', () => {
  it('keeps one failing panel from blanking the others', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    render(<><Panel title="One"><Broken /></Panel><Panel title="Two"><p>still here</p></Panel></>);
    expect(screen.getByText('still here')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('This panel could not be shown');
    expect(screen.getByRole('alert').textContent).toContain('bad data');
    warn.mockRestore();
    err.mockRestore();
  });
});
