// Applies the saved or system colour theme before the first paint, so a dark page never
// flashes white. A plain file (not inline) so a strict Content-Security-Policy can allow it.
(function () {
  var t = null;
  try { t = localStorage.getItem('securaflow.theme'); } catch (e) { t = null; }
  if (t !== 'light' && t !== 'dark') {
    t = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }
  document.documentElement.classList.add(t);
})();
