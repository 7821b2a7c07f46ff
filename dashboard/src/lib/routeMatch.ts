// Finds the route template (/api/users/{id}) a concrete path (/api/users/42) belongs to,
// among the templates /api/endpoints lists: exact matches first, then the template with the
// fewest placeholders.
export function templateMatches(template: string, path: string): boolean {
  const t = template.split('?')[0]?.split('/') ?? [];
  const p = path.split('?')[0]?.split('/') ?? [];
  if (t.length !== p.length) return false;
  return t.every((seg, i) => (seg.startsWith('{') && seg.endsWith('}') ? (p[i] ?? '') !== '' : seg === p[i]));
}

export function findTemplate(templates: readonly string[], path: string): string | null {
  if (templates.includes(path)) return path;
  const candidates = templates.filter((t) => templateMatches(t, path));
  candidates.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));
  return candidates[0] ?? null;
}
